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
    const index = this.db.prepare('INSERT OR IGNORE INTO respond_message_indicators (spool_id, kind, digest) VALUES (?, ?, ?)');
    for (const i of f.indicators) for (const row of this.digester.indexRows(i)) index.run(m.spoolId, row.kind, row.digest);
    if (f.messageId) index.run(m.spoolId, 'message-id', this.digester.digest('message-id', f.messageId.toLowerCase()));
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
    if (spoolIds.length === 0) return [];
    const out: LoggedMessage[] = [];
    for (let i = 0; i < spoolIds.length; i += 500) {
      const chunk = spoolIds.slice(i, i + 500);
      out.push(...(this.db.prepare(`SELECT * FROM respond_messages WHERE spool_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as Row[]).map(toMessage));
    }
    return out.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /** The sealed part; the caller audits reads on behalf of people. */
  sealed(spoolId: string): SealedMessage | null {
    const blob = this.db.prepare('SELECT sealed FROM respond_messages WHERE spool_id = ?').pluck().get(spoolId) as Buffer | undefined;
    return blob ? (JSON.parse(this.cipher.decrypt(blob).toString('utf8')) as SealedMessage) : null;
  }

  bySpoolIdPrefix(prefix: string): LoggedMessage | null {
    const rows = this.db.prepare('SELECT * FROM respond_messages WHERE spool_id LIKE ? LIMIT 2').all(`${prefix.replace(/[%_]/g, '')}%`) as Row[];
    return rows.length === 1 ? toMessage(rows[0]!) : null;
  }

  byMessageId(messageId: string): LoggedMessage[] {
    const d = this.digester.digest('message-id', messageId.replace(/^<|>$/g, '').toLowerCase());
    return (
      this.db
        .prepare("SELECT m.* FROM respond_message_indicators i JOIN respond_messages m ON m.spool_id = i.spool_id WHERE i.kind = 'message-id' AND i.digest = ? ORDER BY m.received_at")
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
    o: { since: Date; exclude?: string; textSimilarity: number; imageDistance: number; limitPerIndicator?: number },
  ): { shared: SharedIndicators; holders: Map<string, Set<string>> } {
    const shared: SharedIndicators = new Map();
    const holders = new Map<string, Set<string>>();
    const limit = o.limitPerIndicator ?? 500;
    const q = this.db.prepare(
      'SELECT i.spool_id FROM respond_message_indicators i JOIN respond_messages m ON m.spool_id = i.spool_id WHERE i.kind = ? AND i.digest = ? AND m.received_at >= ? LIMIT ?',
    );
    const sealedCache = new Map<string, SealedMessage | null>();
    const sealedOf = (id: string) => {
      if (!sealedCache.has(id)) sealedCache.set(id, this.sealed(id));
      return sealedCache.get(id)!;
    };
    for (const ind of indicators) {
      const key = `${ind.kind}\u0000${ind.value}`;
      const found = new Set<string>();
      if (FUZZY_KINDS.has(ind.kind)) {
        const candidates = new Set<string>();
        for (const row of this.digester.indexRows(ind)) for (const id of q.pluck().all(row.kind, row.digest, o.since.getTime(), limit) as string[]) candidates.add(id);
        for (const id of candidates) {
          if (ind.kind === 'text-minhash') {
            const h = this.get(id)?.minhash;
            if (h && minhashSimilarity(h, ind.value) >= o.textSimilarity) found.add(id);
          } else {
            const s = sealedOf(id);
            if (s?.indicators.some((x) => x.kind === ind.kind && hamming(x.value, ind.value) <= o.imageDistance)) found.add(id);
          }
        }
      } else {
        for (const id of q.pluck().all(ind.kind, this.digester.digest(ind.kind, ind.value), o.since.getTime(), limit) as string[]) found.add(id);
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
      .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM respond_message_indicators x JOIN respond_messages m ON m.spool_id = x.spool_id WHERE x.kind = ? AND x.digest = ? AND m.received_at < ? LIMIT ?)')
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
        `SELECT reporter, MAX(verified) AS verified, MIN(at) AS at FROM respond_message_reports WHERE spool_id IN (${spoolIds.map(() => '?').join(',')}) GROUP BY reporter ORDER BY at`,
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
