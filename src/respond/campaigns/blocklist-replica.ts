import { openSqlite, tableExists, type Db } from '../../store/database.ts';

/**
 * With PostgreSQL, scan worker threads cannot reach the store (libpq loads in one thread per
 * process), so each scanner process keeps the blocked campaigns' indicators in a small local
 * SQLite file, with the tables and columns the BlocklistReader reads. The main thread copies
 * them whenever the store's blocklist version changes; the copy commits in one transaction,
 * so a worker sees the old list or the new, never half of one.
 */
export class BlocklistReplica {
  private readonly local: Db;
  private version: string | null = null;

  constructor(
    private readonly store: Db,
    readonly path: string,
  ) {
    this.local = openSqlite(path);
    this.local.exec(`
      CREATE TABLE IF NOT EXISTS respond_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS respond_campaigns (id INTEGER PRIMARY KEY, name TEXT NOT NULL, blocked INTEGER NOT NULL, merged_into INTEGER);
      CREATE TABLE IF NOT EXISTS respond_campaign_indicators (campaign_id INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, specific INTEGER NOT NULL);`);
  }

  /** Copies the blocklist when it changed; returns whether it did. */
  refresh(): boolean {
    if (!tableExists(this.store, 'respond_state')) return false;
    const version = (this.store.prepare("SELECT value FROM respond_state WHERE key = 'blocklist.version'").pluck().get() as string | undefined) ?? '0';
    if (version === this.version) return false;
    const campaigns = this.store.prepare('SELECT id, name, blocked, merged_into FROM respond_campaigns WHERE blocked = 1 AND merged_into IS NULL').all() as Record<string, unknown>[];
    const indicators = this.store
      .prepare(
        `SELECT i.campaign_id, i.kind, i.value, i.specific FROM respond_campaign_indicators i JOIN respond_campaigns c ON c.id = i.campaign_id
         WHERE c.blocked = 1 AND c.merged_into IS NULL AND i.specific = 1`,
      )
      .all() as Record<string, unknown>[];
    this.local.transaction(() => {
      this.local.exec('DELETE FROM respond_campaign_indicators; DELETE FROM respond_campaigns; DELETE FROM respond_state;');
      const c = this.local.prepare('INSERT INTO respond_campaigns (id, name, blocked, merged_into) VALUES (?, ?, ?, ?)');
      for (const r of campaigns) c.run(r.id, r.name, r.blocked, r.merged_into);
      const i = this.local.prepare('INSERT INTO respond_campaign_indicators (campaign_id, kind, value, specific) VALUES (?, ?, ?, ?)');
      for (const r of indicators) i.run(r.campaign_id, r.kind, r.value, r.specific);
      this.local.prepare("INSERT INTO respond_state (key, value) VALUES ('blocklist.version', ?)").run(version);
    })();
    this.version = version;
    return true;
  }

  close(): void {
    this.local.close();
  }
}
