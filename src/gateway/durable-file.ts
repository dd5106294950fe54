import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a file so that once this returns it survives a crash or power cut: data written
 * to a temporary name and fsync'd, renamed into place (atomic on POSIX), then the directory
 * fsync'd so the new name itself is on disk. Without the last step a crash can leave the
 * file's data on disk but no directory entry for it.
 */
export function writeFileDurably(dir: string, name: string, data: Buffer, mode = 0o600): string {
  const tmpDir = join(dir, 'tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const tmp = join(tmpDir, `${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  const target = join(dir, name);
  renameSync(tmp, target);
  fsyncDirectory(dir);
  return target;
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The same, with the fsyncs on libuv's thread pool instead of the event loop: SMTP sessions keep moving meanwhile. */
export async function writeFileDurablyAsync(dir: string, name: string, data: Buffer, mode = 0o600): Promise<string> {
  const tmpDir = join(dir, 'tmp');
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  const tmp = join(tmpDir, `${name}.${process.pid}.tmp`);
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await file.close();
  const target = join(dir, name);
  await rename(tmp, target);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return target;
}
