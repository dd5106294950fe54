import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startAdminFixture } from './testing/admin-fixture.ts';
import { ApiClient } from './testing/api-client.ts';
import { photoMatchMessage, startConsoleFixture, type ConsoleFixture, type SentMessage } from './testing/console-fixture.ts';

const PHOTO = fileURLToPath(new URL('../../fixtures/demo-org/photos/p02.jpg', import.meta.url));

describe('the provider directory: browse and import', () => {
  let f: ConsoleFixture;
  let admin: ApiClient;
  before(async () => ({ f, admin } = await startAdminFixture()));
  after(() => f.stop());

  it('lists the people, organisations and known numbers the scanner checks claims against, searchable', async () => {
    const viewer = new ApiClient(f.baseUrl);
    await viewer.login('viewer', f.users.viewer.password);
    const r = await viewer.get('/api/directory?limit=500');
    assert.equal(r.status, 200);
    assert.equal(r.body.source.kind, 'store');
    assert.ok(r.body.total >= 30);
    assert.deepEqual(
      r.body.organizations.map((o: { name: string }) => o.name).sort(),
      ['Elmsworth Family Medicine', 'Lakeside Cardiology', "St. Mary's Health"],
    );
    assert.ok(r.body.knownPhones.some((k: { label: string }) => /nurse advice/.test(k.label)));
    const carter = await viewer.get('/api/directory?q=carter');
    const p = carter.body.persons.find((x: { name: string }) => x.name.includes('Elizabeth Carter'));
    assert.ok(p, JSON.stringify(carter.body.persons));
    assert.equal(p.photos, 1);
    const photo = await fetch(`${f.baseUrl}/api/directory/persons/${encodeURIComponent(p.id)}/photos/0`, { headers: { cookie: viewer.cookie! } });
    assert.equal(photo.status, 200);
    assert.equal(photo.headers.get('content-type'), 'image/jpeg');
    assert.equal(photo.headers.get('content-security-policy'), "default-src 'none'");
    const jpeg = Buffer.from(await photo.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.equal((await viewer.get(`/api/directory/persons/${encodeURIComponent(p.id)}/photos/5`)).status, 404);
  });

  it('imports a roster CSV and a FHIR Bundle with an embedded photo, and audits the import', async () => {
    const csv = 'npi,first_name,last_name,credentials,specialty,email,phone,organization,photo\n3419999990,Grace,Okafor,MD,Neurology,grace.okafor@stmarys-health.org,(617) 555-0199,St. Mary\'s Health,\n';
    const r = await admin.post('/api/directory/import', { filename: 'new-staff.csv', content: csv });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.persons, 1);
    assert.match(r.body.message, /imported 1 people/);
    const found = await admin.get('/api/directory?q=3419999990');
    assert.equal(found.body.total, 1);
    assert.equal(found.body.persons[0]?.specialty, 'Neurology');
    const entry = f.gateway.console!.context.audit.list({ action: 'directory.import' })[0]!;
    assert.equal(entry.actor, 'user:admin');
    assert.equal(entry.detail?.file, 'new-staff.csv');

    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'Practitioner',
            id: 'p-hale',
            identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '3419999982' }],
            name: [{ family: 'Hale', given: ['Morgan'], prefix: ['Dr.'], suffix: ['DO'] }],
            photo: [{ contentType: 'image/jpeg', data: readFileSync(PHOTO).toString('base64') }],
          },
        },
      ],
    };
    const fhir = await admin.post('/api/directory/import', { filename: 'hale.fhir.json', content: JSON.stringify(bundle) });
    assert.equal(fhir.status, 200, fhir.text);
    assert.equal(fhir.body.photos, 1);
  });

  it('refuses a file with bad rows as a whole, listing each problem', async () => {
    const csv = 'npi,first_name,last_name,credentials,specialty,email,phone,organization,photo\n1234567890,Bad,Npi,MD,X,bad@x.example,(617) 555-0100,Org,\n3419999974,No,Phone,MD,X,no.phone@x.example,not-a-phone,Org,\n';
    const r = await admin.post('/api/directory/import', { filename: 'broken.csv', content: csv });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /nothing was imported/);
    assert.ok(r.body.details.length >= 2, JSON.stringify(r.body.details));
    assert.equal((await admin.get('/api/directory?q=no.phone')).body.total, 0);
    const wrongName = await admin.post('/api/directory/import', { filename: 'roster.exe', content: 'x' });
    assert.equal(wrongName.status, 400);
    assert.match(wrongName.body.details.join(' '), /filename/);
  });

  it('refuses uploads that name files on the server: rosters, NPPES extracts, photo paths', async () => {
    const yaml = 'organization:\n  name: Evil\n  domains: [evil.example]\n  rosters: [/etc/passwd.csv]\nnppes: [/etc/shadow]\n';
    const r = await admin.post('/api/directory/import', { filename: 'dir.yaml', content: yaml });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /must be self-contained/);
    assert.doesNotMatch(r.text, /root:/);
    const csv = `npi,first_name,last_name,credentials,specialty,email,phone,organization,photo\n3419999966,Pat,Path,MD,X,pat@x.example,(617) 555-0188,Org,${PHOTO}\n`;
    const p = await admin.post('/api/directory/import', { filename: 'paths.csv', content: csv });
    assert.equal(p.status, 400);
    assert.match(p.body.error, /photos in an upload must be embedded/);
    assert.equal((await admin.get('/api/directory?q=pat@x.example')).body.total, 0);
  });
});

describe('a face from the directory under another name: the side-by-side evidence (real scanner)', () => {
  let f: ConsoleFixture;
  let m: SentMessage;
  before(async () => {
    f = await startConsoleFixture({ mail: 'none', consoleDir: null });
    m = await f.send(photoMatchMessage(), { file: 'photo-match' });
  });
  after(async () => {
    await f.stop();
  });

  it('names the directory person, links their photo and shows the image from the mail', async () => {
    assert.ok(m.quarantineId, `verdict ${m.verdict}`);
    const c = new ApiClient(f.baseUrl);
    await c.login('analyst', f.users.analyst.password);
    const detail = await c.get(`/api/messages/${m.spoolId}`);
    const photoSignal = detail.body.signals.find((s: { id: string }) => s.id.startsWith('DIRECTORY_PHOTO'));
    assert.ok(photoSignal, detail.body.signals.map((s: { id: string }) => s.id).join(', '));
    assert.match(photoSignal.evidence, /Elizabeth Carter/);
    const content = await c.get(`/api/messages/${m.spoolId}/content`);
    assert.equal(content.status, 200);
    const match = content.body.photoMatches[0];
    assert.ok(match, JSON.stringify(content.body.photoMatches));
    assert.match(match.person.name, /Elizabeth Carter/);
    assert.match(match.mailImage.dataUri, /^data:image\/jpeg;base64,/);
    const photo = await fetch(`${f.baseUrl}/api/directory/persons/${encodeURIComponent(match.person.id)}/photos/${match.person.photoIndex}`, { headers: { cookie: c.cookie! } });
    assert.equal(photo.status, 200);
  });
});
