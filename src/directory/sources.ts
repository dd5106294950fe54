import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { registrableDomain } from '../text/domains.ts';
import { isFhirBundle, parseFhirBundle } from './fhir.ts';
import { DirectoryImportError, type RowError } from './import-errors.ts';
import { emptyDirectoryData, organizationSchema, type DirectoryData, type DirectoryOrganization, type DirectoryPerson, type KnownPhone } from './model.ts';
import { loadNppesInMemory, NPPES_COLUMNS } from './nppes-import.ts';
import type { NppesIndex } from './nppes-index.ts';
import { toE164 } from './phone.ts';
import { parseRosterCsv, type ImportContext } from './roster.ts';

/**
 * Reading directory sources: a directory file (YAML or JSON) that names the organisation,
 * its partners, their rosters, known-good numbers and NPPES extracts; or a single FHIR
 * Bundle or roster CSV. A source with any bad row is refused whole, with every bad row
 * reported: a roster is short and curated, and half of it is worse than none.
 */

const orgEntry = z
  .object({
    name: z.string().min(1),
    aliases: z.array(z.string().min(1)).default([]),
    domains: z.array(z.string().min(1)).default([]),
    /** Phone numbers as written ("(617) 555-0100", "+1 617 555 0100"). */
    phones: z.array(z.string().min(1)).default([]),
    /** FHIR Bundles or roster CSVs of the organisation's people, relative to the directory file. */
    rosters: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const directoryFileSchema = z
  .object({
    /** Region for numbers written without a country code. */
    region: z.string().length(2).default('US'),
    organization: orgEntry,
    partners: z.array(orgEntry).default([]),
    knownPhones: z.array(z.object({ number: z.string().min(1), label: z.string().min(1) }).strict()).default([]),
    /** NPPES npidata extracts (small ones: each scanner loads them into memory). */
    nppes: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type DirectoryFile = z.output<typeof directoryFileSchema>;

export interface DirectorySource {
  data: DirectoryData;
  /** NPPES files the source names (or is). */
  nppesFiles: string[];
}

export interface SourceOptions {
  /** For a bare FHIR Bundle or CSV: whose people they are (default internal). */
  kind?: 'internal' | 'partner';
  /** For a bare FHIR Bundle or CSV: the organisation of people whose record names none. */
  organization?: string;
  region?: string;
}

/** Reads and validates a source; throws DirectoryImportError listing every bad row. */
export function readDirectorySource(path: string, options: SourceOptions = {}): DirectorySource {
  const errors: RowError[] = [];
  const result = readAny(path, options, errors);
  if (errors.length) throw new DirectoryImportError(`${basename(path)}: ${errors.length} problem${errors.length > 1 ? 's' : ''}; nothing was imported`, errors);
  return result;
}

/** A source with its NPPES extracts loaded into memory: what `scan --directory FILE` uses. */
export function readDirectorySourceSync(path: string): { data: DirectoryData; nppes?: NppesIndex } {
  const source = readDirectorySource(path);
  if (source.nppesFiles.length === 0) return { data: source.data };
  return { data: source.data, nppes: loadNppesInMemory(source.nppesFiles).index };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DirectoryImportError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function readAny(path: string, options: SourceOptions, errors: RowError[]): DirectorySource {
  const ext = extname(path).toLowerCase();
  const text = readText(path);
  const ctx: ImportContext = {
    file: path,
    baseDir: dirname(resolve(path)),
    kind: options.kind ?? 'internal',
    organization: options.organization ?? '',
    region: options.region ?? 'US',
  };
  if (ext === '.csv') {
    const firstLine = text.slice(0, 20_000).split(/\r?\n/, 1)[0] ?? '';
    if (firstLine.includes(`"${NPPES_COLUMNS.entity}"`) || firstLine.includes(NPPES_COLUMNS.entity)) return { data: emptyDirectoryData(), nppesFiles: [path] };
    const r = parseRosterCsv(text, ctx);
    errors.push(...r.errors);
    return { data: r.data, nppesFiles: [] };
  }
  let json: unknown;
  try {
    json = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    errors.push({ file: path, row: null, column: '', reason: `not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` });
    return { data: emptyDirectoryData(), nppesFiles: [] };
  }
  if (isFhirBundle(json)) {
    const r = parseFhirBundle(json, ctx);
    errors.push(...r.errors);
    return { data: r.data, nppesFiles: [] };
  }
  return readDirectoryFile(json, ctx, errors);
}

function readDirectoryFile(json: unknown, ctx: ImportContext, errors: RowError[]): DirectorySource {
  const parsed = directoryFileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push({ file: ctx.file, row: null, column: issue.path.join('.'), reason: issue.message });
    return { data: emptyDirectoryData(), nppesFiles: [] };
  }
  const f = parsed.data;
  const data = emptyDirectoryData();
  const nppesFiles: string[] = f.nppes.map((n) => resolve(ctx.baseDir, n));
  const addOrg = (entry: z.output<typeof orgEntry>, kind: 'org' | 'partner', key: string) => {
    const phones: string[] = [];
    entry.phones.forEach((ph, i) => {
      const e164 = toE164(ph, f.region);
      if (e164) phones.push(e164);
      else errors.push({ file: ctx.file, row: null, column: `${key}.phones[${i}]`, reason: `'${ph}' is not a valid phone number` });
    });
    const domains = entry.domains.map((d, i) => {
      const reg = registrableDomain(d);
      if (!reg) errors.push({ file: ctx.file, row: null, column: `${key}.domains[${i}]`, reason: `'${d}' is not a domain name` });
      return reg;
    });
    const org = organizationSchema.safeParse({ name: entry.name, aliases: entry.aliases, domains: domains.filter(Boolean), phones, kind });
    if (!org.success) {
      errors.push({ file: ctx.file, row: null, column: `${key}.${org.error.issues[0]?.path.join('.')}`, reason: org.error.issues[0]?.message ?? 'invalid' });
      return;
    }
    mergeOrganization(data.organizations, org.data);
    for (const roster of entry.rosters) {
      const file = resolve(ctx.baseDir, roster);
      const sub = readAny(file, { kind: kind === 'org' ? 'internal' : 'partner', organization: entry.name, region: f.region }, errors);
      for (const o of sub.data.organizations) mergeOrganization(data.organizations, { ...o, kind });
      for (const p of sub.data.persons) mergePerson(data.persons, p);
      nppesFiles.push(...sub.nppesFiles);
    }
  };
  addOrg(f.organization, 'org', 'organization');
  f.partners.forEach((p, i) => addOrg(p, 'partner', `partners[${i}]`));
  f.knownPhones.forEach((k, i) => {
    const e164 = toE164(k.number, f.region);
    if (e164) data.knownPhones.push({ e164, label: k.label } satisfies KnownPhone);
    else errors.push({ file: ctx.file, row: null, column: `knownPhones[${i}].number`, reason: `'${k.number}' is not a valid phone number` });
  });
  return { data, nppesFiles };
}

/** Same name: one organisation, the union of what each source says about it. */
export function mergeOrganization(list: DirectoryOrganization[], o: DirectoryOrganization): void {
  const existing = list.find((x) => x.name === o.name);
  if (!existing) {
    list.push({ ...o, aliases: [...o.aliases], domains: [...o.domains], phones: [...o.phones] });
    return;
  }
  for (const k of ['aliases', 'domains', 'phones'] as const) for (const v of o[k]) if (!existing[k].includes(v)) existing[k].push(v);
}

/** Same id (same NPI): one person; contact details and photos are combined, names come from the first source. */
export function mergePerson(list: DirectoryPerson[], p: DirectoryPerson): void {
  const existing = list.find((x) => x.id === p.id);
  if (!existing) {
    list.push(p);
    return;
  }
  for (const k of ['nicknames', 'credentials', 'emails', 'phones'] as const) for (const v of p[k]) if (!existing[k].includes(v)) existing[k].push(v);
  existing.photos.push(...p.photos.filter((ph) => !('path' in ph) || !existing.photos.some((e) => 'path' in e && e.path === ph.path)));
  existing.specialty ||= p.specialty;
  existing.organization ||= p.organization;
}

/** Combines several sources (repeated `import` arguments) in order. */
export function mergeSources(sources: DirectorySource[]): DirectorySource {
  const data = emptyDirectoryData();
  const nppesFiles: string[] = [];
  for (const s of sources) {
    for (const o of s.data.organizations) mergeOrganization(data.organizations, o);
    for (const p of s.data.persons) mergePerson(data.persons, p);
    for (const k of s.data.knownPhones) if (!data.knownPhones.some((x) => x.e164 === k.e164)) data.knownPhones.push(k);
    nppesFiles.push(...s.nppesFiles);
  }
  return { data, nppesFiles };
}
