import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MedshieldConfig } from '../config/schema.ts';
import { loadDirectoryFile, openDirectory, readPhoto, type Directory } from '../directory/directory.ts';
import { contentTypeOf, hasDirectoryTables } from '../directory/store.ts';
import type { Db } from '../store/database.ts';
import type { Clinician, PeopleSource } from './render.ts';

/**
 * The provider directory the gateway uses (the file `directory.file` names, else the one
 * imported into the store), re-read when the file changes or every few minutes for the store.
 */
export function directoryLoader(db: Db, config: () => MedshieldConfig, dbPath?: string): () => Directory | null {
  let cached: { key: string; at: number; dir: Directory | null } | null = null;
  return () => {
    const file = config().directory.file;
    let key: string;
    if (file && (!dbPath || resolve(file) !== resolve(dbPath))) {
      let mtime = 0;
      try {
        mtime = statSync(file).mtimeMs;
      } catch {
        return null;
      }
      key = `file:${file}:${mtime}`;
      if (cached?.key !== key) cached = { key, at: Date.now(), dir: loadDirectoryFile(file) };
      return cached.dir;
    }
    key = 'store';
    if (cached?.key === key && Date.now() - cached.at < 5 * 60_000) return cached.dir;
    cached = { key, at: Date.now(), dir: hasDirectoryTables(db) ? openDirectory(db) : null };
    return cached.dir;
  };
}

/** The organisation's clinicians as templates use them (names, addresses, first photos). */
export function peopleSource(directory: Directory | null, orgDomains: readonly string[]): PeopleSource {
  const ours = (e: string) => orgDomains.some((d) => e.endsWith(`@${d}`) || e.endsWith(`.${d}`));
  const clinicians: Clinician[] = [];
  for (const p of directory?.persons() ?? []) {
    if (p.kind !== 'internal') continue;
    const email = p.emails.find(ours) ?? p.emails[0] ?? '';
    let photo: Clinician['photo'] = null;
    const first = p.photos[0];
    if (first) {
      try {
        photo = { data: readPhoto(p, 0), contentType: 'data' in first ? first.contentType : contentTypeOf(first.path) };
      } catch {
        photo = null;
      }
    }
    clinicians.push({ name: [p.given, p.family].filter(Boolean).join(' '), email, photo });
  }
  return {
    clinicians,
    nameTaken: (name) => (directory ? directory.findPersonsByName(name).some((m) => m.kind === 'exact' || m.kind === 'nickname') : false),
  };
}
