import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DbBlobStore, FileBlobStore, type BlobStore } from './blob-store.ts';
import { openDatabase } from './database.ts';

// The same contract for both kinds; the database kind runs on whichever store the suite uses.
const kinds: { name: string; open: (dir: string) => { blobs: BlobStore; close(): void } }[] = [
  { name: 'files', open: (dir) => ({ blobs: new FileBlobStore(join(dir, 'spool'), '.msg'), close: () => {} }) },
  {
    name: 'store rows',
    open: (dir) => {
      const db = openDatabase(join(dir, 'medshield.db'));
      return { blobs: new DbBlobStore(db, 'spool'), close: () => db.close() };
    },
  },
];

for (const kind of kinds) {
  describe(`blob store: ${kind.name}`, () => {
    test('put, get, list with write times, remove; a missing blob throws ENOENT', () => {
      const dir = mkdtempSync(join(tmpdir(), 'medshield-blobs-'));
      const { blobs, close } = kind.open(dir);
      try {
        const before = Date.now();
        blobs.put('a', Buffer.from([0, 1, 2, 255]));
        blobs.put('b', Buffer.from('second'));
        blobs.put('b', Buffer.from('second, replaced'));
        assert.deepEqual(blobs.get('a'), Buffer.from([0, 1, 2, 255]));
        assert.equal(blobs.get('b').toString(), 'second, replaced');
        assert.deepEqual(blobs.list().map((b) => b.name).sort(), ['a', 'b']);
        assert.ok(blobs.writtenAt('a') >= before - 1000);
        assert.equal(blobs.writtenAt('zzz'), 0);
        blobs.remove(['a', 'never-there']);
        assert.throws(() => blobs.get('a'), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
        assert.deepEqual(blobs.list().map((b) => b.name), ['b']);
      } finally {
        close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
