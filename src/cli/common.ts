import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportDirectory } from '../directory/replica.ts';
import { openDatabase, storeLocation } from '../store/database.ts';
import { defaultConfig, loadConfigFile, validateConfig } from '../config/load.ts';
import { loadDirectoryFile } from '../directory/directory.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { loadDnsFixture } from '../authenticate/resolver.ts';
import type { ResolverSpec } from '../engine/resolver-spec.ts';
import type { Envelope } from '../engine/engine.ts';

/** Options shared by the commands that scan mail. */
export const scanOptionSpec = {
  config: { type: 'string', short: 'c' },
  'dns-fixture': { type: 'string' },
  dns: { type: 'string' },
  'org-domain': { type: 'string', multiple: true },
  directory: { type: 'string' },
  model: { type: 'string' },
  'client-ip': { type: 'string' },
  helo: { type: 'string' },
  'mail-from': { type: 'string' },
  workers: { type: 'string' },
} as const;

export interface ScanOptionValues {
  config?: string;
  'dns-fixture'?: string;
  dns?: string;
  'org-domain'?: string[];
  directory?: string;
  model?: string;
  'client-ip'?: string;
  helo?: string;
  'mail-from'?: string;
  workers?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ScanSetup {
  config: MedshieldConfig;
  resolver: ResolverSpec;
  envelope: Envelope;
  analyzerOverrides: Record<string, Record<string, unknown>>;
  workers?: number;
}

/**
 * `--directory` may name a Medshield store; with PostgreSQL that store is no file the scan
 * workers could open, so its directory is exported into a temporary SQLite copy for them.
 */
function directoryFileFor(path: string): string {
  if (storeLocation().kind !== 'postgres' || existsSync(path)) return path;
  const store = openDatabase(path);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'medshield-directory-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const copy = join(dir, 'directory.db');
    return exportDirectory(store, copy) ? copy : path;
  } finally {
    store.close();
  }
}

/** Turns command-line flags into the engine's inputs; `defaultDns` differs for scan (system) and eval (offline). */
export function scanSetup(v: ScanOptionValues, defaultDns: 'system' | 'offline'): ScanSetup {
  let config = v.config ? loadConfigFile(v.config) : defaultConfig();
  if (v['org-domain']?.length) {
    config = validateConfig({ ...config, org: { ...config.org, domains: [...config.org.domains, ...v['org-domain']] } }, '--org-domain');
  }
  if (v.directory !== undefined) {
    // Loaded here once so a bad file is a usage error, not a failure in every worker; each worker then loads its own copy.
    let file = resolve(v.directory);
    try {
      file = directoryFileFor(file);
      loadDirectoryFile(file);
    } catch (err) {
      throw new UsageError(`--directory ${v.directory}: ${(err as Error).message}`);
    }
    config = { ...config, directory: { ...config.directory, file } };
  }
  let resolver: ResolverSpec;
  if (v['dns-fixture']) {
    resolver = { kind: 'fixture', records: loadDnsFixture(v['dns-fixture']) };
  } else {
    const dns = v.dns ?? defaultDns;
    if (dns !== 'system' && dns !== 'offline') throw new UsageError(`--dns must be 'system' or 'offline', not '${dns}'`);
    resolver = dns === 'system' ? { kind: 'system' } : { kind: 'offline' };
  }
  const envelope: Envelope = {};
  if (v['client-ip']) envelope.clientIp = v['client-ip'];
  if (v.helo) envelope.helo = v.helo;
  if (v['mail-from'] !== undefined) envelope.mailFrom = v['mail-from'];
  const analyzerOverrides: Record<string, Record<string, unknown>> = {};
  if (v.model) analyzerOverrides['content-classifier'] = { model: v.model };
  let workers: number | undefined;
  if (v.workers !== undefined) {
    workers = Number(v.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, not '${v.workers}'`);
  }
  return { config, resolver, envelope, analyzerOverrides, workers };
}

/** Options of the commands that work on the gateway's store in its data directory. */
export const storeOptionSpec = {
  'data-dir': { type: 'string' },
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, not '${v}'`);
  return n;
}

/** Subjects and names are chosen by senders: keep their control characters away from the terminal. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

/** The command line of a store command: its own options besides `storeOptionSpec`, and positional arguments. */
export function parseStoreArgs<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  return parseArgs<{ args: string[]; allowPositionals: true; options: typeof storeOptionSpec & O }>({ args: argv, allowPositionals: true, options: { ...storeOptionSpec, ...options } });
}

/** `--json` prints the value; otherwise the text. */
export function jsonOrText(json: boolean | undefined): (v: unknown, text: () => string) => void {
  return (v, text) => process.stdout.write(json ? `${JSON.stringify(v, null, 2)}\n` : text());
}
