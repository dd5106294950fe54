import { AckPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { retryDelayMs, type WorkHandler, type WorkQueue } from './work-queue.ts';

export interface NatsQueueOptions {
  /** nats://host:port[,nats://…] */
  url: string;
  /** Stream name; subjects are `<stream>.work`. Installations sharing a NATS server use different names. */
  stream?: string;
  /** A scanner that has not acknowledged within this is presumed dead and its work redelivered. */
  ackWaitMs?: number;
  /** How long a republished id is recognised as a duplicate. */
  duplicateWindowMs?: number;
  /** Backoff before failed work is offered again. */
  delayMs?: (attempt: number) => number;
  onRetry?(id: string, attempt: number, delayMs: number, err: Error): void;
  onError?(err: Error): void;
}

const DURABLE = 'scanners';

/**
 * Work distribution over NATS JetStream: a work-queue stream (each message is removed once a
 * scanner acknowledges it), one durable pull consumer shared by every scanner process,
 * explicit acks, and redelivery after `ackWaitMs` when a scanner dies mid-scan. Publishing
 * with the message id as `Nats-Msg-Id` makes a retried publish (an SMTP front that lost the
 * ack) a no-op within the duplicate window.
 */
export class NatsWorkQueue implements WorkQueue {
  readonly kind = 'nats' as const;
  private readonly stream: string;
  private readonly subject: string;
  private messages: ConsumerMessages | null = null;
  private readonly inProgress = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly o: NatsQueueOptions,
  ) {
    this.stream = o.stream ?? 'MEDSHIELD_SCAN';
    this.subject = `${this.stream}.work`;
  }

  static async connect(o: NatsQueueOptions): Promise<NatsWorkQueue> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: o.url.split(',').map((s) => s.trim().replace(/^nats:\/\//, '')), name: 'medshield', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    } catch (err) {
      throw new Error(`queue: cannot connect to NATS at ${o.url}: ${(err as Error).message}`);
    }
    const q = new NatsWorkQueue(nc, jetstream(nc), await jetstreamManager(nc), o);
    await q.ensureStream();
    return q;
  }

  /** Creates the stream and the consumer if missing; every process may do so at start. */
  private async ensureStream(): Promise<void> {
    const config = {
      name: this.stream,
      subjects: [this.subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(this.o.duplicateWindowMs ?? 10 * 60_000),
    };
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      try {
        await this.jsm.streams.add(config);
      } catch (err) {
        // Another process created it first.
        if (!/already in use|exists/i.test((err as Error).message)) throw err;
      }
    }
    try {
      await this.jsm.consumers.info(this.stream, DURABLE);
    } catch {
      try {
        await this.jsm.consumers.add(this.stream, {
          durable_name: DURABLE,
          ack_policy: AckPolicy.Explicit,
          ack_wait: nanos(this.o.ackWaitMs ?? 60_000),
          max_deliver: -1,
          max_ack_pending: 10_000,
        });
      } catch (err) {
        if (!/already|exists/i.test((err as Error).message)) throw err;
      }
    }
  }

  async publish(id: string, dedupeKey = id): Promise<void> {
    await this.js.publish(this.subject, id, { msgID: dedupeKey });
  }

  consume(handler: WorkHandler, concurrency: number): void {
    void this.loop(handler, Math.max(1, concurrency)).catch((err: Error) => this.o.onError?.(err));
  }

  private async loop(handler: WorkHandler, concurrency: number): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, DURABLE);
    while (!this.closed) {
      this.messages = await consumer.consume({ max_messages: concurrency });
      for await (const m of this.messages) {
        const id = m.string();
        const attempt = m.info.deliveryCount;
        // The consumer hands out at most `concurrency` unacknowledged messages; wait for a slot.
        while (this.inProgress.size >= concurrency) await Promise.race(this.inProgress);
        const p: Promise<void> = handler(id, attempt)
          .then(
            () => m.ack(),
            (err: Error) => {
              const delay = (this.o.delayMs ?? retryDelayMs)(attempt);
              this.o.onRetry?.(id, attempt, delay, err);
              m.nak(delay);
            },
          )
          .finally(() => this.inProgress.delete(p));
        this.inProgress.add(p);
        if (this.closed) break;
      }
    }
  }

  async settled(): Promise<void> {
    while (this.inProgress.size) await Promise.allSettled([...this.inProgress]);
  }

  ready(): boolean {
    return !this.closed && !this.nc.isClosed();
  }

  async depth(): Promise<number | null> {
    try {
      const info = await this.jsm.consumers.info(this.stream, DURABLE);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.messages?.close();
    await this.settled();
    await this.nc.drain().catch(() => this.nc.close());
  }

  /** Drops the connection without waiting for work in progress (its messages are redelivered). */
  async abandon(): Promise<void> {
    this.closed = true;
    await this.nc.close();
  }

  /** Removes the stream (tests and `medshield queue reset`). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => false);
  }
}
