import { EventEmitter } from 'node:events';
import type { SenderProfile } from '../analyzers/analyzer.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import type { ScanOptions } from '../engine/engine.ts';
import { unscannableVerdict, type Envelope, type Verdict } from '../engine/verdict.ts';
import type { Db } from '../store/database.ts';
import { DeliveryLoop } from './delivery/delivery-loop.ts';
import type { DeliveryTransport } from './delivery/transport.ts';
import { headerFromAddress } from './header-from.ts';
import { AlreadyDecided, Journal, type DeliveryRow, type MessageRow } from './journal.ts';
import type { Logger } from './log.ts';
import type { DataReply, ReceivedMessage } from './smtp-listener.ts';
import { newSpoolId, Spool, type Cipher } from './spool.ts';
import { renderForRecipients } from './tagging/delivered-form.ts';
import { enqueueWith, type OutboundMessage } from './outbound-queue.ts';
import { EmbeddedWorkQueue } from '../queue/embedded-queue.ts';
import type { WorkQueue } from '../queue/work-queue.ts';

/** The scanner: a ScanPool in production (worker threads). */
export interface Scanner {
  scan(raw: Buffer, envelope: Envelope, options?: ScanOptions): Promise<Verdict>;
}

export type QuarantineReason = 'hold' | 'quarantine' | 'unscannable' | 'reject-after-accept';

/** What the gateway needs of the quarantine store (src/quarantine/quarantine-store.ts). */
export interface QuarantineSink {
  add(i: { spoolId: string; raw: Buffer; envelope: Envelope; verdict: Verdict; reason: QuarantineReason; receivedAt: Date }): string;
}

/** What the gateway needs of the sender profile store (src/profiles/sender-profiles.ts). */
export interface ProfileSink {
  recordInbound(from: string, verdictAction: string, at: Date): void;
  recordOutbound(to: string, at: Date): void;
  lookup(fromAddress: string): SenderProfile;
}

/**
 * What the monitor-and-respond module (src/respond) sees of each message: user reports sent to
 * its report addresses, every verdict before it is carried out, and where mail was delivered.
 * Their failures must not hold up mail: only `takeReports` throws, when it cannot keep a
 * report durably (the sender is then told to try again later, 451).
 */
export interface MessageObserver {
  /**
   * A message to report addresses: the observer keeps it durably (it is then a user report,
   * not mail to deliver) and returns the other recipients, still to be handled as usual.
   * null when no recipient is a report address.
   */
  takeReports?(m: ReceivedMessage, receivedAt: Date): { remaining: string[]; reportIds: number[] } | null;
  /**
   * Called with the verdict before it is carried out; the function it returns runs inside
   * the transaction that records the verdict's outcome, so the record and the outcome commit
   * together.
   */
  beforeDisposal(row: MessageRow, raw: Buffer, verdict: Verdict): Promise<((outcome: Disposition['outcome'], quarantineId: string | null) => void) | null>;
  /** After every recipient of a message was delivered or bounced. */
  deliveriesSettled(message: MessageRow, deliveries: DeliveryRow[]): void;
}

/**
 * A stage between the scan and carrying out the verdict that may change it: sender
 * verification (src/verify) holds a request for PHI from an unverified sender, or PHI sent
 * to an unverified recipient. `commit` runs inside the transaction that carries out the
 * verdict it returned, with a way to queue mail (a notice to the sender) in that same
 * transaction. Runs once per scan; a message recovered after a crash is reviewed again.
 */
export interface VerdictReview {
  review(row: MessageRow, raw: Buffer, verdict: Verdict): Promise<ReviewOutcome | null>;
  /** The gateway runs: background work (escalations, returning held mail) may start, queuing mail through `gateway`. */
  start?(gateway: { enqueue(m: OutboundMessage): string; kick(): void }): void;
  stop?(): Promise<void> | void;
}

export interface ReviewOutcome {
  verdict: Verdict;
  commit?(r: { quarantineId: string | null; enqueue(m: OutboundMessage): string }): void;
}

/**
 * Medshield's own phishing simulations (src/simulations). `bypass` returns a deliver verdict
 * for a message whose signed simulation header is genuine and unused, and null for every
 * other message (scanned as usual; a forged or replayed header gets nothing). `takeReplies`
 * keeps staff's replies to a simulation's sender from being delivered.
 */
