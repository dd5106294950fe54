import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { registrableDomain } from '../text/domains.ts';
import { openSqlite, type Db } from '../store/database.ts';
import { displayName, type DirectoryData, type DirectoryOrganization, type DirectoryPerson, type KnownPhone } from './model.ts';
import { compareGiven, familyKeys, MATCH_QUALITY, nameKey, organizationKey, parsePersonName, type NameMatchKind } from './names.ts';
import { SqliteNppesIndex, type NppesIndex } from './nppes-index.ts';
import { hasDirectoryTables, loadDirectoryData, migrateDirectory } from './store.ts';
import { readDirectorySourceSync } from './sources.ts';

export type { DirectoryPerson, DirectoryOrganization, DirectoryData, KnownPhone } from './model.ts';
export type { NppesIndex, NppesEntry } from './nppes-index.ts';

/**
 * The provider directory as the analyzers see it: the organisation's people, its domains,
 * its verified partners and their people, known-good phone numbers, and (optionally) the
 * NPPES index of every US provider. Built once per process or worker thread; lookups are
 * map reads (name lookups index by normalised family name), safe to call per message.
 */
export interface Directory {
  persons(): DirectoryPerson[];
  personById(id: string): DirectoryPerson | undefined;
  /** Directory people a written name ("Dr. Jane Smith, MD", "Smith, Liz", "Dr. Smith") may refer to, best first. */
  findPersonsByName(name: string): NameMatch[];
  /** The person one of whose addresses this is. */
  personByEmail(address: string): DirectoryPerson | undefined;
  organizations(): DirectoryOrganization[];
  /** The organisation (kind 'org') or partner whose name or alias this is. */
  findOrganizationByName(name: string): DirectoryOrganization | undefined;
  /** The organisation a person works for, when the directory has it. */
  organizationOf(person: DirectoryPerson): DirectoryOrganization | undefined;
  /**
   * Registrable domains mail from this person may legitimately come from: their own
   * addresses' domains and their organisation's domains.
   */
  domainsOf(person: DirectoryPerson): string[];
  /** The domain (or a subdomain of it) is one of the protected organisation's own. */
  isOrgDomain(domain: string): boolean;
  /** The verified partner organisation that owns the domain. */
  partnerForDomain(domain: string): DirectoryOrganization | undefined;
  /** Whose number this is, on record: a person's, an organisation's, or a known-good number's. */
  phoneOwner(e164: string): PhoneOwner | undefined;
  /** Phone numbers on record for a person (their own and their organisation's). */
  phonesOf(person: DirectoryPerson): string[];
  /** The organisation's known-good numbers (nurse line, billing office) that belong to no one person. */
  knownPhones(): KnownPhone[];
  /** The NPPES index, when one was imported (store) or named in the directory file. */
  nppes?: NppesIndex;
}

export interface NameMatch {
  person: DirectoryPerson;
  /** exact: given and family; nickname: a known short form; initial: "J. Smith"; family: "Dr. Smith". */
  kind: NameMatchKind;
  /** 0–1, from the kind. */
  quality: number;
}

export interface PhoneOwner {
  kind: 'person' | 'organization' | 'known';
  name: string;
  /** For 'person': the person's id. */
  personId?: string;
  /** For 'person' and 'organization': the organisation's name. */
  organization?: string;
}

/** The bytes of a person's i-th photo (file photos are read when asked for). */
export function readPhoto(person: DirectoryPerson, i: number): Buffer {
  const photo = person.photos[i];
  if (!photo) throw new RangeError(`${person.id} has no photo #${i} (${person.photos.length} photos)`);
  return 'data' in photo ? photo.data : readFileSync(photo.path);
}

/** An in-memory directory over validated records. */
export class MemoryDirectory implements Directory {
  private readonly all: DirectoryPerson[];
  private readonly byId = new Map<string, DirectoryPerson>();
  private readonly byFamily = new Map<string, DirectoryPerson[]>();
  private readonly byEmail = new Map<string, DirectoryPerson>();
  private readonly orgs: DirectoryOrganization[];
  private readonly orgByKey = new Map<string, DirectoryOrganization>();
  private readonly orgByDomain = new Map<string, DirectoryOrganization>();
  private readonly phones = new Map<string, PhoneOwner>();
  private readonly known: KnownPhone[];
  readonly nppes?: NppesIndex;

