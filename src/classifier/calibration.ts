/**
 * Where a model's probability bands sit, measured instead of guessed.
 *
 * A logistic model's probabilities move with its regularisation and its training mix: the
 * same mail scores 0.97 under one model and 0.80 under another, so fixed cut-offs are right
 * for one model only. Training therefore holds part of its own mail out (k-fold), scores it
 * with models that never saw it, and places each band where held-out ham crosses it at a
 * chosen rate: the strongest band (which quarantines by itself) at 1 ham in 670, the
 * weakest (which needs other evidence) at 1 in 33. The ham band starts where almost no
 * held-out spam scores lower. The targets are rates of the training ham; mail from another
 * era or organisation sits further out (see docs and `medshield eval`), which is why only
 * the strongest band acts alone.
 */

export interface BandThresholds {
  /** p ≥ high: nearly certain (quarantines by itself under the default policy). */
  high: number;
  medium: number;
  low: number;
  /** p ≥ slight: some spam wording; needs other evidence. */
  slight: number;
  /** p ≤ ham: ordinary correspondence. */
  ham: number;
}

/** Held-out ham rate allowed at or above each band; for `ham`, the held-out spam rate allowed at or below it. */
export interface CalibrationTargets {
  high: number;
  medium: number;
  low: number;
  slight: number;
  ham: number;
}

export const DEFAULT_CALIBRATION_TARGETS: CalibrationTargets = {
  high: 0.0015,
  medium: 0.005,
  low: 0.01,
  slight: 0.03,
  ham: 0.002,
};

/** Fewer held-out messages than this per class and a quantile is a guess: no calibration. */
export const MIN_HELD_OUT_PER_CLASS = 100;

export interface Calibration {
  method: 'k-fold-held-out';
  folds: number;
  heldOutHam: number;
  heldOutSpam: number;
  targets: CalibrationTargets;
  thresholds: BandThresholds;
}

/** Nudges a threshold past the held-out message that sits exactly on it. */
const STEP = 1e-6;

/**
 * Band thresholds from held-out predictions (label 0 = ham, 1 = spam/phish), or null when
 * there are too few of either class to place them.
 */
export function calibrate(
  predictions: { y: 0 | 1; probability: number }[],
  folds: number,
  targets: CalibrationTargets = DEFAULT_CALIBRATION_TARGETS,
): Calibration | null {
  const ham = predictions.filter((p) => p.y === 0).map((p) => p.probability).sort((a, b) => b - a);
  const spam = predictions.filter((p) => p.y === 1).map((p) => p.probability).sort((a, b) => a - b);
  if (ham.length < MIN_HELD_OUT_PER_CLASS || spam.length < MIN_HELD_OUT_PER_CLASS) return null;
  // At most floor(rate × n) held-out ham score at or above the threshold.
  const above = (rate: number) => Math.min(1, ham[Math.floor(rate * ham.length)] + STEP);
  const high = above(targets.high);
  const medium = Math.min(high, above(targets.medium));
  const low = Math.min(medium, above(targets.low));
  const slight = Math.min(low, above(targets.slight));
  // At most floor(rate × n) held-out spam score at or below it, and always under `slight`.
  const hamThreshold = Math.max(0, Math.min(spam[Math.floor(targets.ham * spam.length)] - STEP, slight - STEP));
  return {
    method: 'k-fold-held-out',
    folds,
    heldOutHam: ham.length,
    heldOutSpam: spam.length,
    targets: { ...targets },
    // Six decimals keep the file readable; rounding x ± STEP stays on the right side of x.
    thresholds: { high: round(high), medium: round(medium), low: round(low), slight: round(slight), ham: round(hamThreshold) },
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Checks a stored calibration; returns the problem, or null when it is usable. */
export function calibrationProblem(c: unknown): string | null {
  if (typeof c !== 'object' || c === null) return 'calibration is not an object';
  const t = (c as Calibration).thresholds;
  if (typeof t !== 'object' || t === null) return 'calibration.thresholds missing';
  for (const k of ['high', 'medium', 'low', 'slight', 'ham'] as const) {
    if (typeof t[k] !== 'number' || !(t[k] >= 0 && t[k] <= 1)) return `calibration.thresholds.${k} must be a probability`;
  }
  if (!(t.high >= t.medium && t.medium >= t.low && t.low >= t.slight && t.slight > t.ham)) {
    return 'calibration.thresholds must satisfy high ≥ medium ≥ low ≥ slight > ham';
  }
  return null;
}
