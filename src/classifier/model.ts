import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { calibrationProblem, type Calibration } from './calibration.ts';
import { DEFAULT_FEATURES, FEATURE_VERSION, hashFeature, type FeatureSpec, type SparseVector } from './features.ts';

/**
 * Logistic regression over hashed sparse features, trained with Adagrad SGD and L2.
 *
 * Why no library: none of the maintained JavaScript ML packages does sparse, hashed
 * logistic regression with a model file another program could read; they want dense
 * matrices (2^18 columns × 9000 rows) or ship their own opaque serialisation, and bring
 * large dependency trees into a mail gateway. The whole method is the hundred lines
 * below, and the model file is plain JSON with a documented float table.
 */

export const MODEL_FORMAT = 'medshield-content-classifier';
export const MODEL_VERSION = 1;

export interface TrainingStats {
  /** Messages per label as found on disk (ham / spam / phish). */
  labels: Record<string, number>;
  positives: number;
  negatives: number;
  /** Files that could not be parsed (skipped). */
  skipped: number;
  /** The settings the model was trained with. */
  options: Required<Omit<TrainOptions, 'features'>>;
  /** Mean log-loss on the training set after the last epoch (a sanity figure, not a score). */
  trainLogLoss: number;
  /** Where the data came from, as given to the trainer (directories, not files). */
  sources: string[];
}

export interface Model {
  featureVersion: number;
  features: FeatureSpec;
  bias: number;
  /** One weight per hash bucket (length 2^bits). */
  weights: Float32Array;
  training?: TrainingStats;
  /** Probability bands measured on held-out training mail (calibration.ts); absent on small or old models. */
  calibration?: Calibration;
}

export interface TrainOptions {
  epochs?: number;
  /** Adagrad base step. */
  learningRate?: number;
  /** L2 penalty per update on the active weights. */
  l2?: number;
  /** Weight classes so positives and negatives count equally in the loss. */
  balance?: boolean;
  /** Buckets seen in fewer training messages than this keep weight 0: rare tokens only teach the model to memorise. */
  minDocFrequency?: number;
  seed?: number;
  /** Held-out folds used to place the probability bands (calibration.ts); 0 or 1 skips calibration. */
  calibrationFolds?: number;
  features?: FeatureSpec;
}

/**
 * Chosen by training on SpamAssassin and the seed corpus and ranking TREC 2007 and
 * phishing_pot mail the model never saw: the document-frequency floor of 10 raised phishing
 * recall at 0.5% ham false positives from ~28% to ~50% (rare tokens are where a model
 * memorises its corpus). L2 3e-3 (instead of 1e-4) raised phishing recall at 0.2% TREC ham
 * false positives from 65% to 80% and TREC spam from 43% to 55%: a smoother model leans on
 * words many messages share instead of the few that mark one corpus. Trained and tested on
 * the same corpora (5-fold) the two settings rank equally well. With the seed corpus at
 * 6,000 messages (round 6) the model can afford less smoothing: L2 1e-3 caught TREC spam
 * 79.5% instead of 77.0% and phishing 88.7% instead of 88.2% at 4 instead of 3 TREC ham
 * false positives in 1,500 (5e-4: 79.9% but twice the tagged ham; 1e-2: 69.8%).
 */
export const DEFAULT_TRAIN: Required<Omit<TrainOptions, 'features'>> = {
  epochs: 8,
  learningRate: 0.2,
  l2: 1e-3,
  balance: true,
  minDocFrequency: 10,
  seed: 1,
  calibrationFolds: 5,
};

export interface Example {
  x: SparseVector;
  /** 1 = spam or phish, 0 = ham. */
  y: 0 | 1;
}

/** Small seeded PRNG (mulberry32): same seed, same shuffle, same model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function train(examples: Example[], opts: TrainOptions = {}): Model {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as TrainOptions;
  const o = { ...DEFAULT_TRAIN, ...given };
  const features = opts.features ?? DEFAULT_FEATURES;
  const size = 2 ** features.hash.bits;
  const w = new Float64Array(size);
  const g2 = new Float64Array(size);
  let bias = 0;
  let biasG2 = 0;
  const eps = 1e-8;
  const pos = examples.filter((e) => e.y === 1).length;
  const neg = examples.length - pos;
  const classWeight = o.balance && pos > 0 && neg > 0
    ? [examples.length / (2 * neg), examples.length / (2 * pos)]
    : [1, 1];
  const df = new Uint32Array(size);
  for (const e of examples) for (const j of e.x.indices) df[j]++;
  const random = seededRandom(o.seed);
  const order = examples.map((_, i) => i);
  let loss = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffleInPlace(order, random);
    loss = 0;
    for (const i of order) {
      const { x, y } = examples[i];
      let z = bias;
      for (let k = 0; k < x.indices.length; k++) z += w[x.indices[k]] * x.values[k];
      const p = sigmoid(z);
      loss += -(y ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15)));
      const g = (p - y) * classWeight[y];
      // Adagrad: each weight's step shrinks with its own gradient history, so frequent
      // tokens settle and rare ones still move. L2 is applied lazily, to the weights this
      // message touches, which keeps an update proportional to the message, not the table.
      for (let k = 0; k < x.indices.length; k++) {
        const j = x.indices[k];
        if (df[j] < o.minDocFrequency) continue;
        const gj = g * x.values[k] + o.l2 * w[j];
        g2[j] += gj * gj;
        w[j] -= (o.learningRate * gj) / (Math.sqrt(g2[j]) + eps);
      }
      biasG2 += g * g;
      bias -= (o.learningRate * g) / (Math.sqrt(biasG2) + eps);
    }
  }
  return {
    featureVersion: FEATURE_VERSION,
    features: { hash: { ...features.hash }, bodyBigrams: features.bodyBigrams, linkPathWords: features.linkPathWords },
    bias,
    weights: Float32Array.from(w),
    training: {
      labels: {},
      positives: pos,
      negatives: neg,
      skipped: 0,
      options: { epochs: o.epochs, learningRate: o.learningRate, l2: o.l2, balance: o.balance, minDocFrequency: o.minDocFrequency, seed: o.seed, calibrationFolds: o.calibrationFolds },
      trainLogLoss: examples.length ? loss / examples.length : 0,
      sources: [],
    },
  };
}

export function margin(model: Model, x: SparseVector): number {
  let z = model.bias;
  for (let k = 0; k < x.indices.length; k++) z += model.weights[x.indices[k]] * x.values[k];
  return z;
}

/** Probability that the message is spam or phish. */
export function score(model: Model, x: SparseVector): number {
  return sigmoid(margin(model, x));
}

