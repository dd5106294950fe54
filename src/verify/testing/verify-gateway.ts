import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../../audit/audit-log.ts';
import { validateConfig } from '../../config/load.ts';
import type { MedshieldConfig } from '../../config/schema.ts';
import { silentLogger, type Logger } from '../../gateway/log.ts';
import { hashPassword } from '../../gateway/passwords.ts';
import { startGateway, type RunningGateway } from '../../gateway/server.ts';
import { readMaildir } from '../../gateway/testing/harness.ts';
import { SenderProfileStore } from '../../profiles/sender-profiles.ts';
import { QuarantineStore } from '../../quarantine/quarantine-store.ts';
import { VerifyReview } from '../gateway-review.ts';
import type { IncidentSink } from '../incident-sink.ts';
import { respondIncidents } from '../respond-incidents.ts';

export const DEMO_DIRECTORY = fileURLToPath(new URL('../../../fixtures/demo-org/directory.yaml', import.meta.url));
export const STAFF = { user: 'him@stmarys-health.org', pass: 'a long staff passphrase for tests' };
const TEST_KEY = Buffer.alloc(32, 9).toString('base64');

export interface VerifyGateway {
  gw: RunningGateway;
  config: MedshieldConfig;
  verify: VerifyReview;
  quarantine: QuarantineStore;
  audit: AuditLog;
  dataDir: string;
  maildir(recipient: string): Buffer[];
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real gateway on loopback (random ports, a temp data dir) with the real scanner, the
 * demo organisation's provider directory, the production quarantine, audit and profile
 * stores, and sender verification; Maildir delivery, so "delivered" means a file in the
 * recipient's Maildir, external recipients included.
 */
export async function startVerifyGateway(o: { verify?: Record<string, unknown>; incidents?: IncidentSink | null; org?: Record<string, unknown>; logger?: Logger } = {}): Promise<VerifyGateway> {
  const logger = o.logger ?? silentLogger;
  const dataDir = mkdtempSync(join(tmpdir(), 'medshield-verify-'));
  const config = validateConfig({
    org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'], partners: [{ name: 'Lakeside Cardiology', domains: ['lakesidecardio.com'] }], ...o.org },
    directory: { file: DEMO_DIRECTORY },
    analyzers: { 'clinician-photo': { enabled: false }, 'image-text': { enabled: false } },
    gateway: {
      listenHost: '127.0.0.1',
      hostname: 'mx.test.local',
      scanWorkers: 1,
      dns: { mode: 'offline' },
      submission: { users: [{ username: STAFF.user, passwordHash: await hashPassword(STAFF.pass) }] },
    },
    verify: { reading: { workers: 1 }, ...o.verify },
  });
  let review: VerifyReview | null = null;
  let stores: { quarantine: QuarantineStore; audit: AuditLog } | null = null;
  const gw = await startGateway({
    config,
    runtime: { dataDir, smtpPort: 0, submissionPort: 0, httpPort: 0, relay: null },
    env: { MEDSHIELD_KEY: TEST_KEY },
    logger,
    console: false,
    stores: (ctx) => {
      const audit = new AuditLog(ctx.db);
      const quarantine = new QuarantineStore({ db: ctx.db, dir: join(ctx.dataDir, 'quarantine'), cipher: ctx.cipher, audit });
      const profiles = new SenderProfileStore(ctx.db);
      review = new VerifyReview({ db: ctx.db, cipher: ctx.cipher, config: ctx.config, audit, quarantine, profiles, incidents: o.incidents === undefined ? respondIncidents(ctx.db) : o.incidents, logger, housekeepingMs: 3600_000 });
      stores = { quarantine, audit };
      return { quarantine, profiles, review };
    },
    pollIntervalMs: 50,
    closeTimeoutMs: 500,
  });
  const drain = async () => {
    for (;;) {
      await gw.core.settled();
      await gw.core.deliveries.idle();
      const s = gw.core.journal.stats();
      if (s.undecided === 0 && gw.core.journal.dueDeliveries(Date.now(), 1).length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    gw,
    config,
    verify: review!,
    quarantine: stores!.quarantine,
    audit: stores!.audit,
    dataDir,
    maildir: (r) => readMaildir(join(dataDir, 'maildir', r.toLowerCase())),
    drain,
    stop: async () => {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
