import { migrate, type Db } from '../../store/database.ts';
import type { Indicator, IndicatorKind } from '../features/indicators.ts';
import { RESPOND_SCHEMA } from '../schema.ts';
import type { AggregatedIndicator } from './clustering.ts';

export const CAMPAIGN_STATUSES = ['active', 'contained', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface Campaign {
  id: number;
  name: string;
  status: CampaignStatus;
  /** Future mail matching its specific indicators is quarantined (the campaign-indicators analyzer). */
  blocked: boolean;
  createdAt: Date;
  updatedAt: Date;
  firstSeen: Date;
  lastSeen: Date;
  containedAt: Date | null;
  containedBy: string | null;
}

export interface CampaignIndicator extends Indicator {
  campaignId: number;
  digest: string;
  messages: number;
  specific: boolean;
  firstSeen: Date;
  lastSeen: Date;
}

interface Row {
  id: number;
  name: string;
  status: CampaignStatus;
  blocked: number;
  created_at: number;
  updated_at: number;
  first_seen: number;
  last_seen: number;
  contained_at: number | null;
  contained_by: string | null;
  merged_into: number | null;
}

function toCampaign(r: Row): Campaign {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    blocked: r.blocked === 1,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    containedAt: r.contained_at === null ? null : new Date(r.contained_at),
    containedBy: r.contained_by,
  };
}

interface IndicatorRow {
  campaign_id: number;
  kind: IndicatorKind;
  value: string;
  digest: string;
  messages: number;
  specific: number;
  first_seen: number;
  last_seen: number;
}

function toIndicator(r: IndicatorRow): CampaignIndicator {
  return {
    campaignId: r.campaign_id,
    kind: r.kind,
    value: r.value,
    digest: r.digest,
    messages: r.messages,
    specific: r.specific === 1,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
  };
}

/** Campaigns, their member messages and their indicators. A merged campaign points at the one it was merged into. */
export class CampaignStore {
  constructor(readonly db: Db) {
    migrate(db, RESPOND_SCHEMA);
  }

  create(name: string, members: { spoolId: string; at: number; via: string }[], now = Date.now()): number {
    const first = Math.min(...members.map((m) => m.at));
    const last = Math.max(...members.map((m) => m.at));
    const id = Number(
      this.db
        .prepare("INSERT INTO respond_campaigns (name, status, blocked, created_at, updated_at, first_seen, last_seen) VALUES (?, 'active', 0, ?, ?, ?, ?)")
        .run(name, now, now, first, last).lastInsertRowid,
    );
    this.addMembers(id, members, now);
    return id;
  }

  /** Adds messages (each belongs to one campaign at most; one already in another campaign is left there). */
  addMembers(campaignId: number, members: { spoolId: string; at: number; via: string }[], now = Date.now()): string[] {
    // Rows go in 100 at a time: a clustering step can add hundreds, and on PostgreSQL each statement is a round trip.
    const taken = this.campaignsOf(members.map((m) => m.spoolId));
    const fresh = [...new Map(members.filter((m) => !taken.has(m.spoolId)).map((m) => [m.spoolId, m])).values()];
    for (let i = 0; i < fresh.length; i += 100) {
      const chunk = fresh.slice(i, i + 100);
      this.db
        .prepare(`INSERT OR IGNORE INTO respond_campaign_messages (campaign_id, spool_id, joined_at, via) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`)
        .run(...chunk.flatMap((m) => [campaignId, m.spoolId, now, m.via]));
    }
    const added = fresh.map((m) => m.spoolId);
    if (members.length) {
      this.db
        .prepare('UPDATE respond_campaigns SET first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?), updated_at = ? WHERE id = ?')
        .run(Math.min(...members.map((m) => m.at)), Math.max(...members.map((m) => m.at)), now, campaignId);
    }
    return added;
  }

