import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_FEATURES, type FeatureSpec, type SparseVector } from './features.ts';
import { featurizeFile, type FeaturizeResult } from './featurize-file.ts';
import { calibrate, MIN_HELD_OUT_PER_CLASS, type Calibration } from './calibration.ts';
import { DEFAULT_TRAIN, score, seededRandom, shuffleInPlace, train, type Example, type Model, type TrainOptions, type TrainingStats } from './model.ts';

/**
 * Training from labelled folders: a file's label is the nearest ancestor folder named
 * ham, spam or phish (spam and phish are both the positive class).
 */

export type Label = 'ham' | 'spam' | 'phish';
const LABELS: ReadonlySet<string> = new Set(['ham', 'spam', 'phish']);

export interface LabelledExample {
  path: string;
  label: Label;
  x: SparseVector;
}

export interface LoadOptions {
  features?: FeatureSpec;
  /** Parser threads; 1 parses in this thread. Default: one per core, at most 4. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export type TrainFromDirsOptions = TrainOptions & LoadOptions;

export interface LoadedExamples {
  examples: LabelledExample[];
  skipped: { path: string; reason: string }[];
}

/** The label a path gets from its nearest ham/spam/phish ancestor, or null. */
export function labelOf(path: string): Label | null {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    const p = parts[i].toLowerCase();
    if (LABELS.has(p)) return p as Label;
  }
  return null;
}

/** Every regular, non-hidden file under the directories, sorted, with its label. */
export function labelledFiles(dirs: string[]): { path: string; label: Label }[] {
  const out: { path: string; label: Label }[] = [];
  const walk = (dir: string) => {
    const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
    for (const name of names) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        const label = labelOf(full);
        if (label) out.push({ path: full, label });
      }
    }
  };
  for (const d of dirs) {
    if (!statSync(d).isDirectory()) throw new Error(`training input ${d} is not a directory`);
    walk(d);
  }
  return out;
}

/** Parse and featurize every labelled file under the directories. */
export async function loadExamples(dirs: string[], opts: LoadOptions = {}): Promise<LoadedExamples> {
  return loadLabelledFiles(labelledFiles(dirs), opts);
}

/** Parse and featurize the given files (paths are kept exactly as given). */
export async function loadLabelledFiles(files: { path: string; label: Label }[], opts: LoadOptions = {}): Promise<LoadedExamples> {
  const spec = opts.features ?? DEFAULT_FEATURES;
  const paths = files.map((f) => f.path);
  // Threads pay off from a few hundred files; an explicit count is honoured (tests use it).
  const workers =
    opts.workers !== undefined
      ? Math.max(1, Math.min(opts.workers, paths.length))
      : Math.max(1, Math.min(availableParallelism(), 4, Math.floor(paths.length / 200)));
  const results = workers > 1 ? await featurizeInWorkers(paths, spec, workers, opts.onProgress) : await featurizeHere(paths, spec, opts.onProgress);
  const examples: LabelledExample[] = [];
  const skipped: LoadedExamples['skipped'] = [];
  results.forEach((r, i) => {
    if ('error' in r) skipped.push({ path: r.path, reason: r.error });
    else examples.push({ path: r.path, label: files[i].label, x: { indices: r.indices, values: r.values } });
  });
  return { examples, skipped };
}

async function featurizeHere(paths: string[], spec: FeatureSpec, onProgress?: (d: number, t: number) => void): Promise<FeaturizeResult[]> {
  const out: FeaturizeResult[] = [];
  for (const p of paths) {
    out.push(await featurizeFile(p, spec));
    onProgress?.(out.length, paths.length);
  }
  return out;
}

const MAX_BATCH = 64;

