import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDirectoryFile } from './directory.ts';
import { isValidNpi } from './npi.ts';
import { readDirectorySource } from './sources.ts';

// fixtures/demo-org: the fictional St. Mary's Health used by the demo and the faces tests.
const DIR = fileURLToPath(new URL('../../fixtures/demo-org/', import.meta.url));
const photosPresent = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].every((i) => existsSync(`${DIR}photos/p${String(i).padStart(2, '0')}.jpg`));

test('demo-org: the directory file loads whole, with its partners, known numbers and NPPES extract', { skip: !photosPresent && 'fixtures/demo-org/photos/p01.jpg … p12.jpg not present' }, () => {
  const d = loadDirectoryFile(`${DIR}directory.yaml`);
  const internal = d.persons().filter((p) => p.kind === 'internal');
  assert.ok(internal.length >= 30, `${internal.length} providers`);
  assert.equal(d.persons().filter((p) => p.photos.length > 0).length, 12);
  assert.ok(d.persons().every((p) => isValidNpi(p.npi)));
  assert.ok(new Set(internal.map((p) => p.specialty)).size >= 20, 'varied specialties');
  assert.deepEqual(
    d.organizations().map((o) => [o.name, o.kind, o.domains]),
    [
      ["St. Mary's Health", 'org', ['stmarys-health.org']],
      ['Lakeside Cardiology', 'partner', ['lakesidecardio.com']],
      ['Elmsworth Family Medicine', 'partner', ['elmsworthfm.org']],
    ],
  );
  assert.equal(d.findPersonsByName('Dr. Liz Carter')[0]?.person.photos.length, 1);
  assert.equal(d.phoneOwner('+18005550175')?.kind, 'known');
  assert.ok(d.nppes?.findIndividuals('Helen', 'Marsh').length);
});

test('demo-org: the CSV roster and the FHIR Bundle describe the same providers', { skip: !photosPresent && 'fixtures/demo-org/photos/p01.jpg … p12.jpg not present' }, () => {
  const csv = readDirectorySource(`${DIR}providers.csv`).data.persons;
  const fhir = readDirectorySource(`${DIR}providers.fhir.json`).data.persons;
  const view = (ps: typeof csv) =>
    ps.map((p) => [p.id, p.prefix, p.given, p.family, p.credentials.join(' '), p.specialty, p.emails.join(' '), p.phones.join(' '), p.nicknames.join(' '), p.photos.map((ph) => ('path' in ph ? ph.path : '')).join(' ')]);
  assert.deepEqual(view(csv), view(fhir));
});
