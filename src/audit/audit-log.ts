import { createHash } from 'node:crypto';
import { migrate, type Db } from '../store/database.ts';

/**
 * Who did what to which record, for HIPAA's audit-control requirement: every read of message
 * content, every release and deletion. Rows are append-only (triggers refuse UPDATE and
 * DELETE through SQLite) and hash-chained: each row's hash covers its fields and the previous
 * row's hash, so a row edited or removed with another tool breaks the chain at that row.
 * Cutting rows off the end leaves a valid shorter chain; `verify()` returns the head hash so
 * an operator can anchor it elsewhere (a ticket, a log server) and compare later.
 */
export const AUDIT_SCHEMA = {
  module: 'audit',
  migrations: [
    `CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      detail TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_log_target ON audit_log(target, id);
    CREATE INDEX audit_log_actor ON audit_log(actor, id);`,
    {
      sqlite: `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`,
      postgres: `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $fn$;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();`,
    },
  ],
};

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  /** Who: `cli:alice`, `console:alice@hospital.org`, `gateway`, `recipient:bob@hospital.org`. */
  actor: string;
  /** What, as `module.verb`: `quarantine.read`, `quarantine.release`. */
  action: string;
  /** Which record, e.g. a quarantine id. */
  target: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
  hash: string;
}

export interface AuditFilter {
  target?: string;
  actor?: string;
  action?: string;
  since?: Date;
  /** Newest first; default 100. */
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Rows checked before the first break (all rows when ok). */
  checked: number;
  /** Hash of the last intact row: anchor it outside the database to detect truncation. */
  head: string;
  firstBroken?: { id: number; reason: string };
}

interface Row {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

function rowHash(prev: string, r: Omit<Row, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(JSON.stringify([prev, r.id, r.at, r.actor, r.action, r.target, r.detail])).digest('hex');
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    hash: r.hash,
  };
}

export class AuditLog {
  private readonly appendTx: (e: AuditEvent, at: Date) => AuditEntry;

  constructor(private readonly db: Db) {
    migrate(db, AUDIT_SCHEMA);
    const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const insert = db.prepare(
      'INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash) VALUES (@id, @at, @actor, @action, @target, @detail, @prev_hash, @hash)',
    );
    // On PostgreSQL two processes may read the same chain head; the second insert then fails
    // on the primary key and its whole transaction is retried (the gateway's queue retries a
    // message's disposal), so the chain never forks. A lock held to commit instead would
    // serialise every disposal that audits behind the slowest one.
    const tx = db.transaction((e: AuditEvent, at: Date): AuditEntry => {
      const prev = last.get() as { id: number; hash: string } | undefined;
      const fields = {
        id: (prev?.id ?? 0) + 1,
        at: at.toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        detail: e.detail === undefined ? null : JSON.stringify(e.detail),
      };
      const prevHash = prev?.hash ?? GENESIS_HASH;
      const row: Row = { ...fields, prev_hash: prevHash, hash: rowHash(prevHash, fields) };
      insert.run(row);
      return toEntry(row);
    });
    // IMMEDIATE takes the write lock before reading the chain head, so two processes (the
    // gateway and a CLI) appending at once cannot both chain onto the same row.
    this.appendTx = (e, at) => (db.inTransaction ? tx(e, at) : tx.immediate(e, at));
  }

  record(e: AuditEvent): AuditEntry {
    for (const k of ['actor', 'action', 'target'] as const) {
      if (typeof e[k] !== 'string' || e[k].trim() === '') throw new TypeError(`audit: '${k}' must be a non-empty string`);
    }
    return this.appendTx(e, new Date());
  }

  list(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? 100 };
    if (filter.target !== undefined) (where.push('target = @target'), (params.target = filter.target));
    if (filter.actor !== undefined) (where.push('actor = @actor'), (params.actor = filter.actor));
    if (filter.action !== undefined) (where.push('action = @action'), (params.action = filter.action));
    if (filter.since !== undefined) (where.push('at >= @since'), (params.since = filter.since.toISOString()));
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(toEntry);
  }

  /** Walks the whole chain; reports the first row whose hash, link or position is wrong. */
  verify(): AuditVerification {
    let prevHash = GENESIS_HASH;
    let expectedId = 1;
    let checked = 0;
    for (const r of this.db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<Row>) {
      let reason: string | null = null;
      if (r.id !== expectedId) reason = `row ${expectedId}${r.id > expectedId + 1 ? `–${r.id - 1}` : ''} missing`;
      else if (r.prev_hash !== prevHash) reason = 'does not link to the previous row';
      else if (rowHash(prevHash, r) !== r.hash) reason = 'contents altered (hash mismatch)';
      if (reason) return { ok: false, checked, head: prevHash, firstBroken: { id: r.id, reason } };
      prevHash = r.hash;
      expectedId = r.id + 1;
      checked++;
    }
    return { ok: true, checked, head: prevHash };
  }
}