async function featurizeInWorkers(
  paths: string[],
  spec: FeatureSpec,
  size: number,
  onProgress?: (d: number, t: number) => void,
): Promise<FeaturizeResult[]> {
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(paths.length / (size * 4))));
  const results: FeaturizeResult[] = new Array(paths.length);
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: size }, () => new Worker(new URL('./feature-worker.mjs', import.meta.url)));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolveWorker, reject) => {
            let batchStart = 0;
            const send = () => {
              if (next >= paths.length) return resolveWorker();
              batchStart = next;
              next = Math.min(paths.length, next + batch);
              worker.postMessage({ id: batchStart, paths: paths.slice(batchStart, next), spec });
            };
            worker.on('message', (m: { ready?: boolean; id?: number; results?: FeaturizeResult[] }) => {
              if (m.results) {
                m.results.forEach((r, k) => (results[batchStart + k] = r));
                done += m.results.length;
                onProgress?.(done, paths.length);
              }
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < paths.length || done < paths.length) reject(new Error(`feature worker exited early (code ${code})`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

function toTrainingExamples(examples: LabelledExample[]): Example[] {
  return examples.map((e) => ({ x: e.x, y: e.label === 'ham' ? 0 : 1 }));
}

function labelCounts(examples: LabelledExample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of examples) counts[e.label] = (counts[e.label] ?? 0) + 1;
  return counts;
}

/** Train on already-featurized examples (also what each cross-validation fold does). */
export function trainOnExamples(examples: LabelledExample[], opts: TrainOptions = {}): Model {
  if (!examples.some((e) => e.label === 'ham') || !examples.some((e) => e.label !== 'ham')) {
    throw new Error('training needs both ham and spam/phish examples');
  }
  const model = train(toTrainingExamples(examples), opts);
  model.training = { ...(model.training as TrainingStats), labels: labelCounts(examples) };
  const calibration = calibrateOnHeldOut(examples, opts);
  if (calibration) model.calibration = calibration;
  return model;
}

/**
 * Scores every example with a model trained on the other folds and places the probability
 * bands on those held-out scores; null when there is too little mail to measure them.
 */
export function calibrateOnHeldOut(examples: LabelledExample[], opts: TrainOptions = {}): Calibration | null {
  const k = opts.calibrationFolds ?? DEFAULT_TRAIN.calibrationFolds;
  if (k < 2) return null;
  const ham = examples.filter((e) => e.label === 'ham').length;
  if (ham < MIN_HELD_OUT_PER_CLASS || examples.length - ham < MIN_HELD_OUT_PER_CLASS) return null;
  const foldOf = stratifiedFolds(examples, k, (opts.seed ?? DEFAULT_TRAIN.seed) + 1);
  // Plain fold models: calibrating each of them too would only repeat this, k levels deep.
  const folds = modelsPerFold(examples, k, foldOf, (set) => train(toTrainingExamples(set), opts));
  const predictions = folds.flatMap(({ model, testSet }) =>
    testSet.map((e) => ({ y: (e.label === 'ham' ? 0 : 1) as 0 | 1, probability: score(model, e.x) })),
  );
  return calibrate(predictions, k);
}

/** For each fold, a model fitted on every other fold, with the fold it must score. */
function modelsPerFold(
  examples: LabelledExample[],
  k: number,
  foldOf: Map<string, number>,
  fit: (trainSet: LabelledExample[]) => Model,
): { fold: number; trainSet: LabelledExample[]; testSet: LabelledExample[]; model: Model }[] {
  return Array.from({ length: k }, (_, fold) => {
    const trainSet = examples.filter((e) => foldOf.get(e.path) !== fold);
    const testSet = examples.filter((e) => foldOf.get(e.path) === fold);
    return { fold, trainSet, testSet, model: fit(trainSet) };
  });
}

export async function trainFromDirs(dirs: string[], opts: TrainFromDirsOptions = {}): Promise<{ model: Model; stats: TrainingStats }> {
  const { examples, skipped } = await loadExamples(dirs, opts);
  const model = trainOnExamples(examples, opts);
  const stats: TrainingStats = { ...(model.training as TrainingStats), skipped: skipped.length, sources: dirs.map(sourceName) };
  model.training = stats;
  return { model, stats };
}

/** Directories are recorded as their last two path segments, not as this machine's layout. */
function sourceName(dir: string): string {
  return resolve(dir).split(sep).filter(Boolean).slice(-2).join('/');
}

export interface CrossValidationPrediction {
  path: string;
  label: Label;
  fold: number;
  /** P(spam or phish) from the model trained without this fold. */
  probability: number;
}

export interface CrossValidationFold {
  fold: number;
  /** Paths the fold's model was trained on. */
  trainPaths: string[];
  testPaths: string[];
  model: Model;
}

export interface CrossValidation {
  k: number;
  predictions: CrossValidationPrediction[];
  folds: CrossValidationFold[];
  skipped: { path: string; reason: string }[];
}

/**
 * Stratified fold assignment: each label's examples (sorted by path, then shuffled with
 * the seed) are dealt round-robin, so every fold has the same label mix.
 */
export function stratifiedFolds(items: { path: string; label: Label | null }[], k: number, seed: number): Map<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`cross-validation needs k ≥ 2, got ${k}`);
  const random = seededRandom(seed);
  const fold = new Map<string, number>();
  let offset = 0;
  for (const label of ['ham', 'spam', 'phish', null] as const) {
    const group = items.filter((i) => i.label === label).map((i) => i.path).sort();
    shuffleInPlace(group, random);
    group.forEach((p, i) => fold.set(p, (i + offset) % k));
    offset += group.length;
  }
  return fold;
}

/** k-fold cross-validation over featurized examples: every message is scored by a model that never saw it. */
export function crossValidateExamples(
  examples: LabelledExample[],
  k: number,
  opts: TrainOptions = {},
  foldOf: Map<string, number> = stratifiedFolds(examples, k, opts.seed ?? 1),
): Omit<CrossValidation, 'skipped'> {
  const predictions: CrossValidationPrediction[] = [];
  const folds: CrossValidationFold[] = [];
  for (const { fold, trainSet, testSet, model } of modelsPerFold(examples, k, foldOf, (set) => trainOnExamples(set, opts))) {
    for (const e of testSet) predictions.push({ path: e.path, label: e.label, fold, probability: score(model, e.x) });
    folds.push({ fold, trainPaths: trainSet.map((e) => e.path), testPaths: testSet.map((e) => e.path), model });
  }
  predictions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { k, predictions, folds };
}

export async function crossValidate(dirs: string[], k: number, opts: TrainFromDirsOptions = {}): Promise<CrossValidation> {
  const { examples, skipped } = await loadExamples(dirs, opts);
  return { ...crossValidateExamples(examples, k, opts), skipped };
}
