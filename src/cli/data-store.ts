import { existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { loadExistingKey, loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import { openDatabase, storeLocation, tableExists, type Db } from '../store/database.ts';

/** A CLI command's failure with a message for the operator (exit status 1). */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface DataStore {
  db: Db;
  dataDir: string;
  cipher: MessageCipher;
  audit: AuditLog;
  /** How the audit log names the operator: `cli:<login name>`. */
  actor: string;
  close(): void;
}

export function cliActor(env: NodeJS.ProcessEnv): string {
  let name = env.USER || env.USERNAME || env.LOGNAME;
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = 'unknown';
    }
  }
  return `cli:${name}`;
}

/** --data-dir, else $MEDSHIELD_DATA_DIR, else ./data. */
export function resolveDataDir(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(dataDirFlag ?? (env.MEDSHIELD_DATA_DIR?.trim() || './data'));
}

/**
 * Whether a store has been created at this database path: the SQLite file exists, or, with
 * PostgreSQL (where there is no file), some module has migrated its tables. Lets commands that
 * only manage an existing installation refuse a mistyped data directory instead of starting an
 * empty store. Where the store lives is the process's setting (as for openDatabase), not the
 * command's env, which only names the data directory and operator.
 */
export function storeExists(dbPath: string): boolean {
  if (storeLocation().kind === 'sqlite') return existsSync(dbPath);
  const db = openDatabase(dbPath);
  try {
    return tableExists(db, 'schema_migrations') && (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n > 0;
  } finally {
    db.close();
  }
}

/**
 * An existing store's data directory and database file; `fail` makes the command's own error
 * type, so a mistyped directory is reported the way the rest of that command reports errors.
 */
export function locateStore(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv, fail: (message: string) => Error): { dataDir: string; dbPath: string } {
  const dataDir = resolveDataDir(dataDirFlag, env);
  let isDir = false;
  try {
    isDir = statSync(dataDir).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw fail(`data directory ${dataDir} does not exist (set --data-dir or MEDSHIELD_DATA_DIR)`);
  const dbPath = join(dataDir, 'medshield.db');
  if (!storeExists(dbPath)) throw fail(`no Medshield store in ${dataDir} (expected ${dbPath}; has 'medshield serve' run with this data directory?)`);
  return { dataDir, dbPath };
}

/**
 * The gateway's store in its data directory (--data-dir, else $MEDSHIELD_DATA_DIR, else
 * ./data), for the commands that manage console accounts, tokens and feedback. `create`
 * lets `medshield users add` set up a fresh installation before its first start (data
 * directory, store and message key, as `medshield serve` would create them); the other
 * commands need an existing store and key, so a mistyped directory is an error rather
 * than a new empty store.
 */
export function openDataStore(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv, o: { create?: boolean } = {}): DataStore {
  let dataDir: string;
  let dbPath: string;
  let key: Buffer;
  if (o.create) {
    dataDir = resolveDataDir(dataDirFlag, env);
    dbPath = join(dataDir, 'medshield.db');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    key = loadOrCreateKey(dataDir, env);
  } else {
    ({ dataDir, dbPath } = locateStore(dataDirFlag, env, (m) => new StoreError(m)));
    key = loadExistingKey(dataDir, env);
  }
  const db = openDatabase(dbPath);
  return { db, dataDir, cipher: new MessageCipher(key), audit: new AuditLog(db), actor: cliActor(env), close: () => db.close() };
}
