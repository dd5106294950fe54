import { parseArgs } from 'node:util';
import { ScanPool } from '../engine/worker-pool.ts';
import { EvalAccumulator, formatReport, labelOf, reportJson } from '../eval/eval.ts';
import { scanOptionSpec, scanSetup, UsageError, type ScanSetup } from './common.ts';
import { expandInputs, type InputMessage } from './inputs.ts';
import { Progress } from './progress.ts';
import { forEachInOrder } from './scan.ts';

export const evalHelp = `Usage: medshield eval [options] DIR...

Scan labelled corpora (<source>/<label>/*.eml, label ham, spam or phish) and report, per
source and label: messages, caught (hold/quarantine/reject), tagged, delivered, false
positives on ham, top signals, and the signals behind false positives.

Options:
  --json                 machine-readable report
  --cv K                 K-fold cross-validation: train a content model on K-1 folds of
                         these trees and score each message with the model that never saw it
  --limit N              at most N messages per source/label (quick runs)
  --list-errors          also print the false-positive and missed files
  (and the scan options: --config, --dns-fixture, --dns (default offline), --org-domain,
   --directory, --model, --workers)
`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...scanOptionSpec,
      json: { type: 'boolean' },
      cv: { type: 'string' },
      limit: { type: 'string' },
      'list-errors': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(evalHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('eval needs at least one labelled DIR');
  const setup = scanSetup(values, 'offline');
  const limit = values.limit !== undefined ? Number(values.limit) : Infinity;
  if (!(limit > 0)) throw new UsageError(`--limit must be a positive number, not '${values.limit}'`);

  const files = await collectLabelled(positionals, limit);
  if (files.length === 0) throw new UsageError('no labelled messages found (expected <source>/<ham|spam|phish>/* below the given DIRs)');

  const acc = new EvalAccumulator();
  let mode = values.model ? `model ${values.model}` : 'shipped default model';
  if (values.cv !== undefined) {
    const k = Number(values.cv);
    if (!Number.isInteger(k) || k < 2) throw new UsageError(`--cv must be an integer ≥ 2, not '${values.cv}'`);
    if (values.model) throw new UsageError('--cv trains its own models; it cannot be combined with --model');
    const { crossValidationFolds } = await import('../classifier/cross-validate.ts');
    process.stderr.write(`training ${k} fold models on ${files.length} messages…\n`);
    const folds = await crossValidationFolds(files.map((f) => f.file), k);
    for (let i = 0; i < k; i++) {
      const inFold = files.filter((f) => folds.foldOf.get(f.file) === i);
      await scanAll(inFold, { ...setup, analyzerOverrides: { ...setup.analyzerOverrides, 'content-classifier': { model: folds.modelPaths[i] } } }, acc, `fold ${i + 1}/${k}`);
    }
    await folds.cleanup();
    mode = `${k}-fold cross-validation of a model trained on these trees`;
  } else {
    await scanAll(files, setup, acc, 'evaluating');
  }

  const report = acc.report(mode);
  if (values.json) process.stdout.write(`${JSON.stringify(reportJson(report), null, 2)}\n`);
  else {
    process.stdout.write(formatReport(report));
    if (values['list-errors']) {
      for (const c of report.cells) {
        for (const f of c.fpFiles) process.stdout.write(`FP ${f}\n`);
        for (const f of c.missedFiles) process.stdout.write(`MISSED ${f}\n`);
      }
    }
  }
  return 0;
}

async function collectLabelled(dirs: string[], limitPerCell: number): Promise<InputMessage[]> {
  const counts = new Map<string, number>();
  const out: InputMessage[] = [];
  for await (const input of expandInputs(dirs, (p, e) => process.stderr.write(`medshield: ${p}: ${e.message}\n`))) {
    const l = labelOf(input.file);
    if (!l) continue;
    const key = `${l.source}/${l.label}`;
    const n = counts.get(key) ?? 0;
    if (n >= limitPerCell) continue;
    counts.set(key, n + 1);
    out.push(input);
  }
  return out;
}

async function scanAll(files: InputMessage[], setup: ScanSetup, acc: EvalAccumulator, label: string): Promise<void> {
  const pool = new ScanPool({ config: setup.config, resolver: setup.resolver, analyzerOverrides: setup.analyzerOverrides, size: setup.workers });
  try {
    await pool.ready();
    const progress = new Progress(label, files.length);
    async function* iter() {
      yield* files;
    }
    await forEachInOrder(
      iter(),
      pool.size * 4,
      async (input) => ({ file: input.file, verdict: await pool.scan(await input.read(), setup.envelope) }),
      (r, done) => {
        acc.add(r.file, r.verdict);
        progress.tick(done);
      },
    );
    progress.done();
  } finally {
    await pool.close();
  }
}