/** Per-feature contributions to the margin, largest first (for evidence a person can read). */
export function contributions(model: Model, values: Map<string, number>): { name: string; weight: number }[] {
  const out: { name: string; weight: number }[] = [];
  for (const [name, x] of values) {
    const c = model.weights[hashFeature(name, model.features.hash)] * x;
    if (c !== 0) out.push({ name, weight: c });
  }
  return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.name < b.name ? -1 : 1));
}

/**
 * The file format, JSON:
 *   format, version: identify the file;
 *   featureVersion: the extraction the weights belong to (features.ts FEATURE_VERSION);
 *   features: { hash: { algorithm: 'fnv1a32', bits, seed }, bodyBigrams, linkPathWords }: how feature
 *     names are made and mapped to table slots;
 *   bias: the intercept;
 *   weights: { encoding: 'float32le-base64', length: 2^bits, data }: the whole table,
 *     little-endian IEEE-754 single floats, base64 (2^18 slots → ~1.4 MB of text);
 *   training: counts and settings, for people;
 *   calibration (optional): the probability bands measured on held-out training mail
 *     { method, folds, heldOutHam, heldOutSpam, targets, thresholds: { high, medium, low, slight, ham } }.
 */
interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  featureVersion: number;
  features: FeatureSpec;
  bias: number;
  weights: { encoding: 'float32le-base64'; length: number; data: string };
  training?: TrainingStats;
  calibration?: Calibration;
}

export function serializeModel(model: Model): string {
  const bytes = Buffer.alloc(model.weights.length * 4);
  for (let i = 0; i < model.weights.length; i++) bytes.writeFloatLE(model.weights[i], i * 4);
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    featureVersion: model.featureVersion,
    features: model.features,
    bias: model.bias,
    weights: { encoding: 'float32le-base64', length: model.weights.length, data: bytes.toString('base64') },
    ...(model.training ? { training: model.training } : {}),
    ...(model.calibration ? { calibration: model.calibration } : {}),
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

export function parseModel(json: string, origin = 'model'): Model {
  let file: ModelFile;
  try {
    file = JSON.parse(json) as ModelFile;
  } catch (err) {
    throw new Error(`${origin}: not JSON (${(err as Error).message})`);
  }
  if (file?.format !== MODEL_FORMAT) throw new Error(`${origin}: not a ${MODEL_FORMAT} file`);
  if (file.version !== MODEL_VERSION) throw new Error(`${origin}: model format version ${file.version}, this build reads ${MODEL_VERSION}`);
  if (file.featureVersion !== FEATURE_VERSION) {
    throw new Error(`${origin}: trained on feature version ${file.featureVersion}, this build extracts version ${FEATURE_VERSION}; re-train it`);
  }
  const { features, weights } = file;
  const hash = features?.hash;
  if (typeof features?.bodyBigrams !== 'boolean') throw new Error(`${origin}: features.bodyBigrams missing`);
  // Files written before the switch existed were trained with link path words.
  const linkPathWords = features.linkPathWords ?? true;
  if (typeof linkPathWords !== 'boolean') throw new Error(`${origin}: features.linkPathWords must be true or false`);
  if (hash?.algorithm !== 'fnv1a32' || !Number.isInteger(hash.bits) || hash.bits < 4 || hash.bits > 26 || !Number.isInteger(hash.seed)) {
    throw new Error(`${origin}: unsupported feature hashing ${JSON.stringify(hash)}`);
  }
  if (weights?.encoding !== 'float32le-base64' || weights.length !== 2 ** hash.bits) {
    throw new Error(`${origin}: weights must be float32le-base64 with 2^bits entries`);
  }
  const bytes = Buffer.from(weights.data, 'base64');
  if (bytes.length !== weights.length * 4) throw new Error(`${origin}: weight table is ${bytes.length} bytes, expected ${weights.length * 4}`);
  const table = new Float32Array(weights.length);
  for (let i = 0; i < table.length; i++) table[i] = bytes.readFloatLE(i * 4);
  if (!Number.isFinite(file.bias)) throw new Error(`${origin}: bias is not a number`);
  if (file.calibration !== undefined) {
    const problem = calibrationProblem(file.calibration);
    if (problem) throw new Error(`${origin}: ${problem}`);
  }
  return {
    featureVersion: file.featureVersion,
    features: { hash: { ...hash }, bodyBigrams: features.bodyBigrams, linkPathWords },
    bias: file.bias,
    weights: table,
    training: file.training,
    ...(file.calibration ? { calibration: file.calibration } : {}),
  };
}

export function saveModel(model: Model, path: string): void {
  writeFileSync(path, serializeModel(model));
}

/** Reads a model file; throws an Error naming the path when it is missing or unreadable. */
export function loadModel(path: string): Model {
  if (!existsSync(path)) throw new Error(`classifier model ${path} does not exist`);
  return parseModel(readFileSync(path, 'utf8'), path);
}