  constructor(data: DirectoryData, nppes?: NppesIndex) {
    this.all = data.persons;
    this.orgs = data.organizations;
    this.nppes = nppes;
    this.known = data.knownPhones;
    for (const o of this.orgs) {
      for (const n of [o.name, ...o.aliases]) {
        const k = organizationKey(n);
        if (k && !this.orgByKey.has(k)) this.orgByKey.set(k, o);
      }
      for (const d of o.domains) this.orgByDomain.set(registrableDomain(d) || d, o);
    }
    // Precedence when a number is on record twice: a person's own line, then an organisation's, then the known list.
    for (const k of data.knownPhones) this.phones.set(k.e164, { kind: 'known', name: k.label });
    for (const o of this.orgs) for (const ph of o.phones) this.phones.set(ph, { kind: 'organization', name: o.name, organization: o.name });
    for (const p of this.all) {
      this.byId.set(p.id, p);
      for (const k of familyKeys(p.family)) {
        const list = this.byFamily.get(k);
        if (list) list.push(p);
        else this.byFamily.set(k, [p]);
      }
      for (const e of p.emails) this.byEmail.set(e, p);
      for (const ph of p.phones) this.phones.set(ph, { kind: 'person', name: displayName(p), personId: p.id, organization: p.organization || undefined });
    }
  }

  persons(): DirectoryPerson[] {
    return this.all;
  }

  personById(id: string): DirectoryPerson | undefined {
    return this.byId.get(id);
  }

  findPersonsByName(name: string): NameMatch[] {
    const parsed = parsePersonName(name);
    if (!parsed || !parsed.family) return [];
    const seen = new Set<DirectoryPerson>();
    const out: NameMatch[] = [];
    // Written names are looked up whole; people are indexed under each part of a double
    // name too, so "Jane Jones" finds Jane Smith-Jones but "Jane Smith-Jones" never finds a Jane Smith.
    for (const person of this.byFamily.get(nameKey(parsed.family)) ?? []) {
      if (seen.has(person)) continue;
      const kind: NameMatchKind | null = parsed.given ? compareGiven(parsed.given, person.given, person.nicknames) : 'family';
      if (!kind) continue;
      seen.add(person);
      out.push({ person, kind, quality: MATCH_QUALITY[kind] });
    }
    return out.sort((a, b) => b.quality - a.quality);
  }

  personByEmail(address: string): DirectoryPerson | undefined {
    return this.byEmail.get(address.trim().toLowerCase());
  }

  organizations(): DirectoryOrganization[] {
    return this.orgs;
  }

  findOrganizationByName(name: string): DirectoryOrganization | undefined {
    const k = organizationKey(name);
    return k ? this.orgByKey.get(k) : undefined;
  }

  organizationOf(person: DirectoryPerson): DirectoryOrganization | undefined {
    if (person.organization) {
      const o = this.findOrganizationByName(person.organization);
      if (o) return o;
    }
    // Without a named organisation, internal staff belong to the protected organisation.
    return person.kind === 'internal' && !person.organization ? this.orgs.find((o) => o.kind === 'org') : undefined;
  }

  domainsOf(person: DirectoryPerson): string[] {
    const out = new Set<string>();
    for (const e of person.emails) {
      const d = registrableDomain(e);
      if (d) out.add(d);
    }
    for (const d of this.organizationOf(person)?.domains ?? []) out.add(registrableDomain(d) || d);
    return [...out];
  }

  isOrgDomain(domain: string): boolean {
    return this.orgByDomain.get(registrableDomain(domain) || domain.toLowerCase())?.kind === 'org';
  }

  partnerForDomain(domain: string): DirectoryOrganization | undefined {
    const o = this.orgByDomain.get(registrableDomain(domain) || domain.toLowerCase());
    return o?.kind === 'partner' ? o : undefined;
  }

  phoneOwner(e164: string): PhoneOwner | undefined {
    return this.phones.get(e164);
  }

  knownPhones(): KnownPhone[] {
    return this.known;
  }

  phonesOf(person: DirectoryPerson): string[] {
    return [...new Set([...person.phones, ...(this.organizationOf(person)?.phones ?? [])])];
  }
}

/**
 * The directory kept in the Medshield store. Persons, organisations and phones are read
 * into memory; the NPPES index stays in SQLite and is queried per lookup.
 */
export function openDirectory(db: Db, readOnlyFile?: string): Directory {
  if (!readOnlyFile) migrateDirectory(db);
  else if (!hasDirectoryTables(db)) throw new Error(`${readOnlyFile}: this database has no provider directory (run 'medshield directory import' first)`);
  const nppes = new SqliteNppesIndex(db);
  return new MemoryDirectory(loadDirectoryData(db), nppes.hasData() ? nppes : undefined);
}

const SQLITE_MAGIC = 'SQLite format 3\0';

function isSqliteFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * A directory from a file, for `scan --directory FILE` and each scanner worker: a Medshield
 * store (SQLite, opened read-only), a directory file (YAML/JSON naming the organisation,
 * partners, rosters, known phones and an optional NPPES extract), an HL7 FHIR R4 Bundle, or
 * a roster CSV. Errors name the file, and for bad rows the row and column.
 */
export function loadDirectoryFile(path: string): Directory {
  if (isSqliteFile(path)) {
    const db = openSqlite(path, { readonly: true, fileMustExist: true });
    return openDirectory(db, path);
  }
  const source = readDirectorySourceSync(path);
  return new MemoryDirectory(source.data, source.nppes);
}
