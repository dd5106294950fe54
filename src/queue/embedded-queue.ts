import { retryDelayMs, type WorkHandler, type WorkQueue } from './work-queue.ts';

export interface EmbeddedQueueOptions {
  /** Logs a failed attempt before it is retried. */
  onRetry?(id: string, attempt: number, delayMs: number, err: Error): void;
  /** Backoff between attempts (tests shorten it). */
  delayMs?: (attempt: number) => number;
}

/**
 * The one-machine queue: work runs in this process as soon as it is published. Nothing here
 * needs to be durable because the journal is: a restart republishes every undecided message.
 * A failed attempt (a locked store, a full disk) is retried with backoff.
 */
export class EmbeddedWorkQueue implements WorkQueue {
  readonly kind = 'embedded' as const;
  private handler: WorkHandler | null = null;
  private readonly backlog: { id: string; attempt: number }[] = [];
  private readonly inProgress = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private concurrency = Infinity;
  private closed = false;

  constructor(private readonly o: EmbeddedQueueOptions = {}) {}

  async publish(id: string): Promise<void> {
    if (this.closed) return;
    this.backlog.push({ id, attempt: 1 });
    this.pump();
  }

  consume(handler: WorkHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  async settled(): Promise<void> {
    while (this.inProgress.size) await Promise.allSettled([...this.inProgress.values()]);
  }

  ready(): boolean {
    return !this.closed;
  }

  async depth(): Promise<number> {
    return this.backlog.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private pump(): void {
    while (this.handler && !this.closed && this.backlog.length && this.inProgress.size < this.concurrency) {
      const next = this.backlog.shift()!;
      // The same id is never run twice at once: a republish waits for the running attempt.
      const running = this.inProgress.get(next.id);
      if (running) {
        void running.finally(() => {
          this.backlog.push(next);
          this.pump();
        });
        continue;
      }
      this.run(next.id, next.attempt);
    }
  }

  private run(id: string, attempt: number): void {
    const handler = this.handler!;
    const p = handler(id, attempt)
      .catch((err: Error) => this.retryLater(id, attempt, err))
      .finally(() => {
        if (this.inProgress.get(id) === p) this.inProgress.delete(id);
        this.pump();
      });
    this.inProgress.set(id, p);
  }

  private retryLater(id: string, attempt: number, err: Error): void {
    const delay = (this.o.delayMs ?? retryDelayMs)(attempt);
    this.o.onRetry?.(id, attempt, delay, err);
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      this.backlog.push({ id, attempt: attempt + 1 });
      this.pump();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
