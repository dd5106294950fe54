import type { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DirectoryReplica } from '../directory/replica.ts';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import type { MessageCipher } from '../crypto/message-cipher.ts';
import type { Logger } from '../gateway/log.ts';
import { SettingError } from '../gateway/runtime-settings.ts';
import type { SenderProfileStore } from '../profiles/sender-profiles.ts';
import type { QuarantineStore } from '../quarantine/quarantine-store.ts';
import type { Db } from '../store/database.ts';
import { SessionStore } from '../users/session-store.ts';
import { TokenStore } from '../users/token-store.ts';
import { UserStore } from '../users/user-store.ts';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './bootstrap.ts';
import type { ApiContext, GatewayLink } from './context.ts';
import { DirectoryAccess } from './directory-access.ts';
import { FeedbackStore } from './feedback-store.ts';
import { LiveFeed } from './live-feed.ts';
import { MessageIndex } from './message-index.ts';
import { SettingsStore } from './settings-store.ts';

/** Where `npm run build` of the console puts it (console/ → dist/console/). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console', import.meta.url));

/** The stores the gateway opened that the console reads and acts through (never duplicates). */
export interface ConsoleRecords {
  quarantine: QuarantineStore;
  audit: AuditLog;
  profiles: SenderProfileStore;
}

export interface ConsoleServerOptions {
  db: Db;
  /** The store's file: the scanner reads a directory imported from the console there. */
  dbPath: string;
  dataDir: string;
  cipher: MessageCipher;
  /** The configuration file's content (paths resolved); the console's saved settings lie over it. */
  fileConfig: MedshieldConfig;
  logger: Logger;
  /** The built console; default dist/console. Served when it holds an index.html. */
  consoleDir?: string | null;
}

export interface ConsoleStartOptions {
  records: ConsoleRecords;
  gateway: GatewayLink | null;
  /** The gateway core: its 'disposed' event brings each verdict to the index and live feed at once. */
  events?: EventEmitter;
  /** Restarts the scanner with new settings; resolves true once new mail is scanned with them. */
  reload?: (config: MedshieldConfig) => Promise<boolean>;
  port: number;
  host: string;
}

/** The index also catches up on this beat (messages recovered at start, a missed event). */
const CATCH_UP_MS = 5_000;
const HOUSEKEEPING_MS = 3600_000;

/**
 * The console and API in the gateway's process, in two steps. Constructed before the
 * scanner starts, it reads the settings saved from the console so the gateway starts with
 * them (`config()`); `start()` then opens the API over the gateway's own stores and
 * listens on the HTTP port (which also answers /healthz).
 */
export class ConsoleServer {
  readonly settings: SettingsStore;
  readonly directory: DirectoryAccess;
  private app: FastifyInstance | null = null;
  private ctx: ApiContext | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private detach: (() => void) | null = null;

  constructor(private readonly o: ConsoleServerOptions) {
    this.directory = new DirectoryAccess(o.db, o.dbPath, () => o.fileConfig, o.dataDir);
    // The scan workers read an imported directory as a file: the SQLite store itself, or with
    // PostgreSQL (which they cannot reach) a copy exported whenever the directory changes.
    const replica = o.db.dialect === 'postgres' ? new DirectoryReplica(o.db, join(o.dataDir, 'directory-replica.db')) : null;
    const derived = (): { directoryFile?: string } => {
      if (!this.directory.storeHasDirectory()) return {};
      if (!replica) return { directoryFile: o.dbPath };
      replica.refresh();
      return { directoryFile: replica.path };
    };
    this.settings = new SettingsStore(o.db, o.fileConfig, o.dataDir, derived);
    if (this.settings.invalidStored) {
      o.logger.warn('settings saved from the console no longer validate; the configuration file’s values are in force', { error: this.settings.invalidStored });
    }
  }

  /** The configuration in force: the file with the console's saved settings over it. */
  config(): MedshieldConfig {
    return this.settings.config();
  }

  /** The HTTP application once started (the authorization matrix test reads its route table). */
  get http(): FastifyInstance {
    if (!this.app) throw new Error('the console is not started');
    return this.app;
  }

