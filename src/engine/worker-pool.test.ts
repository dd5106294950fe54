import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../config/load.ts';
import { ScanPool } from './worker-pool.ts';

const config = validateConfig({ limits: { timeoutMs: 200 } });
const workerUrl = new URL('../../test/fixtures/misbehaving-worker.mjs', import.meta.url);

describe('scan pool', () => {
  it('fails closed on a hung or crashed worker, replaces it, and keeps serving', async () => {
    const pool = new ScanPool({ config, resolver: { kind: 'offline' }, size: 2, graceMs: 100, workerUrl });
    try {
      await pool.ready();
      const [hung, crashed, fine] = await Promise.all([
        pool.scan(Buffer.from('Subject: HANG\r\n\r\nx')),
        pool.scan(Buffer.from('Subject: CRASH\r\n\r\nx')),
        pool.scan(Buffer.from('Subject: ok\r\n\r\nx')),
      ]);
      assert.equal(hung.action, 'quarantine');
      assert.ok(hung.unscannable);
      assert.match(hung.signals[0].evidence, /did not finish within 300 ms/);
      assert.equal(crashed.action, 'quarantine');
      assert.match(crashed.signals[0].evidence, /crashed: simulated crash/);
      assert.equal(fine.action, 'deliver');
      // The replaced workers serve the next messages.
      const after = await Promise.all([1, 2, 3].map(() => pool.scan(Buffer.from('Subject: ok\r\n\r\nx'))));
      assert.deepEqual(after.map((v) => v.action), ['deliver', 'deliver', 'deliver']);
    } finally {
      await pool.close();
    }
  });
});
