import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../store/database.ts';
import { loadDirectoryFile, openDirectory, readPhoto, type Directory } from './directory.ts';
import { DirectoryImportError } from './import-errors.ts';
import { nppesCsvHeader, nppesCsvLine } from './nppes-header.ts';
import { importNppesFiles } from './nppes-import.ts';
import { mergeSources, readDirectorySource } from './sources.ts';
import { saveDirectoryData } from './store.ts';
import { demoNppesCsv, fakeNpi } from './test-fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'medshield-dir-'));
// A tiny valid JPEG is not needed: photos are bytes to the directory; the faces analyzer decodes them.
const PHOTO = Buffer.from('not-really-a-jpeg-but-bytes');

function fhirBundle(over: { npi?: string; photoUrl?: string; phone?: string } = {}) {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'urn:uuid:org-1',
        resource: {
          resourceType: 'Organization',
          id: 'org-1',
          name: "St. Mary's Health",
          alias: ["St Mary's"],
          telecom: [
            { system: 'phone', value: '(617) 555-0100' },
            { system: 'url', value: 'https://www.stmarys-health.org/' },
          ],
        },
      },
      {
        fullUrl: 'urn:uuid:p1',
        resource: {
          resourceType: 'Practitioner',
          id: 'p1',
          identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: over.npi ?? fakeNpi(1) }],
          name: [
            { use: 'official', family: 'Carter', given: ['Elizabeth'], prefix: ['Dr.'], suffix: ['MD'] },
            { use: 'nickname', given: ['Liz'] },
          ],
          telecom: [
            { system: 'email', value: 'Elizabeth.Carter@stmarys-health.org' },
            { system: 'phone', value: over.phone ?? '617-555-0111' },
          ],
          photo: [over.photoUrl ? { contentType: 'image/jpeg', url: over.photoUrl } : { contentType: 'image/jpeg', data: PHOTO.toString('base64') }],
          qualification: [{ code: { text: 'FACC' } }],
        },
      },
      {
        resource: {
          resourceType: 'PractitionerRole',
          practitioner: { reference: 'urn:uuid:p1' },
          organization: { reference: 'urn:uuid:org-1' },
          specialty: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207RC0000X', display: 'Cardiology' }] }],
        },
      },
    ],
  };
}

test('FHIR: practitioner, role and organisation become one person and one organisation', () => {
  const dir = tmp();
  const file = join(dir, 'bundle.json');
  writeFileSync(file, JSON.stringify(fhirBundle()));
  const { data } = readDirectorySource(file);
  assert.equal(data.persons.length, 1);
  const p = data.persons[0];
  assert.deepEqual(
    { id: p.id, given: p.given, family: p.family, prefix: p.prefix, nicknames: p.nicknames, credentials: p.credentials, specialty: p.specialty, emails: p.emails, phones: p.phones, organization: p.organization },
    {
      id: `npi-${fakeNpi(1)}`,
      given: 'Elizabeth',
      family: 'Carter',
      prefix: 'Dr.',
      nicknames: ['Liz'],
      credentials: ['MD', 'FACC'],
      specialty: 'Cardiology',
      emails: ['elizabeth.carter@stmarys-health.org'],
      phones: ['+16175550111'],
      organization: "St. Mary's Health",
    },
  );
  assert.deepEqual(readPhoto(p, 0), PHOTO);
  assert.deepEqual(data.organizations, [{ name: "St. Mary's Health", aliases: ["St Mary's"], domains: ['stmarys-health.org'], phones: ['+16175550100'], kind: 'org' }]);
});

test('FHIR: a photo url is a local file relative to the bundle; remote urls are refused', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'photos'));
  writeFileSync(join(dir, 'photos', 'p01.jpg'), PHOTO);
  const ok = join(dir, 'ok.json');
  writeFileSync(ok, JSON.stringify(fhirBundle({ photoUrl: 'photos/p01.jpg' })));
  assert.deepEqual(readPhoto(readDirectorySource(ok).data.persons[0], 0), PHOTO);

  const remote = join(dir, 'remote.json');
  writeFileSync(remote, JSON.stringify(fhirBundle({ photoUrl: 'https://example.org/p.jpg' })));
  assert.throws(() => readDirectorySource(remote), /entry 2, Practitioner\.photo\[0\]: photo url 'https:\/\/example\.org\/p\.jpg' is not a local file/);
});

