import { Worker } from 'node:worker_threads';
import type { FactsRequest, MessageFacts } from './message-facts.ts';

export type FactsResult = { ok: true; facts: MessageFacts } | { ok: false; error: string };

interface Job {
  id: number;
  raw: Buffer;
  req: FactsRequest;
  resolve: (r: FactsResult) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  ready: boolean;
}

const BOOTSTRAP = new URL('./facts-worker.mjs', import.meta.url);

/**
 * Worker threads that read messages for sender verification (attachments included). A job
 * that runs past `timeoutMs` (a PDF built to stall a parser) has its thread terminated and
 * replaced; the caller gets an error result and decides how to fail closed.
 */
export class FactsPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: { size: number; timeoutMs: number }) {
    for (let i = 0; i < Math.max(1, o.size); i++) this.slots.push(this.spawn());
  }

  read(raw: Buffer, req: FactsRequest): Promise<FactsResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'the verification reader is shut down' });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, raw, req, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.resolve({ ok: false, error: 'the verification reader is shut down' });
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        s.job?.resolve({ ok: false, error: 'the verification reader is shut down' });
        s.job = null;
        await s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(BOOTSTRAP), job: null, timer: null, ready: false };
    slot.worker.on('message', (m: { ready?: true; id?: number; facts?: MessageFacts; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        this.pump();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      if (slot.timer) clearTimeout(slot.timer);
      slot.job = null;
      slot.timer = null;
      job.resolve(m.facts ? { ok: true, facts: m.facts } : { ok: false, error: m.error ?? 'unknown error' });
      this.pump();
    });
    slot.worker.on('error', (err) => this.replace(slot, `reader crashed: ${err.message}`));
    slot.worker.on('exit', () => {
      if (!this.closed && this.slots.includes(slot)) this.replace(slot, 'reader exited');
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => this.replace(slot, `reading took longer than ${this.o.timeoutMs} ms`), this.o.timeoutMs);
      slot.worker.postMessage({ id: job.id, raw: job.raw, req: job.req });
    }
  }

  private replace(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    this.slots.splice(i, 1);
    const job = slot.job;
    slot.job = null;
    void slot.worker.terminate();
    job?.resolve({ ok: false, error: reason });
    if (!this.closed) {
      this.slots.push(this.spawn());
      this.pump();
    }
  }
}
