import { migrate, type Db, type ModuleSchema, tableExists } from '../store/database.ts';
import { readFileSync } from 'node:fs';
import {
  knownPhoneSchema,
  organizationSchema,
  personSchema,
  type DirectoryData,
  type DirectoryOrganization,
  type DirectoryPerson,
  type KnownPhone,
} from './model.ts';

/**
 * The directory's tables in the Medshield store. Persons and organisations are stored as
 * validated JSON records (a few thousand rows, read whole at start-up); photos as blobs, so
 * the store does not depend on the files it was imported from; the NPPES index in one table
 * per import, loaded beside the active one, indexed once loaded and swapped in at once
 * (see nppes-import.ts).
 */
export const DIRECTORY_SCHEMA: ModuleSchema = {
  module: 'directory',
  migrations: [
    `CREATE TABLE directory_persons (
       id TEXT PRIMARY KEY,
       record TEXT NOT NULL,
       source TEXT NOT NULL,
       updated_at TEXT NOT NULL
     );
     CREATE TABLE directory_photos (
       person_id TEXT NOT NULL REFERENCES directory_persons(id) ON DELETE CASCADE,
       idx INTEGER NOT NULL,
       content_type TEXT NOT NULL,
       data BLOB NOT NULL,
       PRIMARY KEY (person_id, idx)
     );
     CREATE TABLE directory_organizations (
       name TEXT PRIMARY KEY,
       record TEXT NOT NULL,
       source TEXT NOT NULL,
       updated_at TEXT NOT NULL
     );
     CREATE TABLE directory_known_phones (
       e164 TEXT PRIMARY KEY,
       label TEXT NOT NULL,
       source TEXT NOT NULL
     );
     CREATE TABLE directory_nppes_imports (
       id INTEGER PRIMARY KEY,
       -- The import's own table (directory_nppes_<id>, created by nppes-import.ts with NPPES_TABLE_DDL).
       table_name TEXT NOT NULL,
       files TEXT NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('loading', 'active', 'retired', 'failed')),
       started_at TEXT NOT NULL,
       finished_at TEXT,
       individuals INTEGER NOT NULL DEFAULT 0,
       organizations INTEGER NOT NULL DEFAULT 0,
       skipped INTEGER NOT NULL DEFAULT 0
     );`,
  ],
};

export function migrateDirectory(db: Db): void {
  migrate(db, DIRECTORY_SCHEMA);
}

/** Whether the database has the directory's tables (a read-only scanner cannot create them). */
export function hasDirectoryTables(db: Db): boolean {
  return tableExists(db, 'directory_persons');
}

export interface SaveSummary {
  persons: number;
  organizations: number;
  knownPhones: number;
  photos: number;
}

/**
 * Adds or replaces records in one transaction: a person with the same id, an organisation
 * with the same name, a phone with the same number is replaced; everything else is kept
 * (imports are repeatable and cumulative). Photos given as paths are read into the store here.
 */
export function saveDirectoryData(db: Db, data: DirectoryData, source: string): SaveSummary {
  migrateDirectory(db);
  const now = new Date().toISOString();
  const putPerson = db.prepare('INSERT OR REPLACE INTO directory_persons (id, record, source, updated_at) VALUES (?, ?, ?, ?)');
  const dropPhotos = db.prepare('DELETE FROM directory_photos WHERE person_id = ?');
  const putPhoto = db.prepare('INSERT INTO directory_photos (person_id, idx, content_type, data) VALUES (?, ?, ?, ?)');
  const putOrg = db.prepare('INSERT OR REPLACE INTO directory_organizations (name, record, source, updated_at) VALUES (?, ?, ?, ?)');
  const putPhone = db.prepare('INSERT OR REPLACE INTO directory_known_phones (e164, label, source) VALUES (?, ?, ?)');
  // Files are read before the transaction opens: a missing photo fails the import before anything is written.
  const photos = new Map(data.persons.map((p) => [p.id, p.photos.map(photoBytes)]));
  let photoCount = 0;
  db.transaction(() => {
    for (const p of data.persons) {
      // INSERT OR REPLACE deletes the old row first, and the cascade takes its photos along.
      dropPhotos.run(p.id);
      putPerson.run(p.id, JSON.stringify({ ...p, photos: [] }), source, now);
      photos.get(p.id)!.forEach((ph, i) => {
        putPhoto.run(p.id, i, ph.contentType, ph.data);
        photoCount++;
      });
    }
    for (const o of data.organizations) putOrg.run(o.name, JSON.stringify(o), source, now);
    for (const k of data.knownPhones) putPhone.run(k.e164, k.label, source);
  })();
  return { persons: data.persons.length, organizations: data.organizations.length, knownPhones: data.knownPhones.length, photos: photoCount };
}

function photoBytes(photo: DirectoryPerson['photos'][number]): { data: Buffer; contentType: string } {
  if ('data' in photo) return photo;
  return { data: readFileSync(photo.path), contentType: contentTypeOf(photo.path) };
}

export function contentTypeOf(path: string): string {
  const ext = path.toLowerCase().slice(path.lastIndexOf('.') + 1);
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' }[ext] ?? 'application/octet-stream';
}

/** Everything but the NPPES index, read whole; rows that no longer validate are an error naming them. */
export function loadDirectoryData(db: Db): DirectoryData {
  const photoRows = db.prepare('SELECT person_id, idx, content_type, data FROM directory_photos ORDER BY person_id, idx').all() as {
    person_id: string;
    content_type: string;
    data: Buffer;
  }[];
  const photos = new Map<string, { data: Buffer; contentType: string }[]>();
  for (const r of photoRows) {
    const list = photos.get(r.person_id) ?? [];
    list.push({ data: r.data, contentType: r.content_type });
    photos.set(r.person_id, list);
  }
  const persons: DirectoryPerson[] = (db.prepare('SELECT id, record FROM directory_persons ORDER BY id').all() as { id: string; record: string }[]).map(
    (r) => {
      const parsed = personSchema.safeParse({ ...(JSON.parse(r.record) as object), photos: photos.get(r.id) ?? [] });
      if (!parsed.success) throw new Error(`directory store: person ${r.id} is invalid: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    },
  );
  const organizations: DirectoryOrganization[] = (db.prepare('SELECT name, record FROM directory_organizations ORDER BY name').all() as { name: string; record: string }[]).map(
    (r) => organizationSchema.parse(JSON.parse(r.record)),
  );
  const knownPhones: KnownPhone[] = (db.prepare('SELECT e164, label FROM directory_known_phones ORDER BY e164').all() as KnownPhone[]).map((r) =>
    knownPhoneSchema.parse({ e164: r.e164, label: r.label }),
  );
  return { persons, organizations, knownPhones };
}
