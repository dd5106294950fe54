import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { currentSlot } from './housekeeping.ts';
import { MemoryProfiles, MemoryQuarantine } from './testing/memory-stores.ts';
import { startTestGateway } from './testing/harness.ts';

describe('housekeeping', () => {
  it('picks the latest digest time that has passed today', () => {
    const at = (h: number, m: number) => new Date(2026, 10, 16, h, m);
    assert.equal(currentSlot(at(7, 59), ['08:00', '16:30']), null);
    assert.equal(currentSlot(at(8, 0), ['16:30', '08:00']), '2026-11-16 08:00');
    assert.equal(currentSlot(at(23, 0), ['08:00', '16:30']), '2026-11-16 16:30');
  });

  it('runs the retention purge and queues each digest slot once, across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medshield-hk-'));
    let purges = 0;
    let builds = 0;
    const stores = () => ({
      quarantine: new MemoryQuarantine(),
      profiles: new MemoryProfiles(),
      housekeeping: {
        purge: () => {
          purges++;
          return 0;
        },
        digest: {
          times: ['00:00'],
          from: 'quarantine@stmarys-health.org',
          build: async () => {
            builds++;
            return [{ recipient: 'nurse.kim@stmarys-health.org', raw: Buffer.from('From: quarantine@stmarys-health.org\r\nSubject: Held mail\r\n\r\n1 message held\r\n') }];
          },
        },
      },
    });
    try {
      for (let run = 0; run < 2; run++) {
        const t = await startTestGateway({ dataDir, stores: stores() });
        await new Promise((r) => setTimeout(r, 200));
        await t.drain();
        await t.stop();
      }
      assert.equal(purges, 2, 'purge runs at each start');
      assert.equal(builds, 1, 'the 00:00 digest was built once, not again after the restart');
      const t = await startTestGateway({ dataDir, stores: stores() });
      const digests = t.maildir('nurse.kim@stmarys-health.org');
      await t.stop();
      assert.equal(digests.length, 1);
      assert.match(digests[0]!.toString(), /Subject: Held mail/);
      assert.doesNotMatch(digests[0]!.toString(), /X-Medshield-Verdict/, 'our own digests go out as built');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
