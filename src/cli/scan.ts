import { parseArgs } from 'node:util';
import type { Verdict } from '../engine/engine.ts';
import { ScanPool } from '../engine/worker-pool.ts';
import { scanOptionSpec, scanSetup, UsageError } from './common.ts';
import { expandInputs } from './inputs.ts';
import { Progress } from './progress.ts';

export const scanHelp = `Usage: medshield scan [options] PATH...

Scan messages (files, directories recursively, '-' for standard input) and print verdicts.

Options:
  --json                 print a JSON array, one object per message
  --jsonl                print one JSON object per line
  -c, --config FILE      configuration file (YAML or JSON)
  --dns-fixture FILE     answer DNS from a JSON fixture (names not in it are NXDOMAIN)
  --dns system|offline   DNS for authentication when no fixture is given (default: system)
  --org-domain DOMAIN    an organisation domain (repeatable; adds to the config)
  --directory FILE       provider directory: a directory file, FHIR Bundle, roster CSV or store
  --model FILE           content classifier model (default: the shipped model)
  --client-ip IP         envelope: connecting client's IP (enables SPF)
  --helo NAME            envelope: HELO/EHLO name
  --mail-from ADDR       envelope: MAIL FROM address
  --workers N            worker threads (default: one per core)
`;

export interface ScanRecord {
  file: string;
  verdict: Verdict['action'];
  score: number;
  signals: { id: string; score: number; evidence: string }[];
  ms: number;
  rules: string[];
  unscannable: boolean;
  from: string;
  subject: string;
}

export function toRecord(file: string, v: Verdict): ScanRecord {
  return {
    file,
    verdict: v.action,
    score: v.score,
    signals: v.signals.map((s) => ({ id: s.id, score: s.score, evidence: s.evidence })),
    ms: v.ms,
    rules: v.rules,
    unscannable: v.unscannable,
    from: v.summary.from,
    subject: v.summary.subject,
  };
}

export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...scanOptionSpec, json: { type: 'boolean' }, jsonl: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(scanHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('scan needs at least one PATH (a file, a directory or -)');
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl cannot be combined');
  const setup = scanSetup(values, 'system');

  const pool = new ScanPool({ config: setup.config, resolver: setup.resolver, analyzerOverrides: setup.analyzerOverrides, size: setup.workers });
  let failed = 0;
  try {
    await pool.ready();
    const progress = new Progress('scanning');
    const records: ScanRecord[] = [];
    const out = (r: ScanRecord) => {
      if (values.jsonl) process.stdout.write(`${JSON.stringify(r)}\n`);
      else if (values.json) records.push(r);
      else process.stdout.write(formatHuman(r));
    };
    await forEachInOrder(
      expandInputs(positionals, (path, err) => {
        failed++;
        process.stderr.write(`medshield: ${path}: ${err.message}\n`);
      }),
      pool.size * 4,
      async (input) => {
        let raw: Buffer;
        try {
          raw = await input.read();
        } catch (err) {
          failed++;
          process.stderr.write(`medshield: ${input.file}: ${(err as Error).message}\n`);
          return null;
        }
        return toRecord(input.file, await pool.scan(raw, setup.envelope));
      },
      (r, done) => {
        if (r) out(r);
        progress.tick(done);
      },
    );
    progress.done();
    if (values.json) process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  } finally {
    await pool.close();
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Runs `work` with bounded concurrency and hands results to `emit` in input order, so
 * output is deterministic while all workers stay busy.
 */
export async function forEachInOrder<T, R>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
  emit: (result: R, done: number) => void,
): Promise<void> {
  const pending = new Map<number, R>();
  let nextToEmit = 0;
  let index = 0;
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = () => {
    while (pending.has(nextToEmit)) {
      const r = pending.get(nextToEmit)!;
      pending.delete(nextToEmit);
      nextToEmit++;
      emit(r, ++done);
    }
  };
  for await (const item of items) {
    const i = index++;
    const p: Promise<void> = work(item).then((r) => {
      pending.set(i, r);
      flush();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

const ACTION_LABEL: Record<Verdict['action'], string> = {
  deliver: 'DELIVER',
  tag: 'TAG',
  hold: 'HOLD',
  quarantine: 'QUARANTINE',
  reject: 'REJECT',
};

export function formatHuman(r: ScanRecord): string {
  const lines = [`${r.file}: ${ACTION_LABEL[r.verdict]} (score ${r.score}, ${r.ms} ms)`];
  if (r.from || r.subject) lines.push(`  from ${r.from || '(none)'} — ${JSON.stringify(r.subject)}`);
  const sorted = [...r.signals].sort((a, b) => b.score - a.score);
  for (const s of sorted) lines.push(`  ${(s.score >= 0 ? '+' : '') + s.score.toFixed(2)}  ${s.id}  ${s.evidence}`);
  for (const rule of r.rules) lines.push(`  rule: ${rule}`);
  return `${lines.join('\n')}\n`;
}
