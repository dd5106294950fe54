import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MedshieldConfig } from '../config/schema.ts';
import { loadDirectoryFile, openDirectory, type Directory } from '../directory/directory.ts';
import { DirectoryImportError, formatRowError } from '../directory/import-errors.ts';
import { readDirectorySource } from '../directory/sources.ts';
import { hasDirectoryTables, saveDirectoryData, type SaveSummary } from '../directory/store.ts';
import type { Db } from '../store/database.ts';
import { parse as parseYaml } from 'yaml';

export interface DirectorySourceInfo {
  kind: 'store' | 'file' | 'none';
  file: string | null;
  /** Imports from the console reach the scanner (the scanner reads the store). */
  importable: boolean;
  note: string;
}

/**
 * The provider directory as the console sees it: the one the scanner uses. That is the
 * file `directory.file` names when it names one other than the store; otherwise the
 * store's directory (what `medshield directory import` and the console's import write),
 * which the server then hands to the scanner.
 */
export class DirectoryAccess {
  private cached: { key: string; dir: Directory | null } | null = null;

  constructor(
    private readonly db: Db,
    private readonly dbPath: string,
    private readonly fileConfig: () => MedshieldConfig,
    private readonly dataDir: string,
  ) {}

  /** The store holds directory people (then the scanner is given the store when no file is configured). */
  storeHasDirectory(): boolean {
    return hasDirectoryTables(this.db) && this.db.prepare('SELECT 1 FROM directory_persons LIMIT 1').get() !== undefined;
  }

  source(): DirectorySourceInfo {
    const file = this.fileConfig().directory.file;
    if (file && resolve(file) !== resolve(this.dbPath)) {
      return { kind: 'file', file, importable: false, note: `The scanner reads the directory file ${file} (directory.file). Edit that file, or point directory.file at the store to import here.` };
    }
    if (this.storeHasDirectory()) return { kind: 'store', file: null, importable: true, note: 'The scanner reads the directory in the Medshield store.' };
    return { kind: 'none', file: null, importable: true, note: 'No provider directory yet: import a roster (CSV) or a FHIR R4 Bundle to check clinician claims and photos against it.' };
  }

  /** The directory the scanner uses, or null; re-read after an import or a change of file. */
  load(): Directory | null {
    const s = this.source();
    const key = `${s.kind}:${s.file ?? ''}`;
    if (this.cached?.key === key) return this.cached.dir;
    const dir = s.kind === 'file' ? loadDirectoryFile(s.file!) : s.kind === 'store' ? openDirectory(this.db) : null;
    this.cached = { key, dir };
    return dir;
  }

  /**
   * Imports an uploaded roster CSV, FHIR R4 Bundle or self-contained directory file into the
   * store. The file is validated whole first: one bad row refuses it, every bad row reported.
   * An upload may not name files on the server (rosters, NPPES extracts, photo paths): the
   * importer would read them, and their content could come back in the store or in errors.
   */
  import(o: { filename: string; content: string; kind?: 'internal' | 'partner'; organization?: string }): SaveSummary {
    refuseFileReferences(o.filename, o.content);
    const base = join(this.dataDir, 'console', 'uploads');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const dir = mkdtempSync(join(base, 'import-'));
    try {
      const path = join(dir, o.filename.replace(/[^\w.-]/g, '_'));
      writeFileSync(path, o.content, { mode: 0o600 });
      const source = readDirectorySource(path, { kind: o.kind, organization: o.organization });
      if (source.nppesFiles.length) throw new DirectoryImportError(`${o.filename}: NPPES extracts are imported with 'medshield directory import --nppes FILE' (they are too large to upload)`);
      const withPaths = source.data.persons.filter((p) => p.photos.some((ph) => 'path' in ph));
      if (withPaths.length) {
        throw new DirectoryImportError(
          `${o.filename}: photos in an upload must be embedded (base64 in a FHIR Bundle), not file paths; ${withPaths.length} ${withPaths.length === 1 ? 'person names' : 'people name'} a photo file (${withPaths
            .slice(0, 3)
            .map((p) => `${p.given} ${p.family}`.trim())
            .join(', ')}). Leave the photo column empty, or import on the server with 'medshield directory import'.`,
        );
      }
      const saved = saveDirectoryData(this.db, source.data, `console upload ${o.filename}`);
      this.cached = null;
      return saved;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  invalidate(): void {
    this.cached = null;
  }
}

/** A directory file (YAML/JSON) that lists rosters or NPPES extracts points at server files. */
function refuseFileReferences(filename: string, content: string): void {
  if (!/\.(ya?ml|json)$/i.test(filename)) return;
  let doc: unknown;
  try {
    doc = /\.json$/i.test(filename) ? JSON.parse(content) : parseYaml(content);
  } catch {
    return; // the importer reports the syntax error with its position
  }
  if (!doc || typeof doc !== 'object' || (doc as { resourceType?: unknown }).resourceType === 'Bundle') return;
  const d = doc as { organization?: { rosters?: unknown }; partners?: { rosters?: unknown }[]; nppes?: unknown };
  const names = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const refs = [...names(d.organization?.rosters), ...(Array.isArray(d.partners) ? d.partners.flatMap((p) => names(p?.rosters)) : []), ...names(d.nppes)];
  if (refs.length) {
    throw new DirectoryImportError(
      `${filename}: an uploaded directory file must be self-contained, but it names other files (${refs.slice(0, 3).join(', ')}${refs.length > 3 ? ', …' : ''}). Upload each roster or FHIR Bundle on its own, or import on the server with 'medshield directory import'.`,
    );
  }
}

export function importErrorLines(err: DirectoryImportError): string[] {
  return err.errors.length ? err.errors.slice(0, 50).map((e) => formatRowError(e)) : [err.message];
}
