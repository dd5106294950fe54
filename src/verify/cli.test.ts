import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../audit/audit-log.ts';
import { loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import { Journal } from '../gateway/journal.ts';
import { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { caughtVerdict } from '../quarantine/test-fixtures.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { verifyCommand } from './cli.ts';
import { TaskStore } from './store/tasks.ts';

/** `medshield verify` on a data directory as `medshield serve` leaves it: the store, the key, a held outbound message and its task. */
describe('medshield verify (CLI)', () => {
  let dataDir: string;
  let db: Db;
  let quarantine: QuarantineStore;
  let taskId = 0;
  const env = { USER: 'pat' } as NodeJS.ProcessEnv;
  const run = async (...argv: string[]) => {
    let out = '';
    const code = await verifyCommand([...argv, '--data-dir', dataDir], env, (s) => (out += s));
    return { code, out };
  };

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'medshield-verify-cli-'));
    const cipher = new MessageCipher(loadOrCreateKey(dataDir, {}));
    db = openDatabase(join(dataDir, 'medshield.db'));
    quarantine = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher, audit: new AuditLog(db) });
    const raw = Buffer.from('From: HIM <him@stmarys-health.org>\r\nTo: office@unknown-clinic.example\r\nSubject: Patient list\r\n\r\nROE, John  DOB: 04/12/1958  SSN: 212-48-6617\r\n');
    const qid = quarantine.add({ spoolId: 'spool-cli-1', raw, envelope: { mailFrom: 'him@stmarys-health.org', rcptTo: ['office@unknown-clinic.example'] }, verdict: caughtVerdict({ action: 'hold' }), reason: 'hold', receivedAt: new Date() });
    const now = new Date();
    taskId = new TaskStore(db, cipher).create({
      kind: 'outbound-phi',
      spoolId: 'spool-cli-1',
      quarantineId: qid,
      messageAction: 'hold',
      partyAddress: 'office@unknown-clinic.example',
      parties: ['office@unknown-clinic.example'],
      claimed: '',
      asked: ['a Social Security number', 'a date of birth'],
      reasons: [{ code: 'first-contact', words: 'office@unknown-clinic.example is a first contact' }],
      numbersOfRecord: [],
      numbersInMail: [{ e164: '+15085550199', raw: '508-555-0199', owner: null }],
      requester: 'him@stmarys-health.org',
      recipients: ['office@unknown-clinic.example'],
      relatedSpoolId: null,
      campaignId: null,
      subject: 'Patient list',
      owner: 'security',
      dueAt: new Date(now.getTime() - 1000),
      createdAt: now,
    });
  });
  after(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the queue, overdue first', async () => {
    const r = await run('tasks');
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`#${taskId}\\s+open\\s+outbound .* OVERDUE .*office@unknown-clinic\\.example`));
  });

  it('shows the protocol and never offers the number from the mail; the subject only on request, audited', async () => {
    const r = await run('show', String(taskId));
    assert.match(r.out, /NOT this:\s+\(508\) 555-0199/);
    assert.match(r.out, /No number is on record: look one up independently/);
    assert.doesNotMatch(r.out, /Patient list/);
    const s = await run('show', String(taskId), '--subject');
    assert.match(s.out, /subject:\s+Patient list/);
    assert.ok(new AuditLog(db).list({ target: `verify-task:${taskId}` }).some((e) => e.action === 'verify.read-subject' && e.actor === 'cli:pat'));
  });

  it('completes as unreachable: the held message goes back to its sender through the delivery queue', async () => {
    await assert.rejects(run('complete', String(taskId), '--outcome', 'maybe', '--attestation', 'x'), /--outcome must be one of verified, failed, unreachable/);
    const r = await run('complete', String(taskId), '--outcome', 'unreachable', '--attestation', 'No answer at the clinic, three tries.');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /unreachable: the message was returned to him@stmarys-health\.org, not sent/);
    const queued = db.prepare("SELECT spool_id FROM gateway_messages WHERE origin = 'digest'").pluck().all() as string[];
    assert.equal(queued.length, 1);
    assert.deepEqual(new Journal(db, new MessageCipher(loadOrCreateKey(dataDir, {}))).message(queued[0]!)!.rcptTo, ['him@stmarys-health.org']);
    assert.equal(quarantine.get(quarantine.resolveId(new TaskStore(db, new MessageCipher(loadOrCreateKey(dataDir, {}))).get(taskId)!.quarantineId!))!.status, 'deleted');
    const again = await run('complete', String(taskId), '--outcome', 'verified', '--phone', '6175550111', '--attestation', 'Second thoughts, called again.');
    assert.equal(again.code, 1, 'completed once only');
  });

  it('adds, lists and revokes a verified contact', async () => {
    assert.equal((await run('add-contact', 'dr.okafor@riverbend-peds.example', '--phone', '(413) 555-0180', '--attestation', 'Called the NPPES practice phone.')).code, 0);
    assert.match((await run('contacts')).out, /dr\.okafor@riverbend-peds\.example .*\(413\) 555-0180 .*by cli:pat/);
    assert.equal((await run('revoke', 'dr.okafor@riverbend-peds.example')).code, 0);
    assert.match((await run('contacts')).out, /No verified contacts/);
  });

  it('checks files for PHI, masked', async () => {
    const file = join(dataDir, 'out.eml');
    writeFileSync(file, 'From: a@stmarys-health.org\r\nTo: b@example.com\r\nSubject: list\r\n\r\nPatient: ROE, John DOB: 04/12/1958 SSN: 212-48-6617 MRN: 00418822\r\n');
    const r = await run('check', file);
    assert.equal(r.code, 0);
    assert.match(r.out, /: PHI \(ssn, dob, mrn\)/);
    assert.match(r.out, /ssn\s+high\s+\*\*\*-\*\*-6617/);
    assert.doesNotMatch(r.out, /212-48/);
  });
});
