import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseStream } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { openSqlite, type Db } from '../store/database.ts';
import { DirectoryImportError, type RowError } from './import-errors.ts';
import { nameKey, organizationKey } from './names.ts';
import { npiProblem } from './npi.ts';
import { SqliteNppesIndex } from './nppes-index.ts';
import { nanpToE164 } from './phone.ts';
import { migrateDirectory } from './store.ts';

/**
 * Import of CMS's NPPES `npidata_pfile` (~9 million rows × 330 columns) into the NPPES
 * index. Streamed: memory stays flat however large the file. Columns are found by their
 * standard header names, so CMS adding or reordering columns does not break the import.
 *
 * All-or-nothing: rows are loaded into a table of their own beside the current index, in
 * batched transactions (other writers of the store are not blocked for long), and the new
 * index is swapped in by one small transaction at the end. A file that fails (unreadable,
 * not CSV, required column missing, too many bad rows) leaves the previous index untouched.
 */

export const NPPES_COLUMNS = {
  npi: 'NPI',
  entity: 'Entity Type Code',
  orgName: 'Provider Organization Name (Legal Business Name)',
  lastName: 'Provider Last Name (Legal Name)',
  firstName: 'Provider First Name',
  credential: 'Provider Credential Text',
  otherOrgName: 'Provider Other Organization Name',
  phone: 'Provider Business Practice Location Address Telephone Number',
  taxonomy: 'Healthcare Provider Taxonomy Code_1',
  deactivated: 'NPI Deactivation Date',
  reactivated: 'NPI Reactivation Date',
} as const;
type ColumnKey = keyof typeof NPPES_COLUMNS;
const REQUIRED: ColumnKey[] = ['npi', 'entity', 'orgName', 'lastName', 'firstName', 'credential', 'phone', 'deactivated'];

export interface NppesImportOptions {
  /** Bad rows tolerated (skipped and reported) before the whole import is refused. */
  maxBadRows?: number;
  /** Rows per write transaction. */
  batchRows?: number;
  onProgress?: (p: NppesProgress) => void;
}

export interface NppesProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface NppesImportSummary {
  files: string[];
  rows: number;
  individuals: number;
  organizations: number;
  /** Deactivated NPIs: CMS blanks their names, so they cannot be found by name. */
  deactivated: number;
  /** Bad rows skipped; `errors` lists the first of them. */
  skipped: number;
  errors: RowError[];
}

interface IndexRow {
  npi: string;
  entity: 1 | 2;
  nameKey: string;
  givenKey: string;
  name: string;
  credential: string;
  phone: string;
  taxonomy: string;
  deactivated: 0 | 1;
}

const MAX_REPORTED_ERRORS = 200;
const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** Turns CSV records into index rows; one per file. */
class RecordReader {
  private columns: Record<ColumnKey, number> | null = null;
  private width = 0;

  constructor(
    private readonly file: string,
    private readonly summary: NppesImportSummary,
    private readonly maxBadRows: number,
  ) {}

