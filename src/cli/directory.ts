import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDirectoryFile, openDirectory, type Directory } from '../directory/directory.ts';
import { DirectoryImportError, formatRowError } from '../directory/import-errors.ts';
import { displayName, type DirectoryPerson } from '../directory/model.ts';
import { importNppesFiles, type NppesProgress } from '../directory/nppes-import.ts';
import { mergeSources, readDirectorySource } from '../directory/sources.ts';
import { saveDirectoryData } from '../directory/store.ts';
import { openDatabase } from '../store/database.ts';
import { UsageError } from './common.ts';
import { storeExists } from './data-store.ts';

export const DEFAULT_STORE = 'data/medshield.db';

export const directoryHelp = `Usage: medshield directory COMMAND [options]

The provider directory: the organisation's people, partners, known-good phone numbers and
the NPPES index, against which clinician and callback-number claims in mail are checked.

Commands:
  import FILE... [--nppes FILE]...  add people, organisations and numbers to the store
                                    (FILE: directory file .yaml/.json, FHIR R4 Bundle .json,
                                    roster .csv); --nppes: CMS npidata_pfile CSV (streamed;
                                    replaces the NPPES index)
  list                              people in the directory
  show NAME|NPI|ID                  one person (names match like mail does: "Dr. Liz Carter")
  stats                             counts, organisations, NPPES index

Options:
  --db FILE              the Medshield store (default: $MEDSHIELD_DB or ${DEFAULT_STORE})
  --directory FILE       list/show/stats: read a directory file instead of the store
  --kind internal|partner    import of a bare FHIR Bundle or CSV: whose people they are
  --organization NAME    import of a bare FHIR Bundle or CSV: organisation of people who name none
  --max-bad-rows N       NPPES rows that may be skipped as bad before the import is refused (default 1000)
  --json                 machine-readable output (list, show, stats)

A file with bad rows is reported row by row and not imported; an NPPES import either
completes or leaves the previous index in place.
`;

export async function directoryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      directory: { type: 'string' },
      nppes: { type: 'string', multiple: true },
      kind: { type: 'string' },
      organization: { type: 'string' },
      'max-bad-rows': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, ...args] = positionals;
  if (values.help || !sub) {
    process.stdout.write(directoryHelp);
    return sub || values.help ? 0 : 2;
  }
  const dbPath = values.db ?? process.env.MEDSHIELD_DB ?? DEFAULT_STORE;
  switch (sub) {
    case 'import':
      return importCommand(args, dbPath, values);
    case 'list':
    case 'show':
    case 'stats': {
      const dir = openForReading(values.directory, dbPath);
      if (sub === 'list') return list(dir, values.json ?? false);
      if (sub === 'show') {
        if (args.length === 0) throw new UsageError('show needs a name, NPI or id');
        return show(dir, args.join(' '), values.json ?? false);
      }
      return stats(dir, values.json ?? false);
    }
    default:
      throw new UsageError(`unknown directory command '${sub}' (import, list, show, stats)`);
  }
}

function openForReading(file: string | undefined, dbPath: string): Directory {
  if (file) {
    try {
      return loadDirectoryFile(file);
    } catch (err) {
      throw new UsageError(`--directory ${file}: ${(err as Error).message}`);
    }
  }
  if (!storeExists(dbPath)) throw new UsageError(`no store at ${dbPath} (import into it first, or give --db or --directory)`);
  return openDirectory(openDatabase(dbPath));
}

