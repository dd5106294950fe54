import type { Db } from '../store/database.ts';
import { compareGiven, givenEquivalents, nameKey, organizationKey } from './names.ts';

/**
 * The NPPES index: every US provider's and practice's name → NPI, credential, practice phone
 * and whether the NPI is active, from CMS's `npidata_pfile`. Lives only in SQLite (the full
 * file has ~9 million rows); each lookup is one indexed query.
 */

export interface NppesEntry {
  npi: string;
  entity: 'individual' | 'organization';
  /** "JANE SMITH" / "LAKESIDE CARDIOLOGY ASSOCIATES PC", as CMS spells it. */
  name: string;
  /** Credential text as the provider entered it ("M.D."), '' when none. */
  credential: string;
  /** Practice location phone in E.164, '' when none or not a US number. */
  phone: string;
  /** Primary taxonomy code ("207RC0000X"). */
  taxonomy: string;
  /** False for deactivated NPIs. */
  active: boolean;
}

export interface NppesStats {
  individuals: number;
  organizations: number;
  /** When the active index was imported (ISO), null when there is none. */
  importedAt: string | null;
  files: string[];
}

export interface NppesIndex {
  /** Individuals by name. `given` may be '' (family only, capped), an initial, or a nickname of the legal first name. */
  findIndividuals(given: string, family: string): NppesEntry[];
  findOrganizations(name: string): NppesEntry[];
  byNpi(npi: string): NppesEntry | undefined;
  byPhone(e164: string): NppesEntry[];
  stats(): NppesStats;
}

interface Row {
  npi: string;
  entity: number;
  given_key: string;
  name: string;
  credential: string;
  phone: string;
  taxonomy: string;
  deactivated: number;
}

const COLUMNS = 'npi, entity, given_key, name, credential, phone, taxonomy, deactivated';
const FAMILY_ONLY_LIMIT = 50;
/** Rows returned per name at most: verification needs one active match, evidence a few. */
const MATCH_LIMIT = 20;

function toEntry(r: Row): NppesEntry {
  return {
    npi: r.npi,
    entity: r.entity === 1 ? 'individual' : 'organization',
    name: r.name,
    credential: r.credential,
    phone: r.phone,
    taxonomy: r.taxonomy,
    active: r.deactivated === 0,
  };
}

/** A prepared lookup; parameters are strings, results rows. */
interface Statement {
  all(...params: string[]): unknown[];
}

interface Prepared {
  importId: number;
  byName: Statement;
  byFamily: Statement;
  byOrg: Statement;
  byNpi: Statement;
  byPhone: Statement;
}

/**
 * Lookups against the active import's table. Each lookup first reads which import is active
 * (one row of a tiny table) inside the same read transaction, so a scanner that runs for
 * months follows new imports and never queries a table an import has just dropped.
 */
export class SqliteNppesIndex implements NppesIndex {
  private prepared: Prepared | null = null;
  private readonly active;
  private readonly inSnapshot: (fn: (p: Prepared) => NppesEntry[]) => NppesEntry[];

  constructor(private readonly db: Db) {
    this.active = db.prepare(`SELECT id, table_name FROM directory_nppes_imports WHERE state = 'active'`);
    const tx = db.transaction((fn: (p: Prepared) => NppesEntry[]) => {
      const p = this.current();
      return p ? fn(p) : [];
    });
    this.inSnapshot = (fn) => tx(fn);
  }

  private current(): Prepared | null {
    const a = this.active.get() as { id: number; table_name: string } | undefined;
    if (!a) return null;
    if (this.prepared?.importId !== a.id) {
      const t = a.table_name;
      this.prepared = {
        importId: a.id,
        byName: this.db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE entity = 1 AND name_key = ? AND given_key = ? LIMIT ${MATCH_LIMIT}`),
        byFamily: this.db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE entity = 1 AND name_key = ? LIMIT ${FAMILY_ONLY_LIMIT}`),
        byOrg: this.db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE entity = 2 AND name_key = ? AND given_key = '' LIMIT ${MATCH_LIMIT}`),
        byNpi: this.db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE npi = ? LIMIT 1`),
        byPhone: this.db.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE phone = ? LIMIT 20`),
      };
    }
    return this.prepared;
  }

  private rows(pick: (p: Prepared) => Statement, ...params: string[]): NppesEntry[] {
    return this.inSnapshot((p) => (pick(p).all(...params) as Row[]).map(toEntry));
  }

  findIndividuals(given: string, family: string): NppesEntry[] {
    const fam = nameKey(family);
    if (!fam) return [];
    const g = nameKey(given);
    if (!g) return this.rows((p) => p.byFamily, fam);
    if (g.length === 1) return this.rows((p) => p.byFamily, fam).filter((e) => compareGiven(given, e.name.split(' ')[0] ?? '') === 'initial');
    const out: NppesEntry[] = [];
    for (const key of givenEquivalents(given)) out.push(...this.rows((p) => p.byName, fam, key));
    return out;
  }

  findOrganizations(name: string): NppesEntry[] {
    const key = organizationKey(name);
    return key ? this.rows((p) => p.byOrg, key) : [];
  }

  byNpi(npi: string): NppesEntry | undefined {
    return this.rows((p) => p.byNpi, npi)[0];
  }

  byPhone(e164: string): NppesEntry[] {
    return this.rows((p) => p.byPhone, e164);
  }

  stats(): NppesStats {
    const imp = this.db.prepare(`SELECT individuals, organizations, finished_at, files FROM directory_nppes_imports WHERE state = 'active'`).get() as
      | { individuals: number; organizations: number; finished_at: string; files: string }
      | undefined;
    if (!imp) return { individuals: 0, organizations: 0, importedAt: null, files: [] };
    return { individuals: imp.individuals, organizations: imp.organizations, importedAt: imp.finished_at, files: JSON.parse(imp.files) as string[] };
  }

  /** Whether there is an active import at all (an empty index verifies nobody). */
  hasData(): boolean {
    return this.active.get() !== undefined;
  }
}
