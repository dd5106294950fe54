import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../store/database.ts';
import { AuditLog } from './audit-log.ts';

function fresh() {
  const db = openDatabase(':memory:');
  return { db, log: new AuditLog(db) };
}

test('records are listed newest first and filter by target, actor, action and time', () => {
  const { log } = fresh();
  log.record({ actor: 'gateway', action: 'quarantine.add', target: 'q1', detail: { score: 12 } });
  log.record({ actor: 'cli:alice', action: 'quarantine.read', target: 'q1' });
  log.record({ actor: 'cli:bob', action: 'quarantine.read', target: 'q2' });
  assert.deepEqual(
    log.list().map((e) => [e.id, e.actor, e.target]),
    [
      [3, 'cli:bob', 'q2'],
      [2, 'cli:alice', 'q1'],
      [1, 'gateway', 'q1'],
    ],
  );
  assert.deepEqual(log.list({ target: 'q1' }).map((e) => e.id), [2, 1]);
  assert.deepEqual(log.list({ actor: 'cli:bob' }).map((e) => e.id), [3]);
  assert.deepEqual(log.list({ action: 'quarantine.read' }).map((e) => e.id), [3, 2]);
  assert.deepEqual(log.list({ limit: 1 }).map((e) => e.id), [3]);
  assert.deepEqual(log.list({ since: new Date(Date.now() + 60_000) }), []);
  assert.equal(log.list({ since: new Date(Date.now() - 60_000) }).length, 3);
  assert.deepEqual(log.list({ target: 'q1' })[1]!.detail, { score: 12 });
  assert.equal(log.list({ target: 'q2' })[0]!.detail, null);
  assert.ok(log.list()[0]!.at instanceof Date);
});

test('empty actor, action or target is refused', () => {
  const { log } = fresh();
  assert.throws(() => log.record({ actor: '', action: 'x', target: 'y' }), /'actor' must be a non-empty string/);
  assert.throws(() => log.record({ actor: 'a', action: ' ', target: 'y' }), /'action'/);
  assert.throws(() => log.record({ actor: 'a', action: 'x', target: '' }), /'target'/);
  assert.equal(log.list().length, 0);
});

test('rows cannot be updated or deleted through SQLite', () => {
  const { db, log } = fresh();
  log.record({ actor: 'cli:alice', action: 'quarantine.read', target: 'q1' });
  assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'nobody'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/);
  assert.equal(log.list()[0]!.actor, 'cli:alice');
});

test('verify: an intact chain passes; an edited, removed or relinked row is reported as the first break', () => {
  const build = () => {
    const f = fresh();
    for (let i = 1; i <= 5; i++) f.log.record({ actor: `user${i}`, action: 'quarantine.read', target: `q${i}`, detail: { n: i } });
    // Tampering with another tool: drop the triggers first, as an attacker with file access could.
    f.db.exec(
      f.db.dialect === 'postgres'
        ? 'DROP TRIGGER audit_log_no_update ON audit_log'
        : 'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;',
    );
    return f;
  };
  const intact = build();
  const ok = intact.log.verify();
  assert.equal(ok.ok, true);
  assert.equal(ok.checked, 5);
  assert.equal(ok.head, intact.log.list({ limit: 1 })[0]!.hash);
  assert.equal(fresh().log.verify().ok, true);

  const edited = build();
  edited.db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3").run();
  assert.deepEqual(edited.log.verify().firstBroken, { id: 3, reason: 'contents altered (hash mismatch)' });
  assert.equal(edited.log.verify().checked, 2);

  const editedDetail = build();
  editedDetail.db.prepare(`UPDATE audit_log SET detail = '{"n":99}' WHERE id = 4`).run();
  assert.equal(editedDetail.log.verify().firstBroken?.id, 4);

  const removed = build();
  removed.db.prepare('DELETE FROM audit_log WHERE id = 2').run();
  assert.deepEqual(removed.log.verify().firstBroken, { id: 3, reason: 'row 2 missing' });

  // Re-hashing an edited row does not help: the next row no longer links to it.
  const rehashed = build();
  const r2 = rehashed.db.prepare('SELECT hash FROM audit_log WHERE id = 2').get() as { hash: string };
  rehashed.db.prepare("UPDATE audit_log SET actor = 'x', hash = ? WHERE id = 2").run('f'.repeat(64));
  assert.notEqual(r2.hash, 'f'.repeat(64));
  assert.equal(rehashed.log.verify().firstBroken?.id, 2);
});

test('two connections appending to one database keep one unbroken chain', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'medshield-audit-')), 'medshield.db');
  const a = new AuditLog(openDatabase(path));
  const b = new AuditLog(openDatabase(path));
  for (let i = 0; i < 50; i++) (i % 3 === 0 ? b : a).record({ actor: 'x', action: 'quarantine.read', target: `q${i}` });
  const v = a.verify();
  assert.equal(v.ok, true);
  assert.equal(v.checked, 50);
});
