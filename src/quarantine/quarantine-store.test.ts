import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CipherError } from '../crypto/message-cipher.ts';
import { quarantineIdFor, QuarantineError, type OutgoingRelease } from './quarantine-store.ts';
import { backdateBody, quarantinable, tempStore } from './test-fixtures.ts';

const DAY = 24 * 3600_000;

test('add: the body is encrypted on disk, the metadata is in the store', () => {
  const { store, bodies, bodyNames } = tempStore();
  const m = quarantinable({ to: ['Dr.Smith@Hospital.Example', 'nurse@hospital.example'], subject: 'Confirm your appointment' });
  const id = store.add(m);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.deepEqual(bodyNames(), [id]);
  const onDisk = bodies.get(id);
  assert.equal(onDisk.includes(Buffer.from('BODY-SECRET-MARKER')), false);
  assert.equal(onDisk.includes(Buffer.from('Confirm your appointment')), false);
  const e = store.get(id)!;
  assert.equal(e.spoolId, m.spoolId);
  assert.equal(e.status, 'held');
  assert.equal(e.reason, 'quarantine');
  assert.equal(e.action, 'quarantine');
  assert.equal(e.score, 14);
  assert.equal(e.from, 'noreply@zocdoc-appts.net');
  assert.equal(e.fromName, 'Zocdoc');
  assert.equal(e.mailFrom, 'bounce@zocdoc-appts.net');
  assert.equal(e.subject, 'Confirm your appointment');
  assert.match(e.messageId, /^<m\d+@zocdoc-appts\.net>$/);
  assert.deepEqual(e.recipients, ['dr.smith@hospital.example', 'nurse@hospital.example']);
  assert.deepEqual(e.signals.map((s) => s.id), ['PHI_SOLICITATION', 'BRAND_IN_DISPLAY_NAME']);
  assert.equal(e.clientIp, '203.0.113.9');
  assert.equal(e.size, m.raw.length);
  assert.equal(e.bodyPresent, true);
  assert.deepEqual(e.receivedAt, m.receivedAt);
  assert.equal(store.get('0000000000000000'), undefined);
});

test('add is idempotent per spool id: a crash-retry creates no second row, file or audit entry', () => {
  const { store, bodyNames, audit } = tempStore();
  const m = quarantinable();
  const id = store.add(m);
  assert.equal(store.add(m), id);
  assert.equal(store.add({ ...m, raw: Buffer.from('different bytes'), reason: 'hold' }), id);
  assert.equal(store.list().length, 1);
  assert.equal(store.get(id)!.reason, 'quarantine');
  assert.equal(bodyNames().length, 1);
  assert.equal(audit.list({ action: 'quarantine.add' }).length, 1);
});

test('a body written before a crash (no row yet) is overwritten by the retry, not duplicated', () => {
  const { store, bodies, bodyNames } = tempStore();
  const m = quarantinable();
  bodies.put(quarantineIdFor(m.spoolId), Buffer.from('half-written garbage'));
  const id = store.add(m);
  assert.equal(id, quarantineIdFor(m.spoolId));
  assert.deepEqual(bodyNames(), [id]);
  assert.deepEqual(store.readMessage(id, 'test'), m.raw);
});

test('add refuses an unknown reason and a missing spool id', () => {
  const { store } = tempStore();
  assert.throws(() => store.add({ ...quarantinable(), reason: 'whatever' as never }), /unknown quarantine reason/);
  assert.throws(() => store.add({ ...quarantinable(), spoolId: '' }), /spoolId is required/);
  assert.equal(store.list().length, 0);
});

test('list filters by status, recipient, reason, time and open release requests; newest first', () => {
  const { store } = tempStore();
  const now = Date.now();
  const a = store.add(quarantinable({ to: ['a@hospital.example'], receivedAt: new Date(now - 3 * DAY), reason: 'hold' }));
  const b = store.add(quarantinable({ to: ['b@hospital.example'], receivedAt: new Date(now - 2 * DAY) }));
  const c = store.add(quarantinable({ to: ['a@hospital.example', 'b@hospital.example'], receivedAt: new Date(now - DAY), reason: 'unscannable' }));
  store.delete(b, 'test');
  store.requestRelease(a, 'a@hospital.example');
  assert.deepEqual(store.list().map((e) => e.id), [c, b, a]);
  assert.deepEqual(store.list({ status: 'held' }).map((e) => e.id), [c, a]);
  assert.deepEqual(store.list({ status: ['deleted', 'released'] }).map((e) => e.id), [b]);
  assert.deepEqual(store.list({ recipient: 'A@Hospital.Example' }).map((e) => e.id), [c, a]);
  assert.deepEqual(store.list({ recipient: 'b@hospital.example', status: 'held' }).map((e) => e.id), [c]);
  assert.deepEqual(store.list({ reason: 'hold' }).map((e) => e.id), [a]);
  assert.deepEqual(store.list({ since: new Date(now - 2.5 * DAY) }).map((e) => e.id), [c, b]);
  assert.deepEqual(store.list({ until: new Date(now - 1.5 * DAY) }).map((e) => e.id), [b, a]);
  assert.deepEqual(store.list({ releaseRequested: true }).map((e) => e.id), [a]);
  assert.deepEqual(store.list({ limit: 1, offset: 1 }).map((e) => e.id), [b]);
  assert.throws(() => store.list({ status: 'gone' as never }), /unknown quarantine status 'gone'/);
  assert.deepEqual(store.counts(), { held: 2, released: 0, deleted: 1, expired: 0 });
});