async function importCommand(
  files: string[],
  dbPath: string,
  v: { nppes?: string[]; kind?: string; organization?: string; 'max-bad-rows'?: string },
): Promise<number> {
  if (files.length === 0 && !v.nppes?.length) throw new UsageError('import needs a FILE or --nppes FILE');
  if (v.kind !== undefined && v.kind !== 'internal' && v.kind !== 'partner') throw new UsageError(`--kind must be 'internal' or 'partner', not '${v.kind}'`);
  const maxBadRows = v['max-bad-rows'] === undefined ? 1000 : Number(v['max-bad-rows']);
  if (!Number.isInteger(maxBadRows) || maxBadRows < 0) throw new UsageError(`--max-bad-rows must be a whole number, not '${v['max-bad-rows']}'`);
  for (const f of [...files, ...(v.nppes ?? [])]) if (!existsSync(f)) throw new UsageError(`${f}: no such file`);

  try {
    // Every roster is read and validated before anything is written.
    const merged = mergeSources(files.map((f) => readDirectorySource(f, { kind: v.kind as 'internal' | 'partner' | undefined, organization: v.organization })));
    const db = openDatabase(dbPath);
    try {
      const nppesFiles = [...merged.nppesFiles, ...(v.nppes ?? [])];
      if (nppesFiles.length > 0) {
        const started = performance.now();
        const bar = new ByteProgress();
        const s = await importNppesFiles(db, nppesFiles, { maxBadRows, onProgress: (p) => bar.update(p) });
        bar.done();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `NPPES: ${s.rows.toLocaleString('en-US')} rows from ${nppesFiles.map((f) => basename(f)).join(', ')} → ` +
            `${s.individuals.toLocaleString('en-US')} individuals, ${s.organizations.toLocaleString('en-US')} organizations ` +
            `(${s.deactivated.toLocaleString('en-US')} deactivated, ${s.skipped} bad rows skipped) in ${secs} s\n`,
        );
        for (const e of s.errors) process.stderr.write(`  skipped: ${formatRowError(e)}\n`);
        if (s.skipped > s.errors.length) process.stderr.write(`  … and ${s.skipped - s.errors.length} more bad rows\n`);
      }
      if (files.length > 0) {
        const saved = saveDirectoryData(db, merged.data, files.map((f) => basename(f)).join(', '));
        process.stdout.write(
          `directory: ${saved.persons} people, ${saved.organizations} organizations, ${saved.knownPhones} known phone numbers, ${saved.photos} photos from ${files.map((f) => basename(f)).join(', ')} → ${dbPath}\n`,
        );
      }
    } finally {
      db.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof DirectoryImportError) {
      process.stderr.write(`medshield directory import: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** A progress line by bytes read (row counts are unknown until the end), on a terminal only. */
class ByteProgress {
  private last = 0;
  private readonly enabled = Boolean(process.stderr.isTTY);
  update(p: NppesProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200 && p.bytesRead < p.totalBytes) return;
    this.last = now;
    const frac = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
    const bar = '█'.repeat(Math.round(frac * 30)).padEnd(30, '░');
    process.stderr.write(`\rNPPES ${basename(p.file)} ${bar} ${(frac * 100).toFixed(0)}% ${p.rows.toLocaleString('en-US')} rows\x1b[K`);
  }
  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}

function personSummary(dir: Directory, p: DirectoryPerson) {
  return {
    id: p.id,
    name: displayName(p),
    npi: p.npi,
    specialty: p.specialty,
    organization: p.organization,
    kind: p.kind,
    nicknames: p.nicknames,
    emails: p.emails,
    phones: p.phones,
    photos: p.photos.length,
    domains: dir.domainsOf(p),
  };
}

function list(dir: Directory, json: boolean): number {
  const people = [...dir.persons()].sort((a, b) => a.family.localeCompare(b.family) || a.given.localeCompare(b.given));
  if (json) {
    process.stdout.write(`${JSON.stringify(people.map((p) => personSummary(dir, p)), null, 2)}\n`);
    return 0;
  }
  for (const p of people) {
    const photos = p.photos.length ? ` (${p.photos.length} photo${p.photos.length > 1 ? 's' : ''})` : '';
    process.stdout.write(`${p.npi.padEnd(10)}  ${displayName(p).padEnd(40)}  ${(p.specialty || '-').padEnd(26)}  ${p.organization || '-'}${p.kind === 'partner' ? ' [partner]' : ''}${photos}\n`);
  }
  process.stdout.write(`${people.length} people\n`);
  return 0;
}

function show(dir: Directory, query: string, json: boolean): number {
  const q = query.trim();
  const found = /^\d{10}$/.test(q)
    ? dir.persons().filter((p) => p.npi === q)
    : dir.personById(q)
      ? [dir.personById(q)!]
      : dir.findPersonsByName(q).map((m) => m.person);
  const nppes = /^\d{10}$/.test(q) ? dir.nppes?.byNpi(q) : undefined;
  if (found.length === 0 && !nppes) {
    process.stderr.write(`no one in the directory matches '${q}'\n`);
    return 1;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ people: found.map((p) => personSummary(dir, p)), nppes: nppes ?? null }, null, 2)}\n`);
    return 0;
  }
  for (const p of found) {
    const s = personSummary(dir, p);
    const lines = [
      s.name,
      `  id            ${s.id}`,
      `  NPI           ${s.npi || '-'}`,
      `  specialty     ${s.specialty || '-'}`,
      `  organization  ${s.organization || '-'} (${s.kind})`,
      `  nicknames     ${s.nicknames.join(', ') || '-'}`,
      `  e-mail        ${s.emails.join(', ') || '-'}`,
      `  phone         ${[...dir.phonesOf(p)].join(', ') || '-'}`,
      `  mail domains  ${s.domains.join(', ') || '-'}`,
      `  photos        ${s.photos}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (nppes) process.stdout.write(`NPPES: ${nppes.name} ${nppes.credential} (${nppes.entity}, ${nppes.active ? 'active' : 'deactivated'}) taxonomy ${nppes.taxonomy || '-'} phone ${nppes.phone || '-'}\n`);
  return 0;
}

function stats(dir: Directory, json: boolean): number {
  const people = dir.persons();
  const out = {
    people: people.length,
    internal: people.filter((p) => p.kind === 'internal').length,
    partner: people.filter((p) => p.kind === 'partner').length,
    withPhotos: people.filter((p) => p.photos.length > 0).length,
    withNpi: people.filter((p) => p.npi).length,
    organizations: [...dir.organizations()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'org' ? -1 : 1)).map((o) => ({ name: o.name, kind: o.kind, domains: o.domains, phones: o.phones })),
    nppes: dir.nppes?.stats() ?? null,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `people         ${out.people} (${out.internal} internal, ${out.partner} partner; ${out.withPhotos} with photos, ${out.withNpi} with an NPI)`,
    ...out.organizations.map((o) => `${o.kind === 'org' ? 'organization' : 'partner     '}   ${o.name}: ${o.domains.join(', ') || 'no domains'}; ${o.phones.join(', ') || 'no phones'}`),
    out.nppes
      ? `NPPES index    ${out.nppes.individuals.toLocaleString('en-US')} individuals, ${out.nppes.organizations.toLocaleString('en-US')} organizations (${out.nppes.files.join(', ')}, ${out.nppes.importedAt})`
      : 'NPPES index    none',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
