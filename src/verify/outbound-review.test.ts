import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AuditLog } from '../audit/audit-log.ts';
import { loadBrandPack } from '../brands/load.ts';
import { validateConfig } from '../config/load.ts';
import { MessageCipher } from '../crypto/message-cipher.ts';
import { demoDirectory } from '../directory/test-fixtures.ts';
import type { MessageRow } from '../gateway/journal.ts';
import { silentLogger } from '../gateway/log.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { caughtVerdict } from '../quarantine/test-fixtures.ts';
import { openDatabase } from '../store/database.ts';
import type { MessageFacts } from './facts/message-facts.ts';
import type { FactsResult } from './facts/facts-pool.ts';
import type { IncidentRequest, IncidentSink } from './incident-sink.ts';
import { NumberOfRecordLookup } from './number-of-record.ts';
import { reviewOutbound } from './outbound-review.ts';
import { Parties } from './parties.ts';
import type { ReviewContext } from './review-context.ts';
import { VerifyService } from './service.ts';

/**
 * The outbound guard's decisions, one rule at a time: the reader is replaced by the facts a
 * real read would give, so each case names exactly what the message holds.
 */

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function facts(o: Partial<Omit<MessageFacts, 'phi'>> & { phi?: boolean } = {}): MessageFacts {
  const { phi = true, ...rest } = o;
  return {
    from: { address: 'him@stmarys-health.org', name: 'HIM', domain: 'stmarys-health.org' },
    replyTo: [],
    subject: 'Patient details',
    messageId: 'out-1@stmarys-health.org',
    answers: [],
    text: '',
    phones: [],
    phi: phi
      ? { phi: true, kinds: ['ssn', 'dob'], findings: [{ kind: 'ssn', start: 0, end: 11, confidence: 'high', masked: '***-**-6617', reason: 'labelled', source: 'body' }], truncated: false }
      : { phi: false, kinds: [], findings: [], truncated: false },
    attachments: [],
    unreadable: [],
    ...rest,
  };
}

function setup(o: { config?: Record<string, unknown>; read?: FactsResult; sink?: IncidentSink } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'medshield-outbound-'));
  dirs.push(dataDir);
  const db = openDatabase(join(dataDir, 'medshield.db'));
  const cipher = new MessageCipher(randomBytes(32));
  const audit = new AuditLog(db);
  const quarantine = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher, audit });
  const config = validateConfig({ org: { name: 'St Mary’s', domains: ['stmarys-health.org'], partners: [{ name: 'Lakeside Cardiology', domains: ['lakesidecardio.com'] }] }, ...o.config });
  const queued: OutboundMessage[] = [];
  const service = new VerifyService({ db, cipher, audit, quarantine, config: () => config, incidents: o.sink ?? null, enqueue: (m) => (queued.push(m), `q${queued.length}`), kick: () => {} });
  const directory = demoDirectory();
  const read = o.read ?? { ok: true, facts: facts() };
  const ctx: ReviewContext = {
    config,
    service,
    reader: { read: async () => read },
    numbers: new NumberOfRecordLookup(directory, loadBrandPack()),
    parties: new Parties(config, directory),
    profile: () => null,
    logger: silentLogger,
  };
  return { ctx, service, queued, db };
}

let seq = 0;
function row(rcptTo: string[]): MessageRow {
  seq++;
  return {
    seq,
    spoolId: `out-${seq}`,
    origin: 'submission',
    receivedAt: new Date(),
    clientIp: '127.0.0.1',
    helo: 'laptop',
    mailFrom: 'him@stmarys-health.org',
    rcptTo,
    authUser: 'him@stmarys-health.org',
    size: 100,
    state: 'received',
    verdict: null,
    action: null,
    outcome: null,
    quarantineId: null,
    sessionReply: null,
  };
}

const deliver = () => caughtVerdict({ action: 'deliver', score: 0, signals: [] });
const RAW = Buffer.from('x');

