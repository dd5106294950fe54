import type { MessageCipher } from '../crypto/message-cipher.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { Journal, MessageRow } from '../gateway/journal.ts';
import type { QuarantineStatus, QuarantineStore } from '../quarantine/quarantine-store.ts';
import { migrate, type Db, tableExists } from '../store/database.ts';
import { CONSOLE_SCHEMA } from './console-schema.ts';

/** What the index keeps encrypted: everything that quotes the message. */
export interface SealedContent {
  subject: string;
  fromName: string;
  messageId: string;
  /** The full verdict (signals with evidence, authentication); partial for records rebuilt from the quarantine. */
  verdict: Verdict | null;
}

export type Disposition = 'delivered' | 'quarantined' | 'rejected';

export interface IndexedMessage {
  spoolId: string;
  receivedAt: Date;
  origin: string;
  clientIp: string | null;
  mailFrom: string;
  from: string;
  fromDomain: string;
  recipients: string[];
  action: string;
  disposition: Disposition;
  score: number;
  unscannable: boolean;
  quarantineId: string | null;
  /** The quarantine record's status, when the message is in the quarantine. */
  status: QuarantineStatus | null;
  size: number;
  /** Signals with a non-zero score, strongest first. */
  signals: { id: string; score: number }[];
  /** Null when the content part was dropped (past retention) or is not asked for. */
  content: SealedContent | null;
  /** Whether a sealed part exists (content may still be withheld from the caller). */
  hasContent: boolean;
}

export interface MessageFilter {
  /** Free text: sender, recipient, and (with content access) subject. */
  q?: string;
  from?: string;
  recipient?: string;
  subject?: string;
  action?: string[];
  disposition?: Disposition[];
  status?: QuarantineStatus[];
  signal?: string;
  since?: Date;
  until?: Date;
  origin?: string;
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  items: IndexedMessage[];
  total: number;
  /** A content search (subject, free text) looks at the newest `scanLimit` candidates only; true when it stopped there. */
  truncated: boolean;
}

interface Row {
  spool_id: string;
  received_at: number;
  origin: string;
  client_ip: string | null;
  mail_from: string;
  from_address: string;
  from_domain: string;
  recipients: string;
  action: string;
  disposition: Disposition;
  score: number;
  unscannable: number;
  quarantine_id: string | null;
  size: number;
  sealed: Buffer | null;
  status: QuarantineStatus | null;
}

const SCAN_LIMIT = 20_000;
const BATCH = 500;

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

