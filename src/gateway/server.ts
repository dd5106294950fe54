import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDnsFixture } from '../authenticate/resolver.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import type { ResolverSpec } from '../engine/resolver-spec.ts';
import type { ConsoleRecords, ConsoleServer } from '../api/console-server.ts';
import { ScanPool } from '../engine/worker-pool.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { MaildirTransport } from './delivery/maildir.ts';
import { RelayTransport } from './delivery/relay.ts';
import type { DeliveryTransport } from './delivery/transport.ts';
import { GatewayCore, type ProfileSink, type QuarantineSink, type Scanner, type VerdictReview } from './gateway.ts';
import { HealthServer } from './health.ts';
import { Housekeeping, type HousekeepingTasks } from './housekeeping.ts';
import { IpLimits } from './ip-limits.ts';
import { jsonLogger, type Logger } from './log.ts';
import { verifyPassword } from './passwords.ts';
import type { RuntimeSettings } from './runtime-settings.ts';
import { SettingError } from './runtime-settings.ts';
import { SmtpListener, type DataReply } from './smtp-listener.ts';
import { enqueueWith } from './outbound-queue.ts';
import { ReloadableScanner } from './reloadable-scanner.ts';
import type { RespondDeps, RespondService } from '../respond/service.ts';
import type { SimulationDeps, SimulationService } from '../simulations/service.ts';
import { loadTlsIdentity } from './tls-identity.ts';
import { checkRoleDeployment, planFor, type Role } from './roles.ts';
import { roleMetrics } from './role-metrics.ts';
import type { WorkQueue } from '../queue/work-queue.ts';

/** The other modules the gateway works with (the quarantine and profile stores by default). */
export interface GatewayStores {
  quarantine: QuarantineSink;
  profiles: ProfileSink;
  housekeeping?: HousekeepingTasks;
  /** Sender verification (src/verify): may change a verdict before it is carried out. */
  review?: VerdictReview;
  /** The concrete stores behind the sinks, for the console and API (absent: no console, /healthz only). */
  records?: ConsoleRecords;
}

export interface StoreContext {
  db: Db;
  dataDir: string;
  key: Buffer;
  cipher: MessageCipher;
  config: MedshieldConfig;
  logger?: Logger;
}

export interface StartOptions {
  config: MedshieldConfig;
  runtime: RuntimeSettings;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** A scanner instead of the worker pool (tests). */
  scanner?: Scanner & { close(): Promise<void> };
  /** Worker script for the pool (tests substitute a scripted one). */
  scanWorkerUrl?: URL;
  stores?: (ctx: StoreContext) => GatewayStores;
  pollIntervalMs?: number;
  /** How long shutdown waits for open SMTP sessions before answering them 421. */
  closeTimeoutMs?: number;
  /** The console and API on the HTTP port (default: when console.enabled and the stores are the real ones). */
  console?: boolean;
  /** The built web console (default dist/console); null: the API only. */
  consoleDir?: string | null;
  /** Options of the respond module (tests: mailbox access, alert retry timing). */
  respond?: Partial<Pick<RespondDeps, 'openMailbox' | 'alertRetryBaseMs' | 'alertPollMs'>>;
  /** Options of the simulations module (tests: a clock). */
  simulations?: Partial<Pick<SimulationDeps, 'now'>>;
  /** What this process does (docs/scaling.md); default `all`, the whole product. */
  role?: Role;
  /** The shared queue's stream name (installations sharing a NATS server; tests). */
  queueStream?: string;
}

export interface RunningGateway {
  core: GatewayCore;
  db: Db;
  ports: { smtp: number; submission: number | null; http: number };
  /** The console and API when they run (tests and the console fixture reach its stores here). */
  console: ConsoleServer | null;
  /** Monitor and respond (incidents, campaigns, reports, pull-back, alerts), unless respond.enabled is false. */
  respond: RespondService | null;
  /** Phishing simulations and training, unless simulations.enabled is false. */
  simulations: SimulationService | null;
  stop(): Promise<void>;
}

/**
 * Starts `medshield serve`: the store, the scan pool, recovery of what a previous run left,
 * the SMTP listeners (MX and submission), the delivery loop, /healthz and housekeeping.
 */
