import { renameSync, rmSync } from 'node:fs';
import { openSqlite, tableExists, type Db } from '../store/database.ts';
import { nppesIndexDdl, nppesTableDdl } from './nppes-import.ts';
import { migrateDirectory } from './store.ts';

const TABLES = ['directory_persons', 'directory_photos', 'directory_organizations', 'directory_known_phones'];

/**
 * The provider directory kept in a PostgreSQL store, copied into a SQLite file for the scan
 * worker threads, which read the directory as a file (libpq loads in one thread per process).
 * The copy is written beside its final name and renamed over it, so a worker opening the file
 * sees a whole directory. Returns false when the store has no directory.
 */
export function exportDirectory(store: Db, path: string): boolean {
  if (!tableExists(store, 'directory_persons')) return false;
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const out = openSqlite(tmp);
  try {
    migrateDirectory(out);
    out.transaction(() => {
      for (const table of TABLES) copyRows(store, out, `SELECT * FROM ${table}`, table);
      const active = store.prepare("SELECT * FROM directory_nppes_imports WHERE state = 'active'").get() as { table_name: string } | undefined;
      if (active && tableExists(store, active.table_name)) {
        copyRows(store, out, `SELECT * FROM directory_nppes_imports WHERE state = 'active'`, 'directory_nppes_imports');
        out.exec(nppesTableDdl(active.table_name));
        copyRows(store, out, `SELECT * FROM ${active.table_name}`, active.table_name);
        out.exec(nppesIndexDdl(active.table_name));
      }
    })();
  } finally {
    out.close();
  }
  rmSync(`${tmp}-wal`, { force: true });
  rmSync(`${tmp}-shm`, { force: true });
  renameSync(tmp, path);
  return true;
}

/** Copies in batches through a cursor: an NPPES index has millions of rows. */
function copyRows(from: Db, to: Db, select: string, table: string): void {
  let insert: ReturnType<Db['prepare']> | null = null;
  let cols: string[] = [];
  const write = (rows: Record<string, unknown>[]) => {
    if (!rows.length) return;
    if (!insert) {
      cols = Object.keys(rows[0]!);
      insert = to.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    }
    for (const r of rows) insert.run(...cols.map((c) => r[c]));
  };
  if (from.dialect !== 'postgres') return write(from.prepare(select).all() as Record<string, unknown>[]);
  from.transaction(() => {
    from.exec(`DECLARE directory_export NO SCROLL CURSOR FOR ${select}`);
    const fetch = from.prepare('FETCH 20000 FROM directory_export');
    for (let rows = fetch.all() as Record<string, unknown>[]; rows.length; rows = fetch.all() as Record<string, unknown>[]) write(rows);
    from.exec('CLOSE directory_export');
  })();
}

/**
 * A scanner process's copy of the store's directory (PostgreSQL), re-exported when the
 * directory changed: an import in the console (another process) changes the persons'
 * update times, the organisations, the known phones or the active NPPES import.
 */
export class DirectoryReplica {
  private fingerprint: string | null = null;

  constructor(
    private readonly store: Db,
    readonly path: string,
  ) {}

  /** Exports when the directory changed since the last export; returns whether it did. */
  refresh(): boolean {
    if (!tableExists(this.store, 'directory_persons')) return false;
    const f = JSON.stringify(
      this.store
        .prepare(
          `SELECT (SELECT COUNT(*) FROM directory_persons) AS persons, (SELECT MAX(updated_at) FROM directory_persons) AS persons_at,
                  (SELECT COUNT(*) FROM directory_organizations) AS orgs, (SELECT MAX(updated_at) FROM directory_organizations) AS orgs_at,
                  (SELECT COUNT(*) FROM directory_known_phones) AS phones, (SELECT COUNT(*) FROM directory_photos) AS photos,
                  (SELECT MAX(id) FROM directory_nppes_imports WHERE state = 'active') AS nppes`,
        )
        .get(),
    );
    if (f === this.fingerprint) return false;
    const had = exportDirectory(this.store, this.path);
    this.fingerprint = f;
    return had;
  }
}
