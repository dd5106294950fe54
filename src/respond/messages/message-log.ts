import type { Cipher } from '../../gateway/spool.ts';
import { migrate, type Db } from '../../store/database.ts';
import { IndicatorDigester } from '../features/digests.ts';
import type { MessageFeatures } from '../features/extract.ts';
import { FUZZY_KINDS, type Indicator } from '../features/indicators.ts';
import { minhashSimilarity } from '../features/minhash.ts';
import { hamming } from '../features/phash-bands.ts';
import { RESPOND_SCHEMA } from '../schema.ts';

/**
 * Every message the gateway decided on, as the respond module needs it: its verdict in
 * brief, the index of its indicators (keyed digests), and where it was delivered. This is
 * the log pull-back works from ("which mailboxes got a copy of what") and the pool campaign
 * clustering looks back into when reports show that earlier, delivered mail was phishing.
 */

export type MessageOutcome = 'delivering' | 'quarantined' | 'rejected' | 'reported';
/** Per recipient: on its way, in the mailbox, bounced, pulled back or not found then; or never delivered (quarantined, rejected). */
export type DeliveryState = 'pending' | 'delivered' | 'bounced' | 'removed' | 'not-found' | 'quarantined' | 'rejected';

export interface LoggedMessage {
  spoolId: string;
  receivedAt: Date;
  origin: string;
  fromAddress: string;
  fromDomain: string;
  action: string;
  outcome: MessageOutcome;
  quarantineId: string | null;
  score: number;
  signals: { id: string; score: number }[];
  minhash: string | null;
  recipients: number;
}

/** What is sealed (encrypted) per message: everything that quotes it. */
export interface SealedMessage {
  subject: string;
  fromName: string;
  messageId: string;
  indicators: Indicator[];
}

export interface NewLoggedMessage {
  spoolId: string;
  receivedAt: Date;
  origin: string;
  action: string;
  outcome: MessageOutcome;
  quarantineId: string | null;
  score: number;
  signals: { id: string; score: number }[];
  /** The message's recipients: delivery is expected to them when the outcome is 'delivering'. */
  rcptTo: string[];
  recipients: number;
  features: MessageFeatures;
}

export interface DeliveryEntry {
  spoolId: string;
  recipient: string;
  state: DeliveryState;
  at: Date;
  detail: string | null;
}

interface Row {
  spool_id: string;
  received_at: number;
  origin: string;
  from_address: string;
  from_domain: string;
  action: string;
  outcome: MessageOutcome;
  quarantine_id: string | null;
  score: number;
  signals: string;
  minhash: string | null;
  recipients: number;
}

function toMessage(r: Row): LoggedMessage {
  return {
    spoolId: r.spool_id,
    receivedAt: new Date(r.received_at),
    origin: r.origin,
    fromAddress: r.from_address,
    fromDomain: r.from_domain,
    action: r.action,
    outcome: r.outcome,
    quarantineId: r.quarantine_id,
    score: r.score,
    signals: JSON.parse(r.signals) as { id: string; score: number }[],
    minhash: r.minhash,
    recipients: r.recipients,
  };
}

/** Which indicators a stored message shares with the one looked up. */
export type SharedIndicators = Map<string, Indicator[]>;

export class MessageLog {
  constructor(
    readonly db: Db,
    private readonly cipher: Cipher,
    readonly digester: IndicatorDigester,
  ) {
    migrate(db, RESPOND_SCHEMA);
  }

