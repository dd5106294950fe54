import { findPhones, type PhoneMatch } from '../../text/phones.ts';
import { isNegated } from './negation.ts';
import { normalizeForMatching } from './normalize.ts';
import { IntentMatcher, type RuleHit } from './rule-set.ts';
import { ALL_RULES } from './rules/index.ts';
import type { Intent } from './rules/types.ts';

/**
 * What a message asks its reader to do, as found in its text. Pure: text in, findings out;
 * the analyzer turns findings into weighted signals.
 */

/** The intents reported on their own; the two callback parts are reported through `callbacks`. */
export const REPORTED_INTENTS = [
  'CREDENTIAL_REQUEST',
  'URGENCY_THREAT',
  'PAYMENT_LURE',
  'PRIZE_LURE',
  'GIFT_CARD',
  'PHI_SOLICITATION',
  'SPAM_OFFER',
] as const satisfies readonly Intent[];
export type ReportedIntent = (typeof REPORTED_INTENTS)[number];

export interface IntentFinding {
  /** Hits that were not cancelled by a negation or a phishing warning, strongest rule first. */
  hits: RuleHit[];
  strong: boolean;
}

export interface CallbackFinding {
  phone: PhoneMatch;
  /** The call to action next to the number. */
  callToAction: RuleHit;
  /** The best pretext in the message (strong before weak), null when there is none. */
  context: RuleHit | null;
}

export interface IntentDetection {
  /** The normalized text the rules ran on (truncated to the configured length). */
  text: string;
  intents: Partial<Record<ReportedIntent, IntentFinding>>;
  /** Numbers to call next to a call to action, the first few. */
  callbacks: CallbackFinding[];
}

export interface DetectOptions {
  /** Normalized characters scanned at most; text past it is not read. */
  maxChars: number;
  /** Phone regions tried for numbers written without a country code. */
  phoneRegions: readonly string[];
  /** How far (characters) a number may stand after its call to action, or before it. */
  callWindowAfter: number;
  callWindowBefore: number;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = {
  maxChars: 100_000,
  phoneRegions: ['US', 'GB', 'DE', 'FR', 'ES', 'BR'],
  callWindowAfter: 90,
  callWindowBefore: 25,
};

const DEFAULT_MATCHER = new IntentMatcher(ALL_RULES);
const MAX_CALLBACKS = 3;
const REPORTED = new Set<Intent>(REPORTED_INTENTS);

export function detectIntents(
  rawText: string,
  options: DetectOptions = DEFAULT_DETECT_OPTIONS,
  matcher: IntentMatcher = DEFAULT_MATCHER,
): IntentDetection {
  // Normalizing only shrinks text, so four times the limit in raw characters is plenty.
  const raw = rawText.length > options.maxChars * 4 ? rawText.slice(0, options.maxChars * 4) : rawText;
  const text = normalizeForMatching(raw).slice(0, options.maxChars);
  const found = matcher.findAll(text, { intents: (i) => i !== 'CALLBACK_CONTEXT', perRuleOf: { CALL_TO_ACTION: 25 } });
  const intents: IntentDetection['intents'] = {};
  for (const [intent, all] of found) {
    if (!REPORTED.has(intent)) continue;
    const hits = standing(all, text);
    if (hits.length > 0) intents[intent as ReportedIntent] = { hits, strong: hits[0].rule.strength === 'strong' };
  }
  const ctas = found.get('CALL_TO_ACTION') ?? [];
  return { text, intents, callbacks: ctas.length > 0 ? findCallbacks(text, ctas, options, matcher) : [] };
}

/** Drops hits that are advice rather than requests, and puts strong rules first. */
function standing(hits: RuleHit[], text: string): RuleHit[] {
  const kept = hits.filter((h) => !h.rule.negatable || !isNegated(text, h.index, h.phrase.length));
  return kept.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

function rank(h: RuleHit): number {
  return h.rule.strength === 'strong' ? 0 : 1;
}

/**
 * Numbers are only looked for around calls to action: validating every digit group of a
 * long mailing-list digest would cost more than all the rules together.
 */
function findCallbacks(text: string, ctas: RuleHit[], options: DetectOptions, matcher: IntentMatcher): CallbackFinding[] {
  const out: CallbackFinding[] = [];
  const seen = new Set<string>();
  let context: RuleHit | null | undefined;
  for (const [from, to] of callWindows(text, ctas, options)) {
    for (const found of findPhones(text.slice(from, to), { defaultRegions: options.phoneRegions })) {
      const phone = { ...found, offset: found.offset + from };
      if (seen.has(phone.e164)) continue;
      const near = ctas.find((c) => nearCallToAction(c, phone, options));
      if (!near) continue;
      seen.add(phone.e164);
      // The pretext is looked for once, and only in mail that does ask for a call.
      context ??= standing(matcher.findAll(text, { intents: (i) => i === 'CALLBACK_CONTEXT' }).get('CALLBACK_CONTEXT') ?? [], text)[0] ?? null;
      out.push({ phone, callToAction: near, context });
      if (out.length >= MAX_CALLBACKS) return out;
    }
  }
  return out;
}

/** The stretches around calls to action where a number could stand, overlapping ones merged. */
function callWindows(text: string, ctas: RuleHit[], options: DetectOptions): [number, number][] {
  const spans = ctas
    .map((c): [number, number] => [
      Math.max(0, c.index - options.callWindowBefore - PHONE_SLACK),
      Math.min(text.length, c.index + c.phrase.length + options.callWindowAfter + PHONE_SLACK),
    ])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

/** Room either side of a call window, so a number straddling its edge is still read whole. */
const PHONE_SLACK = 25;

function nearCallToAction(c: RuleHit, phone: PhoneMatch, options: DetectOptions): boolean {
  const end = c.index + c.phrase.length;
  if (phone.offset >= c.index) return phone.offset - end <= options.callWindowAfter;
  return c.index - (phone.offset + phone.raw.length) <= options.callWindowBefore;
}
