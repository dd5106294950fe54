import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../config/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { ScanPool } from '../engine/worker-pool.ts';
import { ReloadableScanner } from './reloadable-scanner.ts';
import { SCRIPTED_WORKER, testMail } from './testing/harness.ts';

const make = (c: MedshieldConfig) => new ScanPool({ config: c, resolver: { kind: 'offline' }, size: 1, workerUrl: SCRIPTED_WORKER });

test('a reload switches new scans to a new pool, lets scans in flight finish on the old one, then closes it', async () => {
  const config = validateConfig({ org: { domains: ['stmarys-health.org'] } });
  const first = make(config);
  const pools: ScanPool[] = [];
  const scanner = new ReloadableScanner(first, (c) => {
    const p = make(c);
    pools.push(p);
    return p;
  });
  await first.ready();
  try {
    // A slow scan is in flight on the first pool while the reload happens.
    const inFlight = scanner.scan(testMail({ subject: 'Slow one SLOW=300 [hold]' }), {});
    await scanner.reload(validateConfig({ org: { domains: ['stmarys-health.org', 'example.org'] } }));
    assert.equal(pools.length, 1);
    const after = await scanner.scan(testMail({ subject: 'After [quarantine]' }), {});
    assert.equal(after.action, 'quarantine');
    assert.equal((await inFlight).action, 'hold', 'the old pool finished its scan');
    // Once its last scan is done, the old pool is closed.
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(first.scan(testMail({ subject: 'x' })), /closed/);
  } finally {
    await scanner.close();
  }
  await assert.rejects(pools[0]!.scan(testMail({ subject: 'x' })), /closed/);
});

test('a pool that cannot start leaves the running one in place', async () => {
  const config = validateConfig({});
  const first = make(config);
  const scanner = new ReloadableScanner(first, () => new ScanPool({ config, resolver: { kind: 'offline' }, size: 1, workerUrl: new URL('./testing/no-such-worker.mjs', import.meta.url) }), 1500);
  await first.ready();
  try {
    await assert.rejects(scanner.reload(config), /did not start within/);
    assert.equal((await scanner.scan(testMail({ subject: 'still here [tag]' }), {})).action, 'tag');
  } finally {
    await scanner.close();
  }
});
