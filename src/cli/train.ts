import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { saveModel } from '../classifier/model.ts';
import { trainFromDirs } from '../classifier/train.ts';
import { positiveInt, UsageError } from './common.ts';
import { Progress } from './progress.ts';

export const trainHelp = `Usage: medshield train [options] DIR... --out MODEL

Learn the content classifier from labelled folders. A file's label is its nearest ancestor
folder named ham, spam or phish; spam and phish are the positive class. Only content is
learnt (subject, body, URLs, attachment types), never addresses, Received or Date headers.

Options:
  --out MODEL            where to write the model (JSON); required
  --epochs N             passes over the data (default 8)
  --min-doc-frequency N  ignore tokens seen in fewer than N messages (default 10)
  --workers N            parser threads (default: one per core, at most 4)
  --json                 print the training statistics as JSON

Use the model with 'medshield scan --model MODEL' or in the config
(analyzers.content-classifier.model). Never ship a model trained on corpora whose licence
forbids it (phishing_pot is non-commercial).
`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      epochs: { type: 'string' },
      'min-doc-frequency': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(trainHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('train needs at least one labelled DIR');
  if (!values.out) throw new UsageError('train needs --out MODEL');
  for (const dir of positionals) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new UsageError(`'${dir}' is not a directory`);
  }

  const progress = new Progress('parsing');
  const started = performance.now();
  const { model, stats } = await trainFromDirs(positionals, {
    epochs: positiveInt('epochs', values.epochs),
    minDocFrequency: positiveInt('min-doc-frequency', values['min-doc-frequency']),
    workers: positiveInt('workers', values.workers),
    onProgress: (done, total) => {
      progress.setTotal(total);
      progress.tick(done);
    },
  });
  progress.done();
  if (stats.positives === 0 || stats.negatives === 0) {
    throw new UsageError(
      `training needs both classes: found ${stats.negatives} ham and ${stats.positives} spam/phish messages below ${positionals.join(', ')}`,
    );
  }
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  saveModel(model, out);
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    process.stdout.write(JSON.stringify({ out, seconds: Math.round(seconds * 10) / 10, ...stats, calibration: model.calibration ?? null }, null, 2) + '\n');
  } else {
    process.stdout.write(
      `wrote ${out} (${(statSync(out).size / 1e6).toFixed(2)} MB) in ${seconds.toFixed(1)} s: ` +
        `${stats.positives} spam/phish, ${stats.negatives} ham, ${stats.skipped} unparseable skipped, ` +
        `train log-loss ${stats.trainLogLoss.toFixed(4)}\n` +
        (model.calibration
          ? `bands from ${model.calibration.folds}-fold held-out scores: high ≥ ${t(model.calibration.thresholds.high)}, medium ≥ ${t(model.calibration.thresholds.medium)}, ` +
            `low ≥ ${t(model.calibration.thresholds.low)}, slight ≥ ${t(model.calibration.thresholds.slight)}, ham ≤ ${t(model.calibration.thresholds.ham)}\n`
          : 'too little mail to calibrate the bands (needs 100 of each class): the fixed bands apply\n'),
    );
  }
  return 0;
}

const t = (p: number) => p.toFixed(3);
