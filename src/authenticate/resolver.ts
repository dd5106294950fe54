import { promises as dnsPromises } from 'node:dns';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * DNS resolvers in the shape mailauth calls them: `resolver(name, rrtype)` resolving to
 * what `dns.promises.resolve(name, rrtype)` would give (TXT: string[][] of 255-byte
 * chunks, MX: {exchange, priority}[], A/AAAA/PTR: string[]) and rejecting with an Error
 * whose `code` is one of node's DNS codes. mailauth branches on those codes: ENOTFOUND
 * and ENODATA mean "no such record" (SPF void lookup, DKIM "no key", DMARC "none"),
 * anything else is a temporary failure.
 */

export interface MxAnswer {
  exchange: string;
  priority: number;
}

export type DnsAnswer = string[][] | string[] | MxAnswer[];

export type DnsResolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

export interface DnsError extends Error {
  code: string;
  hostname: string;
  syscall: string;
}

/** An Error shaped like the ones node:dns rejects with, so mailauth classifies it correctly. */
export function dnsError(code: string, name: string, rrtype: string, detail?: string): DnsError {
  const syscall = `query${rrtype.charAt(0).toUpperCase()}${rrtype.slice(1).toLowerCase()}`;
  const err = new Error(`${syscall} ${code} ${name}${detail ? ` (${detail})` : ''}`) as DnsError;
  err.code = code;
  err.hostname = name;
  err.syscall = syscall;
  return err;
}

/** Codes that are a definite answer ("does not exist"), as opposed to a failure to get one. */
export function isDefiniteDnsAnswer(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

// ---------------------------------------------------------------------------------------
// Offline

const offlineResolvers = new WeakSet<DnsResolver>();

/** True for the resolver returned by `offlineResolver()`: nothing can be looked up. */
export function isOfflineResolver(resolver: DnsResolver): boolean {
  return offlineResolvers.has(resolver);
}

const OFFLINE: DnsResolver = async (name, rrtype) => {
  // ECONNREFUSED is not ENOTFOUND/ENODATA, so every consumer treats it as temporary:
  // an offline scan must never conclude that a record is absent.
  throw dnsError('ECONNREFUSED', name, rrtype, 'DNS disabled for this scan');
};
offlineResolvers.add(OFFLINE);

/** For scans without DNS: every query fails temporarily, so results come out as temperror. */
export function offlineResolver(): DnsResolver {
  return OFFLINE;
}

// ---------------------------------------------------------------------------------------
// System resolver with timeout and cache

export interface SystemResolverOptions {
  /** Per-lookup bound in ms (default 3000). */
  timeoutMs?: number;
  /** How long a positive answer is reused, ms (default 300 000). node:dns does not expose TTLs for TXT/MX. */
  cacheTtlMs?: number;
  /** How long NXDOMAIN/NODATA is reused, ms (default 60 000). Temporary failures are never cached. */
  negativeTtlMs?: number;
  /** Cache size bound (default 2000 entries, oldest evicted first). */
  maxEntries?: number;
  /** DNS servers to ask instead of the system's (e.g. a local validating resolver). */
  servers?: string[];
}

interface CacheEntry {
  expires: number;
  answer?: DnsAnswer;
  error?: unknown;
}

export function systemResolver(opts: SystemResolverOptions = {}): DnsResolver {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const ttl = opts.cacheTtlMs ?? 300_000;
  const negativeTtl = opts.negativeTtlMs ?? 60_000;
  const maxEntries = opts.maxEntries ?? 2000;
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
  if (opts.servers?.length) resolver.setServers(opts.servers);

  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<DnsAnswer>>();

  const remember = (key: string, entry: CacheEntry) => {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  };

  const lookup = async (name: string, rrtype: string): Promise<DnsAnswer> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // c-ares' own timeout is per server and per try; this bounds the whole lookup.
      timer = setTimeout(() => reject(dnsError('ETIMEOUT', name, rrtype)), timeoutMs);
    });
    try {
      return (await Promise.race([resolver.resolve(name, rrtype), timeout])) as DnsAnswer;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (rawName, rrtype) => {
    const name = normalizeName(rawName);
    const key = `${rrtype.toUpperCase()} ${name}`;
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) {
      if (hit.error) throw hit.error;
      return hit.answer as DnsAnswer;
    }
    const pending = inFlight.get(key);
    if (pending) return pending;

    const p = lookup(name, rrtype).then(
      (answer) => {
        remember(key, { expires: Date.now() + ttl, answer });
        return answer;
      },
      (err: unknown) => {
        if (isDefiniteDnsAnswer(err)) remember(key, { expires: Date.now() + negativeTtl, error: err });
        throw err;
      },
    );
    inFlight.set(key, p);
    try {
      return await p;
    } finally {
      inFlight.delete(key);
    }
  };
}

// ---------------------------------------------------------------------------------------
// Fixture resolver