test('FHIR: bad entries are all reported and nothing is imported', () => {
  const dir = tmp();
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify(fhirBundle({ npi: '1234567890', phone: '555' })));
  assert.throws(
    () => readDirectorySource(file),
    (err: unknown) => {
      assert.ok(err instanceof DirectoryImportError);
      assert.match(err.message, /bad\.json: 2 problems; nothing was imported/);
      assert.deepEqual(
        err.errors.map((e) => [e.row, e.column]),
        [
          [2, 'Practitioner.identifier'],
          [2, 'Practitioner.telecom[1]'],
        ],
      );
      assert.match(err.errors[0].reason, /fails its check digit/);
      return true;
    },
  );
});

const CSV_HEADER = 'npi,first_name,last_name,credentials,specialty,email,phone,organization,photo';

test('CSV: RFC 4180 quoting (commas, quotes and line breaks inside fields), several values per cell', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'p.jpg'), PHOTO);
  const file = join(dir, 'roster.csv');
  writeFileSync(
    file,
    [
      CSV_HEADER,
      `${fakeNpi(3)},Robert,Hale,"DO, FAAFP","Family Medicine, ""Primary Care""",robert.hale@stmarys-health.org;bob.hale@stmarys-health.org,(617) 555-0113,"St. Mary's Health",p.jpg`,
      `,Siobhán,O'Connor,MD,"Obstetrics and
Gynecology",siobhan.oconnor@stmarys-health.org,,St. Mary's Health,`,
    ].join('\r\n'),
  );
  const { data } = readDirectorySource(file);
  assert.equal(data.persons.length, 2);
  const [hale, oconnor] = data.persons;
  assert.deepEqual(hale.credentials, ['DO', 'FAAFP']);
  assert.equal(hale.specialty, 'Family Medicine, "Primary Care"');
  assert.deepEqual(hale.emails, ['robert.hale@stmarys-health.org', 'bob.hale@stmarys-health.org']);
  assert.deepEqual(readPhoto(hale, 0), PHOTO);
  assert.equal(oconnor.id, 'name-siobhan-oconnor');
  assert.equal(oconnor.specialty, 'Obstetrics and\nGynecology');
});

test('CSV: every bad row is reported with its row number and column; nothing is imported', () => {
  const dir = tmp();
  const file = join(dir, 'roster.csv');
  writeFileSync(
    file,
    [
      CSV_HEADER,
      `${fakeNpi(1)},Elizabeth,Carter,MD,Cardiology,elizabeth.carter@stmarys-health.org,(617) 555-0111,St. Mary's Health,`,
      `1234567890,José,Núñez,MD,Internal Medicine,jose.nunez@stmarys-health.org,,St. Mary's Health,`,
      `,Priya,,MD,Pediatrics,,,St. Mary's Health,`,
      `,Zoë,Müller,Wizard,Dermatology,zoe.muller,12,St. Mary's Health,missing.jpg`,
    ].join('\n'),
  );
  assert.throws(
    () => readDirectorySource(file),
    (err: unknown) => {
      assert.ok(err instanceof DirectoryImportError);
      assert.deepEqual(
        err.errors.map((e) => `${e.row}:${e.column}`),
        ['2:npi', '3:last_name', '4:credentials', '4:email', '4:phone', '4:photo'],
      );
      assert.match(err.message, /roster\.csv row 2, npi: NPI 1234567890 fails its check digit/);
      return true;
    },
  );
});

test('CSV: a missing header column is named', () => {
  const dir = tmp();
  const file = join(dir, 'roster.csv');
  writeFileSync(file, 'npi,first_name,last_name,specialty\n1,2,3,4\n');
  assert.throws(() => readDirectorySource(file), /header: missing columns credentials, email, phone, organization, photo/);
});

function nppesFile(dir: string, name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [nppesCsvHeader(), ...lines].join('\r\n') + '\r\n');
  return file;
}

const individual = (npi: string, first: string, last: string, extra: Record<string, string> = {}) =>
  nppesCsvLine({ NPI: npi, 'Entity Type Code': '1', 'Provider First Name': first, 'Provider Last Name (Legal Name)': last, 'Provider Credential Text': 'M.D.', 'Provider Business Practice Location Address Telephone Number': '4135550170', ...extra });