export async function startGateway(o: StartOptions): Promise<RunningGateway> {
  const { runtime } = o;
  let config = o.config;
  const g = config.gateway;
  const logger = o.logger ?? jsonLogger();
  const accepted = new Set((g.acceptedDomains.length ? g.acceptedDomains : config.org.domains).map((d) => d.toLowerCase()));
  if (accepted.size === 0) throw new SettingError('gateway.acceptedDomains: no domain to accept mail for (set org.domains or gateway.acceptedDomains)');

  mkdirSync(runtime.dataDir, { recursive: true, mode: 0o700 });
  const key = loadOrCreateKey(runtime.dataDir, o.env ?? process.env);
  const cipher = new MessageCipher(key);
  const dbPath = join(runtime.dataDir, 'medshield.db');
  const plan = planFor(o.role ?? 'all');
  const db = openDatabase(dbPath, o.env ?? process.env);
  const cleanups: (() => Promise<void> | void)[] = [() => void db.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    checkRoleDeployment(plan.role, { sharedStore: db.dialect === 'postgres', queueUrl: runtime.queueUrl ?? null });
    // Settings saved from the console (org, partners, thresholds, brand pack, retention, an
    // imported directory) lie over the file's, so the scanner starts with them.
    let consoleServer: ConsoleServer | null = null;
    if (plan.console && config.console.enabled && (o.console ?? !o.stores)) {
      const { ConsoleServer } = await import('../api/console-server.ts');
      consoleServer = new ConsoleServer({ db, dbPath, dataDir: runtime.dataDir, cipher, fileConfig: config, logger, consoleDir: o.consoleDir });
      config = consoleServer.config();
      if (!g.acceptedDomains.length && config.org.domains.length) {
        accepted.clear();
        for (const d of config.org.domains) accepted.add(d.toLowerCase());
      }
    }
    const stores = o.stores ? o.stores({ db, dataDir: runtime.dataDir, key, cipher, config, logger }) : (await import('./stores.ts')).openStores({ db, dataDir: runtime.dataDir, key, cipher, config, logger });

    let scanner = o.scanner;
    let reloadable: ReloadableScanner | null = null;
    if (!scanner && !plan.scans && !plan.jobs) {
      // An SMTP front or the API: messages are scanned by the scanner processes.
      scanner = { scan: () => Promise.reject(new Error(`this process does not scan (--role ${plan.role})`)), close: async () => {} };
    } else if (!scanner) {
      // The campaign-indicators analyzer reads contained campaigns' indicators from the store;
      // scan workers cannot reach PostgreSQL, so they read this process's local replica.
      let blocklistPath = dbPath;
      if (db.dialect === 'postgres') {
        const { BlocklistReplica } = await import('../respond/campaigns/blocklist-replica.ts');
        const replica = new BlocklistReplica(db, join(runtime.dataDir, 'blocklist-replica.db'));
        replica.refresh();
        const refresh = setInterval(() => {
          try {
            replica.refresh();
          } catch (err) {
            logger.warn('blocklist replica refresh failed; scanning with the previous list', { error: (err as Error).message });
          }
        }, 5000);
        refresh.unref();
        cleanups.push(() => {
          clearInterval(refresh);
          replica.close();
        });
        blocklistPath = replica.path;
      }
      // Likewise the provider directory, when no console process points the scanner at it.
      let directoryReplica: import('../directory/replica.ts').DirectoryReplica | null = null;
      if (db.dialect === 'postgres' && !config.directory.file) {
        const { DirectoryReplica } = await import('../directory/replica.ts');
        directoryReplica = new DirectoryReplica(db, join(runtime.dataDir, 'directory-replica.db'));
        if (directoryReplica.refresh()) config = { ...config, directory: { ...config.directory, file: directoryReplica.path } };
      }
      const analyzerOverrides = { 'campaign-indicators': { store: blocklistPath } };
      const size = plan.scans ? g.scanWorkers : 1;
      const makePool = (c: MedshieldConfig) => new ScanPool({ config: c, resolver: resolverSpec(c), size, workerUrl: o.scanWorkerUrl, analyzerOverrides });
      const pool = makePool(config);
      reloadable = new ReloadableScanner(pool, makePool);
      const r = reloadable;
      cleanups.push(() => r.close());
      await pool.ready();
      scanner = reloadable;
      if (directoryReplica) {
        const replica = directoryReplica;
        const watch = setInterval(() => {
          try {
            if (!replica.refresh()) return;
            config = { ...config, directory: { ...config.directory, file: replica.path } };
            void r.reload(config).catch((err: Error) => logger.error('scanner reload after a directory change failed', { error: err.message }));
          } catch (err) {
            logger.warn('directory replica refresh failed; scanning with the previous copy', { error: (err as Error).message });
          }
        }, 30_000);
        watch.unref();
        cleanups.push(() => clearInterval(watch));
      }
    } else {
      cleanups.push(() => scanner!.close());
    }

    const transport: DeliveryTransport = runtime.relay
      ? new RelayTransport({ ...runtime.relay, hostname: g.hostname, ...g.relay })
      : new MaildirTransport(join(runtime.dataDir, 'maildir'));
    cleanups.push(() => transport.close());

    let respond: RespondService | null = null;
    if (config.respond.enabled) {
      const [{ RespondService: Respond, registerRespondService }, { AuditLog }] = await Promise.all([import('../respond/service.ts'), import('../audit/audit-log.ts')]);
      const respondConfig = config;
      respond = new Respond({ db, cipher, key, config: () => respondConfig, audit: new AuditLog(db), logger, ...o.respond });
      registerRespondService(db, respond);
    }
    let simulations: SimulationService | null = null;
    if (config.simulations.enabled) {
      const [{ SimulationService: Simulations, registerSimulationService }, { AuditLog }] = await Promise.all([import('../simulations/service.ts'), import('../audit/audit-log.ts')]);
      const simulationConfig = config;
      simulations = new Simulations({ db, key, config: () => simulationConfig, audit: new AuditLog(db), logger, dbPath, quarantine: stores.records?.quarantine, ...o.simulations });
      registerSimulationService(db, simulations);
    }
    let queue: WorkQueue | undefined;
    if (runtime.queueUrl) {
      const { NatsWorkQueue } = await import('../queue/nats-queue.ts');
      queue = await NatsWorkQueue.connect({
        url: runtime.queueUrl,
        stream: o.queueStream ?? (o.env ?? process.env).MEDSHIELD_QUEUE_STREAM,
        ackWaitMs: Number((o.env ?? process.env).MEDSHIELD_QUEUE_ACK_WAIT_MS) || undefined,
        onRetry: (spoolId, attempt, retryInMs, err) => logger.error('processing failed; retrying', { spoolId, attempt, retryInMs, error: err.message }),
        onError: (err) => logger.error('queue consumer stopped', { error: err.message }),
      });
    }
    const core = new GatewayCore({
      config,
      dataDir: runtime.dataDir,
      db,
      cipher,
      scanner,
      quarantine: stores.quarantine,
      profiles: stores.profiles,
      transport,
      logger,
      pollIntervalMs: o.pollIntervalMs ?? (plan.role === 'delivery' ? 250 : undefined),
      review: stores.review,
      observer: respond?.observer,
      simulations: simulations?.gate,
      queue,
      scans: plan.scans,
      scanConcurrency: (g.scanWorkers ?? 2) * 2,
    });
    core.recover({ deliver: plan.delivers });
    if (queue && plan.scans) {
      // Undecided messages whose publish was lost are published again; claims make that safe.
      const sweep = setInterval(() => void core.republishStale().catch((err: Error) => logger.warn('republishing undecided messages failed', { error: err.message })), 30_000);
      sweep.unref();
      cleanups.push(() => clearInterval(sweep));
    }
    // Background jobs (housekeeping, digests, respond, verification escalations, simulations)
    // run in one process of the installation: see leadJobs below.
    const jobs: (() => void)[] = [];
    if (respond) {
      const r = respond;
      const scan = scanner;
      r.attachGateway({ enqueue: (m) => enqueueWith(core.journal, core.spool, m), kick: () => core.deliveries.kick(), scan: (raw, envelope) => scan.scan(raw, envelope) });
      jobs.push(() => {
        r.start();
        cleanups.push(() => r.stop());
      });
    }
    if (stores.review) {
      const review = stores.review;
      jobs.push(() => {
        review.start?.({ enqueue: (m) => enqueueWith(core.journal, core.spool, m), kick: () => core.deliveries.kick() });
        cleanups.push(() => review.stop?.());
      });
    }
    cleanups.push(async () => {
      await core.deliveries.stop();
    });
    cleanups.push(() => Promise.race([core.settled(), delay(o.closeTimeoutMs ?? 10_000)]));
    cleanups.push(() => core.stop());
    if (simulations) {
      // Simulation mail enters through the submission path, as an authenticated sender's would.
      const sim = simulations;
      sim.attachGateway({
        submit: async (m) => {
          const r = await core.receive({ raw: m.raw, clientIp: '127.0.0.1', helo: g.hostname, mailFrom: m.mailFrom, rcptTo: m.rcptTo, authUser: 'medshield:simulations', tls: true, listener: 'submission' });
          return { ...r, spoolId: /Queued as ([^;\s]+)/.exec(r.message)?.[1] ?? null };
        },
        deliveryOf: (spoolId, recipient) => {
          const d = core.journal.deliveriesOf(spoolId).find((x) => x.recipient === recipient.toLowerCase());
          if (!d) return null;
          return d.state === 'delivered' ? 'delivered' : d.state === 'bounced' || d.state === 'cancelled' ? 'bounced' : 'pending';
        },
        enqueue: (m) => enqueueWith(core.journal, core.spool, m),
        kick: () => core.deliveries.kick(),
      });
      jobs.push(() => {
        sim.start();
        cleanups.push(() => sim.stop());
      });
    }

    const tls = await loadTlsIdentity({ cert: g.tls.cert, key: g.tls.key, dataDir: runtime.dataDir, hostname: g.hostname });
    const ipLimits = new IpLimits(g.limits.maxConnectionsPerIp, g.limits.messagesPerMinutePerIp);
    const sweep = setInterval(() => ipLimits.sweep(), 60_000);
    sweep.unref();
    cleanups.push(() => clearInterval(sweep));
    const common = {
      hostname: g.hostname,
      host: g.listenHost,
      tls,
      maxMessageBytes: g.maxMessageBytes,
      maxRecipients: g.maxRecipients,
      maxConnections: g.limits.maxConnections,
      socketTimeoutMs: g.limits.socketTimeoutMs,
      rejectBareLf: g.rejectBareLf,
      closeTimeoutMs: o.closeTimeoutMs ?? 10_000,
      ipLimits,
      logger,
      receive: (m: Parameters<GatewayCore['receive']>[0]) => core.receive(m),
    };
    const recipients = new Set(g.acceptedRecipients);
    const mx = new SmtpListener({
      ...common,
      kind: 'mx',
      port: runtime.smtpPort,
      checkRecipient: (address): DataReply | null => {
        const a = address.toLowerCase();
        if (!accepted.has(a.split('@').pop() ?? '')) return { code: 550, message: '5.7.1 Relaying denied: we do not accept mail for that domain' };
        if (recipients.size && !recipients.has(a)) return { code: 550, message: '5.1.1 No such recipient here' };
        return null;
      },
    });
    const ports = { smtp: 0, submission: null as number | null, http: 0 };
    if (plan.listens) {
      ports.smtp = await mx.listen();
      cleanups.push(() => mx.close());
    }

    if (plan.listens && runtime.submissionPort !== null) {
      const users = new Map(g.submission.users.map((u) => [u.username.toLowerCase(), u]));
      const submission = new SmtpListener({
        ...common,
        kind: 'submission',
        port: runtime.submissionPort,
        authenticate: async (username, password) => {
          const user = users.get(username.toLowerCase());
          // Unknown users cost a hash too, so response time does not reveal who exists.
          if (!user) {
            await verifyPassword(password, DUMMY_HASH);
            return false;
          }
          return verifyPassword(password, user.passwordHash);
        },
        checkSender: (username, address) => {
          const user = users.get(username.toLowerCase());
          if (!user) return false;
          const a = address.toLowerCase();
          if (user.senders.length) return user.senders.includes(a);
          if (user.username.includes('@')) return a === user.username.toLowerCase();
          return config.org.domains.includes(a.split('@').pop() ?? '');
        },
      });
      ports.submission = await submission.listen();
      cleanups.push(() => submission.close());
    }

    const status = () => ({ role: plan.role, ports, queue: core.journal.stats(), delivery: transport.name });
    if (consoleServer) {
      if (!stores.records) throw new Error('the console needs the gateway’s quarantine, audit and profile stores (GatewayStores.records)');
      const cs = consoleServer;
      cleanups.push(() => cs.close());
      ports.http = await cs.start({
        records: stores.records,
        gateway: { journal: core.journal, enqueue: (m) => enqueueWith(core.journal, core.spool, m), kick: () => core.deliveries.kick(), status },
        events: core,
        reload: reloadable ? (c) => reloadable!.reload(c).then(() => true) : undefined,
        port: runtime.httpPort,
        host: g.listenHost,
      });
      const host = g.listenHost === '0.0.0.0' || g.listenHost === '::' ? g.hostname : g.listenHost;
      simulations?.setFallbackBaseUrl(`http://${host.includes(':') ? `[${host}]` : host}:${ports.http}`);
    } else {
      const metrics = roleMetrics(core, { role: plan.role, queueDepth: () => core.queue.depth(), journalStats: () => core.journal.stats() });
      const health = new HealthServer({
        status,
        ready: async () => {
          const checks: Record<string, string> = {};
          try {
            db.prepare('SELECT 1').get();
            checks.store = 'ok';
          } catch (err) {
            checks.store = (err as Error).message;
          }
          checks.queue = core.queue.ready() ? 'ok' : 'not connected';
          return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
        },
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
      });
      ports.http = await health.listen(runtime.httpPort, g.listenHost);
      cleanups.push(() => health.close());
    }

    jobs.push(() => {
      const housekeeping = new Housekeeping({ core, purgeIntervalMs: g.housekeeping.purgeIntervalMs, tasks: stores.housekeeping, logger });
      housekeeping.start();
      cleanups.push(() => housekeeping.stop());
    });
    if (plan.jobs) {
      // With a shared store, several processes may be able to run the jobs; one does (a digest
      // must not go out twice). Leadership is a PostgreSQL session lock: when the leader dies,
      // its session ends and another process takes over at its next try.
      const lead = () => {
        if (!tryLeadJobs(db)) return false;
        logger.info('running the background jobs in this process', { role: plan.role });
        for (const start of jobs) start();
        return true;
      };
      if (!lead()) {
        const retry = setInterval(() => {
          try {
            if (lead()) clearInterval(retry);
          } catch (err) {
            logger.warn('could not check background-job leadership', { error: (err as Error).message });
          }
        }, 15_000);
        retry.unref();
        cleanups.push(() => clearInterval(retry));
      }
    }

    logger.info('medshield gateway started', {
      role: plan.role,
      store: db.dialect,
      queue: core.queue.kind,
      smtpPort: ports.smtp,
      submissionPort: ports.submission,
      httpPort: ports.http,
      dataDir: runtime.dataDir,
      delivery: runtime.relay ? `relay ${runtime.relay.host}:${runtime.relay.port}` : `maildir ${join(runtime.dataDir, 'maildir')}`,
      acceptedDomains: [...accepted],
      tls: tls.source,
    });

    let stopping: Promise<void> | null = null;
    return {
      core,
      db,
      ports,
      console: consoleServer,
      respond,
      simulations,
      // Cleanups run newest first: housekeeping, HTTP, listeners (no new mail), then messages
      // in progress, deliveries, transport, scanner, store. Accepted mail is journalled either way.
      stop: () =>
        (stopping ??= (async () => {
          logger.info('medshield gateway stopping');
          await cleanup();
          logger.info('medshield gateway stopped');
        })()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Background-job leadership: always this process on SQLite; one session-lock holder on PostgreSQL. */
function tryLeadJobs(db: Db): boolean {
  if (db.dialect !== 'postgres') return true;
  // Named after the schema: installations (and test stores) sharing a database lead separately.
  return !!db.prepare("SELECT pg_try_advisory_lock(hashtextextended('medshield-jobs:' || current_schema(), 0)) AS held").pluck().get();
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function resolverSpec(config: MedshieldConfig): ResolverSpec {
  const d = config.gateway.dns;
  if (d.mode === 'offline') return { kind: 'offline' };
  if (d.mode === 'fixture') return { kind: 'fixture', records: loadDnsFixture(d.fixture!) };
  return { kind: 'system', timeoutMs: config.authentication.timeoutMs };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