export interface SimulationHook {
  bypass(raw: Buffer, row: MessageRow): Verdict | null;
  takeReplies?(m: ReceivedMessage, receivedAt: Date): { remaining: string[]; replies: number } | null;
}

export interface GatewayCoreOptions {
  config: MedshieldConfig;
  dataDir: string;
  db: Db;
  cipher: Cipher;
  scanner: Scanner;
  quarantine: QuarantineSink;
  profiles: ProfileSink;
  transport: DeliveryTransport;
  logger: Logger;
  /** Idle poll of the delivery loop (picks up releases queued by the CLI). */
  pollIntervalMs?: number;
  /** The respond module (incidents, campaigns, reports, pull-back); none in gateway-only tests. */
  observer?: MessageObserver;
  /** Sender verification (src/verify); none in gateway-only tests. */
  review?: VerdictReview;
  /** Phishing simulations (src/simulations): their signed bypass header, and replies to them. */
  simulations?: SimulationHook;
  /**
   * How accepted messages reach a scanner: in this process (default) or a shared NATS
   * JetStream queue (src/queue). With a shared queue this process scans only when `scans`.
   */
  queue?: WorkQueue;
  /** This process scans (roles all and scanner). Default true. */
  scans?: boolean;
  /** Scans at once when taking work from a shared queue. */
  scanConcurrency?: number;
}

/** Emitted as 'disposed' once a message's fate is decided (tests and the demo listen). */
export interface Disposition {
  spoolId: string;
  action: string;
  outcome: 'delivering' | 'quarantined' | 'rejected';
  score: number;
  /** Scan time (0 for a simulation's bypass). */
  ms?: number;
  signals: string[];
  quarantineId?: string;
}

interface WaitingSession {
  waiting: boolean;
  reply: (r: DataReply) => void;
}

/** A message accepted by this process and scanned here: its SMTP session may still be waiting for the verdict. */
interface LocalWork {
  session: WaitingSession;
  raw: Buffer;
  done: () => void;
}

/**
 * The gateway's core: accepts a received message durably, scans it, and carries out the
 * verdict. The SMTP listeners feed it; the delivery loop drains what it queues.
 *
 * Durability order for every message: spool file (fsync'd) → journal row (SQLite commit,
 * synchronous=FULL) → 250. After a crash, `recover()` finishes every journalled message from
 * where it stopped: a message is scanned at most once per run, its verdict is carried out
 * in one transaction (quarantine entry, profile update and journal state together), and
 * deliveries are idempotent per recipient.
 */
export class GatewayCore extends EventEmitter {
  readonly journal: Journal;
  readonly spool: Spool;
  readonly deliveries: DeliveryLoop;
  readonly queue: WorkQueue;
  private readonly local = new Map<string, LocalWork>();
  private readonly orgDomains: string[];
  private stopped = false;

  constructor(private readonly o: GatewayCoreOptions) {
    super();
    this.journal = new Journal(o.db, o.cipher);
    this.spool = new Spool(o.dataDir, o.cipher, o.db);
    this.orgDomains = o.config.org.domains;
    this.queue =
      o.queue ??
      new EmbeddedWorkQueue({
        onRetry: (spoolId, attempt, retryInMs, err) => o.logger.error('processing failed; retrying', { spoolId, attempt, retryInMs, error: err.message }),
      });
    if (o.scans ?? true) this.queue.consume((spoolId, attempt) => this.work(spoolId, attempt), o.scanConcurrency ?? (this.queue.kind === 'embedded' ? Infinity : 4));
    this.deliveries = new DeliveryLoop({
      journal: this.journal,
      spool: this.spool,
      transport: o.transport,
      render: (m, raw) => this.render(m, raw),
      retry: o.config.gateway.retry,
      hostname: o.config.gateway.hostname,
      logger: o.logger,
      pollIntervalMs: o.pollIntervalMs,
      onSettled: (m, d) => {
        o.logger.info('message settled', {
          spoolId: m.spoolId,
          origin: m.origin,
          delivered: d.filter((x) => x.state === 'delivered').length,
          bounced: d.filter((x) => x.state === 'bounced').length,
        });
        o.observer?.deliveriesSettled(m, d);
        const bounced = d.filter((x) => x.state === 'bounced').length;
        this.emit('settled', { spoolId: m.spoolId, result: bounced === 0 ? 'delivered' : bounced === d.length ? 'bounced' : 'partly-bounced' });
      },
    });
  }

