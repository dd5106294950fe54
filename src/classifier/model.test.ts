import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_FEATURES, FEATURE_VERSION, featureValues, vectorize, type FeatureSpec } from './features.ts';
import { contributions, loadModel, parseModel, saveModel, score, serializeModel, train, type Example } from './model.ts';

const SPEC: FeatureSpec = { hash: { algorithm: 'fnv1a32', bits: 12, seed: 0 }, bodyBigrams: false, linkPathWords: false };

function example(words: string[], y: 0 | 1): Example {
  return { x: vectorize(featureValues(new Map(words.map((w) => [`w:${w}`, 1]))), SPEC.hash), y };
}

// Spam words and ham words, with shared filler; more ham than spam, as in real mail.
function dataset(): Example[] {
  const out: Example[] = [];
  const spam = ['free', 'offer', 'cash', 'winner', 'click', 'prize'];
  const ham = ['rota', 'ward', 'minutes', 'clinic', 'audit', 'handover'];
  for (let i = 0; i < 30; i++) out.push(example([ham[i % 6], ham[(i + 2) % 6], 'the', 'and', `id${i}`], 0));
  for (let i = 0; i < 12; i++) out.push(example([spam[i % 6], spam[(i + 3) % 6], 'the', 'you', `id${100 + i}`], 1));
  return out;
}

const OPTS = { features: SPEC, minDocFrequency: 1, seed: 3 };

describe('logistic regression', () => {
  it('separates the classes it was trained on, and unseen combinations of their words', () => {
    const model = train(dataset(), OPTS);
    assert.ok(score(model, example(['cash', 'winner', 'the'], 1).x) > 0.8);
    assert.ok(score(model, example(['audit', 'rota', 'the'], 0).x) < 0.2);
  });

  it('is deterministic for a seed', () => {
    const a = train(dataset(), OPTS);
    const b = train(dataset(), OPTS);
    assert.deepEqual(a.weights, b.weights);
    assert.equal(a.bias, b.bias);
    const c = train(dataset(), { ...OPTS, seed: 4 });
    assert.notDeepEqual(a.weights, c.weights);
  });

  it('balances classes so the minority class is not drowned out', () => {
    const data = dataset(); // 30 ham, 12 spam
    const balanced = train(data, OPTS);
    const unbalanced = train(data, { ...OPTS, balance: false });
    const neutral = example(['the'], 1).x;
    assert.ok(score(balanced, neutral) > score(unbalanced, neutral));
  });

  it('keeps rare features at zero weight under minDocFrequency', () => {
    const model = train(dataset(), { ...OPTS, minDocFrequency: 2 });
    const unique = example(['id5'], 0).x;
    assert.equal(model.weights[unique.indices[0]], 0);
    const common = example(['free'], 1).x;
    assert.notEqual(model.weights[common.indices[0]], 0);
  });

  it('names the features that drove a score', () => {
    const model = train(dataset(), OPTS);
    const top = contributions(model, featureValues(new Map([['w:cash', 1], ['w:rota', 1], ['w:unseen', 1]])));
    assert.equal(top.length, 2);
    assert.equal(top.find((c) => c.weight > 0)?.name, 'w:cash');
    assert.equal(top.find((c) => c.weight < 0)?.name, 'w:rota');
  });
});

describe('model file', () => {
  it('round-trips through save and load with identical scores', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medshield-model-'));
    try {
      const model = train(dataset(), OPTS);
      const path = join(dir, 'm.json');
      saveModel(model, path);
      const loaded = loadModel(path);
      assert.deepEqual(loaded.features, model.features);
      assert.equal(loaded.bias, model.bias);
      assert.deepEqual(loaded.weights, model.weights);
      for (const e of dataset()) assert.equal(score(loaded, e.x), score(model, e.x));
      assert.equal(serializeModel(loaded), serializeModel(model));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a 2^18 table under 3 MB', () => {
    const model = train(dataset(), { ...OPTS, features: DEFAULT_FEATURES });
    assert.ok(serializeModel(model).length < 3 * 1024 * 1024);
  });

  it('refuses files it cannot interpret, naming the file', () => {
    const good = JSON.parse(serializeModel(train(dataset(), OPTS)));
    const bad = (patch: object) => JSON.stringify({ ...good, ...patch });
    assert.throws(() => parseModel('{', 'x.json'), /x\.json: not JSON/);
    assert.throws(() => parseModel(bad({ format: 'other' }), 'x.json'), /not a medshield-content-classifier file/);
    assert.throws(() => parseModel(bad({ featureVersion: 999 }), 'x.json'), /re-train/);
    assert.throws(() => parseModel(bad({ features: { ...good.features, hash: { ...good.features.hash, algorithm: 'md5' } } })), /unsupported feature hashing/);
    assert.throws(() => parseModel(bad({ weights: { ...good.weights, data: good.weights.data.slice(0, 100) } })), /weight table/);
    assert.throws(() => parseModel(bad({ calibration: { thresholds: { high: 0.5, medium: 0.9, low: 0.8, slight: 0.7, ham: 0.1 } } }), 'x.json'), /x\.json: calibration\.thresholds must satisfy/);
  });

  it('keeps its calibrated bands through save and load', () => {
    const model = train(dataset(), OPTS);
    model.calibration = {
      method: 'k-fold-held-out', folds: 5, heldOutHam: 3000, heldOutSpam: 2000,
      targets: { high: 0.002, medium: 0.005, low: 0.01, slight: 0.03, ham: 0.002 },
      thresholds: { high: 0.81, medium: 0.76, low: 0.72, slight: 0.6, ham: 0.24 },
    };
    const loaded = parseModel(serializeModel(model));
    assert.deepEqual(loaded.calibration, model.calibration);
  });

  it('loadModel names a missing path', () => {
    assert.throws(() => loadModel('/nonexistent/medshield/model.json'), /\/nonexistent\/medshield\/model\.json does not exist/);
  });

  it('loadModel reads a file written by hand in the documented format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medshield-model-'));
    try {
      const weights = Buffer.alloc(16 * 4);
      weights.writeFloatLE(2.5, 4 * 3);
      const file = {
        format: 'medshield-content-classifier',
        version: 1,
        featureVersion: FEATURE_VERSION,
        features: { hash: { algorithm: 'fnv1a32', bits: 4, seed: 0 }, bodyBigrams: false },
        bias: -1,
        weights: { encoding: 'float32le-base64', length: 16, data: weights.toString('base64') },
      };
      writeFileSync(join(dir, 'hand.json'), JSON.stringify(file));
      const model = loadModel(join(dir, 'hand.json'));
      assert.equal(model.weights[3], 2.5);
      // Written before features.linkPathWords existed: such models were trained with them.
      assert.equal(model.features.linkPathWords, true);
      const p = score(model, { indices: Uint32Array.of(3), values: Float32Array.of(1) });
      assert.ok(Math.abs(p - 1 / (1 + Math.exp(-1.5))) < 1e-9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
