import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../src/classifier/model.ts';
import { composeSeedMessage, readSeedCorpus } from '../src/classifier/seed-corpus.ts';
import { trainFromDirs } from '../src/classifier/train.ts';

/**
 * Builds the shipped content model, models/default.json, from permissively licensed mail
 * only: the SpamAssassin public corpus (PDDL/CC0, ../shared/corpora/spamassassin) and the
 * project's own seed corpus (corpus/seed, CC0, written by Medshield's engineers). Never add
 * phishing_pot (CC BY-NC: nothing trained on it may ship) or trec07p (no licence) here;
 * evaluate on those instead.
 *
 *   npm run train:default
 */

const repo = new URL('../', import.meta.url);
const spamassassin = fileURLToPath(new URL('../shared/corpora/spamassassin', repo));
const seedDir = fileURLToPath(new URL('corpus/seed', repo));
// MEDSHIELD_MODEL_OUT writes elsewhere (experiments) instead of replacing the shipped model.
const out = process.env.MEDSHIELD_MODEL_OUT ?? fileURLToPath(new URL('models/default.json', repo));

const started = performance.now();
const { messages, errors } = readSeedCorpus(seedDir);
if (errors.length) {
  for (const e of errors) process.stderr.write(`${e.file}:${e.line}: ${e.message}\n`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'medshield-seed-'));
try {
  for (const m of messages) {
    // corpus/seed/<label>: the model file records its sources as their last two path segments.
    const dir = join(work, 'corpus', 'seed', m.label);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${m.id}.eml`), await composeSeedMessage(m));
  }
  const { model, stats } = await trainFromDirs([spamassassin, join(work, 'corpus', 'seed')], {
    onProgress: (done, total) => {
      if (process.stderr.isTTY && (done % 200 === 0 || done === total)) process.stderr.write(`\rparsing ${done}/${total}\x1b[K`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  mkdirSync(fileURLToPath(new URL('models/', repo)), { recursive: true });
  saveModel(model, out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${out} (${(statSync(out).size / 1e6).toFixed(2)} MB) in ${seconds} s: ` +
      `${stats.positives} spam/phish, ${stats.negatives} ham (${messages.length} of them from the seed corpus), ` +
      `${stats.skipped} unparseable, train log-loss ${stats.trainLogLoss.toFixed(4)}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
