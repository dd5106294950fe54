import { createHash } from 'node:crypto';
import type { Signal } from '../analyzers/analyzer.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MessageCipher } from '../crypto/message-cipher.ts';
import type { Envelope, Verdict } from '../engine/verdict.ts';
import type { Action } from '../policy/policy.ts';
import { normalizeAddress } from '../profiles/address.ts';
import { blobStoreFor, type BlobStore } from '../store/blob-store.ts';
import { migrate, type Db } from '../store/database.ts';

export const QUARANTINE_SCHEMA = {
  module: 'quarantine',
  migrations: [
    `CREATE TABLE quarantine_messages (
      id TEXT PRIMARY KEY,
      spool_id TEXT NOT NULL UNIQUE,
      message_id TEXT NOT NULL,
      mail_from TEXT NOT NULL,
      from_address TEXT NOT NULL,
      from_name TEXT NOT NULL,
      subject TEXT NOT NULL,
      client_ip TEXT,
      action TEXT NOT NULL,
      score REAL NOT NULL,
      signals TEXT NOT NULL,
      rules TEXT NOT NULL,
      unscannable INTEGER NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('hold', 'quarantine', 'unscannable', 'reject-after-accept')),
      received_at INTEGER NOT NULL,
      quarantined_at INTEGER NOT NULL,
      size INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('held', 'released', 'deleted', 'expired')),
      status_at INTEGER,
      status_by TEXT,
      body_present INTEGER NOT NULL,
      release_delivery TEXT
    );
    CREATE INDEX quarantine_messages_received ON quarantine_messages(received_at);
    CREATE INDEX quarantine_messages_status ON quarantine_messages(status, received_at);
    CREATE INDEX quarantine_messages_body ON quarantine_messages(body_present, received_at);
    CREATE TABLE quarantine_recipients (
      quarantine_id TEXT NOT NULL REFERENCES quarantine_messages(id),
      recipient TEXT NOT NULL,
      PRIMARY KEY (quarantine_id, recipient)
    );
    CREATE INDEX quarantine_recipients_recipient ON quarantine_recipients(recipient);
    CREATE TABLE quarantine_release_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      quarantine_id TEXT NOT NULL REFERENCES quarantine_messages(id),
      recipient TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'released', 'declined')),
      UNIQUE (quarantine_id, recipient)
    );
    CREATE INDEX quarantine_release_requests_state ON quarantine_release_requests(state, requested_at);`,
  ],
};

export type QuarantineReason = 'hold' | 'quarantine' | 'unscannable' | 'reject-after-accept';
export type QuarantineStatus = 'held' | 'released' | 'deleted' | 'expired';
export const QUARANTINE_STATUSES: readonly QuarantineStatus[] = ['held', 'released', 'deleted', 'expired'];
const REASONS: readonly QuarantineReason[] = ['hold', 'quarantine', 'unscannable', 'reject-after-accept'];

export interface NewQuarantined {
  spoolId: string;
  raw: Buffer;
  envelope: Envelope;
  verdict: Verdict;
  reason: QuarantineReason;
  receivedAt: Date;
}

export interface ReleaseRequest {
  recipient: string;
  requestedAt: Date;
  state: 'open' | 'released' | 'declined';
}

export interface QuarantineEntry {
  id: string;
  spoolId: string;
  /** The Message-ID header, '' when the message had none or could not be parsed. */
  messageId: string;
  /** The envelope sender (MAIL FROM), '' for the null sender. */
  mailFrom: string;
  /** The From header's address and display name, '' when unparsable. */
  from: string;
  fromName: string;
  recipients: string[];
  subject: string;
  clientIp: string | null;
  action: Action;
  score: number;
  signals: Signal[];
  rules: string[];
  unscannable: boolean;
  reason: QuarantineReason;
  receivedAt: Date;
  quarantinedAt: Date;
  size: number;
  status: QuarantineStatus;
  statusAt: Date | null;
  statusBy: string | null;
  /** False once deleted or expired: only the metadata is left. */
  bodyPresent: boolean;
  /** The delivery queue id the release went to. */
  releaseDelivery: string | null;
  releaseRequests: ReleaseRequest[];
}