  /** The API context once started (tests and the fixture reach the stores through it). */
  get context(): ApiContext {
    if (!this.ctx) throw new Error('the console is not started');
    return this.ctx;
  }

  async start(s: ConsoleStartOptions): Promise<number> {
    const { o } = this;
    const fileCfg = o.fileConfig.console;
    const tls = readTls(fileCfg.tls);
    const users = new UserStore(o.db, o.cipher, { maxFailures: fileCfg.login.maxFailures, lockoutMinutes: fileCfg.login.lockoutMinutes });
    const index = new MessageIndex(o.db, o.cipher, s.gateway?.journal ?? null);
    const ctx: ApiContext = {
      db: o.db,
      dataDir: o.dataDir,
      cipher: o.cipher,
      config: () => this.settings.config(),
      quarantine: s.records.quarantine,
      audit: s.records.audit,
      profiles: s.records.profiles,
      users,
      sessions: new SessionStore(o.db, fileCfg.session),
      tokens: new TokenStore(o.db),
      index,
      feedback: new FeedbackStore(o.db, s.records.profiles, o.cipher),
      feed: new LiveFeed(),
      settings: this.settings,
      directory: this.directory,
      gateway: s.gateway,
      logger: o.logger,
      consoleDir: consoleDirIn(o.consoleDir === undefined ? DEFAULT_CONSOLE_DIR : o.consoleDir),
    };
    this.ctx = ctx;
    if (s.reload) this.settings.onApply(s.reload);

    await ensureFirstAdmin(users, o.dataDir, o.logger);
    // The journal first (it has the full verdict); the quarantine then fills in what the journal no longer holds.
    this.catchUp();
    index.backfillFromQuarantine(s.records.quarantine);
    if (s.events) {
      const onDisposed = () => this.catchUp();
      s.events.on('disposed', onDisposed);
      this.detach = () => s.events!.off('disposed', onDisposed);
    }
    this.every(CATCH_UP_MS, () => this.catchUp());
    this.every(HOUSEKEEPING_MS, () => this.housekeeping());

    const app = await buildApp(ctx, { https: tls ?? undefined, reloadable: () => !!s.reload });
    this.app = app;
    try {
      await app.listen({ port: s.port, host: s.host });
    } catch (err) {
      throw new Error(`cannot listen on ${s.host}:${s.port} (http): ${(err as Error).message}`);
    }
    const port = (app.server.address() as AddressInfo).port;
    o.logger.info('console and API listening', { port, tls: !!tls, console: ctx.consoleDir ? 'built' : 'not built (API only)' });
    return port;
  }

  /** Indexes verdicts the gateway reached since the last call and tells the live feed. */
  catchUp(): void {
    if (!this.ctx) return;
    try {
      const added = this.ctx.index.catchUp();
      if (added.length) this.ctx.feed.publish(added);
    } catch (err) {
      this.o.logger.error('console index catch-up failed', { error: (err as Error).message });
    }
  }

  private housekeeping(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const c = ctx.config();
      const pruned = ctx.index.prune(Date.now(), c.quarantine.retentionDays, c.console.historyDays);
      const sessions = ctx.sessions.sweep();
      const samples = ctx.feedback.pruneSamples(Date.now(), c.console.trainingSampleDays);
      if (pruned.removed || pruned.sealedDropped || sessions || samples) this.o.logger.info('console housekeeping', { ...pruned, sessionsEnded: sessions, trainingSamplesDropped: samples });
    } catch (err) {
      this.o.logger.error('console housekeeping failed', { error: (err as Error).message });
    }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.detach?.();
    this.detach = null;
    await this.app?.close();
    this.app = null;
  }
}

function consoleDirIn(dir: string | null): string | null {
  return dir && existsSync(`${dir}/index.html`) ? dir : null;
}

function readTls(t: { cert?: string; key?: string }): { cert: Buffer; key: Buffer } | null {
  if (!t.cert || !t.key) return null;
  try {
    return { cert: readFileSync(t.cert), key: readFileSync(t.key) };
  } catch (err) {
    throw new SettingError(`console.tls: ${(err as Error).message}`);
  }
}
