import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/load.ts';
import { MessageCipher } from '../../crypto/message-cipher.ts';
import { openDatabase } from '../../store/database.ts';
import { respondSchema } from '../settings.ts';
import { incidentForVerdict } from './auto-open.ts';
import { estimateExposure, exposureAssumptions } from './exposure.ts';
import { IncidentStore } from './incident-store.ts';

const at = new Date('2026-11-03T10:00:00Z');

describe('incidents', () => {
  it('open once per dedupe key, keep a timeline, seal analysts’ notes', () => {
    const db = openDatabase(':memory:');
    const store = new IncidentStore(db, new MessageCipher(Buffer.alloc(32, 4)));
    const a = store.open({ kind: 'verdict', severity: 'high', title: 'Executable attachment — from evil.example', actor: 'system:respond', dedupeKey: 'k1' }, at.getTime());
    const b = store.open({ kind: 'verdict', severity: 'critical', title: 'again', actor: 'system:respond', dedupeKey: 'k1' }, at.getTime() + 1000);
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.id, a.id);
    assert.equal(store.get(a.id)!.severity, 'critical', 'a worse sighting raises the severity');
    store.linkMessages(a.id, ['s1', 's2']);
    assert.deepEqual(store.linkMessages(a.id, ['s2', 's3']), ['s3']);
    store.setOwner(a.id, 'alice', 'user:bob');
    store.setStatus(a.id, 'investigating', 'user:alice');
    store.addNote(a.id, 'user:alice', 'Patient Jane Roe called back the number; her MRN may be exposed.');
    const timeline = store.timeline(a.id);
    assert.deepEqual(timeline.map((e) => e.kind), ['opened', 'severity', 'owner', 'status', 'note']);
    assert.equal(timeline.at(-1)!.note, 'Patient Jane Roe called back the number; her MRN may be exposed.');
    const stored = db.prepare("SELECT sealed_note FROM respond_incident_events WHERE kind = 'note'").pluck().get() as Buffer;
    assert.ok(!stored.toString('latin1').includes('Jane Roe'), 'notes are encrypted at rest');
    assert.deepEqual(store.forMessage('s3').map((i) => i.id), [a.id]);
    assert.equal(store.list({ status: ['investigating'] }).total, 1);
    assert.equal(store.counts().investigating, 1);
    assert.throws(() => store.setStatus(999, 'resolved', 'x'), /no incident 999/);
  });

  it('open by themselves for verification failures, high-severity signals and very high scores only', () => {
    const s = respondSchema.parse({}).incidents;
    const v = (signals: [string, number][], score: number, action = 'quarantine') => incidentForVerdict({ action, score, signals: signals.map(([id, sc]) => ({ id, score: sc })), fromDomain: 'evil.example', at }, s);
    assert.equal(v([['SENDER_VERIFICATION_FAILED', 10]], 10)?.kind, 'verification');
    const exe = v([['ATTACHMENT_EXECUTABLE', 10]], 10)!;
    assert.equal(exe.kind, 'verdict');
    assert.equal(exe.severity, 'high');
    assert.equal(exe.dedupeKey, 'verdict:evil.example:ATTACHMENT_EXECUTABLE:2026-11-03');
    assert.doesNotMatch(exe.title, /subject/i);
    assert.equal(v([['LINK_SHORTENER', 30]], 30, 'reject')?.severity, 'critical');
    assert.equal(v([['LINK_SHORTENER', 9]], 9), null, 'ordinary quarantine verdicts are not incidents');
  });
});

describe('breach exposure', () => {
  it('counts mailboxes a copy reached and prices the records they can reach', () => {
    const config = validateConfig({});
    const a = exposureAssumptions(config);
    assert.deepEqual(a, { recordsPerMailbox: 1000, costPerRecordLow: 300, costPerRecordHigh: 400, blackMarketPerRecord: 1000 });
    const d = (recipient: string, state: Parameters<typeof estimateExposure>[0][number]['state']) => ({ spoolId: 's', recipient, state, at, detail: null });
    const e = estimateExposure([d('a', 'delivered'), d('a', 'removed'), d('b', 'removed'), d('c', 'quarantined'), d('d', 'bounced'), d('e', 'pending')], a);
    assert.equal(e.mailboxesReached, 3, 'a, b and e; not the quarantined or bounced');
    assert.equal(e.mailboxesStillExposed, 2, 'a still has a copy; e is on its way');
    assert.equal(e.recordsAtRisk, 3000);
    assert.equal(e.costLow, 900_000);
    assert.equal(e.costHigh, 1_200_000);
    assert.equal(e.blackMarketValue, 3_000_000);
    const own = exposureAssumptions(validateConfig({ respond: { exposure: { recordsPerMailbox: 50, blackMarketPerRecord: 250 } } }));
    assert.equal(own.recordsPerMailbox, 50);
    assert.equal(own.blackMarketPerRecord, 250);
    assert.equal(own.costPerRecordLow, 300, 'from the dashboard’s setting');
  });
});
