import { existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { loadExistingKey, loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import { openDatabase, type Db } from '../store/database.ts';

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

/**
 * The gateway's store in its data directory (--data-dir, else $MEDSHIELD_DATA_DIR, else
 * ./data), for the commands that manage console accounts, tokens and feedback. `create`
 * lets `medshield users add` set up a fresh installation before its first start (data
 * directory, store and message key, as `medshield serve` would create them); the other
 * commands need an existing store and key, so a mistyped directory is an error rather
 * than a new empty store.
 */
export function openDataStore(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv, o: { create?: boolean } = {}): DataStore {
  const dataDir = resolve(dataDirFlag ?? (env.MEDSHIELD_DATA_DIR?.trim() || './data'));
  const dbPath = join(dataDir, 'medshield.db');
  let key: Buffer;
  if (o.create) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    key = loadOrCreateKey(dataDir, env);
  } else {
    let isDir = false;
    try {
      isDir = statSync(dataDir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new StoreError(`data directory ${dataDir} does not exist (set --data-dir or MEDSHIELD_DATA_DIR)`);
    if (!existsSync(dbPath)) throw new StoreError(`no Medshield store in ${dataDir} (expected ${dbPath}; has 'medshield serve' run with this data directory?)`);
    key = loadExistingKey(dataDir, env);
  }
  const db = openDatabase(dbPath);
  return { db, dataDir, cipher: new MessageCipher(key), audit: new AuditLog(db), actor: cliActor(env), close: () => db.close() };
}