  /** Finishes what a previous run left: undecided messages are scanned, due deliveries resume. */
  recover(o: { deliver?: boolean } = {}): void {
    this.spool.clearTemporary();
    if (this.queue.kind === 'embedded' && (this.o.scans ?? true)) {
      // One machine: whatever this process left undecided is redone here. With a shared
      // queue, scanners republish what has waited too long (republishStale) instead.
      this.sweepOrphans();
      const undecided = this.journal.undecided();
      if (undecided.length) this.o.logger.info('recovering accepted messages', { count: undecided.length });
      for (const row of undecided) void this.queue.publish(row.spoolId);
    }
    if (o.deliver ?? true) this.deliveries.start();
  }

  /**
   * Shared queue: messages journalled but still undecided after `olderThanMs` (their publish
   * was lost with a NATS outage, or the stream was reset) are published again. A message
   * that is in fact being scanned is claimed once all the same (see process).
   */
  async republishStale(olderThanMs = 60_000, now = Date.now()): Promise<number> {
    const stale = this.journal.undecided().filter((r) => now - r.receivedAt.getTime() >= olderThanMs);
    for (const r of stale) await this.queue.publish(r.spoolId, `${r.spoolId}:${Math.floor(now / olderThanMs)}`);
    if (stale.length) this.o.logger.warn('republished undecided messages', { count: stale.length });
    return stale.length;
  }

  /**
   * Spool files no open journal row names: written for a client that never got its 250, or
   * left after a message was finished. `minAgeMs` spares files another process (a
   * quarantine release) has just written and is about to journal.
   */
  sweepOrphans(minAgeMs = 10 * 60_000): number {
    const known = this.journal.knownSpoolIds();
    let removed = 0;
    for (const id of this.spool.ids()) {
      if (known.has(id)) continue;
      if (minAgeMs > 0 && Date.now() - this.spool.mtime(id) < minAgeMs) continue;
      this.spool.remove(id);
      removed++;
    }
    return removed;
  }

  /** The listeners' DATA handler. */
  async receive(received: ReceivedMessage): Promise<DataReply> {
    const receivedAt = new Date();
    let m = received;
    const reports = this.o.observer?.takeReports?.(m, receivedAt) ?? null;
    if (reports) {
      this.o.logger.info('user report received', { reports: reports.reportIds, listener: m.listener, clientIp: m.clientIp, otherRecipients: reports.remaining.length });
      if (reports.remaining.length === 0) return { code: 250, message: `2.0.0 Report received (${reports.reportIds.join(', ')}); thank you` };
      m = { ...m, rcptTo: reports.remaining };
    }
    const replies = this.o.simulations?.takeReplies?.(m, receivedAt) ?? null;
    if (replies) {
      if (replies.remaining.length === 0) return { code: 250, message: '2.0.0 Message accepted' };
      m = { ...m, rcptTo: replies.remaining };
    }
    const spoolId = newSpoolId(receivedAt.getTime());
    const raw = Buffer.concat([Buffer.from(this.receivedHeader(m, spoolId, receivedAt)), m.raw]);
    const rcptTo = [...new Set(m.rcptTo.map((r) => r.toLowerCase()))];
    await this.spool.writeAsync(spoolId, raw);
    this.journal.accept({
      spoolId,
      origin: m.listener === 'mx' ? 'inbound' : 'submission',
      receivedAt,
      clientIp: m.clientIp,
      helo: m.helo,
      mailFrom: m.mailFrom,
      rcptTo,
      authUser: m.authUser,
      size: raw.length,
    });
    this.emit('accepted', { spoolId, listener: m.listener });
    this.o.logger.info('accepted', { spoolId, listener: m.listener, clientIp: m.clientIp, mailFrom: m.mailFrom, rcptTo, size: raw.length, tls: m.tls, authUser: m.authUser });
    if (this.queue.kind !== 'embedded' || !(this.o.scans ?? true)) {
      // Durable in the shared journal now; a scanner takes it from the queue. Were the
      // publish lost, a scanner republishes the undecided message (republishStale).
      await this.queue.publish(spoolId).catch((err: Error) => this.o.logger.error('queue publish failed; message stays journalled', { spoolId, error: err.message }));
      return { code: 250, message: `2.0.0 Queued as ${spoolId}` };
    }
    // Durable now. The client waits for the verdict up to the session budget, so a reject
    // can still be a 550 to the sender rather than a bounce we would have to send.
    return new Promise<DataReply>((resolve) => {
      const session: WaitingSession = { waiting: true, reply: resolve };
      const finish = () => {
        clearTimeout(timer);
        if (session.waiting) {
          session.waiting = false;
          resolve({ code: 250, message: `2.0.0 Queued as ${spoolId}` });
        }
      };
      const timer = setTimeout(() => {
        if (!session.waiting) return;
        session.waiting = false;
        resolve({ code: 250, message: `2.0.0 Queued as ${spoolId}; verdict pending` });
      }, this.o.config.gateway.sessionBudgetMs);
      this.local.set(spoolId, { session, raw, done: finish });
      void this.queue.publish(spoolId);
    });
  }

