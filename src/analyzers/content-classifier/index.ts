import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineAnalyzer } from '../analyzer.ts';
import { featureValues, messageFeatures, vectorize } from '../../classifier/features.ts';
import { contributions, loadModel, score, type Model } from '../../classifier/model.ts';

/**
 * A learned content model (hashed-token logistic regression, see src/classifier/) turned
 * into signals. The shipped model is trained on the 2002 SpamAssassin corpus and the
 * project's own seed corpus (corpus/seed: modern phishing, spam and business mail), never on
 * the evaluation corpora. The bands were placed on mail it never saw (TREC 2007 ham,
 * phishing_pot, and the seed corpus's own ham scored by cross-validation): at p ≥ 0.95 no
 * TREC ham and one seed ham in 633, at p ≥ 0.9 one in 500 of each, at p ≥ 0.7 one in 90
 * TREC ham and one in 20 seed ham. Short business notes (an invoice "for your business")
 * can still reach 0.97, so only p ≥ 0.98 quarantines by itself; the lower bands need other
 * evidence (the policy quarantines at 8).
 * A model trained on an organisation's own mail is better calibrated; its bands can be moved
 * in the config.
 */

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../models/default.json', import.meta.url));

const probability = z.number().min(0).max(1);

const configSchema = z.object({
  /** Model file (JSON from `medshield train`); relative paths resolve from the working directory. */
  model: z.string().min(1).default(DEFAULT_MODEL_PATH),
  thresholds: z
    .object({
      high: probability.default(0.98),
      medium: probability.default(0.9),
      low: probability.default(0.8),
      slight: probability.default(0.7),
      ham: probability.default(0.08),
    })
    .prefault({})
    .refine((t) => t.high >= t.medium && t.medium >= t.low && t.low >= t.slight && t.slight > t.ham, {
      message: 'thresholds must satisfy high ≥ medium ≥ low ≥ slight > ham',
    }),
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
      description: 'The content model is nearly certain this is spam or phishing (probability ≥ 0.98).',
    },
    CLASSIFIER_SPAM_MEDIUM: {
      weight: 6,
      description: 'The content model rates this as probably spam or phishing (probability ≥ 0.9).',
    },
    CLASSIFIER_SPAM_LOW: {
      weight: 4,
      description: 'The content model leans towards spam or phishing (probability ≥ 0.8).',
    },
    CLASSIFIER_SPAM_SLIGHT: {
      weight: 3,
      description: 'The content model sees some spam or phishing wording (probability ≥ 0.7); newsletters and notices often land here, so it needs other evidence.',
    },
    CLASSIFIER_HAM: {
      weight: -1.5,
      description: 'The content model rates this as ordinary correspondence (probability ≤ 0.08).',
    },
  },

  analyze(msg, ctx, config, emit) {
    const model = modelFor(config.model);
    if (!model) return;
    // Words in the pictures are words the reader sees: image spam puts its pitch there.
    const seen = ctx.imageText ? { ...msg, text: `${msg.text}\n${ctx.imageText}` } : msg;
    const values = featureValues(messageFeatures(seen, model.features));
    const p = score(model, vectorize(values, model.features.hash));
    const t = config.thresholds;
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
    emit(signal, `p(spam)=${p.toFixed(4)}${top.length ? `; strongest: ${top.join(', ')}` : ''}`);
  },
});
