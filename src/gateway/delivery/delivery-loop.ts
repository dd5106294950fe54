import type { Journal, MessageRow, DeliveryRow } from '../journal.ts';
import type { Logger } from '../log.ts';
import { newSpoolId, type Spool } from '../spool.ts';
import { buildDsn } from './dsn.ts';
import type { DeliveryTransport, RecipientResult } from './transport.ts';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
}

export interface DeliveryLoopOptions {
  journal: Journal;
  spool: Spool;
  transport: DeliveryTransport;
  /** What recipients get: the spooled message with verdict headers and banner. */
  render: (message: MessageRow, raw: Buffer) => Promise<Buffer>;
  retry: RetryPolicy;
  hostname: string;
  logger: Logger;
  /** Idle polling, which picks up deliveries other processes queued (quarantine release). */
  pollIntervalMs?: number;
  /** After a message's last recipient is settled. */
  onSettled?: (message: MessageRow, deliveries: DeliveryRow[]) => void;
}

/**
 * Works through the journal's due deliveries. Per recipient strictly in arrival order: a
 * recipient's next message waits until the one before it is delivered or bounced, so an
 * outage reorders nothing. A temporary failure is retried with exponential backoff until
 * `giveUpAfterMs` after arrival; a permanent one is bounced to the sender with a DSN, which
 * is queued in the same transaction that records the failure.
 */
export class DeliveryLoop {
  private readonly inFlight = new Set<number>();
  private readonly active = new Set<Promise<void>>();
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Deliveries up to this message seq were journalled before this process started: they may have reached their target already. */
  private recoveryHorizon = 0;

  constructor(private readonly o: DeliveryLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.recoveryHorizon = Number(this.o.journal.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM gateway_messages').pluck().get());
    this.kick();
  }

  /** Stops scheduling and waits for attempts in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.active]);
  }

  /** New work may be due (a verdict said deliver, a release was queued). */
  kick(): void {
    if (this.stopped) return;
    void this.pump();
  }

  /** Resolves when nothing is due or in flight (tests, benchmarks, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        let free = this.o.transport.concurrency - this.active.size;
        if (free <= 0 || this.stopped) break;
        const rows = this.o.journal.dueDeliveries(Date.now(), 500).filter((r) => !this.inFlight.has(r.id));
        const groups = new Map<string, DeliveryRow[]>();
        for (const r of rows) {
          const g = groups.get(r.spoolId);
          if (g) g.push(r);
          else if (free > 0) {
            groups.set(r.spoolId, [r]);
            free--;
          }
        }
        for (const candidates of groups.values()) {
          const group = this.o.journal.lease(candidates);
          if (!group.length) continue;
          for (const r of group) this.inFlight.add(r.id);
          const p: Promise<void> = this.attempt(group)
            .catch((err: Error) => this.o.logger.error('delivery attempt failed unexpectedly', { spoolId: group[0]!.spoolId, error: err.message }))
            .finally(() => {
              for (const r of group) this.inFlight.delete(r.id);
              this.active.delete(p);
              this.kick();
            });
          this.active.add(p);
        }
      } while (this.again && !this.stopped);
    } finally {
      this.pumping = false;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const poll = this.o.pollIntervalMs ?? 1000;
    const next = this.o.journal.nextDueAt();
    const wait = next === null ? poll : Math.max(10, Math.min(poll, next - Date.now()));
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async attempt(group: DeliveryRow[]): Promise<void> {
    const { journal, spool } = this.o;
    const spoolId = group[0]!.spoolId;
    const message = journal.message(spoolId);
    if (!message) throw new Error(`delivery ${group[0]!.id} names unknown message ${spoolId}`);
    let results: RecipientResult[];
    try {
      const content = await this.o.render(message, spool.read(spoolId));
      results = await this.o.transport.deliver({
        spoolId,
        seq: message.seq,
        mailFrom: message.mailFrom,
        raw: content,
        receivedAt: message.receivedAt,
        recipients: group.map((r) => ({ id: r.id, recipient: r.recipient })),
        recovering: message.seq <= this.recoveryHorizon || group.some((r) => r.attempts > 0),
      });
    } catch (err) {
      results = group.map((r) => ({ id: r.id, status: 'temporary' as const, error: `local: ${(err as Error).message}` }));
    }
    this.record(message, group, results);
  }

  private record(message: MessageRow, group: DeliveryRow[], results: RecipientResult[]): void {
    const { journal, spool, retry, logger } = this.o;
    const now = Date.now();
    const byId = new Map(group.map((r) => [r.id, r]));
    const bounces: { row: DeliveryRow; error: string }[] = [];
    const retries: { row: DeliveryRow; at: number; error: string }[] = [];
    const delivered: { row: DeliveryRow; detail: string }[] = [];
    for (const res of results) {
      const row = byId.get(res.id)!;
      if (res.status === 'delivered') delivered.push({ row, detail: res.detail });
      else if (res.status === 'permanent') bounces.push({ row, error: res.error });
      else if (now - message.receivedAt.getTime() >= retry.giveUpAfterMs) bounces.push({ row, error: `delivery time expired, gave up after ${row.attempts + 1} attempts; last error: ${res.error}` });
      else retries.push({ row, at: now + Math.min(retry.initialDelayMs * 2 ** row.attempts, retry.maxDelayMs), error: res.error });
    }

    // The DSN file is made durable first; its journal row joins the bounce's transaction, so
    // a crash either records both or neither (and the delivery is then attempted again).
    let dsn: { spoolId: string; raw: Buffer } | null = null;
    if (bounces.length && message.mailFrom && message.origin !== 'dsn') {
      dsn = {
        spoolId: newSpoolId(),
        raw: buildDsn({
          hostname: this.o.hostname,
          sender: message.mailFrom,
          originalRaw: spool.read(message.spoolId),
          receivedAt: message.receivedAt,
          failures: bounces.map((b) => ({ recipient: b.row.recipient, error: b.error })),
        }),
      };
      spool.write(dsn.spoolId, dsn.raw);
    }
    const outcome = journal.db.transaction(() => {
      for (const d of delivered) journal.markDelivered(d.row.id, d.detail);
      for (const r of retries) journal.markRetry(r.row.id, r.at, r.error);
      for (const b of bounces) journal.markBounced(b.row.id, b.error);
      if (dsn) {
        journal.accept(
          { spoolId: dsn.spoolId, origin: 'dsn', receivedAt: new Date(), mailFrom: '', rcptTo: [message.mailFrom.toLowerCase()], size: dsn.raw.length },
          { verdict: null, action: 'dsn' },
        );
      }
      return journal.completeIfFinished(message.spoolId);
    })();

    for (const d of delivered) logger.info('delivered', { spoolId: message.spoolId, recipient: d.row.recipient, transport: this.o.transport.name, attempts: d.row.attempts + 1 });
    for (const r of retries) logger.warn('delivery deferred', { spoolId: message.spoolId, recipient: r.row.recipient, error: r.error, retryAt: new Date(r.at).toISOString(), attempts: r.row.attempts + 1 });
    for (const b of bounces) logger.warn('delivery failed permanently', { spoolId: message.spoolId, recipient: b.row.recipient, error: b.error, dsn: dsn?.spoolId ?? null });
    if (outcome) {
      spool.remove(message.spoolId);
      this.o.onSettled?.(message, journal.deliveriesOf(message.spoolId));
    }
  }
}
