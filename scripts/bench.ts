/**
 * Scan-engine benchmark on the shared corpora: messages/s, CPU ms per message, p50/p99
 * per-message latency, peak RSS — and, measured in the same run on the same messages,
 * a baseline (mailparser's simpleParser with default options, single thread) so the
 * figures read as ratios rather than absolute numbers from a machine nobody else has.
 *
 * With --directory FILE the engine runs twice, without and with the provider directory, so
 * the directory's own cost (name matching for every message, faces only where there are
 * images) reads as a difference measured on the same messages in the same run.
 *
 *   npm run bench [-- --corpora DIR] [--limit N] [--workers N] [--no-ocr] [--directory FILE]
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import { defaultConfig, validateConfig } from '../src/config/load.ts';
import { ScanPool } from '../src/engine/worker-pool.ts';
import { listMail } from './lib/corpus-mail.ts';

const { values } = parseArgs({
  options: {
    corpora: { type: 'string', default: resolve(import.meta.dirname, '../../shared/corpora') },
    limit: { type: 'string' },
    workers: { type: 'string' },
    'no-ocr': { type: 'boolean' },
    json: { type: 'boolean' },
    directory: { type: 'string' },
  },
});

const root = values.corpora!;
try {
  statSync(root);
} catch {
  console.error(`bench: corpora not found at ${root} (pass --corpora DIR)`);
  process.exit(2);
}
let files = listMail(root);
if (values.limit) {
  // Spread a limited run across all sources rather than taking the first folder only.
  const n = Number(values.limit);
  const step = Math.max(1, Math.floor(files.length / n));
  files = files.filter((_, i) => i % step === 0).slice(0, n);
}
const messages = files.map((f) => readFileSync(f));
const bytes = messages.reduce((s, m) => s + m.length, 0);
console.error(`bench: ${messages.length} messages, ${(bytes / 1e6).toFixed(1)} MB from ${root}`);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Baseline: what merely parsing these messages with mailparser's defaults costs, one thread.
let cpu0 = cpuMs();
let wall0 = performance.now();
for (const m of messages) {
  try {
    await simpleParser(m);
  } catch {
    // Baseline parse failures cost time too; the engine handles them as unscannable.
  }
}
const baseline = { cpuMsPerMessage: (cpuMs() - cpu0) / messages.length, wallMs: performance.now() - wall0 };

// Engine: the full pipeline on all cores.
let config = defaultConfig();
if (values['no-ocr']) config = validateConfig({ ...config, analyzers: { ...config.analyzers, 'image-text': { enabled: false } } });

async function runEngine(config: ReturnType<typeof defaultConfig>) {
  const pool = new ScanPool({ config, resolver: { kind: 'offline' }, size: values.workers ? Number(values.workers) : undefined });
  await pool.ready();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const latencies: number[] = [];
  const stageTotals: Record<string, number> = {};
  let unscannable = 0;
  let next = 0;
  async function lane() {
    while (next < messages.length) {
      const i = next++;
      const v = await pool.scan(messages[i]);
      latencies.push(v.ms);
      if (v.unscannable) unscannable++;
      for (const [k, ms] of Object.entries(v.timings)) stageTotals[k] = (stageTotals[k] ?? 0) + ms;
    }
  }
  await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  const wallMs = performance.now() - wall0;
  const engineCpu = cpuMs() - cpu0;
  await pool.close();
  return {
    messages: messages.length,
    workers: pool.size,
    messagesPerSecond: Math.round((messages.length / wallMs) * 1000),
    cpuMsPerMessage: +(engineCpu / messages.length).toFixed(2),
    latencyMsP50: +quantile(latencies, 0.5).toFixed(2),
    latencyMsP99: +quantile(latencies, 0.99).toFixed(2),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    unscannable,
    baselineParseCpuMsPerMessage: +baseline.cpuMsPerMessage.toFixed(2),
    ratioToBaseline: +(engineCpu / messages.length / baseline.cpuMsPerMessage).toFixed(2),
    stageMsPerMessage: Object.fromEntries(
      Object.entries(stageTotals)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, +(v / messages.length).toFixed(3)]),
    ),
  };
}

const result = await runEngine(config);
const withDirectory = values.directory
  ? await runEngine(validateConfig({ ...config, directory: { ...config.directory, file: resolve(values.directory) } }))
  : undefined;

function print(label: string, r: typeof result) {
  console.log(label);
  console.log(`messages            ${r.messages} (${r.unscannable} unscannable), ${r.workers} workers`);
  console.log(`throughput          ${r.messagesPerSecond} messages/s`);
  console.log(`CPU per message     ${r.cpuMsPerMessage} ms  (baseline mailparser parse: ${r.baselineParseCpuMsPerMessage} ms; ratio ${r.ratioToBaseline}×)`);
  console.log(`latency p50 / p99   ${r.latencyMsP50} / ${r.latencyMsP99} ms`);
  console.log(`peak RSS            ${r.peakRssMb} MB (the process so far)`);
  console.log(`stage ms/message    ${Object.entries(r.stageMsPerMessage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

if (values.json) console.log(JSON.stringify(withDirectory ? { withoutDirectory: result, withDirectory } : result, null, 2));
else {
  print(withDirectory ? 'engine without a directory' : 'engine', result);
  if (withDirectory) {
    console.log('');
    print(`engine with the directory ${values.directory}`, withDirectory);
    const extra = withDirectory.cpuMsPerMessage - result.cpuMsPerMessage;
    console.log(`directory cost      ${extra.toFixed(2)} ms CPU per message (${((withDirectory.cpuMsPerMessage / result.cpuMsPerMessage - 1) * 100).toFixed(1)}%)`);
  }
}