function like(s: string): string {
  return `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The console's record of every scanned message, built from the gateway's journal (and,
 * for messages older than the journal keeps, from the quarantine). `catchUp` indexes what
 * the gateway decided since the last call; it is cheap when nothing is new, and is called on
 * every verdict the gateway announces, on a timer, and before each search.
 */
export class MessageIndex {
  /** No journal row below this seq is still undecided or unindexed. */
  private floor = 0;

  constructor(
    private readonly db: Db,
    private readonly cipher: MessageCipher,
    private readonly journal: Journal | null,
  ) {
    migrate(db, CONSOLE_SCHEMA);
  }

  /** Indexes newly decided messages; returns them, oldest first. */
  catchUp(): IndexedMessage[] {
    const added: string[] = [];
    if (this.journal && this.hasTable('gateway_messages')) {
      const journal = this.journal;
      const next = this.db.prepare(
        `SELECT g.seq, g.spool_id FROM gateway_messages g
         WHERE g.seq > ? AND g.state != 'received' AND g.origin IN ('inbound', 'submission')
           AND NOT EXISTS (SELECT 1 FROM console_messages c WHERE c.spool_id = g.spool_id)
         ORDER BY g.seq LIMIT ?`,
      );
      // One transaction per batch: with synchronous=FULL each commit is a disk flush.
      const indexBatch = this.db.transaction((rows: { seq: number; spool_id: string }[]) => {
        for (const r of rows) {
          const row = journal.message(r.spool_id);
          if (!row?.verdict) continue;
          this.insertFromJournal(row, row.verdict);
          added.push(r.spool_id);
        }
      });
      for (let cursor = this.floor - 1; ; ) {
        const rows = next.all(cursor, BATCH) as { seq: number; spool_id: string }[];
        if (rows.length === 0) break;
        indexBatch(rows);
        cursor = rows.at(-1)!.seq;
        if (rows.length < BATCH) break;
      }
      const undecided = this.db.prepare("SELECT MIN(seq) FROM gateway_messages WHERE state = 'received'").pluck().get() as number | null;
      const last = this.db.prepare('SELECT MAX(seq) FROM gateway_messages').pluck().get() as number | null;
      this.floor = undecided ?? (last ?? 0) + 1;
    }
    const out: IndexedMessage[] = [];
    for (let i = 0; i < added.length; i += BATCH) {
      const ids = added.slice(i, i + BATCH);
      const rows = this.db.prepare(`${SELECT} WHERE m.spool_id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
      const byId = new Map(this.toMessages(rows, false).map((m) => [m.spoolId, m]));
      for (const id of ids) if (byId.has(id)) out.push(byId.get(id)!);
    }
    return out;
  }

  /** Quarantined messages the journal no longer has (pruned, or an older installation): indexed from their quarantine record. */
  backfillFromQuarantine(quarantine: Pick<QuarantineStore, 'get'>): number {
    if (!this.hasTable('quarantine_messages')) return 0;
    const ids = this.db
      .prepare('SELECT q.id FROM quarantine_messages q WHERE NOT EXISTS (SELECT 1 FROM console_messages c WHERE c.spool_id = q.spool_id) ORDER BY q.received_at')
      .pluck()
      .all() as string[];
    let n = 0;
    for (const id of ids) {
      const e = quarantine.get(id);
      if (!e) continue;
      this.insert({
        spoolId: e.spoolId,
        receivedAt: e.receivedAt,
        origin: 'inbound',
        clientIp: e.clientIp,
        mailFrom: e.mailFrom,
        from: e.from || e.mailFrom,
        recipients: e.recipients,
        action: e.action,
        disposition: 'quarantined',
        score: e.score,
        unscannable: e.unscannable,
        quarantineId: e.id,
        size: e.size,
        signals: e.signals,
        sealed: { subject: e.subject, fromName: e.fromName, messageId: e.messageId, verdict: null },
      });
      n++;
    }
    return n;
  }

  private hasTable(name: string): boolean {
    return tableExists(this.db, name);
  }

  private insertFromJournal(row: MessageRow, v: Verdict): void {
    const disposition: Disposition = row.outcome === 'quarantined' ? 'quarantined' : row.outcome === 'rejected' ? 'rejected' : 'delivered';
    this.insert({
      spoolId: row.spoolId,
      receivedAt: row.receivedAt,
      origin: row.origin,
      clientIp: row.clientIp,
      mailFrom: row.mailFrom,
      from: (v.summary.from || row.mailFrom).toLowerCase(),
      recipients: row.rcptTo,
      action: v.action,
      disposition,
      score: v.score,
      unscannable: v.unscannable,
      quarantineId: row.quarantineId,
      size: row.size,
      signals: v.signals,
      sealed: { subject: v.summary.subject, fromName: v.summary.fromName, messageId: v.summary.messageId, verdict: v },
    });
  }

  private insert(m: {
    spoolId: string;
    receivedAt: Date;
    origin: string;
    clientIp: string | null;
    mailFrom: string;
    from: string;
    recipients: string[];
    action: string;
    disposition: Disposition;
    score: number;
    unscannable: boolean;
    quarantineId: string | null;
    size: number;
    signals: { id: string; score: number }[];
    sealed: SealedContent;
  }): void {
    const recipients = [...new Set(m.recipients.map((r) => r.toLowerCase()))];
    const signals = new Map<string, number>();
    for (const s of m.signals) if (s.score !== 0 || s.id === 'UNSCANNABLE') signals.set(s.id, (signals.get(s.id) ?? 0) + s.score);
    this.db.transaction(() => {
      const done = this.db
        .prepare(
          `INSERT OR IGNORE INTO console_messages (spool_id, received_at, origin, client_ip, mail_from, from_address, from_domain, recipients, recipient_count,
             action, disposition, score, unscannable, quarantine_id, size, sealed)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.spoolId,
          m.receivedAt.getTime(),
          m.origin,
          m.clientIp,
          m.mailFrom,
          m.from,
          domainOf(m.from),
          JSON.stringify(recipients),
          recipients.length,
          m.action,
          m.disposition,
          m.score,
          m.unscannable ? 1 : 0,
          m.quarantineId,
          m.size,
          this.cipher.encrypt(Buffer.from(JSON.stringify(m.sealed), 'utf8')),
        ).changes;
      if (!done) return;
      const addR = this.db.prepare('INSERT OR IGNORE INTO console_message_recipients (spool_id, recipient) VALUES (?, ?)');
      for (const r of recipients) addR.run(m.spoolId, r);
      const addS = this.db.prepare('INSERT OR IGNORE INTO console_message_signals (spool_id, signal, score) VALUES (?, ?, ?)');
      for (const [id, score] of signals) addS.run(m.spoolId, id, score);
    })();
  }

  get(spoolId: string, withContent: boolean): IndexedMessage | undefined {
    const r = this.db.prepare(`${SELECT} WHERE m.spool_id = ?`).get(spoolId) as Row | undefined;
    return r && this.toMessages([r], withContent)[0];
  }

  byQuarantineId(id: string, withContent: boolean): IndexedMessage | undefined {
    const r = this.db.prepare(`${SELECT} WHERE m.quarantine_id = ?`).get(id) as Row | undefined;
    return r && this.toMessages([r], withContent)[0];
  }

  /**
   * Newest first. Metadata filters run in SQL; subject and free-text filters need the
   * sealed part, so they are checked after decryption over at most SCAN_LIMIT candidates.
   */
  search(f: MessageFilter, withContent: boolean): SearchResult {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
    const offset = Math.max(f.offset ?? 0, 0);
    if (f.from) (where.push("(lower(m.from_address) LIKE @from ESCAPE '\\' OR lower(m.mail_from) LIKE @from ESCAPE '\\')"), (params.from = like(f.from)));
    if (f.recipient) {
      where.push("EXISTS (SELECT 1 FROM console_message_recipients r WHERE r.spool_id = m.spool_id AND r.recipient LIKE @recipient ESCAPE '\\')");
      params.recipient = like(f.recipient);
    }
    const inList = (col: string, key: string, values: string[] | undefined) => {
      if (!values?.length) return;
      where.push(`${col} IN (${values.map((_, i) => `@${key}${i}`).join(', ')})`);
      values.forEach((v, i) => (params[`${key}${i}`] = v));
    };
    inList('m.action', 'action', f.action);
    inList('m.disposition', 'disposition', f.disposition);
    inList('q.status', 'status', f.status);
    if (f.signal) (where.push('EXISTS (SELECT 1 FROM console_message_signals s WHERE s.spool_id = m.spool_id AND s.signal = @signal)'), (params.signal = f.signal.toUpperCase()));
    if (f.since) (where.push('m.received_at >= @since'), (params.since = f.since.getTime()));
    if (f.until) (where.push('m.received_at < @until'), (params.until = f.until.getTime()));
    if (f.origin) (where.push('m.origin = @origin'), (params.origin = f.origin));
    const contentFilter = withContent && (f.subject || f.q);
    if (f.q && !withContent) {
      where.push("(lower(m.from_address) LIKE @q ESCAPE '\\' OR lower(m.mail_from) LIKE @q ESCAPE '\\' OR lower(m.recipients) LIKE @q ESCAPE '\\')");
      params.q = like(f.q);
    }
    const sqlWhere = where.length ? `WHERE ${where.join(' AND ')}` : '';
    if (!contentFilter) {
      const total = (this.db.prepare(`SELECT COUNT(*) FROM console_messages m LEFT JOIN quarantine_messages q ON q.id = m.quarantine_id ${sqlWhere}`).pluck().get(params) as number) ?? 0;
      const rows = this.db.prepare(`${SELECT} ${sqlWhere} ORDER BY m.received_at DESC, m.spool_id LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Row[];
      return { items: this.toMessages(rows, withContent), total, truncated: false };
    }
    const subject = f.subject?.toLowerCase();
    const q = f.q?.toLowerCase();
    const matched: Row[] = [];
    let total = 0;
    let scanned = 0;
    for (const r of this.db.prepare(`${SELECT} ${sqlWhere} ORDER BY m.received_at DESC, m.spool_id LIMIT ${SCAN_LIMIT + 1}`).iterate(params) as IterableIterator<Row>) {
      if (++scanned > SCAN_LIMIT) break;
      const c = this.unseal(r.sealed);
      const subj = (c?.subject ?? '').toLowerCase();
      if (subject && !subj.includes(subject)) continue;
      if (q && !(subj.includes(q) || r.from_address.toLowerCase().includes(q) || r.mail_from.toLowerCase().includes(q) || r.recipients.toLowerCase().includes(q) || (c?.fromName ?? '').toLowerCase().includes(q))) continue;
      if (total >= offset && matched.length < limit) matched.push(r);
      total++;
    }
    return { items: this.toMessages(matched, withContent), total, truncated: scanned > SCAN_LIMIT };
  }

  /** Drops evidence past the content retention and whole records past the history period. */
  prune(now: number, contentDays: number, historyDays: number): { sealedDropped: number; removed: number } {
    return this.db.transaction(() => {
      const sealedDropped = this.db.prepare('UPDATE console_messages SET sealed = NULL WHERE sealed IS NOT NULL AND received_at < ?').run(now - contentDays * 86_400_000).changes;
      const removed = this.db.prepare('DELETE FROM console_messages WHERE received_at < ?').run(now - historyDays * 86_400_000).changes;
      return { sealedDropped, removed };
    })();
  }

  unseal(blob: Buffer | null): SealedContent | null {
    if (!blob) return null;
    return JSON.parse(this.cipher.decrypt(blob).toString('utf8')) as SealedContent;
  }

  private toMessages(rows: Row[], withContent: boolean): IndexedMessage[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.spool_id);
    const sig = new Map<string, { id: string; score: number }[]>();
    const stmt = this.db.prepare(`SELECT spool_id, signal, score FROM console_message_signals WHERE spool_id IN (${ids.map(() => '?').join(',')})`);
    for (const s of stmt.all(...ids) as { spool_id: string; signal: string; score: number }[]) {
      const list = sig.get(s.spool_id) ?? [];
      list.push({ id: s.signal, score: s.score });
      sig.set(s.spool_id, list);
    }
    return rows.map((r) => ({
      spoolId: r.spool_id,
      receivedAt: new Date(r.received_at),
      origin: r.origin,
      clientIp: r.client_ip,
      mailFrom: r.mail_from,
      from: r.from_address,
      fromDomain: r.from_domain,
      recipients: JSON.parse(r.recipients) as string[],
      action: r.action,
      disposition: r.disposition,
      score: r.score,
      unscannable: r.unscannable === 1,
      quarantineId: r.quarantine_id,
      status: r.status,
      size: r.size,
      signals: (sig.get(r.spool_id) ?? []).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)),
      content: withContent ? this.unseal(r.sealed) : null,
      hasContent: r.sealed !== null,
    }));
  }
}

const SELECT = `SELECT m.*, q.status AS status FROM console_messages m LEFT JOIN quarantine_messages q ON q.id = m.quarantine_id`;
