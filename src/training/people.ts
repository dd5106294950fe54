import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { Directory, DirectoryPerson } from '../directory/directory.ts';
import type { Db } from '../store/database.ts';
import { PHI_ACCESS, type PhiAccess, type TrainingSettings } from './settings.ts';

/**
 * The staff that simulations go to and training is assigned to. The provider directory
 * knows clinicians (name, credentials, specialty, organisation); a staff roster (an HR
 * export: email, name, department, role, site, PHI access) adds everyone else and overrides
 * what is derived from the directory: department ← specialty, role ← credentials,
 * site ← organisation. Only the organisation's own people with an address in its domains
 * are staff; partners' people never receive simulations.
 */

export interface StaffMember {
  email: string;
  name: string;
  department: string;
  role: string;
  site: string;
  phiAccess: PhiAccess;
  /** Where the record comes from. */
  source: 'directory' | 'roster' | 'both';
  directoryId: string | null;
}

const CREDENTIAL_ROLES: [RegExp, string][] = [
  [/^(MD|DO|MBBS)$/, 'physician'],
  [/^(NP|APRN|DNP|CNM|CNS|FNP|FNP-BC|ANP)$/, 'advanced practice'],
  [/^(PA|PA-C|PAC)$/, 'physician assistant'],
  [/^(RN|BSN|LPN|LVN|CRNA|MSN)$/, 'nurse'],
  [/^(PHARMD|RPH)$/, 'pharmacist'],
  [/^(LCSW|MSW|LICSW)$/, 'social worker'],
];

/** A role from a directory person's credentials (the first credential that names one). */
export function roleFromCredentials(credentials: readonly string[]): string {
  for (const c of credentials) {
    const key = c.toUpperCase().replace(/\./g, '');
    for (const [re, role] of CREDENTIAL_ROLES) if (re.test(key)) return role;
  }
  return 'staff';
}

export function phiAccessFor(role: string, s: Pick<TrainingSettings, 'phiAccessByRole' | 'defaultPhiAccess'>): PhiAccess {
  return s.phiAccessByRole[role.toLowerCase()] ?? s.defaultPhiAccess;
}

const rosterRow = z
  .object({
    email: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'not an e-mail address')),
    name: z.string().trim().default(''),
    department: z.string().trim().default(''),
    role: z.string().trim().toLowerCase().default(''),
    site: z.string().trim().default(''),
    phi_access: z
      .string()
      .trim()
      .toLowerCase()
      .default('')
      .refine((v) => v === '' || (PHI_ACCESS as readonly string[]).includes(v), `one of ${PHI_ACCESS.join(', ')} (or empty)`),
  })
  .strip();

export interface RosterImport {
  rows: number;
  errors: string[];
}

export class RosterError extends Error {
  constructor(
    message: string,
    readonly errors: string[],
  ) {
    super(message);
  }
}

/**
 * Reads a staff roster CSV (header: email, name, department, role, site, phi_access; only
 * email is required). Every bad row is reported; a file with any bad row is refused whole.
 */