  /** Moves every member of `from` into `into`; `from` stays as a pointer (links to it keep working). */
  merge(into: number, from: number, now = Date.now()): void {
    if (into === from) return;
    const f = this.db.prepare('SELECT * FROM respond_campaigns WHERE id = ?').get(from) as Row | undefined;
    if (!f) return;
    this.db.prepare('UPDATE respond_campaign_messages SET campaign_id = ? WHERE campaign_id = ?').run(into, from);
    this.db.prepare('DELETE FROM respond_campaign_indicators WHERE campaign_id = ?').run(from);
    this.db
      .prepare(
        'UPDATE respond_campaigns SET first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?), blocked = MAX(blocked, ?), updated_at = ? WHERE id = ?',
      )
      .run(f.first_seen, f.last_seen, f.blocked, now, into);
    this.db.prepare("UPDATE respond_campaigns SET merged_into = ?, status = 'closed', blocked = 0, updated_at = ? WHERE id = ?").run(into, now, from);
    if (f.blocked) this.bumpBlocklist();
  }

  /** The live campaign an id names (following merges). */
  resolve(id: number): number | null {
    let cur = id;
    for (let i = 0; i < 20; i++) {
      const r = this.db.prepare('SELECT id, merged_into FROM respond_campaigns WHERE id = ?').get(cur) as { id: number; merged_into: number | null } | undefined;
      if (!r) return null;
      if (r.merged_into === null) return r.id;
      cur = r.merged_into;
    }
    return null;
  }

  get(id: number): Campaign | null {
    const live = this.resolve(id);
    if (live === null) return null;
    const r = this.db.prepare('SELECT * FROM respond_campaigns WHERE id = ?').get(live) as Row;
    return toCampaign(r);
  }

  list(o: { status?: CampaignStatus[]; limit?: number; offset?: number } = {}): { items: Campaign[]; total: number } {
    const where = ['merged_into IS NULL'];
    const params: unknown[] = [];
    if (o.status?.length) {
      where.push(`status IN (${o.status.map(() => '?').join(',')})`);
      params.push(...o.status);
    }
    const w = `WHERE ${where.join(' AND ')}`;
    const total = this.db.prepare(`SELECT COUNT(*) FROM respond_campaigns ${w}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`SELECT * FROM respond_campaigns ${w} ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?`).all(...params, o.limit ?? 50, o.offset ?? 0) as Row[];
    return { items: rows.map(toCampaign), total };
  }

  campaignOf(spoolId: string): number | null {
    return (this.db.prepare('SELECT campaign_id FROM respond_campaign_messages WHERE spool_id = ?').pluck().get(spoolId) as number | undefined) ?? null;
  }

  /** The campaigns of those of these messages that belong to one, by message (one query per 500). */
  campaignsOf(spoolIds: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = 0; i < spoolIds.length; i += 500) {
      const chunk = spoolIds.slice(i, i + 500);
      const rows = this.db.prepare(`SELECT spool_id, campaign_id FROM respond_campaign_messages WHERE spool_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as { spool_id: string; campaign_id: number }[];
      for (const r of rows) out.set(r.spool_id, r.campaign_id);
    }
    return out;
  }

  members(campaignId: number): { spoolId: string; joinedAt: Date; via: string }[] {
    return (
      this.db.prepare('SELECT spool_id, joined_at, via FROM respond_campaign_messages WHERE campaign_id = ? ORDER BY joined_at, spool_id').all(campaignId) as {
        spool_id: string;
        joined_at: number;
        via: string;
      }[]
    ).map((r) => ({ spoolId: r.spool_id, joinedAt: new Date(r.joined_at), via: r.via }));
  }

  /** Replaces the campaign's indicators with a fresh aggregate; bumps the blocklist when a blocked campaign's set changed. */
  setIndicators(campaignId: number, list: (AggregatedIndicator & { digest: string })[]): void {
    const before = this.blockSignature(campaignId);
    this.db.prepare('DELETE FROM respond_campaign_indicators WHERE campaign_id = ?').run(campaignId);
    for (let n = 0; n < list.length; n += 100) {
      const chunk = list.slice(n, n + 100);
      this.db
        .prepare(`INSERT INTO respond_campaign_indicators (campaign_id, kind, value, digest, messages, specific, first_seen, last_seen) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`)
        .run(...chunk.flatMap((i) => [campaignId, i.kind, i.value, i.digest, i.messages, i.specific ? 1 : 0, i.firstSeen, i.lastSeen]));
    }
    const c = this.get(campaignId);
    if (c?.blocked && this.blockSignature(campaignId) !== before) this.bumpBlocklist();
  }

