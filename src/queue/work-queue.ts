/**
 * How accepted messages reach a scanner. The journal (src/gateway/journal.ts) is the durable
 * record of every accepted message; the queue only distributes the work. Two kinds:
 *
 * - embedded: in the process that accepted the message (one machine, `--role all`); work a
 *   crash interrupted is found again in the journal at start.
 * - NATS JetStream: a durable work-queue stream shared by any number of SMTP fronts and
 *   scanners; explicit acks, redelivery when a scanner dies or fails, de-duplication by
 *   message id within the stream's window.
 *
 * Delivery is at least once in both; the handler makes it exactly once by claiming the
 * journal row in the transaction that carries out the verdict (a second claim finds the
 * message decided and does nothing).
 */
export interface WorkQueue {
  readonly kind: 'embedded' | 'nats';
  /** Durable (or, embedded, journalled already) when it resolves. `dedupeKey` defaults to the id. */
  publish(id: string, dedupeKey?: string): Promise<void>;
  /**
   * Starts handing out work, at most `concurrency` at once. The handler resolves when the work
   * is done (acknowledged); when it throws, the work is offered again after a backoff.
   */
  consume(handler: WorkHandler, concurrency: number): void;
  /** Resolves when no handler is running (shutdown, tests). */
  settled(): Promise<void>;
  /** Connected and able to take work, for /readyz. */
  ready(): boolean;
  /** Messages waiting for a scanner (null when the queue cannot say). */
  depth(): Promise<number | null>;
  /** Stops handing out work; work in progress finishes. */
  close(): Promise<void>;
}

export type WorkHandler = (id: string, attempt: number) => Promise<void>;

/** 1 s, 2 s, 4 s … capped at 5 minutes: a store that is down is not hammered. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000);
}