export function parseRoster(text: string): z.output<typeof rosterRow>[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new RosterError(`roster is not valid CSV: ${(err as Error).message}`, []);
  }
  const errors: string[] = [];
  const rows: z.output<typeof rosterRow>[] = [];
  const seen = new Set<string>();
  records.forEach((r, i) => {
    const p = rosterRow.safeParse(r);
    if (!p.success) {
      errors.push(`row ${i + 2}: ${p.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return;
    }
    if (seen.has(p.data.email)) errors.push(`row ${i + 2}: ${p.data.email} appears twice`);
    seen.add(p.data.email);
    rows.push(p.data);
  });
  if (records.length === 0) errors.push('no rows (a header line and one row per person)');
  if (errors.length) throw new RosterError(`roster refused: ${errors.length} bad row(s)`, errors);
  return rows;
}

interface PeopleRow {
  id: number;
  email: string;
  name: string;
  department: string | null;
  role: string | null;
  site: string | null;
  phi_access: string | null;
  in_roster: number;
}

export class StaffDirectory {
  constructor(
    private readonly db: Db,
    private readonly directory: () => Directory | null,
    private readonly settings: () => TrainingSettings,
    private readonly orgDomains: () => readonly string[],
  ) {}

  /** Replaces the roster: people in it get its attributes; people no longer in it fall back to the directory's. */
  importRoster(text: string, now = Date.now()): RosterImport {
    const rows = parseRoster(text);
    this.db.transaction(() => {
      this.db.prepare('UPDATE training_people SET in_roster = 0, department = NULL, role = NULL, site = NULL, phi_access = NULL, updated_at = ?').run(now);
      const upsert = this.db.prepare(
        `INSERT INTO training_people (email, name, department, role, site, phi_access, in_roster, updated_at) VALUES (@email, @name, @department, @role, @site, @phi, 1, @now)
         ON CONFLICT(email) DO UPDATE SET name = CASE WHEN excluded.name != '' THEN excluded.name ELSE training_people.name END, department = excluded.department, role = excluded.role, site = excluded.site, phi_access = excluded.phi_access, in_roster = 1, updated_at = excluded.updated_at`,
      );
      for (const r of rows) upsert.run({ email: r.email, name: r.name, department: r.department || null, role: r.role || null, site: r.site || null, phi: r.phi_access || null, now });
    })();
    return { rows: rows.length, errors: [] };
  }

  /** Every staff member: directory people in the organisation's domains and roster people, merged. */
  all(): StaffMember[] {
    const byEmail = new Map<string, StaffMember>();
    const s = this.settings();
    const domains = this.orgDomains();
    const ours = (email: string) => {
      const d = email.split('@').pop() ?? '';
      return domains.some((o) => d === o || d.endsWith(`.${o}`));
    };
    for (const p of this.directory()?.persons() ?? []) {
      if (p.kind !== 'internal') continue;
      const email = p.emails.find(ours);
      if (!email || byEmail.has(email)) continue;
      const role = roleFromCredentials(p.credentials);
      byEmail.set(email, { email, name: personName(p), department: p.specialty || 'Unassigned', role, site: p.organization || 'Main', phiAccess: phiAccessFor(role, s), source: 'directory', directoryId: p.id });
    }
    for (const r of this.db.prepare('SELECT * FROM training_people WHERE in_roster = 1').all() as PeopleRow[]) {
      const base = byEmail.get(r.email);
      const role = r.role ?? base?.role ?? 'staff';
      byEmail.set(r.email, {
        email: r.email,
        name: r.name || base?.name || r.email,
        department: r.department ?? base?.department ?? 'Unassigned',
        role,
        site: r.site ?? base?.site ?? 'Main',
        phiAccess: (r.phi_access as PhiAccess | null) ?? phiAccessFor(role, s),
        source: base ? 'both' : 'roster',
        directoryId: base?.directoryId ?? null,
      });
    }
    return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
  }

  get(email: string): StaffMember | undefined {
    const e = email.toLowerCase();
    return this.all().find((m) => m.email === e);
  }

  /** The person's row id (created on first need): learner links and assignments refer to it. */
  personId(email: string, name = '', now = Date.now()): number {
    const e = email.toLowerCase();
    this.db.prepare('INSERT INTO training_people (email, name, updated_at) VALUES (?, ?, ?) ON CONFLICT(email) DO NOTHING').run(e, name, now);
    return (this.db.prepare('SELECT id FROM training_people WHERE email = ?').pluck().get(e) as number) ?? 0;
  }

  emailOf(personId: number): string | null {
    return (this.db.prepare('SELECT email FROM training_people WHERE id = ?').pluck().get(personId) as string | undefined) ?? null;
  }
}

function personName(p: DirectoryPerson): string {
  return [p.prefix, p.given, p.family].filter(Boolean).join(' ');
}
