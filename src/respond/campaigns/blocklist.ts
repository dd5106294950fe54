import { existsSync } from 'node:fs';
import { openSqlite, type Db } from '../../store/database.ts';
import type { Indicator, IndicatorKind } from '../features/indicators.ts';

/** One specific indicator of a contained (blocked) campaign. */
export interface BlockedIndicator extends Indicator {
  campaignId: number;
  campaignName: string;
}

export interface Blocklist {
  version: number;
  byCampaign: Map<number, { name: string; indicators: Indicator[] }>;
  /** Whether any blocked indicator is an image hash (images are decoded only then). */
  hasImages: boolean;
}

const EMPTY: Blocklist = { version: -1, byCampaign: new Map(), hasImages: false };

/**
 * Reads the blocked campaigns' indicators from the store, for the campaign-indicators
 * analyzer in each scan worker thread. It opens its own read-only connection and checks one
 * version number per scan; the indicator set is reloaded only when a campaign was blocked,
 * released or grew. A store without the respond tables (yet) blocks nothing.
 */
export class BlocklistReader {
  private db: Db | null = null;
  private cached: Blocklist = EMPTY;

  constructor(private readonly path: string) {}

  current(): Blocklist {
    const db = this.open();
    if (!db) return EMPTY;
    try {
      const version = Number(db.prepare("SELECT value FROM respond_state WHERE key = 'blocklist.version'").pluck().get() ?? 0);
      if (version === this.cached.version) return this.cached;
      const rows = db
        .prepare(
          `SELECT i.campaign_id, c.name, i.kind, i.value FROM respond_campaign_indicators i JOIN respond_campaigns c ON c.id = i.campaign_id
           WHERE c.blocked = 1 AND c.merged_into IS NULL AND i.specific = 1`,
        )
        .all() as { campaign_id: number; name: string; kind: IndicatorKind; value: string }[];
      const byCampaign = new Map<number, { name: string; indicators: Indicator[] }>();
      for (const r of rows) {
        const c = byCampaign.get(r.campaign_id) ?? { name: r.name, indicators: [] };
        c.indicators.push({ kind: r.kind, value: r.value });
        byCampaign.set(r.campaign_id, c);
      }
      this.cached = { version, byCampaign, hasImages: rows.some((r) => r.kind === 'image-phash') };
      return this.cached;
    } catch (err) {
      // Tables not created yet (respond never ran on this store): nothing is blocked.
      if (/no such table/.test((err as Error).message)) return EMPTY;
      throw err;
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  // Always SQLite, whatever the store's dialect: scan worker threads cannot load libpq, so they
  // read a SQLite file (the store itself on one machine).
  private open(): Db | null {
    if (this.db) return this.db;
    if (!existsSync(this.path)) return null;
    this.db = openSqlite(this.path, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 2000');
    return this.db;
  }
}

const readers = new Map<string, BlocklistReader>();

/** One reader per store path per thread. */
export function blocklistReader(path: string): BlocklistReader {
  let r = readers.get(path);
  if (!r) {
    r = new BlocklistReader(path);
    readers.set(path, r);
  }
  return r;
}