  indicators(campaignId: number, o: { specificOnly?: boolean } = {}): CampaignIndicator[] {
    const rows = this.db
      .prepare(`SELECT * FROM respond_campaign_indicators WHERE campaign_id = ? ${o.specificOnly ? 'AND specific = 1' : ''} ORDER BY specific DESC, messages DESC, kind, value`)
      .all(campaignId) as IndicatorRow[];
    return rows.map(toIndicator);
  }

  /** Live (not closed) campaigns holding this specific indicator. */
  campaignsWith(kind: string, digest: string): number[] {
    return this.db
      .prepare(
        "SELECT DISTINCT i.campaign_id FROM respond_campaign_indicators i JOIN respond_campaigns c ON c.id = i.campaign_id WHERE i.kind = ? AND i.digest = ? AND i.specific = 1 AND c.status != 'closed' AND c.merged_into IS NULL",
      )
      .pluck()
      .all(kind, digest) as number[];
  }

  /** Specific fuzzy indicators (hashes) of live campaigns, for distance matching. */
  fuzzyIndicators(): CampaignIndicator[] {
    return (
      this.db
        .prepare(
          "SELECT i.* FROM respond_campaign_indicators i JOIN respond_campaigns c ON c.id = i.campaign_id WHERE i.kind IN ('text-minhash', 'image-phash') AND i.specific = 1 AND c.status != 'closed' AND c.merged_into IS NULL",
        )
        .all() as IndicatorRow[]
    ).map(toIndicator);
  }

  /** `byPerson`: an analyst's name, which clustering then keeps (generated names follow the indicators). */
  rename(id: number, name: string, now = Date.now(), byPerson = false): void {
    this.db.prepare('UPDATE respond_campaigns SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
    if (byPerson) this.db.prepare('INSERT OR REPLACE INTO respond_state (key, value) VALUES (?, ?)').run(`campaign.${id}.named`, '1');
  }

  nameFixed(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM respond_state WHERE key = ?').pluck().get(`campaign.${id}.named`) === 1;
  }

  /** Contained: future matches are quarantined. Returns false when it already was. */
  contain(id: number, by: string, now = Date.now()): boolean {
    const changed = this.db
      .prepare("UPDATE respond_campaigns SET status = 'contained', blocked = 1, contained_at = COALESCE(contained_at, ?), contained_by = COALESCE(contained_by, ?), updated_at = ? WHERE id = ? AND (blocked = 0 OR status != 'contained')")
      .run(now, by, now, id).changes;
    if (changed) this.bumpBlocklist();
    return changed > 0;
  }

  setStatus(id: number, status: CampaignStatus, o: { blocked?: boolean } = {}, now = Date.now()): void {
    const c = this.get(id);
    if (!c) return;
    const blocked = o.blocked ?? (status === 'closed' ? false : c.blocked);
    this.db.prepare('UPDATE respond_campaigns SET status = ?, blocked = ?, updated_at = ? WHERE id = ?').run(status, blocked ? 1 : 0, now, c.id);
    if (blocked !== c.blocked) this.bumpBlocklist();
  }

  blocklistVersion(): number {
    return Number(this.db.prepare("SELECT value FROM respond_state WHERE key = 'blocklist.version'").pluck().get() ?? 0);
  }

  private bumpBlocklist(): void {
    this.db.prepare("UPDATE respond_state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'blocklist.version'").run();
  }

  private blockSignature(campaignId: number): string {
    return (this.db.prepare('SELECT kind, value FROM respond_campaign_indicators WHERE campaign_id = ? AND specific = 1 ORDER BY kind, value').all(campaignId) as { kind: string; value: string }[])
      .map((r) => `${r.kind}=${r.value}`)
      .join('\n');
  }
}