export interface QuarantineFilter {
  status?: QuarantineStatus | QuarantineStatus[];
  /** Only messages addressed to this recipient. */
  recipient?: string;
  reason?: QuarantineReason;
  /** Received at or after. */
  since?: Date;
  /** Received before. */
  until?: Date;
  /** Only messages with an open release request. */
  releaseRequested?: boolean;
  /** Newest first; default 100. */
  limit?: number;
  offset?: number;
}

export interface OutgoingRelease {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
}

export interface ReleaseResult {
  id: string;
  /** What `deliver` returned (the delivery queue id), now or on the first release. */
  delivery: string;
  /** True when it had been released before: nothing was delivered this time. */
  alreadyReleased: boolean;
  releasedAt: Date;
  releasedBy: string;
}

export interface PurgeResult {
  /** Ids whose bodies were removed for age. */
  expired: string[];
  /** Body files that no record needs (left by a crash between writing a body and its row). */
  orphansRemoved: number;
}

export type QuarantineErrorCode = 'not-found' | 'state' | 'not-a-recipient' | 'body-gone' | 'invalid';

export class QuarantineError extends Error {
  constructor(
    readonly code: QuarantineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QuarantineError';
  }
}

interface Row {
  id: string;
  spool_id: string;
  message_id: string;
  mail_from: string;
  from_address: string;
  from_name: string;
  subject: string;
  client_ip: string | null;
  action: string;
  score: number;
  signals: string;
  rules: string;
  unscannable: number;
  reason: string;
  received_at: number;
  quarantined_at: number;
  size: number;
  status: string;
  status_at: number | null;
  status_by: string | null;
  body_present: number;
  release_delivery: string | null;
  recipients: string;
  requests: string;
}

/** Each entry with its recipients and release requests, aggregated as JSON arrays in each dialect's own way. */
function selectEntries(dialect: Db['dialect']): string {
  if (dialect === 'postgres') {
    return `SELECT m.*,
  (SELECT CAST(COALESCE(json_agg(recipient ORDER BY recipient), '[]') AS TEXT) FROM quarantine_recipients WHERE quarantine_id = m.id) AS recipients,
  (SELECT CAST(COALESCE(json_agg(json_build_object('recipient', recipient, 'requestedAt', requested_at, 'state', state) ORDER BY id), '[]') AS TEXT)
     FROM quarantine_release_requests WHERE quarantine_id = m.id) AS requests
  FROM quarantine_messages m`;
  }
  return `SELECT m.*,
  (SELECT json_group_array(recipient) FROM (SELECT recipient FROM quarantine_recipients WHERE quarantine_id = m.id ORDER BY recipient)) AS recipients,
  (SELECT json_group_array(json_object('recipient', recipient, 'requestedAt', requested_at, 'state', state))
     FROM (SELECT * FROM quarantine_release_requests WHERE quarantine_id = m.id ORDER BY id)) AS requests
  FROM quarantine_messages m`;
}

const BODY_SUFFIX = '.msq';
/** A body file younger than this may belong to an add() whose row is about to commit. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function toEntry(r: Row): QuarantineEntry {
  return {
    id: r.id,
    spoolId: r.spool_id,
    messageId: r.message_id,
    mailFrom: r.mail_from,
    from: r.from_address,
    fromName: r.from_name,
    recipients: JSON.parse(r.recipients) as string[],
    subject: r.subject,
    clientIp: r.client_ip,
    action: r.action as Action,
    score: r.score,
    signals: JSON.parse(r.signals) as Signal[],
    rules: JSON.parse(r.rules) as string[],
    unscannable: r.unscannable === 1,
    reason: r.reason as QuarantineReason,
    receivedAt: new Date(r.received_at),
    quarantinedAt: new Date(r.quarantined_at),
    size: r.size,
    status: r.status as QuarantineStatus,
    statusAt: r.status_at === null ? null : new Date(r.status_at),
    statusBy: r.status_by,
    bodyPresent: r.body_present === 1,
    releaseDelivery: r.release_delivery,
    releaseRequests: (JSON.parse(r.requests) as { recipient: string; requestedAt: number; state: ReleaseRequest['state'] }[]).map((q) => ({
      recipient: q.recipient,
      requestedAt: new Date(q.requestedAt),
      state: q.state,
    })),
  };
}

/**
 * The id is derived from the spool id, so a retried add() after a crash rewrites the same
 * body file (no orphan) and finds the same row (no duplicate). 64 bits: short enough to type.
 */