test('readMessage returns the original bytes and records who read it; unknown ids are a clear error', () => {
  const { store, audit } = tempStore();
  const m = quarantinable();
  const id = store.add(m);
  assert.deepEqual(store.readMessage(id, 'cli:alice'), m.raw);
  assert.deepEqual(store.readMessage(id, 'console:bob@hospital.example'), m.raw);
  const reads = audit.list({ target: id, action: 'quarantine.read' });
  assert.deepEqual(reads.map((r) => r.actor), ['console:bob@hospital.example', 'cli:alice']);
  assert.throws(
    () => store.readMessage('ffffffffffffffff', 'cli:alice'),
    (e: Error) => e instanceof QuarantineError && e.code === 'not-found' && /no quarantined message with id 'ffffffffffffffff'/.test(e.message),
  );
});

test('a body altered on disk is refused, and no read is recorded', () => {
  const { store, bodies, audit } = tempStore();
  const id = store.add(quarantinable());
  const blob = Buffer.from(bodies.get(id));
  blob[blob.length - 5]! ^= 0xff;
  bodies.put(id, blob);
  assert.throws(() => store.readMessage(id, 'cli:alice'), CipherError);
  assert.equal(audit.list({ action: 'quarantine.read' }).length, 0);
});

test('release delivers exactly once, to the original envelope, and is audited', () => {
  const { store, audit } = tempStore();
  const m = quarantinable({ to: ['dr.smith@hospital.example', 'nurse@hospital.example'] });
  const id = store.add(m);
  const delivered: OutgoingRelease[] = [];
  const deliver = (o: OutgoingRelease) => (delivered.push(o), `out-${delivered.length}`);
  const first = store.release(id, 'cli:alice', deliver);
  assert.equal(first.alreadyReleased, false);
  assert.equal(first.delivery, 'out-1');
  const again = store.release(id, 'cli:bob', deliver);
  assert.equal(again.alreadyReleased, true);
  assert.equal(again.delivery, 'out-1');
  assert.equal(again.releasedBy, 'cli:alice');
  assert.equal(delivered.length, 1);
  assert.deepEqual(delivered[0]!.raw, m.raw);
  assert.equal(delivered[0]!.mailFrom, 'bounce@zocdoc-appts.net');
  assert.deepEqual(delivered[0]!.rcptTo, ['dr.smith@hospital.example', 'nurse@hospital.example']);
  const e = store.get(id)!;
  assert.equal(e.status, 'released');
  assert.equal(e.statusBy, 'cli:alice');
  assert.equal(e.releaseDelivery, 'out-1');
  assert.equal(audit.list({ target: id, action: 'quarantine.release' }).length, 1);
});

test('release is one transaction with the enqueue: a failed enqueue leaves it held and its queue row rolled back', () => {
  const { store, db, audit } = tempStore();
  db.exec('CREATE TABLE test_queue (id TEXT)');
  const id = store.add(quarantinable());
  assert.throws(
    () =>
      store.release(id, 'cli:alice', () => {
        db.prepare("INSERT INTO test_queue VALUES ('q1')").run();
        throw new Error('disk full');
      }),
    /disk full/,
  );
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM test_queue').get() as { n: number }).n, 0);
  assert.equal(store.get(id)!.status, 'held');
  assert.equal(audit.list({ action: 'quarantine.release' }).length, 0);
  const r = store.release(id, 'cli:alice', () => {
    db.prepare("INSERT INTO test_queue VALUES ('q2')").run();
    return 'q2';
  });
  assert.equal(r.delivery, 'q2');
  assert.deepEqual(db.prepare('SELECT id FROM test_queue').all(), [{ id: 'q2' }]);
});

test('delete removes the body, keeps the record, and cannot be undone by a release', () => {
  const { store, bodyNames, audit } = tempStore();
  const id = store.add(quarantinable());
  store.delete(id, 'cli:alice');
  store.delete(id, 'cli:alice');
  assert.deepEqual(bodyNames(), []);
  const e = store.get(id)!;
  assert.equal(e.status, 'deleted');
  assert.equal(e.bodyPresent, false);
  assert.equal(e.statusBy, 'cli:alice');
  assert.equal(audit.list({ target: id, action: 'quarantine.delete' }).length, 1);
  assert.throws(() => store.readMessage(id, 'cli:alice'), (err: Error) => err instanceof QuarantineError && err.code === 'body-gone' && /was deleted/.test(err.message));
  let called = false;
  assert.throws(() => store.release(id, 'cli:alice', () => ((called = true), 'x')), /was deleted .* cannot be released/);
  assert.equal(called, false);
  assert.throws(() => store.delete('0123456789abcdef', 'cli:alice'), /no quarantined message/);
});

