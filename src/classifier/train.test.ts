import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildMail } from '../../test/helpers/mail.ts';
import { parseMessage } from '../parse/parse.ts';
import { crossValidationFolds } from './cross-validate.ts';
import { extractFeatures, featureValues, vectorize, type FeatureSpec } from './features.ts';
import { loadModel, score } from './model.ts';
import { hamMail, spamMail, writeSyntheticCorpus } from './test-fixtures.ts';
import {
  crossValidate,
  crossValidateExamples,
  labelOf,
  labelledFiles,
  stratifiedFolds,
  trainFromDirs,
  trainOnExamples,
  type LabelledExample,
} from './train.ts';

// The synthetic corpus is tiny; a document-frequency floor meant for thousands of mails would erase it.
const SMALL = { minDocFrequency: 2, workers: 1 };

let fixture: ReturnType<typeof writeSyntheticCorpus>;
before(() => {
  fixture = writeSyntheticCorpus(12);
});
after(() => rmSync(fixture.root, { recursive: true, force: true }));

describe('labels from folders', () => {
  it('takes the nearest ham/spam/phish ancestor', () => {
    assert.equal(labelOf('/data/corpora/src/ham/001.eml'), 'ham');
    assert.equal(labelOf('/data/spam/old/phish/2024/x.eml'), 'phish');
    assert.equal(labelOf('/data/phish/hamlet/x.eml'), 'phish');
    assert.equal(labelOf('/data/inbox/x.eml'), null);
    // The file's own name is not a folder.
    assert.equal(labelOf('/data/inbox/ham'), null);
  });

  it('walks directories recursively in sorted order, skipping unlabelled and hidden files', () => {
    const extra = join(fixture.root, 'extra');
    mkdirSync(join(extra, 'phish', 'nested'), { recursive: true });
    mkdirSync(join(extra, 'unsorted'), { recursive: true });
    writeFileSync(join(extra, 'phish', 'nested', 'b.eml'), buildMail(spamMail(1)));
    writeFileSync(join(extra, 'phish', 'a.eml'), buildMail(spamMail(2)));
    writeFileSync(join(extra, 'phish', '.DS_Store'), 'x');
    writeFileSync(join(extra, 'unsorted', 'c.eml'), buildMail(hamMail(1)));
    const files = labelledFiles([extra]);
    assert.deepEqual(
      files.map((f) => [f.path.slice(extra.length + 1), f.label]),
      [
        ['phish/a.eml', 'phish'],
        ['phish/nested/b.eml', 'phish'],
      ],
    );
    rmSync(extra, { recursive: true, force: true });
  });
});

describe('trainFromDirs', () => {
  it('learns to separate held-out ham from spam', async () => {
    const { model, stats } = await trainFromDirs([fixture.corpus], SMALL);
    assert.deepEqual(stats.labels, { ham: 12, spam: 12 });
    assert.equal(stats.skipped, 0);
    assert.deepEqual(stats.sources, [`${fixture.root.split('/').pop()}/corpus`]);
    const p = async (raw: Buffer) => score(model, extractFeatures(await parseMessage(raw), model.features));
    const ham = await Promise.all(fixture.heldOut.ham.map(p));
    const spam = await Promise.all(fixture.heldOut.spam.map(p));
    assert.ok(Math.max(...ham) < 0.5, `ham ${ham}`);
    assert.ok(Math.min(...spam) > 0.5, `spam ${spam}`);
  });

  it('gives the same model whether files are parsed here or in worker threads', async () => {
    const here = await trainFromDirs([fixture.corpus], SMALL);
    const pooled = await trainFromDirs([fixture.corpus], { ...SMALL, workers: 2 });
    assert.deepEqual(pooled.model.weights, here.model.weights);
    assert.equal(pooled.model.bias, here.model.bias);
  });

  it('skips and counts files that are not mail', async () => {
    const junk = join(fixture.root, 'junk', 'ham');
    mkdirSync(junk, { recursive: true });
    writeFileSync(join(junk, 'empty.eml'), '');
    const { stats } = await trainFromDirs([fixture.corpus, join(fixture.root, 'junk')], SMALL);
    assert.equal(stats.skipped, 1);
    rmSync(join(fixture.root, 'junk'), { recursive: true, force: true });
  });

  it('refuses a tree with only one class', async () => {
    await assert.rejects(trainFromDirs([join(fixture.corpus, 'ham')], SMALL), /both ham and spam/);
  });
});

