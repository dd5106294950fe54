import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MessageCipher } from '../../crypto/message-cipher.ts';
import { openDatabase } from '../../store/database.ts';
import { Blocklist } from './blocklist.ts';
import { ContactStore } from './contacts.ts';
import { FlaggedInbound } from './flagged.ts';
import { TaskError, TaskStore, type NewTask } from './tasks.ts';

const HOUR = 3600_000;

function newTask(o: Partial<NewTask> = {}): NewTask {
  const now = o.createdAt ?? new Date('2026-11-03T10:00:00Z');
  return {
    kind: 'inbound-request',
    spoolId: `s-${randomBytes(4).toString('hex')}`,
    quarantineId: null,
    messageAction: 'hold',
    partyAddress: 'Claims@Northbridge.example',
    parties: ['claims@northbridge.example'],
    claimed: 'Northbridge Health Plan',
    asked: ['patient or identity data'],
    reasons: [{ code: 'unverified-sender', words: 'not verified' }],
    numbersOfRecord: [{ e164: '+16175550188', source: 'directory', label: 'Northbridge' }],
    numbersInMail: [{ e164: '+15085550199', raw: '508-555-0199', owner: null }],
    requester: '',
    recipients: ['billing@stmarys-health.org'],
    relatedSpoolId: null,
    campaignId: null,
    subject: 'Claim 4471: DOB of John Roe please',
    owner: 'security',
    dueAt: new Date(now.getTime() + 4 * HOUR),
    createdAt: now,
    ...o,
  };
}

