/**
 * Gateway load benchmark: SMTP in over loopback → spool (fsync) → scan (real engine, 2
 * worker threads) → deliver to a downstream MTA on loopback (or quarantine). Reports
 * sustained messages/s, p50/p99 added latency from the end of DATA to delivery at the
 * downstream MTA (and to the decision, for quarantined mail), and peak RSS.
 *
 *   npm run bench:gateway [-- --corpora DIR] [--messages N] [--connections N] [--workers N] [--no-ocr] [--json]
 *
 * Mail comes from ../shared/corpora when present (a spread across its sources), else from demo/mail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/config/load.ts';
import { sampleMail } from './lib/corpus-mail.ts';
import { silentLogger } from '../src/gateway/log.ts';
import { sendMessage } from '../src/gateway/send-client.ts';
import { startGateway } from '../src/gateway/server.ts';
import type { ReceivedMessage } from '../src/gateway/smtp-listener.ts';
import { FakeRelay } from '../src/gateway/testing/fake-relay.ts';

const { values } = parseArgs({
  options: {
    corpora: { type: 'string', default: resolve(import.meta.dirname, '../../shared/corpora') },
    messages: { type: 'string', default: '600' },
    connections: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    'no-ocr': { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const total = Number(values.messages);
const connections = Number(values.connections);

const { source, files: picked } = sampleMail(values.corpora!, total);
// Each message gets a unique id header so its arrival downstream can be matched.
const messages = picked.map((f, i) => {
  let raw = readFileSync(f);
  if (raw.length > 2_000_000) raw = raw.subarray(0, 2_000_000);
  const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(`X-Bench-Id: ${i}\r\n${text}`, 'latin1');
});
while (messages.length < total) messages.push(messages[messages.length % Math.max(1, picked.length)]!);
const bytes = messages.reduce((s, m) => s + m.length, 0);
console.error(
  `bench:gateway: ${messages.length} messages (${(bytes / 1e6).toFixed(1)} MB) from ${source}; ${connections} SMTP connections, ${values.workers} scan workers${values['no-ocr'] ? ', OCR off' : ''}`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'medshield-bench-'));
const relayPort = await FakeRelay.freePort();
const arrivals = new Map<string, number>();
const relay = new FakeRelay(relayPort);
const record = relay.received.push.bind(relay.received);
relay.received.push = (...items) => {
  for (const m of items) {
    const id = /^X-Bench-Id: (\d+)/m.exec(m.raw.toString('latin1', 0, 4096))?.[1];
    if (id !== undefined) arrivals.set(id, performance.now());
  }
  return record(...items);
};
await relay.start();

const config = validateConfig({
  org: { name: 'Bench Hospital', domains: ['stmarys-health.org'] },
  gateway: {
    listenHost: '127.0.0.1',
    scanWorkers: Number(values.workers),
    dns: { mode: 'offline' },
    limits: { maxConnectionsPerIp: 1000, messagesPerMinutePerIp: 1_000_000 },
  },
  ...(values['no-ocr'] ? { analyzers: { 'image-text': { enabled: false } } } : {}),
});
const gw = await startGateway({
  config,
  runtime: { dataDir, smtpPort: 0, submissionPort: null, httpPort: 0, relay: { host: '127.0.0.1', port: relayPort } },
  env: { MEDSHIELD_KEY: Buffer.alloc(32, 1).toString('base64') },
  logger: silentLogger,
});

// DATA end = the moment the listener hands the complete message to the gateway.
const dataEnd = new Map<string, number>();
const decidedAt = new Map<string, number>();
const spoolToId = new Map<string, string>();
const receive = gw.core.receive.bind(gw.core);
gw.core.receive = async (m: ReceivedMessage) => {
  const id = /^X-Bench-Id: (\d+)/m.exec(m.raw.toString('latin1', 0, 4096))?.[1] ?? '';
  dataEnd.set(id, performance.now());
  const reply = await receive(m);
  const spoolId = /Queued as (\S+?);?(?:\s|$)/.exec(reply.message)?.[1];
  if (spoolId) spoolToId.set(spoolId, id);
  return reply;
};
const outcomes = new Map<string, string>();
const decidedBySpool = new Map<string, { t: number; outcome: string }>();
gw.core.on('disposed', (d: { spoolId: string; outcome: string; action: string }) => {
  decidedBySpool.set(d.spoolId, { t: performance.now(), outcome: d.outcome === 'delivering' ? d.action : d.action });
});

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const started = performance.now();
let next = 0;
const replies: number[] = [];
await Promise.all(
  Array.from({ length: connections }, async () => {
    for (let i = next++; i < messages.length; i = next++) {
      const r = await sendMessage(gw.ports.smtp, { from: `sender${i}@bench.example`, to: [`user${i % 50}@stmarys-health.org`], raw: messages[i]! });
      replies.push(r.code);
    }
  }),
);
// Wait until every accepted message is delivered downstream or decided otherwise.
for (;;) {
  const s = gw.core.journal.stats();
  if (s.undecided === 0 && s.delivering === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
const elapsed = (performance.now() - started) / 1000;
clearInterval(sampler);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : NaN;
};
for (const [spoolId, d] of decidedBySpool) {
  const id = spoolToId.get(spoolId);
  if (id === undefined) continue;
  decidedAt.set(id, d.t);
  outcomes.set(id, d.outcome);
}
const deliveryLatency: number[] = [];
const decisionLatency: number[] = [];
for (const [id, t0] of dataEnd) {
  const d = decidedAt.get(id);
  if (d !== undefined) decisionLatency.push(d - t0);
  const a = arrivals.get(id);
  if (a !== undefined) deliveryLatency.push(a - t0);
}
const counts: Record<string, number> = {};
for (const o of outcomes.values()) counts[o] = (counts[o] ?? 0) + 1;
const result = {
  messages: messages.length,
  accepted: replies.filter((c) => c === 250).length,
  rejectedInSession: replies.filter((c) => c >= 500).length,
  outcomes: counts,
  seconds: Math.round(elapsed * 100) / 100,
  messagesPerSecond: Math.round((replies.length / elapsed) * 10) / 10,
  deliveryLatencyMs: { p50: Math.round(q(deliveryLatency, 0.5)), p99: Math.round(q(deliveryLatency, 0.99)), n: deliveryLatency.length },
  decisionLatencyMs: { p50: Math.round(q(decisionLatency, 0.5)), p99: Math.round(q(decisionLatency, 0.99)), n: decisionLatency.length },
  peakRssMB: Math.round(peakRss / 1e6),
  scanWorkers: Number(values.workers),
  connections,
  ocr: !values['no-ocr'],
};
await gw.stop();
await relay.stop();
rmSync(dataDir, { recursive: true, force: true });

if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`messages          ${result.messages} (${result.accepted} accepted, ${result.rejectedInSession} rejected in session)`);
  console.log(`outcomes          ${Object.entries(result.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`throughput        ${result.messagesPerSecond} messages/s sustained (${result.seconds} s, ${result.scanWorkers} scan workers)`);
  console.log(`DATA end → delivered downstream   p50 ${result.deliveryLatencyMs.p50} ms, p99 ${result.deliveryLatencyMs.p99} ms (${result.deliveryLatencyMs.n} messages)`);
  console.log(`DATA end → verdict carried out    p50 ${result.decisionLatencyMs.p50} ms, p99 ${result.decisionLatencyMs.p99} ms`);
  console.log(`peak RSS          ${result.peakRssMB} MB`);
}
