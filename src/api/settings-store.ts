import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, validateConfig } from '../config/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { writeFileDurably } from '../gateway/durable-file.ts';
import { brandPackSchema } from '../brands/load.ts';
import { migrate, type Db } from '../store/database.ts';
import { CONSOLE_SCHEMA } from './console-schema.ts';
import { formatIssues } from '../config/load.ts';

/**
 * Settings changed from the console: organisation and partner domains, policy thresholds,
 * quarantine retention, the exposure assumptions and the brand pack. The configuration
 * file stays as the operator wrote it; the console's changes are kept in the store as
 * overrides (every version, with who saved it) and laid over the file at start and on save.
 * Every save is validated as a whole configuration, so an error names the key.
 */
export interface SettingsOverrides {
  org?: { name: string; domains: string[]; partners: { name: string; domains: string[] }[] };
  policy?: { thresholds: { tag: number; quarantine: number; reject: number } };
  quarantine?: { retentionDays: number };
  exposure?: { recordsPerRecipient: number; costPerRecordLow: number; costPerRecordHigh: number };
  /** Path of a brand pack saved from the console. */
  brandsFile?: string;
}

export class SettingsError extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface SavedSettings {
  overrides: SettingsOverrides;
  at: Date | null;
  actor: string | null;
}

/** Lays overrides over a configuration; validated like a configuration file. */
export function applyOverrides(base: MedshieldConfig, o: SettingsOverrides, derived: { directoryFile?: string } = {}): MedshieldConfig {
  const input = {
    ...base,
    org: o.org ? { ...base.org, ...o.org } : base.org,
    policy: o.policy ? { ...base.policy, thresholds: o.policy.thresholds } : base.policy,
    quarantine: o.quarantine ? { ...base.quarantine, retentionDays: o.quarantine.retentionDays } : base.quarantine,
    console: o.exposure ? { ...base.console, exposure: { ...base.console.exposure, ...o.exposure } } : base.console,
    brands: o.brandsFile ? { ...base.brands, file: o.brandsFile } : base.brands,
    directory: !base.directory.file && derived.directoryFile ? { ...base.directory, file: derived.directoryFile } : base.directory,
  };
  return validateConfig(input, 'settings');
}

export class SettingsStore {
  private applyHook: ((config: MedshieldConfig) => Promise<boolean>) | null = null;
  private current: MedshieldConfig;

  constructor(
    private readonly db: Db,
    /** The configuration file's content (paths already resolved). */
    readonly fileConfig: MedshieldConfig,
    private readonly dataDir: string,
    private readonly derived: () => { directoryFile?: string } = () => ({}),
  ) {
    migrate(db, CONSOLE_SCHEMA);
    this.current = this.compute(this.saved().overrides);
  }

  /** The running scanner's reload (set by the server); resolves true when new scans use the new configuration. */
  onApply(hook: (config: MedshieldConfig) => Promise<boolean>): void {
    this.applyHook = hook;
  }

  config(): MedshieldConfig {
    return this.current;
  }

  /** Overrides that no longer validate (after an upgrade, say) are ignored with the file's values in force; the error is returned for the log. */
  private compute(o: SettingsOverrides): MedshieldConfig {
    try {
      return applyOverrides(this.fileConfig, o, this.derived());
    } catch (err) {
      this.invalidStored = (err as Error).message;
      return applyOverrides(this.fileConfig, {}, this.derived());
    }
  }

  invalidStored: string | null = null;

  saved(): SavedSettings {
    const r = this.db.prepare('SELECT at, actor, overrides FROM console_settings ORDER BY id DESC LIMIT 1').get() as { at: number; actor: string; overrides: string } | undefined;
    return r ? { overrides: JSON.parse(r.overrides) as SettingsOverrides, at: new Date(r.at), actor: r.actor } : { overrides: {}, at: null, actor: null };
  }

  /** Recomputes after something the derived settings depend on changed (a directory import). */
  async refresh(): Promise<boolean> {
    this.current = this.compute(this.saved().overrides);
    return this.apply(this.current);
  }

  /** Why the scanner could not take the last change at once (it then takes it at the next start). */
  lastApplyError: string | null = null;

  private async apply(config: MedshieldConfig): Promise<boolean> {
    if (!this.applyHook) return false;
    try {
      const ok = await this.applyHook(config);
      this.lastApplyError = null;
      return ok;
    } catch (err) {
      // Saved either way: the running scanner keeps the previous settings until a restart.
      this.lastApplyError = (err as Error).message;
      return false;
    }
  }

  /**
   * Validates and saves a change; returns the new configuration and whether the scanner
   * took it at once. `brandPackJson`: a replacement brand pack, or null to return to the file's.
   */
  async save(change: SettingsOverrides & { brandPackJson?: string | null }, actor: string): Promise<{ config: MedshieldConfig; before: SettingsOverrides; after: SettingsOverrides; reloaded: boolean }> {
    const before = this.saved().overrides;
    const { brandPackJson, ...rest } = change;
    const after: SettingsOverrides = { ...before, ...rest };
    let packText: string | null = null;
    if (brandPackJson === null) delete after.brandsFile;
    else if (brandPackJson !== undefined) {
      let data: unknown;
      try {
        data = JSON.parse(brandPackJson);
      } catch (err) {
        throw new SettingsError('the brand pack is not valid JSON', [`brandPack: ${(err as Error).message}`]);
      }
      const r = brandPackSchema.safeParse(data);
      if (!r.success) throw new SettingsError('the brand pack is invalid', formatIssues('brandPack', r.error).split('\n'));
      packText = JSON.stringify(r.data, null, 2);
      after.brandsFile = join(this.dataDir, 'console', 'brands.json');
    }
    let config: MedshieldConfig;
    try {
      config = applyOverrides(this.fileConfig, after, this.derived());
    } catch (err) {
      if (err instanceof ConfigError) {
        const lines = err.message.split('\n').slice(1);
        throw new SettingsError('the settings are invalid', lines.length ? lines : [err.message]);
      }
      throw err;
    }
    if (packText !== null) {
      mkdirSync(join(this.dataDir, 'console'), { recursive: true, mode: 0o700 });
      writeFileDurably(join(this.dataDir, 'console'), 'brands.json', Buffer.from(packText, 'utf8'));
    }
    this.db.prepare('INSERT INTO console_settings (at, actor, overrides) VALUES (?, ?, ?)').run(Date.now(), actor, JSON.stringify(after));
    this.current = config;
    this.invalidStored = null;
    const reloaded = await this.apply(config);
    return { config, before, after, reloaded };
  }
}