describe('verification stores', () => {
  it('tasks: one per message, completed once, events for every change, subject sealed', () => {
    const db = openDatabase(':memory:');
    const tasks = new TaskStore(db, new MessageCipher(randomBytes(32)));
    const t = newTask();
    const id = tasks.create(t);
    assert.equal(tasks.create(t), id, 'the same message opens no second task');
    assert.equal(tasks.get(id)!.partyAddress, 'claims@northbridge.example');
    assert.equal(tasks.subject(id), 'Claim 4471: DOB of John Roe please');
    const raw = db.prepare('SELECT * FROM verify_tasks').all();
    assert.doesNotMatch(JSON.stringify(raw, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v)), /John Roe/, 'the subject is not stored in clear');
    tasks.assign(id, 'jamie', 'user:lee');
    const done = tasks.complete(id, { status: 'verified', actor: 'user:jamie', attestation: 'called the plan', phoneUsed: '+16175550188' });
    assert.equal(done.status, 'verified');
    assert.equal(tasks.attestation(id), 'called the plan');
    assert.throws(() => tasks.complete(id, { status: 'failed', actor: 'user:x', attestation: 'x', phoneUsed: null }), (e: unknown) => e instanceof TaskError && e.code === 'state');
    assert.throws(() => tasks.assign(id, 'x', 'user:x'), (e: unknown) => e instanceof TaskError && e.code === 'state');
    assert.deepEqual(
      tasks.events(id).map((e) => e.kind),
      ['opened', 'assigned', 'verified'],
    );
    assert.throws(() => tasks.mustGet(999), (e: unknown) => e instanceof TaskError && e.code === 'not-found');
  });

  it('tasks: overdue and escalation by levels of the due period', () => {
    const tasks = new TaskStore(openDatabase(':memory:'), new MessageCipher(randomBytes(32)));
    const start = new Date('2026-11-03T10:00:00Z');
    const id = tasks.create(newTask({ createdAt: start }));
    tasks.create(newTask({ createdAt: start, dueAt: new Date(start.getTime() + 48 * HOUR) }));
    const at = (h: number) => new Date(start.getTime() + h * HOUR);
    assert.equal(tasks.count({ overdueAt: at(3) }), 0);
    assert.equal(tasks.count({ overdueAt: at(5) }), 1);
    assert.deepEqual(tasks.dueForEscalation(at(3), 4 * HOUR), []);
    assert.deepEqual(tasks.dueForEscalation(at(4), 4 * HOUR).map((t) => t.id), [id]);
    tasks.escalate(id, 'security-lead', 1, 'system:verify');
    assert.deepEqual(tasks.dueForEscalation(at(7), 4 * HOUR), [], 'not again before another due period');
    assert.deepEqual(tasks.dueForEscalation(at(8), 4 * HOUR).map((t) => t.id), [id]);
    assert.equal(tasks.get(id)!.owner, 'security-lead');
    assert.equal(tasks.counts(at(5)).overdue, 1);
    assert.deepEqual(tasks.list({ status: 'open' }).map((t) => t.id)[0], id, 'earliest due first');
  });

  it('contacts: verified for a number of days, renewable, revocable', () => {
    const contacts = new ContactStore(openDatabase(':memory:'));
    const at = new Date('2026-11-03T10:00:00Z');
    contacts.add({ address: 'Dr.Okafor@Riverbend.example', days: 30, verifiedBy: 'user:lee', taskId: 3, phone: '+14135550180', at });
    assert.ok(contacts.isVerified('dr.okafor@riverbend.example', new Date(at.getTime() + 29 * 24 * HOUR)));
    assert.ok(!contacts.isVerified('dr.okafor@riverbend.example', new Date(at.getTime() + 31 * 24 * HOUR)), 'expired');
    contacts.add({ address: 'dr.okafor@riverbend.example', days: 30, verifiedBy: 'user:lee', taskId: 4, phone: null, at: new Date(at.getTime() + 25 * 24 * HOUR) });
    assert.ok(contacts.isVerified('dr.okafor@riverbend.example', new Date(at.getTime() + 31 * 24 * HOUR)), 'renewed');
    assert.ok(contacts.revoke('dr.okafor@riverbend.example', 'user:lee'));
    assert.ok(!contacts.isVerified('dr.okafor@riverbend.example', at));
    assert.throws(() => contacts.add({ address: 'not an address', days: 1, verifiedBy: 'x', taskId: null, phone: null }));
  });

  it('blocklist: normalised values, one active entry each, lifting keeps the record', () => {
    const b = new Blocklist(openDatabase(':memory:'));
    const e = b.block({ kind: 'phone', value: '+15085550199', taskId: 1, campaignId: '7', reason: 'task #1 failed', actor: 'user:lee' });
    assert.equal(b.block({ kind: 'phone', value: '+15085550199', taskId: 2, campaignId: null, reason: 'again', actor: 'user:lee' }).id, e.id);
    b.block({ kind: 'address', value: 'Scam@Gmail.com', taskId: 1, campaignId: null, reason: 'task #1 failed', actor: 'user:lee' });
    assert.ok(b.snapshot().addresses.has('scam@gmail.com'));
    assert.throws(() => b.block({ kind: 'phone', value: '508-555-0199', taskId: null, campaignId: null, reason: 'x', actor: 'x' }), /E\.164/);
    assert.ok(b.lift(e.id, 'user:lee'));
    assert.ok(!b.snapshot().phones.has('+15085550199'), 'a lift is seen at once');
    assert.equal(b.list({ includeLifted: true }).length, 2);
    assert.equal(b.block({ kind: 'phone', value: '+15085550199', taskId: 3, campaignId: null, reason: 'blocked again', actor: 'x' }).reason, 'blocked again');
  });

  it('flagged inbound: found by Message-ID and by the addresses a reply would go to; forgotten after a while', () => {
    const f = new FlaggedInbound(openDatabase(':memory:'));
    const at = new Date('2026-11-03T10:00:00Z');
    f.record({ spoolId: 's1', messageId: 'Phish-A@mail.gmail.com', from: 'dr.carter@gmail.com', replyTo: ['collect@proton.example'], action: 'quarantine', score: 20, quarantineId: 'q1', signals: ['X'], claimed: 'Dr. Carter', numbersOfRecord: [], numbersInMail: [], at });
    assert.equal(f.byMessageIds(['phish-a@mail.gmail.com', 'other@x'])[0]!.spoolId, 's1');
    assert.equal(f.byAddress('COLLECT@proton.example', new Date(0))[0]!.spoolId, 's1');
    assert.deepEqual(f.byAddress('dr.carter@gmail.com', new Date(at.getTime() + 1)), [], 'only since the given time');
    assert.equal(f.prune(new Date(at.getTime() + 1)), 1);
    assert.deepEqual(f.byAddress('collect@proton.example', new Date(0)), []);
  });
});