describe('outbound PHI guard', () => {
  it('lets mail inside the organisation and to verified partners go', async () => {
    const { ctx } = setup();
    assert.equal(await reviewOutbound(ctx, row(['nurse@stmarys-health.org']), RAW, deliver()), null);
    assert.equal(await reviewOutbound(ctx, row(['referrals@lakesidecardio.com', 'nurse@stmarys-health.org']), RAW, deliver()), null);
  });

  it('holds PHI to a first contact, opens a task and tells the sender', async () => {
    const { ctx, service, queued } = setup();
    const r = (await reviewOutbound(ctx, row(['referrals@lakesidecardio.com', 'dr.x@elsewhere.example']), RAW, deliver()))!;
    assert.equal(r.verdict.action, 'hold');
    assert.ok(r.verdict.signals.some((s) => s.id === 'OUTBOUND_PHI_UNVERIFIED'));
    r.commit!({ quarantineId: null, enqueue: (m) => (queued.push(m), 'n1') });
    const task = service.tasks.bySpoolId(`out-${seq}`)!;
    assert.deepEqual(task.parties, ['dr.x@elsewhere.example'], 'the partner needs no verification');
    assert.equal(task.reasons[0]!.code, 'first-contact');
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0]!.rcptTo, ['him@stmarys-health.org']);
    assert.match(queued[0]!.raw.toString(), /Subject: Held for verification: Patient details/);
  });

  it('lets mail without PHI go, and PHI to a verified contact', async () => {
    assert.equal(await reviewOutbound(setup({ read: { ok: true, facts: facts({ phi: false }) } }).ctx, row(['dr.x@elsewhere.example']), RAW, deliver()), null);
    const { ctx, service } = setup();
    service.contacts.add({ address: 'dr.x@elsewhere.example', days: 10, verifiedBy: 'user:lee', taskId: null, phone: '+14135550180' });
    assert.equal(await reviewOutbound(ctx, row(['dr.x@elsewhere.example']), RAW, deliver()), null);
  });

  it('fails closed on attachments it cannot read (unless configured not to), and when reading fails', async () => {
    const unreadable = { ok: true as const, facts: facts({ phi: false, unreadable: ['list.zip: an archive (not opened)'] }) };
    const held = (await reviewOutbound(setup({ read: unreadable }).ctx, row(['dr.x@elsewhere.example']), RAW, deliver()))!;
    assert.equal(held.verdict.action, 'hold');
    assert.match(held.verdict.signals.find((s) => s.id === 'OUTBOUND_UNREADABLE')!.evidence, /list\.zip/);
    assert.equal(await reviewOutbound(setup({ read: unreadable, config: { verify: { outbound: { holdUnreadable: false } } } }).ctx, row(['dr.x@elsewhere.example']), RAW, deliver()), null);
    const failed = (await reviewOutbound(setup({ read: { ok: false, error: 'reading took longer than 20000 ms' } }).ctx, row(['dr.x@elsewhere.example']), RAW, deliver()))!;
    assert.equal(failed.verdict.action, 'hold');
  });

  it('holds PHI to a partner that requires TLS while the relay does not enforce it', async () => {
    const tls = { verify: { outbound: { requireTlsTo: ['lakesidecardio.com'] } }, gateway: { relay: { target: '127.0.0.1:2526' } } };
    const r = (await reviewOutbound(setup({ config: tls }).ctx, row(['referrals@lakesidecardio.com']), RAW, deliver()))!;
    assert.equal(r.verdict.action, 'hold');
    assert.ok(r.verdict.signals.some((s) => s.id === 'OUTBOUND_PHI_TLS_REQUIRED'));
    const enforced = { ...tls, gateway: { relay: { target: '127.0.0.1:2526', requireTls: true } } };
    assert.equal(await reviewOutbound(setup({ config: enforced }).ctx, row(['referrals@lakesidecardio.com']), RAW, deliver()), null);
  });

  it('PHI to an address of an active campaign: held, and an incident linked to the campaign', async () => {
    const opened: IncidentRequest[] = [];
    const sink: IncidentSink = {
      campaignOfMessage: () => null,
      campaignOfAddress: (a) => (a === 'collect@proton.example' ? { id: '7', name: 'call +15085550199', active: true } : null),
      openIncident: (i) => (opened.push(i), { id: '42', campaignId: i.campaignId }),
    };
    const { ctx, service } = setup({ sink });
    const r = (await reviewOutbound(ctx, row(['collect@proton.example']), RAW, deliver()))!;
    assert.equal(r.verdict.action, 'hold');
    assert.ok(r.verdict.signals.some((s) => s.id === 'OUTBOUND_PHI_CAMPAIGN'));
    r.commit!({ quarantineId: null, enqueue: () => 'n' });
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.campaignId, '7');
    const task = service.tasks.bySpoolId(`out-${seq}`)!;
    assert.equal(task.incidentId, '42');
    assert.equal(task.campaignId, '7');
  });

  it('leaves mail the scanner already stopped to the scanner', async () => {
    assert.equal(await reviewOutbound(setup().ctx, row(['dr.x@elsewhere.example']), RAW, caughtVerdict({ action: 'quarantine' })), null);
  });
});