  /** Records a message once (a recovered message decided again is not recorded twice). */
  record(m: NewLoggedMessage): boolean {
    const f = m.features;
    const sealed: SealedMessage = { subject: f.subject, fromName: f.fromName, messageId: f.messageId, indicators: f.indicators };
    const fromDomain = f.fromAddress.split('@').pop() ?? '';
    const inserted = this.db
      .prepare(
        `INSERT OR IGNORE INTO respond_messages (spool_id, received_at, origin, from_address, from_domain, action, outcome, quarantine_id, score, signals, minhash, sealed, recipients)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.spoolId,
        m.receivedAt.getTime(),
        m.origin,
        f.fromAddress,
        fromDomain,
        m.action,
        m.outcome,
        m.quarantineId,
        m.score,
        JSON.stringify(m.signals),
        f.minhash,
        this.cipher.encrypt(Buffer.from(JSON.stringify(sealed), 'utf8')),
        m.recipients,
      ).changes;
    if (!inserted) return false;
    const index = f.indicators.flatMap((i) => this.digester.indexRows(i));
    if (f.messageId) index.push({ kind: 'message-id', digest: this.digester.digest('message-id', f.messageId.toLowerCase()) });
    // A message has a few dozen index rows (16 per MinHash signature): a statement per 100, as each is a round trip on PostgreSQL.
    for (const chunk of chunks(index, 100)) {
      this.db
        .prepare(`INSERT OR IGNORE INTO respond_message_indicators (spool_id, kind, digest) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`)
        .run(...chunk.flatMap((row) => [m.spoolId, row.kind, row.digest]));
    }
    const state = m.outcome === 'delivering' ? 'pending' : m.outcome === 'quarantined' ? 'quarantined' : m.outcome === 'rejected' ? 'rejected' : null;
    if (state) {
      const delivery = this.db.prepare('INSERT OR IGNORE INTO respond_deliveries (spool_id, recipient, state, at) VALUES (?, ?, ?, ?)');
      for (const r of m.rcptTo) delivery.run(m.spoolId, r.toLowerCase(), state, m.receivedAt.getTime());
    }
    return true;
  }

  /** The gateway settled a message's deliveries. Copies already pulled back keep their state. */
  settleDeliveries(spoolId: string, results: { recipient: string; state: 'delivered' | 'bounced'; detail: string | null }[], at = new Date()): void {
    const up = this.db.prepare("UPDATE respond_deliveries SET state = ?, at = ?, detail = ? WHERE spool_id = ? AND recipient = ? AND state = 'pending'");
    for (const r of results) up.run(r.state, at.getTime(), r.detail, spoolId, r.recipient.toLowerCase());
  }

  setDeliveryState(spoolId: string, recipient: string, state: DeliveryState, detail: string | null, at = new Date()): void {
    this.db.prepare('UPDATE respond_deliveries SET state = ?, at = ?, detail = ? WHERE spool_id = ? AND recipient = ?').run(state, at.getTime(), detail, spoolId, recipient.toLowerCase());
  }

  get(spoolId: string): LoggedMessage | null {
    const r = this.db.prepare('SELECT * FROM respond_messages WHERE spool_id = ?').get(spoolId) as Row | undefined;
    return r ? toMessage(r) : null;
  }

  many(spoolIds: string[]): LoggedMessage[] {
    return [...this.byIds(spoolIds).values()].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /** The logged messages among these ids, by id (one query per 500). */
  byIds(spoolIds: Iterable<string>): Map<string, LoggedMessage> {
    const out = new Map<string, LoggedMessage>();
    for (const chunk of chunks([...new Set(spoolIds)])) {
      for (const r of this.db.prepare(`SELECT * FROM respond_messages WHERE spool_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as Row[]) out.set(r.spool_id, toMessage(r));
    }
    return out;
  }

  /** The sealed part; the caller audits reads on behalf of people. */
  sealed(spoolId: string): SealedMessage | null {
    const blob = this.db.prepare('SELECT sealed FROM respond_messages WHERE spool_id = ?').pluck().get(spoolId) as Buffer | undefined;
    return blob ? this.unseal(blob) : null;
  }

  /** The sealed parts of the logged messages among these ids, by id (one query per 500). */
  sealedMany(spoolIds: Iterable<string>): Map<string, SealedMessage> {
    const out = new Map<string, SealedMessage>();
    for (const chunk of chunks([...new Set(spoolIds)])) {
      const rows = this.db.prepare(`SELECT spool_id, sealed FROM respond_messages WHERE spool_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as { spool_id: string; sealed: Buffer }[];
      for (const r of rows) out.set(r.spool_id, this.unseal(r.sealed));
    }
    return out;
  }

  private unseal(blob: Buffer): SealedMessage {
    return JSON.parse(this.cipher.decrypt(blob).toString('utf8')) as SealedMessage;
  }

  bySpoolIdPrefix(prefix: string): LoggedMessage | null {
    const rows = this.db.prepare('SELECT * FROM respond_messages WHERE spool_id LIKE ? LIMIT 2').all(`${prefix.replace(/[%_]/g, '')}%`) as Row[];
    return rows.length === 1 ? toMessage(rows[0]!) : null;
  }

  byMessageId(messageId: string): LoggedMessage[] {
    const d = this.digester.digest('message-id', messageId.replace(/^<|>$/g, '').toLowerCase());
    return (
      this.db
        .prepare("SELECT m.* FROM respond_message_indicators i JOIN respond_messages m ON m.spool_id = i.spool_id WHERE i.kind = 'message-id' AND i.digest = ? ORDER BY m.received_at, m.spool_id")
        .all(d) as Row[]
    ).map(toMessage);
  }

  /**
   * Messages since `since` sharing indicators with these: exact kinds by digest, fuzzy kinds
   * by band then checked for distance. Also how many messages hold each indicator (for
   * telling a campaign's own indicators from common ones).
   */
  related(
    indicators: Indicator[],
    o: { since: Date; exclude?: string; textSimilarity: number; imageDistance: number; limitPerIndicator?: number; cache?: LogReadCache },
  ): { shared: SharedIndicators; holders: Map<string, Set<string>> } {
    const shared: SharedIndicators = new Map();
    const holders = new Map<string, Set<string>>();
    const limit = o.limitPerIndicator ?? 500;
    const cache = o.cache ?? new LogReadCache(this);
    const lookupKey = (r: { kind: string; digest: string }) => `${r.kind}\u0000${r.digest}\u0000${o.since.getTime()}\u0000${limit}`;
    const rowsOf = (ind: Indicator) => (FUZZY_KINDS.has(ind.kind) ? this.digester.indexRows(ind) : [{ kind: ind.kind, digest: this.digester.digest(ind.kind, ind.value) }]);
    const missing = new Map<string, { kind: string; digest: string }>();
    for (const ind of indicators) for (const r of rowsOf(ind)) if (!cache.index.has(lookupKey(r))) missing.set(lookupKey(r), r);
    // Every digest's lookup (each with its own limit) in one statement of UNION ALL branches: one round trip, not one per digest or band.
    for (const chunk of chunks([...missing], 50)) {
      const sql = chunk
        .map((_, n) => `SELECT ${n} AS lookup, spool_id FROM (SELECT i.spool_id FROM respond_message_indicators i JOIN respond_messages m ON m.spool_id = i.spool_id WHERE i.kind = ? AND i.digest = ? AND m.received_at >= ? LIMIT ?) AS l${n}`)
        .join(' UNION ALL ');
      const rows = this.db.prepare(sql).all(...chunk.flatMap(([, r]) => [r.kind, r.digest, o.since.getTime(), limit])) as { lookup: number; spool_id: string }[];
      const found = chunk.map(() => [] as string[]);
      for (const r of rows) found[r.lookup]!.push(r.spool_id);
      chunk.forEach(([key], n) => cache.index.set(key, found[n]!));
    }
    const holding = (kind: string, digest: string): string[] => cache.index.get(lookupKey({ kind, digest }))!;
    const candidatesOf = new Map<Indicator, Set<string>>();
    for (const ind of indicators) {
      if (!FUZZY_KINDS.has(ind.kind)) continue;
      const candidates = new Set<string>();
      for (const row of this.digester.indexRows(ind)) for (const id of holding(row.kind, row.digest)) candidates.add(id);
      candidatesOf.set(ind, candidates);
    }
    // Candidates are compared by value: their minhashes and sealed image hashes are read together, not one by one.
    const all = (kind: (k: Indicator['kind']) => boolean) => [...candidatesOf].filter(([i]) => kind(i.kind)).flatMap(([, c]) => [...c]);
    cache.loadMessages(all((k) => k === 'text-minhash'));
    cache.loadSealed(all((k) => k !== 'text-minhash'));
    for (const ind of indicators) {
      const key = `${ind.kind}\u0000${ind.value}`;
      const found = new Set<string>();
      const candidates = candidatesOf.get(ind);
      if (candidates) {
        for (const id of candidates) {
          if (ind.kind === 'text-minhash') {
            const h = cache.message(id)?.minhash;
            if (h && minhashSimilarity(h, ind.value) >= o.textSimilarity) found.add(id);
          } else {
            const s = cache.sealed(id);
            if (s?.indicators.some((x) => x.kind === ind.kind && hamming(x.value, ind.value) <= o.imageDistance)) found.add(id);
          }
        }
      } else {
        for (const id of holding(ind.kind, this.digester.digest(ind.kind, ind.value))) found.add(id);
      }
      holders.set(key, found);
      for (const id of found) {
        if (id === o.exclude) continue;
        const list = shared.get(id);
        if (list) list.push(ind);
        else shared.set(id, [ind]);
      }
    }
    return { shared, holders };
  }

  /** Messages received before `before` holding this (exact) indicator, counted up to `limit`. Fuzzy kinds are not counted. */
  historyCount(i: Indicator, before: Date, limit = 1000): number {
    if (FUZZY_KINDS.has(i.kind)) return 0;
    return this.db
      .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM respond_message_indicators x JOIN respond_messages m ON m.spool_id = x.spool_id WHERE x.kind = ? AND x.digest = ? AND m.received_at < ? LIMIT ?) AS held')
      .pluck()
      .get(i.kind, this.digester.digest(i.kind, i.value), before.getTime(), limit) as number;
  }

  deliveries(spoolIds: string[]): DeliveryEntry[] {
    if (spoolIds.length === 0) return [];
    const out: DeliveryEntry[] = [];
    for (let i = 0; i < spoolIds.length; i += 500) {
      const chunk = spoolIds.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT * FROM respond_deliveries WHERE spool_id IN (${chunk.map(() => '?').join(',')}) ORDER BY recipient, spool_id`)
        .all(...chunk) as { spool_id: string; recipient: string; state: DeliveryState; at: number; detail: string | null }[];
      out.push(...rows.map((r) => ({ spoolId: r.spool_id, recipient: r.recipient, state: r.state, at: new Date(r.at), detail: r.detail })));
    }
    return out;
  }

  /** Records that a person reported this message; returns false when they had already. */
  addReport(spoolId: string, reporter: string, verified: boolean, reportId: number, at = new Date()): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO respond_message_reports (spool_id, reporter, verified, report_id, at) VALUES (?, ?, ?, ?, ?)')
        .run(spoolId, reporter.toLowerCase(), verified ? 1 : 0, reportId, at.getTime()).changes > 0
    );
  }

  /** Distinct people who reported any of these messages. */
  reporters(spoolIds: string[]): { reporter: string; verified: boolean; at: Date }[] {
    if (spoolIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT reporter, MAX(verified) AS verified, MIN(at) AS at FROM respond_message_reports WHERE spool_id IN (${spoolIds.map(() => '?').join(',')}) GROUP BY reporter ORDER BY at, reporter`,
      )
      .all(...spoolIds) as { reporter: string; verified: number; at: number }[];
    return rows.map((r) => ({ reporter: r.reporter, verified: r.verified === 1, at: new Date(r.at) }));
  }

  /** Forgets messages received before `before` that no campaign or incident names (their indicators and delivery log go with them). */
  prune(before: Date): number {
    return this.db
      .prepare(
        `DELETE FROM respond_messages WHERE received_at < ?
           AND spool_id NOT IN (SELECT spool_id FROM respond_campaign_messages)
           AND spool_id NOT IN (SELECT spool_id FROM respond_incident_messages)`,
      )
      .run(before.getTime()).changes;
  }
}

function chunks<T>(list: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Reads of the log shared by one clustering step: messages and sealed parts loaded in
 * batches and index lookups made once, so a step costs a bounded number of queries however
 * many similar messages the log holds (on PostgreSQL every query is a round trip). Only for
 * the span of one step, inside one transaction: it does not see later writes.
 */
export class LogReadCache {
  readonly index = new Map<string, string[]>();
  private readonly messages = new Map<string, LoggedMessage | null>();
  private readonly sealedParts = new Map<string, SealedMessage | null>();

  constructor(private readonly log: MessageLog) {}

  loadMessages(ids: Iterable<string>): void {
    const missing = [...ids].filter((id) => !this.messages.has(id));
    if (missing.length === 0) return;
    const found = this.log.byIds(missing);
    for (const id of missing) this.messages.set(id, found.get(id) ?? null);
  }

  loadSealed(ids: Iterable<string>): void {
    const missing = [...ids].filter((id) => !this.sealedParts.has(id));
    if (missing.length === 0) return;
    const found = this.log.sealedMany(missing);
    for (const id of missing) this.sealedParts.set(id, found.get(id) ?? null);
  }

  message(id: string): LoggedMessage | null {
    this.loadMessages([id]);
    return this.messages.get(id)!;
  }

  sealed(id: string): SealedMessage | null {
    this.loadSealed([id]);
    return this.sealedParts.get(id)!;
  }
}
