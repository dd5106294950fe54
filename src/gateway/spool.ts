import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { blobStoreFor, FileBlobStore, type BlobStore } from '../store/blob-store.ts';
import type { Db } from '../store/database.ts';

/** What the spool needs of the message cipher (src/crypto/message-cipher.ts). */
export interface Cipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(blob: Buffer): Buffer;
}

/** Time-ordered, unguessable, filename-safe. */
export function newSpoolId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
}

/**
 * Accepted messages as they arrived, encrypted (they hold PHI): files under <dataDir>/spool
 * on one machine, rows in the shared store with PostgreSQL (src/store/blob-store.ts). A body
 * is durable before the journal row that names it is written, and the journal row before the
 * client hears 250.
 */
export class Spool {
  private readonly blobs: BlobStore;

  constructor(
    dataDir: string,
    private readonly cipher: Cipher,
    db?: Db,
  ) {
    const dir = join(dataDir, 'spool');
    this.blobs = db ? blobStoreFor(db, dir, 'spool', '.msg') : new FileBlobStore(dir, '.msg');
  }

  write(id: string, raw: Buffer): void {
    this.blobs.put(id, this.cipher.encrypt(raw));
  }

  async writeAsync(id: string, raw: Buffer): Promise<void> {
    await this.blobs.putAsync(id, this.cipher.encrypt(raw));
  }

  read(id: string): Buffer {
    return this.cipher.decrypt(this.blobs.get(id));
  }

  remove(id: string): void {
    this.blobs.remove([id]);
  }

  /** Last modification time in epoch ms (0 when gone). */
  mtime(id: string): number {
    return this.blobs.writtenAt(id);
  }

  /** Ids of all spooled bodies (for recovery: bodies no journal row names were never acknowledged). */
  ids(): string[] {
    return this.blobs.list().map((b) => b.name);
  }

  /** Temporary files left by a crash mid-write; the client never got a reply for them. */
  clearTemporary(): void {
    this.blobs.clearTemporary();
  }
}