const txtString = z.string();
const recordSetSchema = z.strictObject({
  TXT: z
    .array(
      z.union([
        txtString,
        z
          .array(txtString)
          .min(1)
          .refine((chunks) => chunks.every((c) => Buffer.byteLength(c) <= 255), 'a TXT chunk given as a list must be ≤ 255 bytes'),
      ]),
    )
    .optional(),
  MX: z
    .array(z.strictObject({ exchange: z.string().min(1), priority: z.number().int().min(0).max(65535) }))
    .optional(),
  A: z.array(z.ipv4()).optional(),
  AAAA: z.array(z.ipv6()).optional(),
  PTR: z.array(z.string().min(1)).optional(),
  /** Alias: every other type is answered from the target, as a recursive resolver would. */
  CNAME: z.string().min(1).optional(),
});

export const dnsFixtureSchema = z.record(z.string().min(1), recordSetSchema);

export type DnsFixture = z.input<typeof dnsFixtureSchema>;

type RecordSet = z.output<typeof recordSetSchema>;

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? JSON.stringify(String(p)) : `.${String(p)}`))
    .join('');
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? formatPath(i.path) : '(root)'}: ${i.message}`).join('; ');
}

/** Splits a TXT string into the ≤255-byte character-strings a DNS server would return. */
function txtChunks(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= 255) return [value];
  const chunks: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + 255, bytes.length);
    // Never cut a UTF-8 sequence in half: back off to a lead byte.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    chunks.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return chunks;
}

function validateFixture(obj: unknown, origin: string): Map<string, RecordSet> {
  const parsed = dnsFixtureSchema.safeParse(obj);
  if (!parsed.success) throw new Error(`invalid DNS fixture ${origin}: ${describeIssues(parsed.error)}`);
  const zone = new Map<string, RecordSet>();
  for (const [rawName, set] of Object.entries(parsed.data)) {
    const name = normalizeName(rawName);
    if (zone.has(name)) throw new Error(`invalid DNS fixture ${origin}: ${JSON.stringify(rawName)}: name given twice (names are case-insensitive)`);
    if (set.CNAME && Object.keys(set).length > 1) {
      throw new Error(`invalid DNS fixture ${origin}: ${JSON.stringify(rawName)}: a CNAME cannot have other record types beside it`);
    }
    zone.set(name, set);
  }
  return zone;
}

/**
 * A resolver answering only from `fixture`:
 * `{"<name>": {"TXT": ["…"], "MX": [{"exchange": "…", "priority": 10}], "A": ["…"], "AAAA": ["…"], "PTR": ["…"], "CNAME": "…"}}`.
 * Unknown names are NXDOMAIN (ENOTFOUND), a known name without the asked type is ENODATA.
 */
export function dnsFixtureResolver(fixture: DnsFixture, origin = '(object)'): DnsResolver {
  const zone = validateFixture(fixture, origin);
  return async (rawName, rawType) => {
    const rrtype = rawType.toUpperCase();
    let name = normalizeName(rawName);
    for (let hops = 0; hops < 8; hops++) {
      const set = zone.get(name);
      if (!set) throw dnsError('ENOTFOUND', rawName, rrtype);
      if (rrtype === 'CNAME') {
        if (set.CNAME) return [normalizeName(set.CNAME)];
        throw dnsError('ENODATA', rawName, rrtype);
      }
      if (set.CNAME) {
        name = normalizeName(set.CNAME);
        continue;
      }
      switch (rrtype) {
        case 'TXT':
          if (set.TXT?.length) return set.TXT.map((v) => (typeof v === 'string' ? txtChunks(v) : [...v]));
          break;
        case 'MX':
          if (set.MX?.length) return set.MX.map((mx) => ({ exchange: normalizeName(mx.exchange), priority: mx.priority }));
          break;
        case 'A':
        case 'AAAA':
        case 'PTR': {
          const list = set[rrtype];
          if (list?.length) return [...list];
          break;
        }
      }
      throw dnsError('ENODATA', rawName, rrtype);
    }
    throw dnsError('ESERVFAIL', rawName, rrtype, 'CNAME chain too long');
  };
}

/**
 * Reads and validates a JSON DNS fixture file; errors name the file and the offending key.
 * Returns plain data (it may be posted to a worker) for `dnsFixtureResolver`.
 */
export function loadDnsFixture(path: string): DnsFixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read DNS fixture ${path}: ${(err as Error).message}`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new Error(`DNS fixture ${path} is not valid JSON: ${(err as Error).message}`);
  }
  validateFixture(obj, path);
  return obj as DnsFixture;
}

// ---------------------------------------------------------------------------------------
// Deadline

/**
 * Wraps a resolver so no lookup outlives `deadline` (epoch ms): a slow lookup is answered
 * with ETIMEOUT when the deadline comes, later ones fail at once. `onTemporaryFailure`
 * hears about every lookup that ended without a definite answer.
 */
export function resolverWithDeadline(
  resolver: DnsResolver,
  deadline: number,
  onTemporaryFailure: (name: string, rrtype: string, err: unknown) => void = () => {},
): DnsResolver {
  return async (name, rrtype) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const err = dnsError('ETIMEOUT', name, rrtype, 'authentication time budget spent');
      onTemporaryFailure(name, rrtype, err);
      throw err;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(dnsError('ETIMEOUT', name, rrtype, 'authentication time budget spent')), remaining);
    });
    try {
      return await Promise.race([resolver(name, rrtype), timeout]);
    } catch (err) {
      if (!isDefiniteDnsAnswer(err)) onTemporaryFailure(name, rrtype, err);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}