export function quarantineIdFor(spoolId: string): string {
  return createHash('sha256').update('medshield quarantine\0').update(spoolId).digest('hex').slice(0, 16);
}

function normalizedRecipient(r: string): string {
  return normalizeAddress(r)?.address ?? r.trim().toLowerCase();
}

function describeStatus(e: { id: string; status: QuarantineStatus; statusAt: Date | null; statusBy: string | null }): string {
  const when = e.statusAt ? ` on ${e.statusAt.toISOString()}` : '';
  const who = e.statusBy ? ` by ${e.statusBy}` : '';
  return `quarantined message ${e.id} was ${e.status}${when}${who}`;
}

/**
 * Held and quarantined mail: bodies encrypted on disk (one file per message under `dir`),
 * metadata in the `quarantine_*` tables, every content read, release and deletion in the
 * audit log.
 */
export class QuarantineStore {
  readonly dir: string;
  private readonly bodies: BlobStore;
  private readonly db: Db;
  private readonly cipher: MessageCipher;
  private readonly audit: AuditLog;

  constructor(o: { db: Db; dir: string; cipher: MessageCipher; audit: AuditLog }) {
    this.db = o.db;
    this.dir = o.dir;
    this.cipher = o.cipher;
    this.audit = o.audit;
    migrate(this.db, QUARANTINE_SCHEMA);
    this.bodies = blobStoreFor(this.db, this.dir, 'quarantine', BODY_SUFFIX);
  }

  /**
   * Stores a message and returns its id. The encrypted body is on disk (fsync'd) before the
   * row commits, so a row never names a missing body; calling again with the same spool id
   * (a crash-retry) returns the same id and stores nothing new.
   */
  add(i: NewQuarantined): string {
    if (!REASONS.includes(i.reason)) throw new QuarantineError('invalid', `unknown quarantine reason '${i.reason}'`);
    if (!i.spoolId) throw new QuarantineError('invalid', 'quarantine: spoolId is required');
    const existing = this.db.prepare('SELECT id FROM quarantine_messages WHERE spool_id = ?').get(i.spoolId) as { id: string } | undefined;
    if (existing) return existing.id;

    const id = quarantineIdFor(i.spoolId);
    this.bodies.put(id, this.cipher.encrypt(i.raw));
    const recipients = [...new Set((i.envelope.rcptTo ?? []).map(normalizedRecipient).filter((r) => r !== ''))];
    const v = i.verdict;
    const now = Date.now();
    this.immediate(() => {
      const inserted = this.db
        .prepare(
          `INSERT OR IGNORE INTO quarantine_messages (id, spool_id, message_id, mail_from, from_address, from_name, subject, client_ip,
             action, score, signals, rules, unscannable, reason, received_at, quarantined_at, size, status, body_present)
           VALUES (@id, @spoolId, @messageId, @mailFrom, @from, @fromName, @subject, @clientIp,
             @action, @score, @signals, @rules, @unscannable, @reason, @receivedAt, @now, @size, 'held', 1)`,
        )
        .run({
          id,
          spoolId: i.spoolId,
          messageId: v.summary.messageId ?? '',
          mailFrom: i.envelope.mailFrom ?? '',
          from: v.summary.from ?? '',
          fromName: v.summary.fromName ?? '',
          subject: v.summary.subject ?? '',
          clientIp: i.envelope.clientIp ?? null,
          action: v.action,
          score: v.score,
          signals: JSON.stringify(v.signals),
          rules: JSON.stringify(v.rules),
          unscannable: v.unscannable ? 1 : 0,
          reason: i.reason,
          receivedAt: i.receivedAt.getTime(),
          now,
          size: i.raw.length,
        });
      if (inserted.changes === 0) return;
      const addRecipient = this.db.prepare('INSERT OR IGNORE INTO quarantine_recipients (quarantine_id, recipient) VALUES (?, ?)');
      for (const r of recipients) addRecipient.run(id, r);
      this.audit.record({
        actor: 'gateway',
        action: 'quarantine.add',
        target: id,
        detail: { reason: i.reason, action: v.action, score: v.score, spoolId: i.spoolId },
      });
    });
    return id;
  }

