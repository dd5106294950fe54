import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, openDatabase, tableExists } from './database.ts';

test('migrations run once, in order, per module', () => {
  const db = openDatabase(':memory:');
  const schema = { module: 'demo', migrations: ['CREATE TABLE demo_a (x INTEGER)', 'ALTER TABLE demo_a ADD COLUMN y TEXT'] };
  migrate(db, schema);
  migrate(db, schema);
  db.prepare('INSERT INTO demo_a (x, y) VALUES (1, ?)').run('z');
  assert.deepEqual(db.prepare('SELECT x, y FROM demo_a').get(), { x: 1, y: 'z' });
  migrate(db, { module: 'other', migrations: ['CREATE TABLE other_a (x INTEGER)'] });
  const versions = db.prepare('SELECT module, version FROM schema_migrations ORDER BY module, version').all();
  assert.deepEqual(versions, [
    { module: 'demo', version: 1 },
    { module: 'demo', version: 2 },
    { module: 'other', version: 1 },
  ]);
});

test('a failing script leaves no partial change and is not recorded', () => {
  const db = openDatabase(':memory:');
  assert.throws(() => migrate(db, { module: 'bad', migrations: ['CREATE TABLE bad_a (x INTEGER); CREATE TABLE nope ('] }));
  assert.equal(tableExists(db, 'bad_a'), false);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM schema_migrations WHERE module = 'bad'").get() as { n: number }).n, 0);
});

test('a store newer than the code is refused with a clear message', () => {
  const db = openDatabase(':memory:');
  migrate(db, { module: 'm', migrations: ['CREATE TABLE m_a (x INTEGER)', 'CREATE TABLE m_b (x INTEGER)'] });
  assert.throws(() => migrate(db, { module: 'm', migrations: ['CREATE TABLE m_a (x INTEGER)'] }), /newer than this code/);
});