  header(cells: string[]): void {
    const at = new Map(cells.map((c, i) => [c.trim(), i]));
    const missing = REQUIRED.filter((k) => !at.has(NPPES_COLUMNS[k]));
    if (missing.length) {
      throw new DirectoryImportError(
        `${basename(this.file)}: not an NPPES npidata file: missing column${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${NPPES_COLUMNS[k]}"`).join(', ')}`,
      );
    }
    this.columns = Object.fromEntries((Object.keys(NPPES_COLUMNS) as ColumnKey[]).map((k) => [k, at.get(NPPES_COLUMNS[k]) ?? -1])) as Record<ColumnKey, number>;
    this.width = cells.length;
  }

  /** The rows a record adds to the index (an organisation with a trade name adds two). */
  rows(cells: string[], row: number): IndexRow[] {
    const c = this.columns!;
    this.summary.rows++;
    const get = (k: ColumnKey) => (c[k] >= 0 ? (cells[c[k]] ?? '').trim() : '');
    const bad = (column: string, reason: string): IndexRow[] => {
      this.summary.skipped++;
      if (this.summary.errors.length < MAX_REPORTED_ERRORS) this.summary.errors.push({ file: this.file, row, column, reason });
      if (this.summary.skipped > this.maxBadRows) {
        throw new DirectoryImportError(`${basename(this.file)}: more than ${this.maxBadRows} bad rows; nothing was imported`, this.summary.errors);
      }
      return [];
    };
    if (cells.length !== this.width) return bad('', `${cells.length} fields, the header has ${this.width}`);
    const npi = get('npi');
    const problem = npiProblem(npi);
    if (problem) return bad(NPPES_COLUMNS.npi, problem);
    const deactivatedOn = get('deactivated');
    const reactivatedOn = get('reactivated');
    for (const [k, v] of [['deactivated', deactivatedOn], ['reactivated', reactivatedOn]] as const) {
      if (v && !DATE.test(v)) return bad(NPPES_COLUMNS[k], `'${v}' is not a MM/DD/YYYY date`);
    }
    const deactivated = deactivatedOn !== '' && !(reactivatedOn && toIso(reactivatedOn) >= toIso(deactivatedOn));
    const entity = get('entity');
    if (entity === '' && deactivated) {
      this.summary.deactivated++;
      return [];
    }
    const base = { npi, credential: get('credential'), phone: nanpToE164(get('phone')), taxonomy: get('taxonomy'), deactivated: deactivated ? 1 : 0 } as const;
    if (deactivated) this.summary.deactivated++;
    if (entity === '1') {
      const last = get('lastName');
      const first = get('firstName');
      if (!nameKey(last)) return bad(NPPES_COLUMNS.lastName, last ? `'${last}' has no letters` : 'empty for an individual (Entity Type Code 1)');
      this.summary.individuals++;
      return [{ ...base, entity: 1, nameKey: nameKey(last), givenKey: nameKey(first.split(/\s+/)[0] ?? ''), name: `${first} ${last}`.trim() }];
    }
    if (entity === '2') {
      const legal = get('orgName');
      if (!organizationKey(legal)) return bad(NPPES_COLUMNS.orgName, legal ? `'${legal}' has no letters or digits` : 'empty for an organization (Entity Type Code 2)');
      this.summary.organizations++;
      const out: IndexRow[] = [{ ...base, entity: 2, nameKey: organizationKey(legal), givenKey: '', name: legal }];
      // Practices mail under their trade name ("doing business as") far more often than their legal one.
      const other = get('otherOrgName');
      if (other && organizationKey(other) && organizationKey(other) !== out[0].nameKey) out.push({ ...out[0], nameKey: organizationKey(other), name: other });
      return out;
    }
    return bad(NPPES_COLUMNS.entity, entity ? `'${entity}' is neither 1 (individual) nor 2 (organization)` : 'empty');
  }
}

function toIso(mdy: string): string {
  const m = DATE.exec(mdy)!;
  return `${m[3]}-${m[1]}-${m[2]}`;
}

/**
 * One table per import, created bare and indexed only once loaded: appending to an
 * unindexed table and sorting once for each index is many times faster than keeping three
 * B-trees up to date through millions of random inserts, and dropping a superseded table
 * is instant where deleting its rows is not.
 */
export function nppesTableDdl(table: string): string {
  return `CREATE TABLE ${table} (
    npi TEXT NOT NULL,
    entity INTEGER NOT NULL,
    name_key TEXT NOT NULL,
    given_key TEXT NOT NULL,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    phone TEXT NOT NULL,
    taxonomy TEXT NOT NULL,
    deactivated INTEGER NOT NULL
  )`;
}

export function nppesIndexDdl(table: string): string {
  return `CREATE INDEX ${table}_by_name ON ${table} (entity, name_key, given_key);
    CREATE INDEX ${table}_by_npi ON ${table} (npi);
    CREATE INDEX ${table}_by_phone ON ${table} (phone) WHERE phone != '';`;
}

/** Batched writes of one import's rows. */
class IndexWriter {
  private batch: IndexRow[] = [];
  private readonly flushBatch;

  constructor(db: Db, table: string, private readonly batchRows: number) {
    const insert = db.prepare(`INSERT INTO ${table} (npi, entity, name_key, given_key, name, credential, phone, taxonomy, deactivated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.flushBatch = db.transaction((rows: IndexRow[]) => {
      for (const r of rows) insert.run(r.npi, r.entity, r.nameKey, r.givenKey, r.name, r.credential, r.phone, r.taxonomy, r.deactivated);
    });
  }

  add(rows: IndexRow[]): void {
    for (const r of rows) this.batch.push(r);
    if (this.batch.length >= this.batchRows) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    this.flushBatch(this.batch);
    this.batch = [];
  }
}

function emptySummary(files: string[]): NppesImportSummary {
  return { files, rows: 0, individuals: 0, organizations: 0, deactivated: 0, skipped: 0, errors: [] };
}

interface Started {
  id: number;
  table: string;
}

/** Starts an import in a table of its own; leftovers of failed or superseded imports are dropped first. */
function beginImport(db: Db, files: string[]): Started {
  migrateDirectory(db);
  for (const { id, table_name } of db.prepare(`SELECT id, table_name FROM directory_nppes_imports WHERE state != 'active'`).all() as { id: number; table_name: string }[]) {
    dropImport(db, id, table_name);
  }
  return db.transaction(() => {
    const info = db
      .prepare(`INSERT INTO directory_nppes_imports (table_name, files, state, started_at) VALUES ('', ?, 'loading', ?)`)
      .run(JSON.stringify(files.map((f) => basename(f))), new Date().toISOString());
    const id = Number(info.lastInsertRowid);
    const table = `directory_nppes_${id}`;
    db.prepare('UPDATE directory_nppes_imports SET table_name = ? WHERE id = ?').run(table, id);
    db.exec(`DROP TABLE IF EXISTS ${table}; ${nppesTableDdl(table)}`);
    return { id, table };
  })();
}

function dropImport(db: Db, id: number, table: string): void {
  db.transaction(() => {
    if (/^directory_nppes_\d+$/.test(table)) db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.prepare('DELETE FROM directory_nppes_imports WHERE id = ?').run(id);
  })();
}

/** Indexes the new table, then makes it the active index in one transaction and drops the one it replaces. */
function finishImport(db: Db, started: Started, s: NppesImportSummary): void {
  db.exec(nppesIndexDdl(started.table));
  const previous = db.prepare(`SELECT id, table_name FROM directory_nppes_imports WHERE state = 'active'`).all() as { id: number; table_name: string }[];
  db.transaction(() => {
    db.prepare(`UPDATE directory_nppes_imports SET state = 'retired' WHERE state = 'active'`).run();
    db.prepare(`UPDATE directory_nppes_imports SET state = 'active', finished_at = ?, individuals = ?, organizations = ?, skipped = ? WHERE id = ?`).run(
      new Date().toISOString(),
      s.individuals,
      s.organizations,
      s.skipped,
      started.id,
    );
  })();
  for (const p of previous) dropImport(db, p.id, p.table_name);
}

/**
 * Streams NPPES files into the store's index, replacing the previous index when (and only
 * when) every file was read. Throws DirectoryImportError when the import is refused.
 */
export async function importNppesFiles(db: Db, files: string[], options: NppesImportOptions = {}): Promise<NppesImportSummary> {
  const summary = emptySummary(files);
  const started = beginImport(db, files);
  const writer = new IndexWriter(db, started.table, options.batchRows ?? 50_000);
  try {
    for (const file of files) {
      const reader = new RecordReader(file, summary, options.maxBadRows ?? 1000);
      const totalBytes = statSync(file).size;
      let records = 0;
      try {
        records = await streamRecords(
          file,
          (record, index) => {
            if (index === 0) reader.header(record);
            else writer.add(reader.rows(record, index));
          },
          (bytes) => options.onProgress?.({ file, bytesRead: bytes, totalBytes, rows: summary.rows }),
        );
      } catch (err) {
        if (err instanceof DirectoryImportError) throw err;
        const e = err as Error & { code?: string; lines?: number };
        throw new DirectoryImportError(`${basename(file)}: ${e.code?.startsWith('CSV_') ? `not valid CSV near line ${e.lines ?? '?'}: ` : ''}${e.message}; nothing was imported`);
      }
      if (records === 0) throw new DirectoryImportError(`${basename(file)}: empty file; nothing was imported`);
      options.onProgress?.({ file, bytesRead: totalBytes, totalBytes, rows: summary.rows });
    }
    writer.flush();
    finishImport(db, started, summary);
    return summary;
  } catch (err) {
    dropImport(db, started.id, started.table);
    throw err;
  }
}

/**
 * Feeds every CSV record of a file to `onRecord` (index 0 is the header) and resolves with
 * the number of records. Records are pulled in 'readable' bursts rather than one awaited
 * promise each: on a 330-column file that halves the time spent outside the parser.
 */
function streamRecords(file: string, onRecord: (record: string[], index: number) => void, onBytes: (bytes: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    const parser = parseStream({ bom: true, relax_column_count: true, max_record_size: 1 << 20 });
    let count = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      parser.destroy();
      reject(err);
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('readable', () => {
      try {
        for (let r = parser.read() as string[] | null; r !== null && !failed; r = parser.read() as string[] | null) onRecord(r, count++);
        onBytes(parser.info.bytes);
      } catch (err) {
        fail(err);
      }
    });
    parser.on('end', () => {
      if (!failed) resolve(count);
    });
    input.pipe(parser);
  });
}

