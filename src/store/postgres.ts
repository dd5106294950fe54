import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Db, RunResult, Statement } from './database.ts';
import { insertTarget, translate, translateDdl, type TableInfo, type Translated } from './sql-dialect.ts';

/**
 * The PostgreSQL store behind the same synchronous interface as the embedded SQLite one.
 * Medshield's stores are synchronous (designed on in-process SQLite, whose queries take
 * microseconds), so PostgreSQL is reached through libpq's blocking API (pg-native): one
 * connection per process, each query blocking the event loop for one round trip (~0.1 ms
 * on loopback). Roles therefore scale by adding processes, not concurrency inside one.
 * libpq's addon loads in one thread per process: scan worker threads never touch the store.
 */

interface PgNativeClient {
  connectSync(conninfo: string): void;
  querySync(text: string, values?: (string | null)[]): Record<string, unknown>[];
  end(): void;
  pq: { cmdTuples(): string; resultErrorFields?(): { sqlState?: string } | null };
}

const require = createRequire(import.meta.url);

/** Connections closed in the last second (see PostgresDb.close). */
const retired = new Set<PgNativeClient>();

function loadClient(): new (o: { types: unknown }) => PgNativeClient {
  try {
    return require('pg-native') as new (o: { types: unknown }) => PgNativeClient;
  } catch (err) {
    throw new Error(`store: PostgreSQL needs the pg-native module (libpq): ${(err as Error).message}`);
  }
}

/** Result types as SQLite gives them: 64-bit integers and NUMERIC as numbers (ids, counts, epoch ms all fit). */
function typeParsers(): unknown {
  const types = require('pg-types') as { getTypeParser(oid: number, format?: string): (v: string) => unknown };
  const asNumber = (v: string) => Number(v);
  return {
    getTypeParser(oid: number, format?: string) {
      if (oid === 20 || oid === 1700) return asNumber;
      // SQLite has no booleans: comparisons come back as 0/1, so they do here too.
      if (oid === 16) return (v: string) => (v === 't' ? 1 : 0);
      return types.getTypeParser(oid, format);
    },
  };
}

const CONSTRAINT_CODES: Record<string, string> = {
  '23505': 'SQLITE_CONSTRAINT_UNIQUE',
  '23503': 'SQLITE_CONSTRAINT_FOREIGNKEY',
  '23514': 'SQLITE_CONSTRAINT_CHECK',
  '23502': 'SQLITE_CONSTRAINT_NOTNULL',
};

function toParam(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return '\\x' + Buffer.from(v).toString('hex');
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return String(v);
  throw new TypeError(`store: cannot bind a value of type ${typeof v}`);
}

export interface PostgresOptions {
  url: string;
  /** A schema of its own (created if missing); tests give each store path one. */
  schema?: string;
}

/** Test isolation: one schema per store path, so reopening a data directory finds its data. */
export function schemaForPath(path: string): string {
  const seed = path === ':memory:' ? randomBytes(8).toString('hex') : path;
  return 'ms_' + createHash('sha256').update(seed).digest('hex').slice(0, 20);
}

export function openPostgres(o: PostgresOptions): Db {
  const Client = loadClient();
  const client = new Client({ types: typeParsers() });
  try {
    client.connectSync(o.url);
  } catch (err) {
    throw new Error(`store: cannot connect to PostgreSQL (${redact(o.url)}): ${(err as Error).message.trim()}`);
  }
  if (o.schema && !/^[a-z_][a-z0-9_]*$/.test(o.schema)) throw new Error(`store: invalid schema name '${o.schema}'`);
  const db = new PostgresDb(client);
  // Processes starting together would race to create the same objects (PostgreSQL's
  // IF NOT EXISTS is not safe against a concurrent creator): one at a time.
  db.withLock('medshield:init', () => {
    db.query('SET client_min_messages = warning');
    if (o.schema) db.query(`CREATE SCHEMA IF NOT EXISTS ${o.schema}; SET search_path TO ${o.schema}`);
    db.query(SQLITE_COMPAT);
    db.query('CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version BIGINT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))');
  });
  return db;
}

/**
 * SQLite sums comparisons (`SUM(state = 'bounced')`: a boolean is 0 or 1 there); PostgreSQL
 * has no sum(boolean). One small aggregate gives the stores' counting queries the same
 * meaning on both, instead of rewriting each into CASE expressions.
 */
