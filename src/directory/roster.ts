import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RowError } from './import-errors.ts';
import { personSchema, type DirectoryData, type DirectoryPerson } from './model.ts';
import { credentialKey, nameKey } from './names.ts';
import { npiProblem } from './npi.ts';
import { toE164 } from './phone.ts';

/**
 * The roster CSV: one provider per row, header
 * `npi,first_name,last_name,credentials,specialty,email,phone,organization,photo`
 * (any order; optional extra columns `prefix`, `suffix`, `nicknames`). Several e-mail
 * addresses, phones or nicknames in one cell are separated by ';'. `photo` is a path
 * relative to the CSV file. RFC 4180 quoting is handled by csv-parse.
 */

export interface ImportContext {
  /** The file being read, for error reports. */
  file: string;
  /** Relative photo paths are resolved against this folder. */
  baseDir: string;
  kind: 'internal' | 'partner';
  /** Organisation of people whose record names none. */
  organization: string;
  /** Region for phone numbers written without a country code. */
  region: string;
}

export const ROSTER_COLUMNS = ['npi', 'first_name', 'last_name', 'credentials', 'specialty', 'email', 'phone', 'organization', 'photo'] as const;
const OPTIONAL_COLUMNS = ['prefix', 'suffix', 'nicknames'] as const;

/** A stable id: the NPI when there is one (so FHIR and CSV rows of one person merge), else the source id or the name. */
export function personId(p: { npi: string; given: string; family: string; sourceId?: string }): string {
  if (p.npi) return `npi-${p.npi}`;
  if (p.sourceId) return `src-${p.sourceId}`;
  return `name-${nameKey(p.given)}-${nameKey(p.family)}`;
}

const list = (cell: string) => cell.split(';').map((s) => s.trim()).filter(Boolean);

export function parseRosterCsv(text: string, ctx: ImportContext): { data: DirectoryData; errors: RowError[] } {
  const errors: RowError[] = [];
  const fail = (row: number | null, column: string, reason: string) => errors.push({ file: ctx.file, row, column, reason });
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number; column?: string };
    fail(e.lines ?? null, '', `not valid CSV: ${e.message}`);
    return { data: { persons: [], organizations: [], knownPhones: [] }, errors };
  }
  const header = (records.shift() ?? []).map((h) => h.trim().toLowerCase());
  const missing = ROSTER_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    fail(null, 'header', `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${ROSTER_COLUMNS.join(',')})`);
    return { data: { persons: [], organizations: [], knownPhones: [] }, errors };
  }
  const col = Object.fromEntries([...ROSTER_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => [c, header.indexOf(c)])) as Record<
    (typeof ROSTER_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number],
    number
  >;

  const persons: DirectoryPerson[] = [];
  const seen = new Map<string, number>();
  records.forEach((cells, i) => {
    const row = i + 1;
    const before = errors.length;
    if (cells.length !== header.length) fail(row, '', `${cells.length} fields, the header has ${header.length}`);
    const get = (c: keyof typeof col) => (col[c] >= 0 ? (cells[col[c]] ?? '').trim() : '');

    const npi = get('npi');
    if (npi) {
      const problem = npiProblem(npi);
      if (problem) fail(row, 'npi', problem);
    }
    const family = get('last_name');
    if (!family) fail(row, 'last_name', 'empty');
    const credentials: string[] = [];
    for (const c of get('credentials').split(/[,;/\s]+/).filter(Boolean)) {
      const k = credentialKey(c, true);
      if (k) credentials.push(k);
      else fail(row, 'credentials', `'${c}' is not a known credential`);
    }
    const emails = list(get('email')).map((e) => e.toLowerCase());
    for (const e of emails) if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) fail(row, 'email', `'${e}' is not an e-mail address`);
    const phones: string[] = [];
    for (const ph of list(get('phone'))) {
      const e164 = toE164(ph, ctx.region);
      if (e164) phones.push(e164);
      else fail(row, 'phone', `'${ph}' is not a valid phone number`);
    }
    const photos: DirectoryPerson['photos'] = [];
    for (const ph of list(get('photo'))) {
      const path = isAbsolute(ph) ? ph : resolve(ctx.baseDir, ph);
      if (!existsSync(path)) fail(row, 'photo', `file ${path} does not exist`);
      else photos.push({ path });
    }
    if (errors.length > before) return;

    const given = get('first_name');
    const id = personId({ npi, given, family });
    if (seen.has(id)) return fail(row, npi ? 'npi' : 'last_name', `same person as row ${seen.get(id)}`);
    seen.set(id, row);
    const parsed = personSchema.safeParse({
      id,
      prefix: get('prefix'),
      given,
      family,
      suffix: get('suffix'),
      nicknames: list(get('nicknames')),
      credentials,
      specialty: get('specialty'),
      npi,
      emails,
      phones,
      photos,
      organization: get('organization') || ctx.organization,
      kind: ctx.kind,
    });
    if (!parsed.success) return fail(row, parsed.error.issues[0]?.path.join('.') ?? '', parsed.error.issues[0]?.message ?? 'invalid');
    persons.push(parsed.data);
  });
  return { data: { persons, organizations: [], knownPhones: [] }, errors };
}