  get(id: string): QuarantineEntry | undefined {
    const r = this.db.prepare(`${selectEntries(this.db.dialect)} WHERE m.id = ?`).get(id) as Row | undefined;
    return r && toEntry(r);
  }

  /** Ids are 16 hex digits; people may type the first few. Exact match first, then a unique prefix (≥ 6). */
  resolveId(idOrPrefix: string): string {
    const p = idOrPrefix.trim().toLowerCase();
    if (this.db.prepare('SELECT 1 FROM quarantine_messages WHERE id = ?').get(p)) return p;
    if (p.length >= 6 && /^[0-9a-f]+$/.test(p)) {
      const rows = this.db.prepare("SELECT id FROM quarantine_messages WHERE id LIKE ? || '%' LIMIT 2").all(p) as { id: string }[];
      if (rows.length === 1) return rows[0]!.id;
      if (rows.length > 1) throw new QuarantineError('not-found', `quarantine id prefix '${idOrPrefix}' matches more than one message; give more digits`);
    }
    throw new QuarantineError('not-found', `no quarantined message with id '${idOrPrefix}'`);
  }

  list(filter: QuarantineFilter = {}): QuarantineEntry[] {
    const { where, params } = this.filterSql(filter);
    params.limit = filter.limit ?? 100;
    params.offset = filter.offset ?? 0;
    const sql = `${selectEntries(this.db.dialect)} ${where} ORDER BY m.received_at DESC, m.id LIMIT @limit OFFSET @offset`;
    return (this.db.prepare(sql).all(params) as Row[]).map(toEntry);
  }

