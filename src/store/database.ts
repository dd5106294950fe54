import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * One module's schema history: an ordered list of SQL scripts. Scripts are append-only: a
 * released script is never edited, a change is a new script. Each module owns its tables
 * (prefixed with the module name), so modules migrate independently.
 */
export interface ModuleSchema {
  module: string;
  migrations: string[];
}

/**
 * Opens (creating if needed) the embedded SQLite store. WAL lets the console read while the
 * gateway writes; `synchronous = FULL` because an accepted message's metadata must survive
 * a power cut as surely as its spool file.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (module, version)
  )`);
  return db;
}

/** Applies the module's scripts it has not yet run, each in its own transaction. */
export function migrate(db: Db, schema: ModuleSchema): void {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?').get(schema.module) as { v: number | null };
  const applied = row.v ?? 0;
  if (applied > schema.migrations.length) {
    throw new Error(`store: module '${schema.module}' is at schema version ${applied}, newer than this code knows (${schema.migrations.length}); upgrade Medshield`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)');
  for (let v = applied + 1; v <= schema.migrations.length; v++) {
    db.transaction(() => {
      db.exec(schema.migrations[v - 1]!);
      record.run(schema.module, v, new Date().toISOString());
    })();
  }
}
