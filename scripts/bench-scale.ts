/**
 * Scale-out benchmark: scanner throughput with 1 and 2 scanner processes on PostgreSQL and
 * NATS JetStream, in the same run, for the capacity model in docs/scaling.md.
 *
 *   npm run bench:scale [-- --messages N] [--scanners 1,2] [--corpora DIR] [--json]
 *
 * For each scanner count: an SMTP front (--role smtp) accepts N messages while no scanner
 * runs, so the queue holds them all; then the scanners (--role scanner, one scan worker
 * thread each, the real engine) start and drain it while a delivery process (--role delivery)
 * relays to a sink on loopback. Reported: SMTP accept rate, scanner drain rate (messages/s),
 * CPU seconds the scanner processes spent per message (→ messages/s per scanner core), and
 * store writes per message (PostgreSQL commits and rows written, from pg_stat_database).
 * Needs PostgreSQL (MEDSHIELD_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and NATS (MEDSHIELD_BENCH_NATS_URL, default nats://127.0.0.1:4222).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sendMessage } from '../src/gateway/send-client.ts';
import { SplitDeployment } from '../src/gateway/testing/split-deployment.ts';
import type { Db } from '../src/store/database.ts';
import { readMail, sampleMail } from './lib/corpus-mail.ts';

const { values } = parseArgs({
  options: {
    corpora: { type: 'string', default: resolve(import.meta.dirname, '../../shared/corpora') },
    messages: { type: 'string', default: '1000' },
    scanners: { type: 'string', default: '1,2' },
    connections: { type: 'string', default: '8' },
    json: { type: 'boolean' },
  },
});
const total = Number(values.messages);
const counts = values.scanners!.split(',').map(Number);
const PG_URL = process.env.MEDSHIELD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.MEDSHIELD_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const CLK_TCK = 100;

const { source, files } = sampleMail(values.corpora!, total);
const mails = readMail(files);

/** CPU seconds (user + system) a process and its threads used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function storeWrites(db: Db): { commits: number; rows: number } {
  const r = db.prepare("SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows FROM pg_stat_database WHERE datname = current_database()").get() as { commits: number; rows: number };
  return { commits: Number(r.commits), rows: Number(r.rows) };
}

async function run(scanners: number): Promise<Record<string, number>> {
  const deployment = await SplitDeployment.create({ pgUrl: PG_URL, natsUrl: NATS_URL, scanner: 'real' });
  const admin = deployment.admin;
  const start = (role: string) => deployment.start(role);
  try {
    const [front, delivery] = await Promise.all([start('smtp'), start('delivery')]);
    const queue = mails.slice(0, total).map((raw, i) => ({ raw, i }));
    while (queue.length < total) queue.push({ raw: mails[queue.length % mails.length]!, i: queue.length });
    const w0 = storeWrites(admin);
    const frontCpu0 = cpuSeconds(front!.proc.pid!);
    const t0 = performance.now();
    let refused = 0;
    await Promise.all(
      Array.from({ length: Number(values.connections) }, async () => {
        for (let m = queue.shift(); m; m = queue.shift()) {
          const r = await sendMessage(front!.ports.smtp, { from: 'bench@partner.example', to: [`staff${m.i % 50}@stmarys-health.org`], raw: m.raw });
          if (r.code !== 250) refused++;
        }
      }),
    );
    const acceptSeconds = (performance.now() - t0) / 1000;
    const frontCpu = cpuSeconds(front!.proc.pid!) - frontCpu0;
    const w1 = storeWrites(admin);
    const accepted = total - refused;

    const scannerProcs = await Promise.all(Array.from({ length: scanners }, () => start('scanner')));
    const cpu = () => scannerProcs.reduce((s, p) => s + cpuSeconds(p.proc.pid!), 0);
    const undecided = admin.prepare("SELECT COUNT(*) FROM gateway_messages WHERE state = 'received'").pluck();
    // Measured from the moment a tenth is decided: the engine's one-off start (models, OCR
    // data, first JIT) is not a per-message cost.
    const warm = Math.floor(accepted * 0.9);
    while ((undecided.get() as number) > warm) await new Promise((r) => setTimeout(r, 20));
    const left = undecided.get() as number;
    const cpu0 = cpu();
    const deliveryCpu0 = cpuSeconds(delivery!.proc.pid!);
    const wWarm = storeWrites(admin);
    const t1 = performance.now();
    while ((undecided.get() as number) > 0) await new Promise((r) => setTimeout(r, 20));
    const measured = left;
    const scanSeconds = (performance.now() - t1) / 1000;
    const cpu1 = cpu();
    const w2 = storeWrites(admin);
    // Delivery lags the scanners a little: wait until it has relayed what they released.
    const open = admin.prepare("SELECT COUNT(*) FROM gateway_messages WHERE state != 'done'").pluck();
    while ((open.get() as number) > 0) await new Promise((r) => setTimeout(r, 20));
    const deliveryCpu = cpuSeconds(delivery!.proc.pid!) - deliveryCpu0;
    void w1;
    return {
      scanners,
      messages: accepted,
      acceptPerSecond: accepted / acceptSeconds,
      acceptCommitsPerMessage: (w1.commits - w0.commits) / accepted,
      acceptRowsPerMessage: (w1.rows - w0.rows) / accepted,
      frontCpuMsPerMessage: (frontCpu * 1000) / accepted,
      deliveryCpuMsPerMessage: (deliveryCpu * 1000) / measured,
      scanPerSecond: measured / scanSeconds,
      scannerCpuMsPerMessage: ((cpu1 - cpu0) * 1000) / measured,
      // Includes what the delivery process writes meanwhile (it relays as scanners decide).
      scanCommitsPerMessage: (w2.commits - wWarm.commits) / measured,
      scanRowsPerMessage: (w2.rows - wWarm.rows) / measured,
    };
  } finally {
    await deployment.close();
  }
}

const results: Record<string, number>[] = [];
for (const n of counts) results.push(await run(n));
if (values.json) {
  process.stdout.write(JSON.stringify({ source, messages: total, results }, null, 2) + '\n');
} else {
  const base = results[0]!;
  process.stdout.write(`scale-out benchmark: ${total} messages from ${source}, PostgreSQL + NATS JetStream, real scan engine (1 worker thread per scanner)\n`);
  for (const r of results) {
    process.stdout.write(
      `  ${r.scanners} scanner${r.scanners > 1 ? 's' : ' '}: drain ${r.scanPerSecond.toFixed(1)} msg/s (${(r.scanPerSecond / base.scanPerSecond).toFixed(2)}× of ${base.scanners}), ` +
        `scanner CPU ${r.scannerCpuMsPerMessage.toFixed(1)} ms/msg (${(1000 / r.scannerCpuMsPerMessage).toFixed(0)} msg/s per core), ` +
        `store ${r.scanCommitsPerMessage.toFixed(1)} transactions and ${r.scanRowsPerMessage.toFixed(1)} rows written/msg; ` +
        `SMTP accept ${r.acceptPerSecond.toFixed(1)} msg/s at ${r.frontCpuMsPerMessage.toFixed(1)} ms CPU/msg, ${r.acceptCommitsPerMessage.toFixed(1)} transactions and ${r.acceptRowsPerMessage.toFixed(1)} rows/msg; ` +
        `delivery ${r.deliveryCpuMsPerMessage.toFixed(1)} ms CPU/msg\n`,
    );
  }
}