test('NPPES: streamed into the store; individuals, practices (legal and trade names), phones, deactivations', async () => {
  const dir = tmp();
  const file = join(dir, 'npidata.csv');
  writeFileSync(file, demoNppesCsv());
  const db = openDatabase(join(dir, 'store.db'));
  const progress: number[] = [];
  const s = await importNppesFiles(db, [file], { onProgress: (p) => progress.push(p.bytesRead) });
  assert.deepEqual([s.rows, s.individuals, s.organizations, s.deactivated, s.skipped], [7, 5, 2, 1, 0]);
  assert.ok(progress.length > 0 && progress[progress.length - 1] > 0);
  const nppes = openDirectory(db).nppes!;
  assert.equal(nppes.findIndividuals('Helen', 'Marsh')[0]?.npi, fakeNpi(50));
  assert.equal(nppes.findIndividuals('Liz', 'Carter')[0]?.npi, fakeNpi(1), 'a nickname finds the legal first name');
  assert.equal(nppes.findIndividuals('H.', 'Marsh').length, 1, 'an initial');
  assert.equal(nppes.findIndividuals('', 'Marsh').length, 1, 'family only');
  assert.equal(nppes.findIndividuals('Greta', 'Holloway')[0]?.active, false);
  assert.equal(nppes.findOrganizations('Riverbend Pediatrics')[0]?.npi, fakeNpi(60));
  assert.equal(nppes.findOrganizations('Lakeside Cardiology')[0]?.npi, fakeNpi(61), 'by trade name');
  assert.equal(nppes.findOrganizations('Lakeside Cardiology Associates, P.C.')[0]?.npi, fakeNpi(61), 'by legal name');
  assert.equal(nppes.byPhone('+14135550180')[0]?.name, 'RIVERBEND PEDIATRICS LLC');
  assert.equal(nppes.byNpi(fakeNpi(50))?.name, 'HELEN MARSH');
  db.close();
});

test('NPPES: bad rows are skipped and reported by row and column', async () => {
  const dir = tmp();
  const file = nppesFile(dir, 'npidata.csv', [
    individual(fakeNpi(50), 'HELEN', 'MARSH'),
    individual('1234567890', 'BAD', 'CHECKDIGIT'),
    nppesCsvLine({ NPI: fakeNpi(51), 'Entity Type Code': '3', 'Provider Last Name (Legal Name)': 'X' }),
    individual(fakeNpi(52), 'NO', ''),
    `"${fakeNpi(53)}","1","SHORT"`,
    individual(fakeNpi(54), 'DATE', 'WRONG', { 'NPI Deactivation Date': '2020-03-02' }),
  ]);
  const db = openDatabase(join(dir, 'store.db'));
  const s = await importNppesFiles(db, [file]);
  assert.equal(s.individuals, 1);
  assert.equal(s.skipped, 5);
  assert.deepEqual(
    s.errors.map((e) => `${e.row}:${e.column}`),
    ['2:NPI', '3:Entity Type Code', '4:Provider Last Name (Legal Name)', '5:', '6:NPI Deactivation Date'],
  );
  assert.match(s.errors[4].reason, /'2020-03-02' is not a MM\/DD\/YYYY date/);
  db.close();
});

test('NPPES: a refused import leaves the previous index in place (too many bad rows, broken CSV, missing column)', async () => {
  const dir = tmp();
  const db = openDatabase(join(dir, 'store.db'));
  await importNppesFiles(db, [nppesFile(dir, 'good.csv', [individual(fakeNpi(50), 'HELEN', 'MARSH')])]);
  // Every import's rows live in a table of its own; refused imports leave none behind.
  const count = () => {
    const catalog =
      db.dialect === 'postgres'
        ? 'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()'
        : "SELECT name FROM sqlite_master WHERE type = 'table'";
    const tables = (db.prepare(catalog).pluck().all() as string[]).filter((name) => /^directory_nppes_\d+$/.test(name));
    return { tables: tables.length, n: tables.reduce((sum, t) => sum + (db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number), 0) };
  };

  const manyBad = nppesFile(dir, 'bad.csv', [individual(fakeNpi(51), 'VIKRAM', 'DESAI'), individual('1', 'A', 'B'), individual('2', 'C', 'D'), individual('3', 'E', 'F')]);
  await assert.rejects(importNppesFiles(db, [manyBad], { maxBadRows: 2 }), /bad\.csv: more than 2 bad rows; nothing was imported/);

  const broken = join(dir, 'broken.csv');
  writeFileSync(broken, `${nppesCsvHeader()}\r\n${individual(fakeNpi(51), 'VIKRAM', 'DESAI')}\r\n"${fakeNpi(52)}","1","unterminated\r\n`);
  await assert.rejects(importNppesFiles(db, [broken]), /broken\.csv: not valid CSV/);

  const wrong = join(dir, 'wrong.csv');
  writeFileSync(wrong, 'NPI,Name\n1234567893,X\n');
  await assert.rejects(importNppesFiles(db, [wrong]), /not an NPPES npidata file: missing columns "Entity Type Code"/);

  // A second good file that fails halfway (second file broken) does not half-import either.
  await assert.rejects(importNppesFiles(db, [nppesFile(dir, 'good2.csv', [individual(fakeNpi(51), 'VIKRAM', 'DESAI')]), broken]), /not valid CSV/);

  const nppes = openDirectory(db).nppes!;
  assert.equal(nppes.findIndividuals('Helen', 'Marsh').length, 1);
  assert.equal(nppes.findIndividuals('Vikram', 'Desai').length, 0);
  assert.deepEqual(count(), { tables: 1, n: 1 }, 'refused imports leave nothing behind');

  // A successful re-import replaces the index whole.
  await importNppesFiles(db, [nppesFile(dir, 'next.csv', [individual(fakeNpi(51), 'VIKRAM', 'DESAI')])]);
  assert.equal(nppes.findIndividuals('Helen', 'Marsh').length, 0);
  assert.equal(nppes.findIndividuals('Vikram', 'Desai').length, 1);
  assert.deepEqual(count(), { tables: 1, n: 1 }, 'the replaced index is dropped');
  db.close();
});