describe('cross-validation', () => {
  it('deals stratified, seeded folds', () => {
    const items = [
      ...Array.from({ length: 20 }, (_, i) => ({ path: `h${i}`, label: 'ham' as const })),
      ...Array.from({ length: 10 }, (_, i) => ({ path: `s${i}`, label: 'spam' as const })),
    ];
    const folds = stratifiedFolds(items, 5, 1);
    for (let f = 0; f < 5; f++) {
      const inFold = items.filter((i) => folds.get(i.path) === f);
      assert.equal(inFold.filter((i) => i.label === 'ham').length, 4);
      assert.equal(inFold.filter((i) => i.label === 'spam').length, 2);
    }
    assert.deepEqual(stratifiedFolds([...items].reverse(), 5, 1), folds);
    assert.notDeepEqual([...stratifiedFolds(items, 5, 2)], [...folds]);
    assert.throws(() => stratifiedFolds(items, 1, 1), /k ≥ 2/);
  });

  it('never scores a message with a model trained on it (by construction)', () => {
    // Each message is one token of its own and a random label: nothing generalises, so a
    // model can only be right about a message by having memorised it. In-sample scores
    // are confident; out-of-fold scores must know nothing about the message's label.
    const spec: FeatureSpec = { hash: { algorithm: 'fnv1a32', bits: 16, seed: 0 }, bodyBigrams: false, linkPathWords: false };
    let state = 12345;
    const coin = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) & 1024 ? 1 : 0);
    const examples: LabelledExample[] = Array.from({ length: 60 }, (_, i) => ({
      path: `m${i}`,
      label: coin() ? 'spam' : 'ham',
      x: vectorize(featureValues(new Map([[`w:only-in-message-${i}`, 1]])), spec.hash),
    }));
    const opts = { features: spec, minDocFrequency: 1, epochs: 20 };
    const memorised = trainOnExamples(examples, opts);
    for (const e of examples) {
      const p = score(memorised, e.x);
      assert.ok(e.label === 'ham' ? p < 0.3 : p > 0.7, 'the test set-up must be able to detect memorisation');
    }
    const cv = crossValidateExamples(examples, 5, opts);
    assert.equal(cv.predictions.length, examples.length);
    assert.equal(new Set(cv.predictions.map((p) => p.path)).size, examples.length);
    for (const p of cv.predictions) {
      const fold = cv.folds[p.fold];
      assert.ok(fold.testPaths.includes(p.path));
      assert.ok(!fold.trainPaths.includes(p.path));
      // An unseen token has weight 0: only the bias speaks, identically for every message of the fold.
      const sameFold = cv.predictions.filter((q) => q.fold === p.fold);
      assert.ok(sameFold.every((q) => Math.abs(q.probability - p.probability) < 1e-12));
    }
  });

  it('scores every message of a labelled tree once, from files on disk', async () => {
    const cv = await crossValidate([fixture.corpus], 3, SMALL);
    assert.equal(cv.predictions.length, 24);
    assert.equal(cv.skipped.length, 0);
    for (const f of cv.folds) {
      const train = new Set(f.trainPaths);
      assert.ok(f.testPaths.every((p) => !train.has(p)));
      assert.equal(f.trainPaths.length + f.testPaths.length, 24);
    }
    const right = cv.predictions.filter((p) => (p.label === 'ham') === p.probability < 0.5).length;
    assert.ok(right >= 20, `${right}/24 right`);
  });

  it('hands eval one model file per fold and a fold for every file, parseable or not', async () => {
    const files = labelledFiles([fixture.corpus]).map((f) => f.path);
    const broken = join(fixture.root, 'corpus', 'ham', 'zzz-broken.eml');
    writeFileSync(broken, '');
    try {
      const folds = await crossValidationFolds([...files, broken], 4, SMALL);
      assert.equal(folds.modelPaths.length, 4);
      assert.equal(folds.foldOf.size, files.length + 1);
      for (const p of folds.modelPaths) assert.ok(loadModel(p).weights.length > 0);
      await folds.cleanup();
      assert.ok(folds.modelPaths.every((p) => !existsSync(p)));
    } finally {
      rmSync(broken, { force: true });
    }
  });
});