  /** Resolves when no message is being scanned or disposed (shutdown, tests). */
  async settled(): Promise<void> {
    await this.queue.settled();
  }

  /**
   * One message from the queue. A failure while carrying out a verdict (a full disk, a
   * locked store) throws: the queue retries with backoff, the message stays journalled
   * meanwhile, and a restart resumes it as well.
   */
  private async work(spoolId: string, attempt: number): Promise<void> {
    const local = this.local.get(spoolId);
    try {
      if (this.stopped) return;
      const row = this.journal.message(spoolId);
      // Decided already (a redelivery after a scanner died, a republish): nothing to do.
      if (!row || row.state !== 'received') return;
      await this.process(row, attempt === 1 && local ? local.session : null, local?.raw);
    } catch (err) {
      if (!(err instanceof AlreadyDecided)) throw err;
      this.o.logger.info('message decided by another scanner', { spoolId });
    } finally {
      if (local) {
        this.local.delete(spoolId);
        local.done();
      }
    }
  }

  /** No new work is started (shutdown). */
  stop(): void {
    this.stopped = true;
    void this.queue.close();
  }

  private async process(row: MessageRow, session: WaitingSession | null, rawIn?: Buffer): Promise<void> {
    const raw = rawIn ?? this.spool.read(row.spoolId);
    // A verified simulation skips the scan and the review; every other message, forged headers included, gets both.
    const simulation = row.verdict ? null : (this.o.simulations?.bypass(raw, row) ?? null);
    const scanned = row.verdict ?? simulation ?? (await this.scan(raw, row));
    const reviewed = this.o.review && !row.verdict && !simulation ? await this.o.review.review(row, raw, scanned) : null;
    const verdict = reviewed?.verdict ?? scanned;
    const commitReview = (quarantineId: string | null) => reviewed?.commit?.({ quarantineId, enqueue: (m) => enqueueWith(this.journal, this.spool, m) });
    const inbound = row.origin === 'inbound';
    const from = inbound ? verdict.summary.from || headerFromAddress(raw) || row.mailFrom : '';
    const envelope = envelopeOf(row);
    const at = row.receivedAt;
    const observed = this.o.observer ? await this.o.observer.beforeDisposal(row, raw, verdict) : null;

    if (verdict.action === 'reject' && session?.waiting) {
      // Synchronous: the session budget's timer cannot answer in between.
      this.o.db.transaction(() => {
        this.journal.claim(row.spoolId);
        if (inbound && from) this.o.profiles.recordInbound(from, 'reject', at);
        this.journal.recordSessionReply(row.spoolId, 550);
        this.journal.finishWithoutDelivery(row.spoolId, 'reject', 'rejected', null, verdict);
        observed?.('rejected', null);
        commitReview(null);
      })();
      session.waiting = false;
      this.spool.remove(row.spoolId);
      session.reply({ code: 550, message: `5.7.1 Message rejected as ${rejectReason(verdict)}` });
      this.disposed(row, verdict, 'reject', 'rejected');
      return;
    }

    if (verdict.action === 'deliver' || verdict.action === 'tag') {
      this.o.db.transaction(() => {
        this.journal.claim(row.spoolId);
        if (inbound && from) this.o.profiles.recordInbound(from, verdict.action, at);
        if (row.origin === 'submission') for (const r of row.rcptTo) this.o.profiles.recordOutbound(r, at);
        this.journal.startDelivery(row.spoolId, verdict.action, verdict);
        observed?.('delivering', null);
        commitReview(null);
      })();
      this.disposed(row, verdict, verdict.action, 'delivering');
      this.deliveries.kick();
      return;
    }

    const reason: QuarantineReason = verdict.unscannable
      ? 'unscannable'
      : verdict.action === 'reject'
        ? 'reject-after-accept'
        : verdict.action === 'hold'
          ? 'hold'
          : 'quarantine';
    const quarantineId = this.o.db.transaction(() => {
      this.journal.claim(row.spoolId);
      const id = this.o.quarantine.add({ spoolId: row.spoolId, raw, envelope, verdict, reason, receivedAt: at });
      if (inbound && from) this.o.profiles.recordInbound(from, verdict.action, at);
      this.journal.finishWithoutDelivery(row.spoolId, reason, 'quarantined', id, verdict);
      observed?.('quarantined', id);
      commitReview(id);
      return id;
    })();
    this.spool.remove(row.spoolId);
    // A review may have queued a notice to the sender.
    if (reviewed) this.deliveries.kick();
    this.disposed(row, verdict, reason, 'quarantined', quarantineId);
  }