  /** How many messages match (limit and offset ignored). */
  count(filter: QuarantineFilter = {}): number {
    const { where, params } = this.filterSql(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM quarantine_messages m ${where}`).get(params) as { n: number }).n;
  }

  private filterSql(filter: QuarantineFilter): { where: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.status !== undefined) {
      const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
      for (const s of statuses) if (!QUARANTINE_STATUSES.includes(s)) throw new QuarantineError('invalid', `unknown quarantine status '${s}'`);
      where.push(`m.status IN (${statuses.map((_, n) => `@status${n}`).join(', ') || "''"})`);
      statuses.forEach((s, n) => (params[`status${n}`] = s));
    }
    if (filter.recipient !== undefined) {
      where.push('EXISTS (SELECT 1 FROM quarantine_recipients r WHERE r.quarantine_id = m.id AND r.recipient = @recipient)');
      params.recipient = normalizedRecipient(filter.recipient);
    }
    if (filter.reason !== undefined) (where.push('m.reason = @reason'), (params.reason = filter.reason));
    if (filter.since !== undefined) (where.push('m.received_at >= @since'), (params.since = filter.since.getTime()));
    if (filter.until !== undefined) (where.push('m.received_at < @until'), (params.until = filter.until.getTime()));
    if (filter.releaseRequested !== undefined) {
      where.push(`${filter.releaseRequested ? '' : 'NOT '}EXISTS (SELECT 1 FROM quarantine_release_requests q WHERE q.quarantine_id = m.id AND q.state = 'open')`);
    }
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  /**
   * The decrypted original message. Audited: the read is recorded before the content is
   * returned. `context` adds to the audit detail (the console's client address, the purpose).
   */
  readMessage(id: string, actor: string, context?: Record<string, unknown>): Buffer {
    const e = this.mustGet(id);
    const raw = this.readBody(e);
    this.audit.record({ actor, action: 'quarantine.read', target: id, detail: { ...context, bytes: raw.length } });
    return raw;
  }

  /**
   * Sends the message on to its original recipients through `deliver` (which queues it and
   * returns the queue id) and marks it released, in one transaction: `deliver` must write its
   * queue entry through this same database, so the status change and the queued delivery
   * commit together or not at all. Releasing again returns the first release's result and
   * delivers nothing.
   */
  release(id: string, actor: string, deliver: (m: OutgoingRelease) => string, context?: Record<string, unknown>): ReleaseResult {
    return this.immediate(() => {
      const e = this.mustGet(id);
      if (e.status === 'released') {
        return { id, delivery: e.releaseDelivery ?? '', alreadyReleased: true, releasedAt: e.statusAt!, releasedBy: e.statusBy ?? '' };
      }
      if (e.status !== 'held') throw new QuarantineError('state', `${describeStatus(e)}; it cannot be released`);
      if (e.recipients.length === 0) throw new QuarantineError('state', `quarantined message ${id} has no recipients to release it to`);
      const raw = this.readBody(e);
      const delivery = deliver({ raw, mailFrom: e.mailFrom, rcptTo: e.recipients });
      const at = Date.now();
      this.db
        .prepare("UPDATE quarantine_messages SET status = 'released', status_at = ?, status_by = ?, release_delivery = ? WHERE id = ?")
        .run(at, actor, delivery, id);
      this.db.prepare("UPDATE quarantine_release_requests SET state = 'released' WHERE quarantine_id = ? AND state = 'open'").run(id);
      this.audit.record({ actor, action: 'quarantine.release', target: id, detail: { ...context, delivery, recipients: e.recipients.length, bytes: raw.length } });
      return { id, delivery, alreadyReleased: false, releasedAt: new Date(at), releasedBy: actor };
    });
  }

  /** Removes the body for good; the metadata row and the audit trail stay. */
  delete(id: string, actor: string, context?: Record<string, unknown>): void {
    const deleted = this.immediate(() => {
      const e = this.mustGet(id);
      if (e.status === 'deleted') return false;
      this.db
        .prepare("UPDATE quarantine_messages SET status = 'deleted', status_at = ?, status_by = ?, body_present = 0 WHERE id = ?")
        .run(Date.now(), actor, id);
      this.db.prepare("UPDATE quarantine_release_requests SET state = 'declined' WHERE quarantine_id = ? AND state = 'open'").run(id);
      this.audit.record({ actor, action: 'quarantine.delete', target: id, detail: { ...context, previousStatus: e.status } });
      return true;
    });
    // After the commit: a crash in between leaves a file no row needs, which purgeExpired sweeps.
    if (deleted) this.removeBodies([id]);
  }

  /**
   * Removes the bodies of messages received more than `retentionDays` before `now` (held ones
   * become `expired`; released ones keep their status), and body files no record needs.
   */
  purgeExpired(now: Date, retentionDays: number): PurgeResult {
    if (!(retentionDays >= 0)) throw new QuarantineError('invalid', `retentionDays must be a number ≥ 0, not ${retentionDays}`);
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    const expired = this.immediate(() => {
      const ids = (this.db.prepare('SELECT id FROM quarantine_messages WHERE body_present = 1 AND received_at < ? ORDER BY received_at').all(cutoff) as { id: string }[]).map(
        (r) => r.id,
      );
      const update = this.db.prepare(
        "UPDATE quarantine_messages SET body_present = 0, status = CASE status WHEN 'held' THEN 'expired' ELSE status END, status_at = CASE status WHEN 'held' THEN @at ELSE status_at END, status_by = CASE status WHEN 'held' THEN 'system:retention' ELSE status_by END WHERE id = @id",
      );
      const decline = this.db.prepare("UPDATE quarantine_release_requests SET state = 'declined' WHERE quarantine_id = ? AND state = 'open'");
      for (const id of ids) {
        update.run({ id, at: now.getTime() });
        decline.run(id);
        this.audit.record({ actor: 'system:retention', action: 'quarantine.expire', target: id, detail: { retentionDays } });
      }
      return ids;
    });
    this.removeBodies(expired);
    return { expired, orphansRemoved: this.sweepOrphans(now) };
  }

  /** A recipient asks for a held message (from a digest link). Only the message's own recipients may. */
  requestRelease(id: string, recipient: string): ReleaseRequest & { alreadyRequested: boolean } {
    const who = normalizedRecipient(recipient);
    return this.immediate(() => {
      const e = this.mustGet(id);
      if (!e.recipients.includes(who)) throw new QuarantineError('not-a-recipient', `${who} is not a recipient of quarantined message ${id}`);
      const prior = e.releaseRequests.find((q) => q.recipient === who);
      if (prior) return { ...prior, alreadyRequested: true };
      if (e.status !== 'held') throw new QuarantineError('state', `${describeStatus(e)}; a release can no longer be requested`);
      const at = Date.now();
      this.db.prepare("INSERT INTO quarantine_release_requests (quarantine_id, recipient, requested_at, state) VALUES (?, ?, ?, 'open')").run(id, who, at);
      this.audit.record({ actor: `recipient:${who}`, action: 'quarantine.release-request', target: id });
      return { recipient: who, requestedAt: new Date(at), state: 'open' as const, alreadyRequested: false };
    });
  }

  /** Recipients with held mail (received at or after `since`), for the digests. */
  recipientsWithHeld(since?: Date): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT r.recipient FROM quarantine_recipients r JOIN quarantine_messages m ON m.id = r.quarantine_id
         WHERE m.status = 'held' AND m.received_at >= ? ORDER BY r.recipient`,
      )
      .all(since?.getTime() ?? 0) as { recipient: string }[];
    return rows.map((r) => r.recipient);
  }

