import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrate, calibrationProblem, DEFAULT_CALIBRATION_TARGETS, MIN_HELD_OUT_PER_CLASS } from './calibration.ts';
import { vectorize } from './features.ts';
import { calibrateOnHeldOut, type LabelledExample } from './train.ts';

/** n evenly spread probabilities in [lo, hi]. */
const spread = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe('calibrate', () => {
  const ham = spread(1000, 0, 0.9).map((probability) => ({ y: 0 as const, probability }));
  const spam = spread(1000, 0.3, 1).map((probability) => ({ y: 1 as const, probability }));
  const c = calibrate([...ham, ...spam], 5)!;

  it('places each band where held-out ham crosses it at the target rate', () => {
    const rate = (t: number) => ham.filter((h) => h.probability >= t).length / ham.length;
    for (const band of ['high', 'medium', 'low', 'slight'] as const) {
      assert.ok(rate(c.thresholds[band]) <= DEFAULT_CALIBRATION_TARGETS[band], `${band}: ${rate(c.thresholds[band])}`);
      // …and not needlessly higher: one step down lets in one more ham.
      assert.ok(rate(c.thresholds[band] - 0.001) > DEFAULT_CALIBRATION_TARGETS[band] - 0.0015, band);
    }
    assert.ok(c.thresholds.high > c.thresholds.medium && c.thresholds.medium > c.thresholds.low && c.thresholds.low > c.thresholds.slight);
  });

  it('starts the ham band where almost no held-out spam scores lower', () => {
    const missed = spam.filter((s) => s.probability <= c.thresholds.ham).length / spam.length;
    assert.ok(missed <= DEFAULT_CALIBRATION_TARGETS.ham);
    assert.ok(c.thresholds.ham < c.thresholds.slight);
    assert.equal(calibrationProblem(c), null);
    assert.deepEqual([c.heldOutHam, c.heldOutSpam, c.folds], [1000, 1000, 5]);
  });

  it('keeps the ham band under the weakest spam band when the classes overlap badly', () => {
    const bad = calibrate([...spread(200, 0, 1).map((probability) => ({ y: 0 as const, probability })), ...spread(200, 0.95, 1).map((probability) => ({ y: 1 as const, probability }))], 5)!;
    assert.ok(bad.thresholds.ham < bad.thresholds.slight);
    assert.equal(calibrationProblem(bad), null);
  });

  it('declines when there is too little held-out mail of either class', () => {
    const few = MIN_HELD_OUT_PER_CLASS - 1;
    assert.equal(calibrate([...ham.slice(0, few), ...spam], 5), null);
    assert.equal(calibrate([...ham, ...spam.slice(0, few)], 5), null);
  });

  it('names what is wrong with a stored calibration', () => {
    assert.match(calibrationProblem(null)!, /not an object/);
    assert.match(calibrationProblem({ thresholds: { ...c.thresholds, high: 2 } })!, /thresholds\.high must be a probability/);
    assert.match(calibrationProblem({ thresholds: { ...c.thresholds, ham: 0.99 } })!, /high ≥ medium ≥ low ≥ slight > ham/);
  });
});

describe('calibrateOnHeldOut', () => {
  // Two vocabularies with some shared words: separable, but not perfectly.
  const example = (i: number, spam: boolean): LabelledExample => {
    const words = new Map<string, number>();
    for (let k = 0; k < 6; k++) words.set(`${spam && k < 4 ? 'offer' : 'meeting'}${(i * 7 + k) % 20}`, 1);
    words.set(`shared${i % 9}`, 1);
    return { path: `${spam ? 'spam' : 'ham'}/${i}`, label: spam ? 'spam' : 'ham', x: vectorize(words) };
  };
  const examples = [...Array.from({ length: 150 }, (_, i) => example(i, false)), ...Array.from({ length: 150 }, (_, i) => example(i, true))];

  it('scores every message with a model that never saw it and returns ordered bands', () => {
    const c = calibrateOnHeldOut(examples, { minDocFrequency: 1, epochs: 3 })!;
    assert.deepEqual([c.heldOutHam, c.heldOutSpam, c.folds], [150, 150, 5]);
    assert.equal(calibrationProblem(c), null);
    // Separable vocabularies: the held-out spam all scores above the held-out ham.
    assert.ok(c.thresholds.high > c.thresholds.ham && c.thresholds.ham > 0, JSON.stringify(c.thresholds));
  });

  it('is off with fewer than two folds or too few messages', () => {
    assert.equal(calibrateOnHeldOut(examples, { calibrationFolds: 0 }), null);
    assert.equal(calibrateOnHeldOut(examples.slice(100, 250), {}), null);
  });
});