  private async scan(raw: Buffer, row: MessageRow): Promise<Verdict> {
    let senderProfile: SenderProfile | null = null;
    if (row.origin === 'inbound') {
      const from = headerFromAddress(raw) || row.mailFrom;
      try {
        if (from) senderProfile = this.o.profiles.lookup(from);
      } catch (err) {
        this.o.logger.warn('sender profile lookup failed; scanning as unknown sender', { spoolId: row.spoolId, error: (err as Error).message });
      }
    }
    const started = performance.now();
    try {
      return await this.o.scanner.scan(raw, envelopeOf(row), { senderProfile });
    } catch (err) {
      // Fail closed: a scanner that cannot answer sends the message to quarantine, never to an inbox.
      return unscannableVerdict(`scanner error: ${(err as Error).message}`, Math.round(performance.now() - started));
    }
  }

  private disposed(row: MessageRow, verdict: Verdict, action: string, outcome: Disposition['outcome'], quarantineId?: string): void {
    const d: Disposition = {
      spoolId: row.spoolId,
      action,
      outcome,
      score: verdict.score,
      ms: verdict.ms,
      signals: verdict.signals.filter((s) => s.score !== 0 || s.id === 'UNSCANNABLE').map((s) => s.id),
      ...(quarantineId ? { quarantineId } : {}),
    };
    this.o.logger.info('verdict', { ...d, origin: row.origin });
    this.emit('disposed', d);
  }

  private render(message: MessageRow, raw: Buffer): Promise<Buffer> {
    return renderForRecipients(message, raw, {
      authservId: this.o.config.authentication.authservId,
      orgDomains: this.orgDomains,
      orgName: this.o.config.org.name,
      logger: this.o.logger,
    });
  }

  private receivedHeader(m: ReceivedMessage, spoolId: string, at: Date): string {
    const proto = `ESMTP${m.tls ? 'S' : ''}${m.authUser ? 'A' : ''}`;
    const helo = (m.helo || 'unknown').replace(/[^\x21-\x7e]/g, '');
    const forClause = m.rcptTo.length === 1 ? `\r\n\tfor <${m.rcptTo[0]}>` : '';
    return `Received: from ${helo} ([${m.clientIp}])\r\n\tby ${this.o.config.gateway.hostname} (Medshield) with ${proto} id ${spoolId}${forClause};\r\n\t${rfc2822Date(at)}\r\n`;
  }
}

function envelopeOf(row: MessageRow): Envelope {
  return { clientIp: row.clientIp ?? undefined, helo: row.helo ?? undefined, mailFrom: row.mailFrom, rcptTo: row.rcptTo };
}

/** The 550 text: the rules or strongest signals, never message content. */
function rejectReason(v: Verdict): string {
  const top = v.signals
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map((s) => s.id);
  const why = v.rules.length ? v.rules[0]! : top.length ? top.join(', ') : 'policy';
  return `unsafe (score ${v.score}: ${why})`.replace(/[^\x20-\x7e]/g, '?');
}

function rfc2822Date(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}