  /** Counts per status, for the console and `medshield quarantine list`. */
  counts(): Record<QuarantineStatus, number> {
    const out: Record<QuarantineStatus, number> = { held: 0, released: 0, deleted: 0, expired: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM quarantine_messages GROUP BY status').all() as { status: QuarantineStatus; n: number }[]) {
      out[r.status] = r.n;
    }
    return out;
  }

  private mustGet(id: string): QuarantineEntry {
    const e = this.get(id);
    if (!e) throw new QuarantineError('not-found', `no quarantined message with id '${id}'`);
    return e;
  }

  private readBody(e: QuarantineEntry): Buffer {
    if (!e.bodyPresent) throw new QuarantineError('body-gone', `${describeStatus(e)}; its content is no longer stored`);
    let blob: Buffer;
    try {
      blob = this.bodies.get(e.id);
    } catch (err) {
      throw new QuarantineError('body-gone', `the stored content of quarantined message ${e.id} cannot be read: ${(err as Error).message}`);
    }
    return this.cipher.decrypt(blob);
  }

  private removeBodies(ids: string[]): void {
    this.bodies.remove(ids);
  }

  private sweepOrphans(now: Date): number {
    const needed = this.db.prepare('SELECT 1 FROM quarantine_messages WHERE id = ? AND body_present = 1');
    const orphans: string[] = [];
    for (const { name: id, writtenAt } of this.bodies.list()) {
      if (needed.get(id)) continue;
      if (now.getTime() - writtenAt >= ORPHAN_GRACE_MS) orphans.push(id);
    }
    this.removeBodies(orphans);
    return orphans.length;
  }

  /**
   * IMMEDIATE takes the write lock up front: the gateway and a CLI may change the same row at
   * once, and a deferred transaction that read first could not then write.
   */
  private immediate<T>(fn: () => T): T {
    const tx = this.db.transaction(fn);
    return this.db.inTransaction ? tx() : tx.immediate();
  }
}
