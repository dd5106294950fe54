import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { EmbeddedWorkQueue } from './embedded-queue.ts';
import { NatsWorkQueue } from './nats-queue.ts';
import type { WorkQueue } from './work-queue.ts';

// NATS with JetStream runs at its standard loopback port on the development and CI machines.
const NATS_URL = process.env.MEDSHIELD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const kinds: { name: string; open: (stream: string, o?: { ackWaitMs?: number }) => Promise<WorkQueue> }[] = [
  { name: 'embedded', open: async () => new EmbeddedWorkQueue({ delayMs: () => 20 }) },
  { name: 'NATS JetStream', open: (stream, o) => NatsWorkQueue.connect({ url: NATS_URL, stream, delayMs: () => 20, ...o }) },
];

for (const kind of kinds) {
  describe(`work queue: ${kind.name}`, () => {
    const stream = () => `MEDSHIELD_TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
    const cleanup = async (q: WorkQueue) => {
      await q.close();
      if (q instanceof NatsWorkQueue) await q.destroy();
    };

    test('every published id reaches the handler once, within the concurrency limit', async () => {
      const name = stream();
      const q = await kind.open(name);
      const seen: string[] = [];
      let running = 0;
      let peak = 0;
      q.consume(async (id) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(id);
        running--;
      }, 3);
      for (let i = 0; i < 40; i++) await q.publish(`m${i}`);
      await until(() => seen.length === 40);
      await q.settled();
      assert.deepEqual([...seen].sort(), Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
      assert.ok(peak <= 3, `at most 3 at once, saw ${peak}`);
      assert.ok(q.ready());
      if (q instanceof NatsWorkQueue) await q.destroy();
      await q.close();
    });

    test('a handler that fails is retried with the attempt number', async () => {
      const q = await kind.open(stream());
      const attempts: number[] = [];
      q.consume(async (_id, attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error('store locked');
      }, 1);
      await q.publish('x');
      await until(() => attempts.length === 3);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(attempts, [1, 2, 3]);
      await cleanup(q);
    });
  });
}

describe('work queue: NATS JetStream across processes', () => {
  test('a republished id within the duplicate window is handed out once', async () => {
    const name = `MEDSHIELD_TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
    const q = await NatsWorkQueue.connect({ url: NATS_URL, stream: name });
    await q.publish('dup-1');
    await q.publish('dup-1');
    await q.publish('dup-2');
    assert.equal(await q.depth(), 2);
    const seen: string[] = [];
    q.consume(async (id) => void seen.push(id), 2);
    await until(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen.sort(), ['dup-1', 'dup-2']);
    await q.destroy();
    await q.close();
  });

  test('work a dead consumer never acknowledged is redelivered to another one', async () => {
    const name = `MEDSHIELD_TEST_${randomBytes(4).toString('hex').toUpperCase()}`;
    const first = await NatsWorkQueue.connect({ url: NATS_URL, stream: name, ackWaitMs: 800 });
    let taken = 0;
    // The first consumer takes the work and hangs (a scanner that was SIGKILLed never acks).
    first.consume(() => {
      taken++;
      return new Promise<void>(() => {});
    }, 1);
    await first.publish('orphan');
    await until(() => taken === 1);
    await first.abandon();
    const second = await NatsWorkQueue.connect({ url: NATS_URL, stream: name, ackWaitMs: 800 });
    const redelivered: { id: string; attempt: number }[] = [];
    second.consume(async (id, attempt) => void redelivered.push({ id, attempt }), 1);
    await until(() => redelivered.length >= 1, 15_000);
    assert.equal(redelivered[0]!.id, 'orphan');
    assert.ok(redelivered[0]!.attempt >= 2, 'counted as a redelivery');
    await second.destroy();
    await second.close();
  });
});
