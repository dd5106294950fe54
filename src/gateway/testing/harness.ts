import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../config/load.ts';
import type { MedshieldConfig } from '../../config/schema.ts';
import { silentLogger, type Logger } from '../log.ts';
import { startGateway, type GatewayStores, type RunningGateway } from '../server.ts';
import { MemoryProfiles, MemoryQuarantine } from './memory-stores.ts';

export const SCRIPTED_WORKER = new URL('./scripted-scan-worker.mjs', import.meta.url);
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestGateway {
  gw: RunningGateway;
  dataDir: string;
  config: MedshieldConfig;
  quarantine: MemoryQuarantine;
  profiles: MemoryProfiles;
  /** Delivered files of a recipient's Maildir (new/), oldest first. */
  maildir(recipient: string): Buffer[];
  /** Waits until no message is being scanned and no delivery is due now. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** A gateway on loopback with random ports, a temp data dir and in-memory stores. */
export async function startTestGateway(
  o: { config?: Record<string, unknown>; relay?: { host: string; port: number }; scanWorkerUrl?: URL | null; logger?: Logger; dataDir?: string; stores?: GatewayStores } = {},
): Promise<TestGateway> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'medshield-gw-'));
  const base = { org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'] } };
  const given = o.config ?? {};
  const config = validateConfig({
    ...base,
    ...given,
    gateway: {
      listenHost: '127.0.0.1',
      hostname: 'mx.test.local',
      scanWorkers: 2,
      dns: { mode: 'offline' },
      ...(given.gateway as object | undefined),
    },
  });
  const quarantine = new MemoryQuarantine();
  const profiles = new MemoryProfiles();
  const gw = await startGateway({
    config,
    runtime: { dataDir, smtpPort: 0, submissionPort: 0, httpPort: 0, relay: o.relay ?? null },
    env: { MEDSHIELD_KEY: TEST_KEY },
    logger: o.logger ?? silentLogger,
    scanWorkerUrl: o.scanWorkerUrl === null ? undefined : (o.scanWorkerUrl ?? SCRIPTED_WORKER),
    stores: () => o.stores ?? { quarantine, profiles },
    pollIntervalMs: 50,
    closeTimeoutMs: 500,
  });
  return {
    gw,
    dataDir,
    config,
    quarantine,
    profiles,
    maildir: (recipient) => readMaildir(join(dataDir, 'maildir', recipient.toLowerCase())),
    drain: async () => {
      for (;;) {
        await gw.core.settled();
        await gw.core.deliveries.idle();
        const s = gw.core.journal.stats();
        const due = gw.core.journal.dueDeliveries(Date.now(), 1).length;
        if (s.undecided === 0 && due === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      await gw.stop();
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function readMaildir(box: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(join(box, 'new'));
  } catch {
    return [];
  }
  return names.sort(byMaildirOrder).map((n) => readFileSync(join(box, 'new', n)));
}

/** Maildir names start with the arrival second, then M<seq>: order by both numerically. */
function byMaildirOrder(a: string, b: string): number {
  const key = (n: string) => (/^(\d+)\.M(\d+)_/.exec(n) ?? []).slice(1).map(Number);
  const [ta = 0, sa = 0] = key(a);
  const [tb = 0, sb = 0] = key(b);
  return ta - tb || sa - sb;
}

let counter = 0;
/** A plain message with a unique Message-ID and the given subject. */
export function testMail(o: { subject: string; from?: string; to?: string; body?: string; headers?: string[] }): Buffer {
  counter++;
  return Buffer.from(
    [
      `From: ${o.from ?? 'Lab Results <results@lakeside-lab.example>'}`,
      `To: ${o.to ?? 'nurse.kim@stmarys-health.org'}`,
      `Subject: ${o.subject}`,
      `Message-ID: <t${counter}.${process.pid}.${Date.now()}@lakeside-lab.example>`,
      'Date: Tue, 03 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      ...(o.headers ?? []),
      '',
      o.body ?? 'The results for your request are ready in the portal.',
      '',
    ].join('\r\n'),
  );
}