test('store: imports are cumulative, photos are kept as bytes, a read-only store opens for scanning', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'p.jpg'), PHOTO);
  const bundle = join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify(fhirBundle()));
  const csv = join(dir, 'partner.csv');
  writeFileSync(csv, `${CSV_HEADER}\n${fakeNpi(9)},Alan,Brooks,MD,Cardiology,alan.brooks@lakesidecardio.com,(781) 555-0151,Lakeside Cardiology,p.jpg\n`);
  const dbPath = join(dir, 'store.db');
  const db = openDatabase(dbPath);
  saveDirectoryData(db, readDirectorySource(bundle).data, 'bundle.json');
  saveDirectoryData(db, mergeSources([readDirectorySource(csv, { kind: 'partner' })]).data, 'partner.csv');
  // Re-importing the same person replaces them, photos included.
  saveDirectoryData(db, readDirectorySource(bundle).data, 'bundle.json');

  // Scanners open a SQLite store's file read-only; a PostgreSQL store has no file to open.
  let d: Directory;
  if (db.dialect === 'sqlite') {
    db.close();
    d = loadDirectoryFile(dbPath);
  } else {
    d = openDirectory(db);
    db.close();
  }
  assert.deepEqual(d.persons().map((p) => [p.family, p.kind, p.photos.length]), [
    ['Carter', 'internal', 1],
    ['Brooks', 'partner', 1],
  ]);
  assert.deepEqual(readPhoto(d.personById(`npi-${fakeNpi(9)}`)!, 0), PHOTO);
  assert.equal(d.phoneOwner('+17815550151')?.name, 'Alan Brooks, MD');
  assert.equal(d.isOrgDomain('mail.stmarys-health.org'), true);
  assert.equal(d.nppes, undefined);
});

test('directory file: organisation, partners, rosters, known numbers and an NPPES extract in one YAML', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'partners'));
  writeFileSync(join(dir, 'providers.json'), JSON.stringify(fhirBundle()));
  writeFileSync(join(dir, 'partners', 'lakeside.csv'), `${CSV_HEADER}\n${fakeNpi(9)},Alan,Brooks,MD,Cardiology,alan.brooks@lakesidecardio.com,,,\n`);
  writeFileSync(join(dir, 'npidata.csv'), demoNppesCsv());
  const file = join(dir, 'directory.yaml');
  writeFileSync(
    file,
    [
      'organization:',
      "  name: St. Mary's Health",
      '  domains: [stmarys-health.org]',
      '  rosters: [providers.json]',
      'partners:',
      '  - name: Lakeside Cardiology',
      '    domains: [lakesidecardio.com]',
      '    phones: ["(781) 555-0150"]',
      '    rosters: [partners/lakeside.csv]',
      'knownPhones:',
      '  - { number: "1-800-555-0175", label: "Nurse line" }',
      'nppes: [npidata.csv]',
    ].join('\n'),
  );
  const d = loadDirectoryFile(file);
  assert.equal(d.persons().length, 2);
  const brooks = d.findPersonsByName('Dr. Alan Brooks')[0].person;
  assert.equal(brooks.kind, 'partner');
  assert.equal(brooks.organization, 'Lakeside Cardiology');
  assert.deepEqual(d.domainsOf(brooks), ['lakesidecardio.com']);
  assert.equal(d.partnerForDomain('lakesidecardio.com')?.name, 'Lakeside Cardiology');
  assert.equal(d.phoneOwner('+18005550175')?.kind, 'known');
  assert.equal(d.nppes?.findIndividuals('Helen', 'Marsh').length, 1);

  writeFileSync(file, 'organization:\n  name: X\n  domains: [not a domain]\n  phones: ["12"]\nbogus: 1\n');
  assert.throws(() => loadDirectoryFile(file), (err: unknown) => {
    assert.ok(err instanceof DirectoryImportError);
    assert.match(err.message, /bogus|Unrecognized key/);
    return true;
  });
});
