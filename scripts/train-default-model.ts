import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../src/classifier/model.ts';
import { trainFromDirs } from '../src/classifier/train.ts';

/**
 * Builds the shipped content model, models/default.json. It is trained on the
 * SpamAssassin public corpus ONLY (PDDL/CC0). Never add phishing_pot (CC BY-NC: nothing
 * trained on it may ship) or trec07p (no licence) here; evaluate on those instead.
 *
 *   node --import tsx scripts/train-default-model.ts
 */

const repo = new URL('../', import.meta.url);
const corpus = fileURLToPath(new URL('../shared/corpora/spamassassin', repo));
const modelsDir = fileURLToPath(new URL('models/', repo));
const out = fileURLToPath(new URL('models/default.json', repo));

const started = performance.now();
const { model, stats } = await trainFromDirs([corpus], {
  onProgress: (done, total) => {
    if (process.stderr.isTTY && (done % 200 === 0 || done === total)) process.stderr.write(`\rparsing ${done}/${total}\x1b[K`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
mkdirSync(modelsDir, { recursive: true });
saveModel(model, out);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `wrote ${out} (${(statSync(out).size / 1e6).toFixed(2)} MB) in ${seconds} s: ` +
    `${stats.positives} spam, ${stats.negatives} ham, ${stats.skipped} unparseable, train log-loss ${stats.trainLogLoss.toFixed(4)}\n`,
);