test('purgeExpired removes content past retention: held → expired, released stays released; recent mail is kept', () => {
  const { store, bodyNames, audit } = tempStore();
  const now = new Date();
  const oldHeld = store.add(quarantinable({ receivedAt: new Date(now.getTime() - 31 * DAY) }));
  const oldReleased = store.add(quarantinable({ receivedAt: new Date(now.getTime() - 40 * DAY) }));
  store.release(oldReleased, 'cli:alice', () => 'out');
  const recent = store.add(quarantinable({ receivedAt: new Date(now.getTime() - 29 * DAY) }));
  store.requestRelease(oldHeld, 'dr.smith@hospital.example');
  const r = store.purgeExpired(now, 30);
  assert.deepEqual(r.expired.sort(), [oldHeld, oldReleased].sort());
  assert.deepEqual(bodyNames(), [recent]);
  assert.equal(store.get(oldHeld)!.status, 'expired');
  assert.equal(store.get(oldHeld)!.releaseRequests[0]!.state, 'declined');
  assert.equal(store.get(oldReleased)!.status, 'released');
  assert.equal(store.get(oldReleased)!.bodyPresent, false);
  assert.equal(store.get(recent)!.status, 'held');
  assert.equal(audit.list({ action: 'quarantine.expire' }).length, 2);
  assert.deepEqual(store.purgeExpired(now, 30).expired, []);
  assert.throws(() => store.purgeExpired(now, -1), /retentionDays/);
});

test('purgeExpired sweeps old body files no record needs, but not ones an add may be committing', () => {
  const s = tempStore();
  const { store, bodies, bodyNames } = s;
  const now = new Date();
  const kept = store.add(quarantinable());
  bodies.put('aaaaaaaaaaaaaaaa', Buffer.from('orphan'));
  backdateBody(s, 'aaaaaaaaaaaaaaaa', new Date(now.getTime() - 2 * 3600_000));
  bodies.put('bbbbbbbbbbbbbbbb', Buffer.from('just written'));
  const r = store.purgeExpired(now, 30);
  assert.equal(r.orphansRemoved, 1);
  assert.deepEqual(bodyNames().sort(), ['bbbbbbbbbbbbbbbb', kept].sort());
});

test('release requests: only the message’s own recipients, once each; a release settles them', () => {
  const { store, audit } = tempStore();
  const id = store.add(quarantinable({ to: ['a@hospital.example', 'b@hospital.example'] }));
  const r1 = store.requestRelease(id, 'A@hospital.example');
  assert.equal(r1.alreadyRequested, false);
  assert.equal(r1.recipient, 'a@hospital.example');
  assert.equal(store.requestRelease(id, 'a@hospital.example').alreadyRequested, true);
  assert.throws(() => store.requestRelease(id, 'mallory@hospital.example'), (e: Error) => e instanceof QuarantineError && e.code === 'not-a-recipient');
  assert.deepEqual(audit.list({ action: 'quarantine.release-request' }).map((e) => e.actor), ['recipient:a@hospital.example']);
  store.release(id, 'cli:alice', () => 'out');
  assert.deepEqual(store.get(id)!.releaseRequests.map((q) => [q.recipient, q.state]), [['a@hospital.example', 'released']]);
  assert.throws(() => store.requestRelease(id, 'b@hospital.example'), /was released .* can no longer be requested/);
});

test('resolveId accepts a unique prefix of six or more digits', () => {
  const { store } = tempStore();
  const id = store.add(quarantinable());
  assert.equal(store.resolveId(id), id);
  assert.equal(store.resolveId(id.slice(0, 6).toUpperCase()), id);
  assert.throws(() => store.resolveId(id.slice(0, 5)), /no quarantined message with id/);
  assert.throws(() => store.resolveId('nonsense'), /no quarantined message with id 'nonsense'/);
});

test('every operation leaves an intact audit chain', () => {
  const { store, audit, bodyNames } = tempStore();
  const ids = [0, 1, 2].map(() => store.add(quarantinable()));
  store.readMessage(ids[0]!, 'cli:alice');
  store.release(ids[0]!, 'cli:alice', () => 'out');
  store.delete(ids[1]!, 'cli:alice');
  store.requestRelease(ids[2]!, 'dr.smith@hospital.example');
  const v = audit.verify();
  assert.equal(v.ok, true);
  assert.equal(v.checked, 3 + 1 + 1 + 1 + 1);
  assert.equal(bodyNames().includes(ids[1]!), false);
});

test('count matches list without its limit', () => {
  const { store } = tempStore();
  for (let i = 0; i < 5; i++) store.add(quarantinable({ to: [i % 2 ? 'a@hospital.example' : 'b@hospital.example'] }));
  assert.equal(store.count(), 5);
  assert.equal(store.count({ recipient: 'a@hospital.example', limit: 1 }), 2);
  assert.equal(store.count({ status: 'released' }), 0);
});
