import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MedshieldConfig } from '../config/schema.ts';
import type { ScanOptions } from './engine.ts';
import { unscannableVerdict, type Envelope, type Verdict } from './verdict.ts';
import type { ResolverSpec } from './resolver-spec.ts';

export interface PoolOptions {
  config: MedshieldConfig;
  resolver: ResolverSpec;
  analyzerOverrides?: Record<string, Record<string, unknown>>;
  /** Worker threads; default: one per core. */
  size?: number;
  /** A worker silent this long past the engine's own time-out is killed and replaced. */
  graceMs?: number;
  /** The worker script (tests substitute a misbehaving one). */
  workerUrl?: URL;
}

interface Task {
  id: number;
  raw: Buffer;
  envelope: Envelope;
  options: ScanOptions;
  resolve: (v: Verdict) => void;
  started: number;
  attempts: number;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  ready: Promise<void>;
  isReady: boolean;
}

const BOOTSTRAP = new URL('./scan-worker.mjs', import.meta.url);

/**
 * Scans on all cores. Each worker thread owns one ScanEngine. A message that hangs or
 * crashes its worker gets an `unscannable` verdict (fail closed); the worker is replaced
 * and the pool keeps going.
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  readonly size: number;

  constructor(private readonly opts: PoolOptions) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has loaded its engine (models, brand pack). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  scan(raw: Buffer, envelope: Envelope = {}, options: ScanOptions = {}): Promise<Verdict> {
    if (this.closed) return Promise.reject(new Error('scan pool is closed'));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, raw, envelope, options, resolve, started: performance.now(), attempts: 0 });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerUrl ?? BOOTSTRAP, {
      workerData: { config: this.opts.config, resolver: this.opts.resolver, analyzerOverrides: this.opts.analyzerOverrides ?? {} },
    });
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    const slot: Slot = { worker, task: null, timer: null, isReady: false, ready: new Promise((res, rej) => ((onReady = res), (onFail = rej))) };
    slot.ready.catch(() => {});
    worker.on('message', (m: { type: 'ready' } | { type: 'verdict'; id: number; verdict: Verdict } | { type: 'init-error'; message: string }) => {
      if (m.type === 'ready') {
        slot.isReady = true;
        onReady();
        this.pump();
      } else if (m.type === 'init-error') {
        onFail(new Error(m.message));
      } else if (slot.task && slot.task.id === m.id) {
        this.finish(slot, m.verdict);
      }
    });
    worker.on('error', (err) => this.replace(slot, `scanner worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) this.replace(slot, `scanner worker exited (code ${code})`);
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.isReady || slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      const limit = this.opts.config.limits.timeoutMs + (this.opts.graceMs ?? 5000);
      slot.timer = setTimeout(() => this.replace(slot, `scan did not finish within ${limit} ms`), limit);
      // Copy, not transfer: the caller keeps its buffer (the gateway still owns the spool copy).
      slot.worker.postMessage({ type: 'scan', id: task.id, raw: task.raw, envelope: task.envelope, options: task.options });
    }
  }

  private finish(slot: Slot, verdict: Verdict): void {
    const task = slot.task!;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = null;
    slot.timer = null;
    task.resolve(verdict);
    this.pump();
  }

  /** Kill a worker that hung or died; its message is failed closed, never retried into another hang. */
  private replace(slot: Slot, reason: string): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    this.slots.splice(idx, 1);
    void slot.worker.terminate();
    if (task) task.resolve(unscannableVerdict(reason, Math.round(performance.now() - task.started)));
    if (!this.closed) {
      this.slots.push(this.spawn());
      this.pump();
    }
  }
}