const SQLITE_COMPAT = `
  CREATE OR REPLACE FUNCTION medshield_bool_sum(acc BIGINT, v BOOLEAN) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN v IS NULL THEN acc ELSE COALESCE(acc, 0) + CASE WHEN v THEN 1 ELSE 0 END END';
  CREATE OR REPLACE AGGREGATE sum(BOOLEAN) (SFUNC = medshield_bool_sum, STYPE = BIGINT);`;

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  private readonly cache = new Map<string, Translated>();
  private depth = 0;
  private open = true;
  private readonly tableInfo: TableInfo;
  private readonly pk = new Map<string, string[]>();
  private readonly ident = new Map<string, string | null>();

  constructor(private readonly client: PgNativeClient) {
    this.tableInfo = {
      primaryKey: (table) => {
        const t = table.toLowerCase();
        let cols = this.pk.get(t);
        if (!cols) {
          cols = this.client
            .querySync(
              `SELECT a.attname AS col FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
               WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
              [t],
            )
            .map((r) => String(r.col));
          this.pk.set(t, cols);
        }
        return cols;
      },
      identity: (table) => {
        const t = table.toLowerCase();
        if (!this.ident.has(t)) {
          const rows = this.client.querySync(
            `SELECT a.attname AS col FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attidentity <> '' AND NOT a.attisdropped`,
            [t],
          );
          this.ident.set(t, rows.length ? String(rows[0]!.col) : null);
        }
        return this.ident.get(t)!;
      },
    };
  }

  prepare<R = unknown>(sql: string): Statement<R> {
    let t = this.cache.get(sql);
    if (!t) {
      t = translate(sql, this.tableInfo);
      this.cache.set(sql, t);
    }
    return new PostgresStatement(this, t) as Statement<R>;
  }

  /** Runs a script. Scripts are schema (migrations) or fixed statements, so column types are translated too. */
  exec(sql: string): this {
    this.query(translateDdl(translate(sql, this.tableInfo).text));
    this.pk.clear();
    this.ident.clear();
    return this;
  }

  query(text: string, values?: (string | null)[]): Record<string, unknown>[] {
    if (!this.open) throw new TypeError('The database connection is not open');
    try {
      return this.client.querySync(text, values);
    } catch (err) {
      const e = err as Error & { code?: string; sqlState?: string };
      e.message = `${e.message.trim()} [sql: ${text.replace(/\s+/g, ' ').slice(0, 300)}]`;
      const sqlState = this.client.pq.resultErrorFields?.()?.sqlState;
      if (sqlState) {
        e.sqlState = sqlState;
        // Callers recognise constraint violations by better-sqlite3's codes; the same here.
        e.code = CONSTRAINT_CODES[sqlState] ?? sqlState;
      }
      throw e;
    }
  }

  changes(): number {
    return Number(this.client.pq.cmdTuples() || 0);
  }

  identityOf(table: string): string | null {
    return this.tableInfo.identity(table);
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { deferred: F; immediate: F; exclusive: F } {
    const once = this.transactionOnce(fn);
    // Processes writing the same rows in different orders can deadlock; PostgreSQL then
    // aborts one transaction, which is meant to be run again. Only a whole (outermost)
    // transaction is retried: its work is all in the store, so running it again is safe.
    const run = ((...args: Parameters<F>) => {
      if (this.depth > 0) return once(...args);
      for (let attempt = 1; ; attempt++) {
        try {
          return once(...args);
        } catch (err) {
          const state = (err as { sqlState?: string }).sqlState;
          if (attempt >= 5 || (state !== '40P01' && state !== '40001')) throw err;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 * attempt + Math.floor(Math.random() * 10));
        }
      }
    }) as F;
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  private transactionOnce<F extends (...args: never[]) => unknown>(fn: F): F {
    return ((...args: Parameters<F>) => {
      const nested = this.depth > 0;
      const sp = `sp_${this.depth}`;
      this.query(nested ? `SAVEPOINT ${sp}` : 'BEGIN');
      this.depth++;
      try {
        const result = fn(...args);
        this.depth--;
        this.query(nested ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT');
        return result;
      } catch (err) {
        this.depth--;
        try {
          this.query(nested ? `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}` : 'ROLLBACK');
        } catch {
          // The connection is gone; the original error says why.
        }
        throw err;
      }
    }) as F;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  pragma(): unknown {
    return undefined;
  }

  /** Serializes schema changes across processes starting at once. */
  withLock<T>(key: string, fn: () => T): T {
    const id = createHash('sha256').update(key).digest().readInt32BE(0);
    this.query(`SELECT pg_advisory_lock(${id})`);
    try {
      return fn();
    } finally {
      this.query(`SELECT pg_advisory_unlock(${id})`);
    }
  }

  close(): this {
    if (this.open) {
      this.open = false;
      this.client.end();
      // libpq's addon closes its socket watcher asynchronously (uv_close) but lets go of the
      // object at once; were it collected before the event loop finishes the close, libuv
      // would touch freed memory and abort. Keep it reachable for a moment.
      retired.add(this.client);
      setTimeout(() => retired.delete(this.client), 1000).unref();
    }
    return this;
  }
}

class PostgresStatement implements Statement {
  private plucked = false;

  constructor(
    private readonly db: PostgresDb,
    private readonly t: Translated,
  ) {}

  private values(args: unknown[]): (string | null)[] | undefined {
    if (!this.t.params.length) return undefined;
    const named = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Buffer.isBuffer(args[0]) && !Array.isArray(args[0]) ? (args[0] as Record<string, unknown>) : null;
    const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    return this.t.params.map((p) => {
      if (typeof p === 'string') {
        if (!named || !(p in named)) throw new RangeError(`Missing named parameter "${p}"`);
        return toParam(named[p]);
      }
      if (p >= flat.length) throw new RangeError('Too few parameter values were provided');
      return toParam(flat[p]);
    });
  }

  pluck(on = true): this {
    this.plucked = on;
    return this;
  }

  private shape(row: Record<string, unknown>): unknown {
    if (!this.plucked) return row;
    for (const k in row) return row[k];
    return undefined;
  }

  run(...args: unknown[]): RunResult {
    const target = insertTarget(this.t.text);
    const id = target ? this.db.identityOf(target) : null;
    const text = id ? `${this.t.text.replace(/[\s;]+$/, '')} RETURNING ${id}` : this.t.text;
    const rows = this.db.query(text, this.values(args));
    const changes = this.db.changes();
    const last = id && rows.length ? Number(rows[0]![id]) : 0;
    return { changes, lastInsertRowid: last };
  }

  get(...args: unknown[]): unknown {
    const rows = this.db.query(this.t.text, this.values(args));
    return rows.length ? this.shape(rows[0]!) : undefined;
  }

  all(...args: unknown[]): unknown[] {
    return this.db.query(this.t.text, this.values(args)).map((r) => this.shape(r));
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.all(...args)[Symbol.iterator]();
  }
}
