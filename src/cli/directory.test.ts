import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildMail } from '../../test/helpers/mail.ts';
import { demoNppesCsv, fakeNpi } from '../directory/test-fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/medshield.mjs', import.meta.url));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'medshield-cli-dir-'));
const db = join(dir, 'store.db');
const roster = join(dir, 'providers.csv');
writeFileSync(
  roster,
  [
    'npi,first_name,last_name,credentials,specialty,email,phone,organization,photo,nicknames',
    `${fakeNpi(1)},Elizabeth,Carter,MD,Cardiology,elizabeth.carter@stmarys-health.org,(617) 555-0111,St. Mary's Health,,Liz`,
    `${fakeNpi(2)},José,Núñez,MD,Internal Medicine,jose.nunez@stmarys-health.org,,St. Mary's Health,,`,
  ].join('\n'),
);
const directoryFile = join(dir, 'directory.yaml');
writeFileSync(directoryFile, "organization:\n  name: St. Mary's Health\n  domains: [stmarys-health.org]\n  phones: ['(617) 555-0100']\n  rosters: [providers.csv]\n");
const nppes = join(dir, 'npidata.csv');
writeFileSync(nppes, demoNppesCsv());

describe('medshield directory', () => {
  it('imports a directory file and an NPPES file into the store, then lists, shows and counts', () => {
    const imp = run(['directory', 'import', directoryFile, '--nppes', nppes, '--db', db]);
    assert.equal(imp.code, 0, imp.err);
    assert.match(imp.out, /NPPES: 7 rows from npidata\.csv → 5 individuals, 2 organizations \(1 deactivated, 0 bad rows skipped\)/);
    assert.match(imp.out, /directory: 2 people, 1 organizations, 0 known phone numbers, 0 photos from directory\.yaml/);

    const list = run(['directory', 'list', '--db', db]);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /Elizabeth Carter, MD\s+Cardiology/);
    assert.match(list.out, /2 people/);

    const show = run(['directory', 'show', 'Dr.', 'Liz', 'Carter', '--db', db, '--json']);
    assert.equal(show.code, 0, show.err);
    const shown = JSON.parse(show.out) as { people: { npi: string; domains: string[] }[] };
    assert.equal(shown.people[0].npi, fakeNpi(1));
    assert.deepEqual(shown.people[0].domains, ['stmarys-health.org']);

    const stats = run(['directory', 'stats', '--db', db]);
    assert.equal(stats.code, 0, stats.err);
    assert.match(stats.out, /people\s+2 \(2 internal, 0 partner/);
    assert.match(stats.out, /NPPES index\s+5 individuals, 2 organizations/);
  });

  it('refuses a roster with bad rows, names them, and changes nothing', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `npi,first_name,last_name,credentials,specialty,email,phone,organization,photo\n1234567890,Bad,Npi,MD,,,,,\n`);
    const r = run(['directory', 'import', bad, '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.csv row 1, npi: NPI 1234567890 fails its check digit/);
    assert.match(run(['directory', 'list', '--db', db]).out, /2 people/);
  });

  it('usage errors exit 2', () => {
    assert.equal(run(['directory', 'import', '--db', db]).code, 2);
    assert.equal(run(['directory', 'frobnicate']).code, 2);
    assert.equal(run(['directory', 'list', '--db', join(dir, 'nope.db')]).code, 2);
  });

  it('scan --directory checks claims against the directory (workers load it themselves)', () => {
    const mail = join(dir, 'impersonation.eml');
    writeFileSync(mail, buildMail({ from: 'Dr. Elizabeth Carter <liz.carter.md@gmail.com>', subject: 'Urgent', text: 'Are you available? I need a favour.' }));
    const withDir = run(['scan', '--workers', '1', '--dns', 'offline', '--jsonl', '--directory', directoryFile, mail]);
    assert.equal(withDir.code, 0, withDir.err);
    const ids = (JSON.parse(withDir.out) as { signals: { id: string }[] }).signals.map((s) => s.id);
    assert.ok(ids.includes('STAFF_DISPLAY_NAME_IMPERSONATION'), ids.join(','));

    const withStore = run(['scan', '--workers', '1', '--dns', 'offline', '--jsonl', '--directory', db, mail]);
    assert.equal(withStore.code, 0, withStore.err);
    assert.ok((JSON.parse(withStore.out) as { signals: { id: string }[] }).signals.some((s) => s.id === 'STAFF_DISPLAY_NAME_IMPERSONATION'));

    const without = run(['scan', '--workers', '1', '--dns', 'offline', '--jsonl', mail]);
    assert.ok(!(JSON.parse(without.out) as { signals: { id: string }[] }).signals.some((s) => s.id === 'STAFF_DISPLAY_NAME_IMPERSONATION'));

    const broken = run(['scan', '--directory', join(dir, 'missing.yaml'), mail]);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /--directory .*missing\.yaml: .*no such file/);
  });
});
