import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openPostgres, schemaForPath } from './postgres.ts';

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A prepared statement: the subset of better-sqlite3's that both stores implement. */
export interface Statement<R = unknown> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): R | undefined;
  all(...params: unknown[]): R[];
  iterate(...params: unknown[]): IterableIterator<R>;
  pluck(toggle?: boolean): Statement<unknown>;
}

type Transaction<F extends (...args: never[]) => unknown> = F & { deferred: F; immediate: F; exclusive: F };

/**
 * Medshield's store: embedded SQLite (one machine, the default) or PostgreSQL (scale-out),
 * behind one synchronous interface. SQL is written in the SQLite dialect and translated for
 * PostgreSQL (src/store/sql-dialect.ts); where the two cannot share a statement, code
 * branches on `dialect`.
 */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  prepare<R = unknown>(sql: string): Statement<R>;
  exec(sql: string): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
  readonly inTransaction: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
  /** PostgreSQL: runs `fn` holding a cluster-wide lock (schema changes from processes starting together). */
  withLock?<T>(key: string, fn: () => T): T;
}

/**
 * One module's schema history: an ordered list of SQL scripts. Scripts are append-only: a
 * released script is never edited, a change is a new script. Each module owns its tables
 * (prefixed with the module name), so modules migrate independently.
 */
export interface ModuleSchema {
  module: string;
  /** A script per version; where the dialects cannot share one (triggers), one script for each. */
  migrations: (string | { sqlite: string; postgres: string })[];
}

/**
 * Where the store lives. `MEDSHIELD_DATABASE_URL` (postgres://…) puts every process of an
 * installation on one PostgreSQL database; otherwise the store is the SQLite file in the data
 * directory. `MEDSHIELD_DATABASE_SCHEMA_PER_PATH=1` (the test suite on PostgreSQL) gives each
 * store path a schema of its own, so tests stay as isolated as their temporary directories.
 */
export function storeLocation(env: NodeJS.ProcessEnv = process.env): { kind: 'sqlite' } | { kind: 'postgres'; url: string; schemaPerPath: boolean } {
  const url = env.MEDSHIELD_DATABASE_URL?.trim();
  if (!url) return { kind: 'sqlite' };
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('MEDSHIELD_DATABASE_URL: expected a postgres:// URL');
  return { kind: 'postgres', url, schemaPerPath: env.MEDSHIELD_DATABASE_SCHEMA_PER_PATH === '1' };
}

/**
 * Opens (creating if needed) the store for a data directory's database path. SQLite: WAL lets
 * the console read while the gateway writes; `synchronous = FULL` because an accepted
 * message's metadata must survive a power cut as surely as its spool file.
 */
export function openDatabase(path: string, env: NodeJS.ProcessEnv = process.env): Db {
  const where = storeLocation(env);
  if (where.kind === 'postgres') {
    return openPostgres({ url: where.url, schema: where.schemaPerPath ? schemaForPath(path === ':memory:' ? path : resolve(path)) : undefined });
  }
  return openSqlite(path);
}

/** The embedded store, always SQLite (also for files that are SQLite by nature: directory indexes). */
export function openSqlite(path: string, options?: Database.Options): Db {
  if (path !== ':memory:' && !options?.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, options);
  if (!options?.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  }
  db.pragma('busy_timeout = 5000');
  if (!options?.readonly)
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (module, version)
  )`);
  return Object.assign(db, { dialect: 'sqlite' as const }) as unknown as Db;
}

/** Applies the module's scripts it has not yet run, each in its own transaction. */
export function migrate(db: Db, schema: ModuleSchema): void {
  const apply = () => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE module = ?').get(schema.module) as { v: number | null };
    const applied = row.v ?? 0;
    if (applied > schema.migrations.length) {
      throw new Error(`store: module '${schema.module}' is at schema version ${applied}, newer than this code knows (${schema.migrations.length}); upgrade Medshield`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)');
    for (let v = applied + 1; v <= schema.migrations.length; v++) {
      db.transaction(() => {
        const script = schema.migrations[v - 1]!;
        db.exec(typeof script === 'string' ? script : script[db.dialect]);
        record.run(schema.module, v, new Date().toISOString());
      })();
    }
  };
  if (db.withLock) db.withLock(`migrate:${schema.module}`, apply);
  else apply();
}

/** Whether a table exists in the store (either dialect). */
export function tableExists(db: Db, table: string): boolean {
  const sql =
    db.dialect === 'postgres'
      ? 'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?'
      : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?";
  return (db.prepare(sql).get(table) as { n: number }).n > 0;
}
