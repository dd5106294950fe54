import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../audit/audit-log.ts';
import { loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { quarantinable } from '../quarantine/test-fixtures.ts';
import { openDatabase } from '../store/database.ts';

const BIN = fileURLToPath(new URL('../../bin/medshield.mjs', import.meta.url));
const DAY = 24 * 3600_000;

function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MEDSHIELD_DATA_DIR: dataDir, USER: 'tester' };
  delete env.MEDSHIELD_KEY;
  return env;
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [BIN, 'quarantine', ...args], { env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** A data directory as `medshield serve` leaves it: key, store, two quarantined messages. */
function dataDirWithMail() {
  const dataDir = mkdtempSync(join(tmpdir(), 'medshield-cli-q-'));
  const db = openDatabase(join(dataDir, 'medshield.db'));
  const cipher = new MessageCipher(loadOrCreateKey(dataDir, {}));
  const store = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher, audit: new AuditLog(db) });
  const recent = quarantinable({ to: ['dr.smith@hospital.example'], subject: 'Confirm your appointment' });
  const old = quarantinable({ to: ['nurse@hospital.example'], subject: 'Old invoice', receivedAt: new Date(Date.now() - 45 * DAY), reason: 'hold' });
  const ids = { recent: store.add(recent), old: store.add(old) };
  db.close();
  return { dataDir, ids, raw: recent.raw, env: baseEnv(dataDir) };
}

function inspect(dataDir: string) {
  const db = openDatabase(join(dataDir, 'medshield.db'));
  const audit = new AuditLog(db);
  return { db, audit };
}

test('list --json gives every field; the table shows the essentials; filters apply', () => {
  const { ids, env } = dataDirWithMail();
  const r = cli(['list', '--json'], env);
  assert.equal(r.status, 0, r.err);
  const entries = JSON.parse(r.out) as Record<string, unknown>[];
  assert.deepEqual(entries.map((e) => e.id), [ids.recent, ids.old]);
  const e = entries[0]!;
  for (const k of ['id', 'messageId', 'from', 'mailFrom', 'recipients', 'subject', 'verdict', 'score', 'signals', 'reason', 'receivedAt', 'status']) assert.ok(k in e, k);
  assert.deepEqual(e.recipients, ['dr.smith@hospital.example']);
  assert.equal(e.verdict, 'quarantine');
  assert.equal((e.signals as { id: string }[])[0]!.id, 'PHI_SOLICITATION');

  const held = JSON.parse(cli(['list', '--json', '--status', 'held', '--limit', '1'], env).out) as { id: string }[];
  assert.deepEqual(held.map((x) => x.id), [ids.recent]);
  const table = cli(['list'], env);
  assert.equal(table.status, 0, table.err);
  assert.match(table.out, new RegExp(`${ids.recent} .*held.*quarantine.*Confirm your appointment`));
  assert.match(table.out, /held 2 · released 0/);
  const bad = cli(['list', '--status', 'lost'], env);
  assert.equal(bad.status, 2);
  assert.match(bad.err, /--status must be one of held, released, deleted, expired/);
});

test('show prints the record and signals; show --raw prints the message and is audited as cli:$USER', () => {
  const { dataDir, ids, raw, env } = dataDirWithMail();
  const show = cli(['show', ids.recent], env);
  assert.equal(show.status, 0, show.err);
  assert.match(show.out, /Status: +held/);
  assert.match(show.out, /Subject: +Confirm your appointment/);
  assert.match(show.out, /\+6\.0 +PHI_SOLICITATION/);
  assert.match(show.out, /gateway +quarantine\.add/);
  assert.doesNotMatch(show.out, /BODY-SECRET-MARKER/);
  const rawOut = cli(['show', ids.recent.slice(0, 8), '--raw'], env);
  assert.equal(rawOut.status, 0, rawOut.err);
  assert.deepEqual(rawOut.stdout, raw);
  const { db, audit } = inspect(dataDir);
  assert.deepEqual(
    audit.list({ target: ids.recent, action: 'quarantine.read' }).map((e) => e.actor),
    ['cli:tester'],
  );
  db.close();
});

