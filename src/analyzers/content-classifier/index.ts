import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineAnalyzer } from '../analyzer.ts';
import { featureValues, messageFeatures, vectorize } from '../../classifier/features.ts';
import type { BandThresholds } from '../../classifier/calibration.ts';
import { contributions, loadModel, score, type Model } from '../../classifier/model.ts';

/**
 * A learned content model (hashed-token logistic regression, see src/classifier/) turned
 * into signals. The shipped model is trained on the 2002 SpamAssassin corpus and the
 * project's own seed corpus (corpus/seed: modern phishing, spam and business mail), never on
 * the evaluation corpora.
 *
 * Which probability counts as "high" depends on the model, so the bands come from the model
 * file: training scores its own mail with models that never saw it and places each band
 * where held-out ham crosses it at a fixed rate (src/classifier/calibration.ts; 1 ham in
 * 670 for the band that quarantines by itself, 1 in 33 for the weakest). A model without a
 * calibration (too little training mail) uses FALLBACK_THRESHOLDS. `thresholds` in the
 * config replaces the model's bands, for an organisation that has measured its own.
 */

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../models/default.json', import.meta.url));

/** For models without a calibration: cut-offs that suit a logistic model trained on a few thousand messages. */
export const FALLBACK_THRESHOLDS: BandThresholds = { high: 0.98, medium: 0.9, low: 0.8, slight: 0.7, ham: 0.08 };

const probability = z.number().min(0).max(1);

const configSchema = z.object({
  /** Model file (JSON from `medshield train`); relative paths resolve from the working directory. */
  model: z.string().min(1).default(DEFAULT_MODEL_PATH),
  /** Replaces the model's calibrated bands; keys left out keep the fallback values. */
  thresholds: z
    .object({
      high: probability.default(FALLBACK_THRESHOLDS.high),
      medium: probability.default(FALLBACK_THRESHOLDS.medium),
      low: probability.default(FALLBACK_THRESHOLDS.low),
      slight: probability.default(FALLBACK_THRESHOLDS.slight),
      ham: probability.default(FALLBACK_THRESHOLDS.ham),
    })
    .refine((t) => t.high >= t.medium && t.medium >= t.low && t.low >= t.slight && t.slight > t.ham, {
      message: 'thresholds must satisfy high ≥ medium ≥ low ≥ slight > ham',
    })
    .optional(),
  /** How many of the strongest features to name in the evidence. */
  explain: z.number().int().min(0).max(20).default(5),
});

// One load per process and path. A missing default model is remembered as null: the
// classifier is then simply off (a fresh checkout before `npm run train:default`).
const models = new Map<string, Model | null>();
let warnedMissingDefault = false;

/** The model for a configured path, loaded once; null when the default model is absent. */
export function modelFor(configured: string, defaultPath: string = DEFAULT_MODEL_PATH): Model | null {
  const path = resolve(configured);
  const cached = models.get(path);
  if (cached !== undefined) return cached;
  if (path === resolve(defaultPath) && !existsSync(path)) {
    if (!warnedMissingDefault) {
      warnedMissingDefault = true;
      process.emitWarning(`content-classifier: no model at ${path}; the classifier is off until one is trained (npm run train:default)`);
    }
    models.set(path, null);
    return null;
  }
  // A model someone configured must exist: failing loudly beats scanning without it.
  const model = loadModel(path);
  models.set(path, model);
  return model;
}

const PREFIXES: [string, string][] = [
  ['sb:', 'subject phrase'],
  ['s:', 'subject word'],
  ['f:', 'sender name word'],
  ['b:', 'phrase'],
  ['w:', 'word'],
  ['up:', 'link path word'],
  ['u:dom:', 'link to'],
  ['u:tld:', 'link TLD'],
  ['u:', 'links'],
  ['a:', 'attachment'],
  ['m:', 'layout'],
];

const BAND_OF: Record<string, keyof BandThresholds> = {
  CLASSIFIER_SPAM_HIGH: 'high',
  CLASSIFIER_SPAM_MEDIUM: 'medium',
  CLASSIFIER_SPAM_LOW: 'low',
  CLASSIFIER_SPAM_SLIGHT: 'slight',
};

/** The bands in force: the config's, else the model's calibration, else the fallback. */
export function bandsFor(model: Model, configured?: BandThresholds): BandThresholds {
  return configured ?? model.calibration?.thresholds ?? FALLBACK_THRESHOLDS;
}

/** "s:free" → `subject word "free"`: evidence is read by people. */
export function describeFeature(name: string): string {
  for (const [prefix, label] of PREFIXES) {
    if (name.startsWith(prefix)) return `${label} ${JSON.stringify(name.slice(prefix.length))}`;
  }
  return name;
}

export const contentClassifier = defineAnalyzer({
  id: 'content-classifier',
  description: 'Learned model of spam and phishing wording, links and layout (a probability from the message content alone).',
  config: configSchema,
  signals: {
    CLASSIFIER_SPAM_HIGH: {
      weight: 8,
      description: 'The content model is nearly certain this is spam or phishing (its top band: about 1 legitimate message in 670 scores this high).',
    },
    CLASSIFIER_SPAM_MEDIUM: {
      weight: 7,
      description: 'The content model rates this as probably spam or phishing (about 1 legitimate message in 200 scores this high).',
    },
    CLASSIFIER_SPAM_LOW: {
      weight: 5,
      description: 'The content model leans towards spam or phishing (about 1 legitimate message in 100 scores this high).',
    },
    CLASSIFIER_SPAM_SLIGHT: {
      weight: 3,
      description: 'The content model sees some spam or phishing wording (about 1 legitimate message in 33 scores this high); newsletters and notices often land here, so it needs other evidence.',
    },
    CLASSIFIER_HAM: {
      weight: -1.5,
      description: 'The content model rates this as ordinary correspondence (almost no spam scores this low).',
    },
  },

  analyze(msg, ctx, config, emit) {
    const model = modelFor(config.model);
    if (!model) return;
    // Words in the pictures are words the reader sees: image spam puts its pitch there.
    const seen = ctx.imageText ? { ...msg, text: `${msg.text}\n${ctx.imageText}` } : msg;
    const values = featureValues(messageFeatures(seen, model.features));
    const p = score(model, vectorize(values, model.features.hash));
    const t = bandsFor(model, config.thresholds);
    const signal =
      p >= t.high ? 'CLASSIFIER_SPAM_HIGH'
      : p >= t.medium ? 'CLASSIFIER_SPAM_MEDIUM'
      : p >= t.low ? 'CLASSIFIER_SPAM_LOW'
      : p >= t.slight ? 'CLASSIFIER_SPAM_SLIGHT'
      : p <= t.ham ? 'CLASSIFIER_HAM'
      : null;
    if (!signal) return;
    const spammy = signal !== 'CLASSIFIER_HAM';
    const top = contributions(model, values)
      .filter((c) => (spammy ? c.weight > 0 : c.weight < 0))
      .slice(0, config.explain)
      .map((c) => `${describeFeature(c.name)} ${c.weight > 0 ? '+' : ''}${c.weight.toFixed(2)}`);
    const band = spammy ? `≥ ${t[BAND_OF[signal]].toFixed(4)}` : `≤ ${t.ham.toFixed(4)}`;
    emit(signal, `p(spam)=${p.toFixed(4)} (band ${band})${top.length ? `; strongest: ${top.join(', ')}` : ''}`);
  },
});
