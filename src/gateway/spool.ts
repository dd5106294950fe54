import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory, writeFileDurably, writeFileDurablyAsync } from './durable-file.ts';

/** What the spool needs of the message cipher (src/crypto/message-cipher.ts). */
export interface Cipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(blob: Buffer): Buffer;
}

const SUFFIX = '.msg';

/** Time-ordered, unguessable, filename-safe. */
export function newSpoolId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
}

/**
 * Accepted messages as they arrived, encrypted (they hold PHI), one file per message under
 * <dataDir>/spool. A file is durable before the journal row that names it is written, and
 * the journal row before the client hears 250.
 */
export class Spool {
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly cipher: Cipher,
  ) {
    this.dir = join(dataDir, 'spool');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  write(id: string, raw: Buffer): void {
    writeFileDurably(this.dir, id + SUFFIX, this.cipher.encrypt(raw));
  }

  async writeAsync(id: string, raw: Buffer): Promise<void> {
    await writeFileDurablyAsync(this.dir, id + SUFFIX, this.cipher.encrypt(raw));
  }

  read(id: string): Buffer {
    return this.cipher.decrypt(readFileSync(join(this.dir, id + SUFFIX)));
  }

  remove(id: string): void {
    rmSync(join(this.dir, id + SUFFIX), { force: true });
  }

  /** Last modification time in epoch ms (0 when gone). */
  mtime(id: string): number {
    try {
      return statSync(join(this.dir, id + SUFFIX)).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** Ids of all spooled files (for recovery: files no journal row names were never acknowledged). */
  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => f.slice(0, -SUFFIX.length));
  }

  /** Temporary files left by a crash mid-write; the client never got a reply for them. */
  clearTemporary(): void {
    rmSync(join(this.dir, 'tmp'), { recursive: true, force: true });
  }

  /** Batched deletions are made durable once, not per file. */
  sync(): void {
    fsyncDirectory(this.dir);
  }
}
