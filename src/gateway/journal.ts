import { createHash, randomBytes } from 'node:crypto';
import type { Verdict } from '../engine/verdict.ts';
import { migrate, type Db } from '../store/database.ts';
import type { Cipher } from './spool.ts';

/**
 * The gateway's state journal in the shared SQLite store. Each accepted message has one row
 * from the moment it is spooled until it is delivered, quarantined or rejected; each of its
 * recipients has a delivery row. Every state change is one transaction, so after a crash the
 * journal says exactly what is left to do, and work already done is never redone.
 *
 * Delivery rows exist from arrival (state `waiting`), not from the verdict: a later message
 * to the same recipient that is scanned sooner must still wait its turn, which is how arrival
 * order per recipient is kept.
 */
export const GATEWAY_SCHEMA = {
  module: 'gateway',
  migrations: [
    `CREATE TABLE gateway_messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      spool_id TEXT NOT NULL UNIQUE,
      origin TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      client_ip TEXT,
      helo TEXT,
      mail_from TEXT NOT NULL,
      rcpt_to TEXT NOT NULL,
      auth_user TEXT,
      size INTEGER NOT NULL,
      state TEXT NOT NULL,
      verdict BLOB,
      action TEXT,
      outcome TEXT,
      quarantine_id TEXT,
      session_reply INTEGER,
      done_at INTEGER
    );
    CREATE INDEX gateway_messages_state ON gateway_messages(state, seq);
    CREATE TABLE gateway_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      seq INTEGER NOT NULL,
      spool_id TEXT NOT NULL REFERENCES gateway_messages(spool_id),
      recipient TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      detail TEXT,
      done_at INTEGER,
      UNIQUE (spool_id, recipient)
    );
    CREATE INDEX gateway_deliveries_recipient ON gateway_deliveries(recipient, state, seq);
    CREATE INDEX gateway_deliveries_due ON gateway_deliveries(state, next_attempt_at);
    CREATE TABLE gateway_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
    // Which delivery process holds a delivery's lease (shared store): a dead holder's leases are released at once.
    `ALTER TABLE gateway_deliveries ADD COLUMN lease_owner TEXT`,
  ],
};

export type Origin = 'inbound' | 'submission' | 'release' | 'dsn' | 'digest';
export type MessageState = 'received' | 'delivering' | 'done';
export type DeliveryState = 'waiting' | 'pending' | 'delivered' | 'bounced' | 'cancelled';
export type Outcome = 'delivered' | 'quarantined' | 'rejected' | 'bounced' | 'partly-bounced';

export interface NewMessage {
  spoolId: string;
  origin: Origin;
  receivedAt: Date;
  clientIp?: string;
  helo?: string;
  mailFrom: string;
  rcptTo: string[];
  authUser?: string;
  size: number;
}

export interface MessageRow {
  seq: number;
  spoolId: string;
  origin: Origin;
  receivedAt: Date;
  clientIp: string | null;
  helo: string | null;
  mailFrom: string;
  rcptTo: string[];
  authUser: string | null;
  size: number;
  state: MessageState;
  verdict: Verdict | null;
  action: string | null;
  outcome: Outcome | null;
  quarantineId: string | null;
  sessionReply: number | null;
}

export interface DeliveryRow {
  id: number;
  seq: number;
  spoolId: string;
  recipient: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  detail: string | null;
}

interface RawMessageRow {
  seq: number;
  spool_id: string;
  origin: Origin;
  received_at: number;
  client_ip: string | null;
  helo: string | null;
  mail_from: string;
  rcpt_to: string;
  auth_user: string | null;
  size: number;
  state: MessageState;
  verdict: Buffer | null;
  action: string | null;
  outcome: Outcome | null;
  quarantine_id: string | null;
  session_reply: number | null;
}

interface RawDeliveryRow {
  id: number;
  seq: number;
  spool_id: string;
  recipient: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  detail: string | null;
}

/** How long a delivery process holds a delivery it is attempting (shared store only). */
export const DELIVERY_LEASE_MS = 2 * 60_000;

/** Thrown by `claim` inside a disposal transaction: another scanner decided the message first. */
export class AlreadyDecided extends Error {
  constructor(spoolId: string) {
    super(`message ${spoolId} was decided by another scanner`);
  }
}

export class Journal {
  /** This process, as a holder of delivery leases (shared store only). */
  private leaseOwner: string | null = null;
  private leasesCheckedAt = 0;

  constructor(
    readonly db: Db,
    /** Verdicts quote message content in their evidence, so they are stored encrypted like the message. */
    private readonly cipher: Cipher,
  ) {
    migrate(db, GATEWAY_SCHEMA);
  }

  /**
   * A delivery process proves it is alive by holding a PostgreSQL session lock named after
   * its lease-owner id: when it dies, its session and lock go, and any other process can
   * tell at once that its leases are free (no waiting for them to run out).
   */
  private owner(): string {
    if (!this.leaseOwner) {
      this.leaseOwner = randomBytes(8).toString('hex');
      this.db.prepare('SELECT pg_advisory_lock(?)').get(ownerLockKey(this.leaseOwner));
    }
    return this.leaseOwner;
  }

  private releaseDeadLeases(now: number): void {
    if (now - this.leasesCheckedAt < 5000) return;
    this.leasesCheckedAt = now;
    const me = this.owner();
    const owners = this.db
      .prepare("SELECT DISTINCT lease_owner FROM gateway_deliveries WHERE state = 'pending' AND lease_owner IS NOT NULL AND lease_owner != ? AND next_attempt_at > ?")
      .pluck()
      .all(me, now) as string[];
    for (const o of owners) {
      const key = ownerLockKey(o);
      if (!this.db.prepare('SELECT pg_try_advisory_lock(?)').pluck().get(key)) continue;
      try {
        this.db.prepare("UPDATE gateway_deliveries SET next_attempt_at = ?, lease_owner = NULL WHERE lease_owner = ? AND state = 'pending' AND next_attempt_at > ?").run(now, o, now);
      } finally {
        this.db.prepare('SELECT pg_advisory_unlock(?)').get(key);
      }
    }
  }

  /** Records an accepted message and its recipients; `ready` skips the scan (releases, DSNs, digests). */
  accept(m: NewMessage, ready?: { verdict: Verdict | null; action: string }): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO gateway_messages (spool_id, origin, received_at, client_ip, helo, mail_from, rcpt_to, auth_user, size, state, verdict, action)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.spoolId,
          m.origin,
          m.receivedAt.getTime(),
          m.clientIp ?? null,
          m.helo ?? null,
          m.mailFrom,
          JSON.stringify(m.rcptTo),
          m.authUser ?? null,
          m.size,
          ready ? 'delivering' : 'received',
          ready?.verdict ? this.sealVerdict(ready.verdict) : null,
          ready?.action ?? null,
        );
      const seq = Number(info.lastInsertRowid);
      const add = this.db.prepare('INSERT OR IGNORE INTO gateway_deliveries (seq, spool_id, recipient, state) VALUES (?, ?, ?, ?)');
      for (const r of m.rcptTo) add.run(seq, m.spoolId, r, ready ? 'pending' : 'waiting');
      return seq;
    })();
  }

  message(spoolId: string): MessageRow | null {
    const row = this.db.prepare('SELECT * FROM gateway_messages WHERE spool_id = ?').get(spoolId) as RawMessageRow | undefined;
    return row ? this.toMessage(row) : null;
  }

  /** Messages accepted but not yet decided, oldest first: the work a restart resumes. */
  undecided(): MessageRow[] {
    return (this.db.prepare("SELECT * FROM gateway_messages WHERE state = 'received' ORDER BY seq").all() as RawMessageRow[]).map((r) => this.toMessage(r));
  }

  knownSpoolIds(): Set<string> {
    return new Set((this.db.prepare("SELECT spool_id FROM gateway_messages WHERE state != 'done'").pluck().all() as string[]));
  }

  /**
   * Inside the transaction that carries out a verdict: locks the message's row and makes
   * sure it is still undecided. Two scanners holding the same message (a redelivery after
   * one stalled) cannot both carry out a verdict: the second waits for the first's commit,
   * then finds the message decided and rolls back.
   */
  claim(spoolId: string): void {
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const state = this.db.prepare(`SELECT state FROM gateway_messages WHERE spool_id = ?${lock}`).pluck().get(spoolId) as MessageState | undefined;
    if (state !== 'received') throw new AlreadyDecided(spoolId);
  }

  recordSessionReply(spoolId: string, code: number): void {
    this.db.prepare('UPDATE gateway_messages SET session_reply = ? WHERE spool_id = ?').run(code, spoolId);
  }

  /**
   * The verdict says deliver (or tag): the recipients' deliveries become due. The verdict is
   * stored in the same commit as the decision (one fsync per message saved; a crash before it
   * only means the message is scanned again).
   */
  startDelivery(spoolId: string, action: string, verdict: Verdict | null): void {
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE gateway_messages SET state = 'delivering', action = ?, verdict = COALESCE(?, verdict) WHERE spool_id = ? AND state = 'received'")
        .run(action, verdict ? this.sealVerdict(verdict) : null, spoolId);
      this.db.prepare("UPDATE gateway_deliveries SET state = 'pending', next_attempt_at = 0 WHERE spool_id = ? AND state = 'waiting'").run(spoolId);
    })();
  }

  /** Quarantined or rejected: nothing is delivered. */
  finishWithoutDelivery(spoolId: string, action: string, outcome: Outcome, quarantineId: string | null, verdict: Verdict | null): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE gateway_messages SET state = 'done', action = ?, outcome = ?, quarantine_id = ?, done_at = ?, verdict = COALESCE(?, verdict) WHERE spool_id = ? AND state != 'done'",
        )
        .run(action, outcome, quarantineId, Date.now(), verdict ? this.sealVerdict(verdict) : null, spoolId);
      this.db.prepare("UPDATE gateway_deliveries SET state = 'cancelled', done_at = ? WHERE spool_id = ? AND state IN ('waiting', 'pending')").run(Date.now(), spoolId);
    })();
  }

  /**
   * Deliveries that may be attempted now: due, and the oldest unfinished one for their
   * recipient (an earlier message to the same recipient, delivered or still being scanned,
   * goes first).
   */
  dueDeliveries(now: number, limit: number): DeliveryRow[] {
    if (this.db.dialect === 'postgres') this.releaseDeadLeases(now);
    return this.selectDue(now, limit);
  }

  /**
   * Takes the deliveries this process is about to attempt; returns those it got. Several
   * delivery processes share the journal: each takes a lease on what it attempts
   * (compare-and-set on next_attempt_at), so a recipient is attempted by one process at a
   * time; were that process to die, another one sees it (releaseDeadLeases) and retries.
   * One process on SQLite needs no lease.
   */
  lease(rows: DeliveryRow[], now = Date.now()): DeliveryRow[] {
    if (this.db.dialect !== 'postgres') return rows;
    const me = this.owner();
    const take = this.db.prepare("UPDATE gateway_deliveries SET next_attempt_at = ?, lease_owner = ? WHERE id = ? AND state = 'pending' AND next_attempt_at = ?");
    return rows.filter((d) => take.run(now + DELIVERY_LEASE_MS, me, d.id, d.nextAttemptAt).changes === 1);
  }

  private selectDue(now: number, limit: number): DeliveryRow[] {
    return (
      this.db
        .prepare(
          `SELECT d.* FROM gateway_deliveries d
           WHERE d.state = 'pending' AND d.next_attempt_at <= ?
             AND NOT EXISTS (SELECT 1 FROM gateway_deliveries e
                             WHERE e.recipient = d.recipient AND e.state IN ('waiting', 'pending') AND e.seq < d.seq)
           ORDER BY d.seq LIMIT ?`,
        )
        .all(now, limit) as RawDeliveryRow[]
    ).map(toDelivery);
  }

  /** When the earliest pending delivery becomes due (null: none pending). */
  nextDueAt(): number | null {
    const v = this.db.prepare("SELECT MIN(next_attempt_at) FROM gateway_deliveries WHERE state = 'pending'").pluck().get() as number | null;
    return v ?? null;
  }

  markDelivered(id: number, detail: string): void {
    this.db.prepare("UPDATE gateway_deliveries SET state = 'delivered', attempts = attempts + 1, detail = ?, last_error = NULL, done_at = ? WHERE id = ?").run(detail, Date.now(), id);
  }

  markRetry(id: number, nextAttemptAt: number, error: string): void {
    this.db.prepare('UPDATE gateway_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?').run(nextAttemptAt, error, id);
  }

  markBounced(id: number, error: string): void {
    this.db.prepare("UPDATE gateway_deliveries SET state = 'bounced', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?").run(error, Date.now(), id);
  }

  /** Closes the message once every recipient is delivered or bounced; returns its outcome then. */
  completeIfFinished(spoolId: string): Outcome | null {
    return this.db.transaction(() => {
      const counts = this.db
        .prepare("SELECT SUM(state IN ('waiting','pending')) AS open, SUM(state = 'bounced') AS bounced, SUM(state = 'delivered') AS delivered FROM gateway_deliveries WHERE spool_id = ?")
        .get(spoolId) as { open: number | null; bounced: number | null; delivered: number | null };
      if ((counts.open ?? 0) > 0) return null;
      const outcome: Outcome = (counts.bounced ?? 0) === 0 ? 'delivered' : (counts.delivered ?? 0) > 0 ? 'partly-bounced' : 'bounced';
      const changed = this.db
        .prepare("UPDATE gateway_messages SET state = 'done', outcome = ?, done_at = ? WHERE spool_id = ? AND state = 'delivering'")
        .run(outcome, Date.now(), spoolId).changes;
      return changed ? outcome : null;
    })();
  }

  deliveriesOf(spoolId: string): DeliveryRow[] {
    return (this.db.prepare('SELECT * FROM gateway_deliveries WHERE spool_id = ? ORDER BY id').all(spoolId) as RawDeliveryRow[]).map(toDelivery);
  }

  /** Queue sizes, for /healthz and the logs. */
  stats(): { undecided: number; delivering: number; pendingDeliveries: number; retrying: number } {
    const m = this.db.prepare("SELECT SUM(state = 'received') AS u, SUM(state = 'delivering') AS d FROM gateway_messages WHERE state != 'done'").get() as { u: number | null; d: number | null };
    const d = this.db.prepare("SELECT COUNT(*) AS p, SUM(attempts > 0) AS r FROM gateway_deliveries WHERE state = 'pending'").get() as { p: number; r: number | null };
    return { undecided: m.u ?? 0, delivering: m.d ?? 0, pendingDeliveries: d.p, retrying: d.r ?? 0 };
  }

  /** Forgets messages finished before `before` (epoch ms): the journal is a work list, not an archive. */
  pruneFinished(before: number): number {
    return this.db.transaction(() => {
      this.db
        .prepare("DELETE FROM gateway_deliveries WHERE spool_id IN (SELECT spool_id FROM gateway_messages WHERE state = 'done' AND done_at < ?)")
        .run(before);
      return this.db.prepare("DELETE FROM gateway_messages WHERE state = 'done' AND done_at < ?").run(before).changes;
    })();
  }

  getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM gateway_state WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
  }

  setState(key: string, value: string): void {
    this.db.prepare('INSERT INTO gateway_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private sealVerdict(v: Verdict): Buffer {
    return this.cipher.encrypt(Buffer.from(JSON.stringify(v), 'utf8'));
  }

  private toMessage(r: RawMessageRow): MessageRow {
    return {
      seq: r.seq,
      spoolId: r.spool_id,
      origin: r.origin,
      receivedAt: new Date(r.received_at),
      clientIp: r.client_ip,
      helo: r.helo,
      mailFrom: r.mail_from,
      rcptTo: JSON.parse(r.rcpt_to) as string[],
      authUser: r.auth_user,
      size: r.size,
      state: r.state,
      verdict: r.verdict ? (JSON.parse(this.cipher.decrypt(r.verdict).toString('utf8')) as Verdict) : null,
      action: r.action,
      outcome: r.outcome,
      quarantineId: r.quarantine_id,
      sessionReply: r.session_reply,
    };
  }
}

/** A 63-bit advisory-lock key for a lease owner id. */
function ownerLockKey(owner: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`medshield-delivery:${owner}`).digest('hex').slice(0, 16)}`)).toString();
}

function toDelivery(r: RawDeliveryRow): DeliveryRow {
  return {
    id: r.id,
    seq: r.seq,
    spoolId: r.spool_id,
    recipient: r.recipient,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    detail: r.detail,
  };
}
