import { readdirSync, readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, writeFileDurably, writeFileDurablyAsync } from '../gateway/durable-file.ts';
import { migrate, type Db } from './database.ts';

/**
 * Where encrypted message bodies live (the spool, quarantined mail). On one machine they are
 * files in the data directory; with PostgreSQL they are rows in the store, so a message
 * accepted by one SMTP front can be scanned, quarantined and released from any machine. The
 * caller encrypts: neither kind ever sees plaintext.
 */
export interface BlobStore {
  put(name: string, data: Buffer): void;
  putAsync(name: string, data: Buffer): Promise<void>;
  /** Throws when the blob does not exist. */
  get(name: string): Buffer;
  remove(names: string[]): void;
  /** Names with when each was written (epoch ms): for sweeping orphans. */
  list(): { name: string; writtenAt: number }[];
  /** Epoch ms the blob was written; 0 when gone. */
  writtenAt(name: string): number;
  /** Partial writes a crash left (files only). */
  clearTemporary(): void;
}

const BLOB_SCHEMA = {
  module: 'blobs',
  migrations: [
    `CREATE TABLE blobs (
      area TEXT NOT NULL,
      name TEXT NOT NULL,
      data BLOB NOT NULL,
      written_at INTEGER NOT NULL,
      PRIMARY KEY (area, name)
    )`,
  ],
};

/** The store the database dialect calls for: files beside SQLite, rows in PostgreSQL. */
export function blobStoreFor(db: Db, dir: string, area: string, suffix: string): BlobStore {
  return db.dialect === 'postgres' ? new DbBlobStore(db, area) : new FileBlobStore(dir, suffix);
}

export class FileBlobStore implements BlobStore {
  constructor(
    readonly dir: string,
    private readonly suffix: string,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  put(name: string, data: Buffer): void {
    writeFileDurably(this.dir, name + this.suffix, data);
  }

  async putAsync(name: string, data: Buffer): Promise<void> {
    await writeFileDurablyAsync(this.dir, name + this.suffix, data);
  }

  get(name: string): Buffer {
    return readFileSync(join(this.dir, name + this.suffix));
  }

  remove(names: string[]): void {
    if (!names.length) return;
    for (const n of names) rmSync(join(this.dir, n + this.suffix), { force: true });
    fsyncDirectory(this.dir);
  }

  list(): { name: string; writtenAt: number }[] {
    const out: { name: string; writtenAt: number }[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(this.suffix)) continue;
      const name = f.slice(0, -this.suffix.length);
      const writtenAt = this.writtenAt(name);
      if (writtenAt) out.push({ name, writtenAt });
    }
    return out;
  }

  writtenAt(name: string): number {
    try {
      return statSync(join(this.dir, name + this.suffix)).mtimeMs;
    } catch {
      return 0;
    }
  }

  clearTemporary(): void {
    rmSync(join(this.dir, 'tmp'), { recursive: true, force: true });
  }
}

/** Blobs as rows: committed (and replicated, if PostgreSQL is) before the caller goes on. */
export class DbBlobStore implements BlobStore {
  constructor(
    private readonly db: Db,
    private readonly area: string,
  ) {
    migrate(db, BLOB_SCHEMA);
  }

  put(name: string, data: Buffer): void {
    this.db
      .prepare('INSERT INTO blobs (area, name, data, written_at) VALUES (?, ?, ?, ?) ON CONFLICT (area, name) DO UPDATE SET data = excluded.data, written_at = excluded.written_at')
      .run(this.area, name, data, Date.now());
  }

  async putAsync(name: string, data: Buffer): Promise<void> {
    this.put(name, data);
  }

  get(name: string): Buffer {
    const data = this.db.prepare('SELECT data FROM blobs WHERE area = ? AND name = ?').pluck().get(this.area, name) as Buffer | undefined;
    if (!data) throw Object.assign(new Error(`ENOENT: no stored body '${name}'`), { code: 'ENOENT' });
    return data;
  }

  remove(names: string[]): void {
    const del = this.db.prepare('DELETE FROM blobs WHERE area = ? AND name = ?');
    for (const n of names) del.run(this.area, n);
  }

  list(): { name: string; writtenAt: number }[] {
    return (this.db.prepare('SELECT name, written_at FROM blobs WHERE area = ?').all(this.area) as { name: string; written_at: number }[]).map((r) => ({ name: r.name, writtenAt: r.written_at }));
  }

  writtenAt(name: string): number {
    return (this.db.prepare('SELECT written_at FROM blobs WHERE area = ? AND name = ?').pluck().get(this.area, name) as number | undefined) ?? 0;
  }

  clearTemporary(): void {}
}