/** NPPES extracts this large belong in the store (`medshield directory import --nppes`), not in memory. */
export const IN_MEMORY_NPPES_LIMIT = 64 * 1024 * 1024;

/**
 * A small NPPES extract (a state's or a specialty's providers) loaded into an in-memory
 * index, for directory files used with `scan --directory`. Each scanner worker loads its own.
 */
export function loadNppesInMemory(files: string[]): { index: SqliteNppesIndex; summary: NppesImportSummary } {
  // Always SQLite, whatever the store: scanner worker threads cannot load the PostgreSQL client.
  const db = openSqlite(':memory:');
  const summary = emptySummary(files);
  const started = beginImport(db, files);
  const writer = new IndexWriter(db, started.table, 50_000);
  for (const file of files) {
    const size = statSync(file).size;
    if (size > IN_MEMORY_NPPES_LIMIT) {
      throw new DirectoryImportError(
        `${basename(file)}: ${Math.round(size / 1048576)} MB is too large to load per scan; import it into the store with 'medshield directory import --nppes ${basename(file)}' and scan with that store`,
      );
    }
    let records: string[][];
    try {
      records = parseSync(readFileSync(file), { bom: true, relax_column_count: true }) as string[][];
    } catch (err) {
      throw new DirectoryImportError(`${basename(file)}: not valid CSV: ${(err as Error).message}`);
    }
    if (records.length === 0) throw new DirectoryImportError(`${basename(file)}: empty file`);
    const reader = new RecordReader(file, summary, 0);
    reader.header(records[0]);
    for (let i = 1; i < records.length; i++) writer.add(reader.rows(records[i], i));
  }
  writer.flush();
  finishImport(db, started, summary);
  return { index: new SqliteNppesIndex(db), summary };
}