test('release queues the message for delivery once; a second release sends nothing', () => {
  const { dataDir, ids, env } = dataDirWithMail();
  const first = cli(['release', ids.recent], env);
  assert.equal(first.status, 0, first.err);
  assert.match(first.out, new RegExp(`Released ${ids.recent} to dr\\.smith@hospital\\.example \\(delivery \\S+\\)`));
  const second = cli(['release', ids.recent], env);
  assert.equal(second.status, 0, second.err);
  assert.match(second.out, /already released .* by cli:tester .* nothing was sent again/);
  const { db, audit } = inspect(dataDir);
  const queued = db.prepare('SELECT origin, rcpt_to FROM gateway_messages').all() as { origin: string; rcpt_to: string }[];
  assert.equal(queued.length, 1);
  assert.equal(queued[0]!.origin, 'release');
  assert.match(queued[0]!.rcpt_to, /dr\.smith@hospital\.example/);
  assert.equal(audit.list({ target: ids.recent, action: 'quarantine.release' })[0]!.actor, 'cli:tester');
  db.close();
});

test('delete removes the content; purge removes content past retention; the audit chain stays intact', () => {
  const { ids, env } = dataDirWithMail();
  const del = cli(['delete', ids.recent], env);
  assert.equal(del.status, 0, del.err);
  assert.match(del.out, /Deleted the content of/);
  const raw = cli(['show', ids.recent, '--raw'], env);
  assert.equal(raw.status, 1);
  assert.match(raw.err, /was deleted .* by cli:tester; its content is no longer stored/);
  const purge = cli(['purge'], env);
  assert.equal(purge.status, 0, purge.err);
  assert.match(purge.out, /Removed the content of 1 message received more than 30 days ago/);
  assert.equal((JSON.parse(cli(['show', ids.old, '--json'], env).out) as { status: string }).status, 'expired');
  const verify = cli(['audit', '--verify'], env);
  assert.equal(verify.status, 0, verify.err);
  assert.match(verify.out, /Audit log intact: 4 entries/);
  const log = cli(['audit', '--target', ids.recent, '--json'], env);
  assert.deepEqual((JSON.parse(log.out) as { action: string }[]).map((e) => e.action), ['quarantine.delete', 'quarantine.add']);
});

test('clear errors: unknown id, missing data directory, bad key, missing arguments', () => {
  const { dataDir, env } = dataDirWithMail();
  const unknown = cli(['show', 'ffffffffffffffff'], env);
  assert.equal(unknown.status, 1);
  assert.match(unknown.err, /no quarantined message with id 'ffffffffffffffff'/);
  const missing = cli(['list'], { ...env, MEDSHIELD_DATA_DIR: join(dataDir, 'nope') });
  assert.equal(missing.status, 1);
  assert.match(missing.err, /data directory .*nope does not exist \(set --data-dir or MEDSHIELD_DATA_DIR\)/);
  const empty = cli(['list', '--data-dir', mkdtempSync(join(tmpdir(), 'medshield-empty-'))], env);
  assert.equal(empty.status, 1);
  assert.match(empty.err, /no Medshield store in/);
  const badKey = cli(['list'], { ...env, MEDSHIELD_KEY: 'not-a-key' });
  assert.equal(badKey.status, 1);
  assert.match(badKey.err, /MEDSHIELD_KEY is not a valid key/);
  // The key file moved away (with MEDSHIELD_KEY set, a key file left in keys/ still counts as a retired key).
  const someId = (JSON.parse(cli(['list', '--json'], env).out) as { id: string }[])[0]!.id;
  renameSync(join(dataDir, 'keys', 'message.key'), join(dataDir, 'message.key.elsewhere'));
  const wrongKey = cli(['show', '--raw', someId], {
    ...env,
    MEDSHIELD_KEY: Buffer.alloc(32, 7).toString('base64'),
  });
  assert.equal(wrongKey.status, 1);
  assert.match(wrongKey.err, /encrypted with key [0-9a-f]{16}, which is not available/);
  const noId = cli(['release'], env);
  assert.equal(noId.status, 2);
  assert.match(noId.err, /release needs a quarantine ID/);
  const unknownSub = cli(['frobnicate'], env);
  assert.equal(unknownSub.status, 2);
});
