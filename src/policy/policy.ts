import { z } from 'zod';
import type { Signal } from '../analyzers/analyzer.ts';

/** What happens to a message. Ordered by severity: a verdict only moves up this list. */
export const ACTIONS = ['deliver', 'tag', 'hold', 'quarantine', 'reject'] as const;
export type Action = (typeof ACTIONS)[number];
export const actionSchema = z.enum(ACTIONS);

const severity = (a: Action) => ACTIONS.indexOf(a);
export const maxAction = (a: Action, b: Action): Action => (severity(a) >= severity(b) ? a : b);
/** Actions that keep a message from its recipients now (what `eval` counts as caught). */
export const isCaught = (a: Action) => a === 'hold' || a === 'quarantine' || a === 'reject';

const ruleSchema = z
  .object({
    name: z.string().min(1),
    /** All of these signals must be present. */
    all: z.array(z.string()).default([]),
    /** At least one of these must be present (ignored when empty). */
    any: z.array(z.string()).default([]),
    /** How many distinct signals of `any` must be present: a composite of independent weak evidence. */
    anyAtLeast: z.number().int().min(1).default(1),
    /** None of these may be present. */
    none: z.array(z.string()).default([]),
    /** The total score must be at least this. */
    minScore: z.number().optional(),
    action: actionSchema,
    /** 'atLeast' raises the verdict to `action`; 'exactly' sets it (for allowlists), applied last. */
    mode: z.enum(['atLeast', 'exactly']).default('atLeast'),
  })
  .strict()
  .refine((r) => r.all.length + r.any.length > 0 || r.minScore !== undefined, { message: 'a rule needs all, any or minScore' })
  .refine((r) => r.anyAtLeast <= Math.max(1, r.any.length), { message: 'anyAtLeast asks for more signals than any lists', path: ['anyAtLeast'] });

export type PolicyRule = z.output<typeof ruleSchema>;

export const policySchema = z
  .object({
    /** Score at or above which each action applies. */
    thresholds: z
      .object({
        tag: z.number().default(5),
        quarantine: z.number().default(8),
        reject: z.number().default(25),
      })
      .strict()
      .default({ tag: 5, quarantine: 8, reject: 25 })
      .refine((t) => t.tag <= t.quarantine && t.quarantine <= t.reject, { message: 'thresholds must satisfy tag ≤ quarantine ≤ reject' }),
    /** Weight overrides by signal id. */
    weights: z.record(z.string(), z.number()).default({}),
    /** Hard rules, evaluated after the score. */
    rules: z.array(ruleSchema).default(() => DEFAULT_RULES),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;

/** Tricks that dress bulk mail up or hide its content from filters. */
export const BULK_DISGUISES = [
  'FAKE_REPLY',
  'WORD_SALAD',
  'MIXED_SCRIPT_TEXT',
  'SENDER_ADDRESS_GENERATED',
  'OBFUSCATED_SPAM_TERM',
  'OFFER_IN_IMAGE',
  'IMAGE_ONLY_MESSAGE',
  'LINK_ONLY_BODY',
  'SENDER_FREE_HOSTING',
  'DISPLAY_NAME_ENCODED_TRICKS',
] as const;

/**
 * Hard rules shipped by default: conditions where the score alone is not the point.
 * A message the scanner could not fully inspect is never delivered (fail closed).
 */
export const DEFAULT_RULES: PolicyRule[] = [
  { name: 'fail closed: not fully scanned', all: [], any: ['UNSCANNABLE', 'ANALYZER_FAILED'], anyAtLeast: 1, none: [], action: 'quarantine', mode: 'atLeast' },
  {
    name: 'executable content',
    all: [],
    any: ['ATTACHMENT_EXECUTABLE', 'ARCHIVE_EXECUTABLE', 'ATTACHMENT_DOUBLE_EXTENSION', 'HTML_SMUGGLING', 'PDF_LAUNCH'],
    anyAtLeast: 1,
    none: [],
    action: 'quarantine',
    mode: 'atLeast',
  },
  {
    name: 'internal sender spoofed',
    all: ['ORG_DOMAIN_SPOOF'],
    any: [],
    anyAtLeast: 1,
    none: [],
    action: 'quarantine',
    mode: 'atLeast',
  },
  { name: 'matches a contained campaign', all: [], any: ['CAMPAIGN_BLOCKED_INDICATOR'], anyAtLeast: 1, none: [], action: 'quarantine', mode: 'atLeast' },
  {
    // Each disguise alone is weak (a forwarded flyer is image-only, a short note is link-only);
    // bulk mail wears several at once. Authenticated senders are left to the score: a
    // newsletter that is one linked picture is still its domain's newsletter.
    name: 'several disguises of bulk mail',
    all: [],
    any: [...BULK_DISGUISES],
    anyAtLeast: 2,
    none: ['DMARC_PASS_ALIGNED', 'SENDER_VERIFIED'],
    minScore: 5,
    action: 'quarantine',
    mode: 'atLeast',
  },
  {
    // The MedStealer protocol: a stranger asking for patient data is verified by phone
    // first, however plausible the wording; the classifier's opinion of it does not matter.
    name: 'sensitive-data request from a sender nobody here knows: verify before anyone answers',
    all: ['PHI_REQUEST_FROM_STRANGER'],
    any: [],
    anyAtLeast: 1,
    none: ['DMARC_PASS_ALIGNED_PARTNER', 'SENDER_VERIFIED'],
    action: 'hold',
    mode: 'atLeast',
  },
  {
    name: 'sensitive-data request from an unverified sender: verify before anyone answers',
    all: ['PHI_SOLICITATION'],
    any: [],
    anyAtLeast: 1,
    none: ['DMARC_PASS_ALIGNED_PARTNER', 'SENDER_VERIFIED'],
    minScore: 5,
    action: 'hold',
    mode: 'atLeast',
  },
];

export interface Decision {
  action: Action;
  score: number;
  /** Names of the hard rules that fired. */
  rules: string[];
}

export function decide(signals: Signal[], policy: Policy): Decision {
  const score = Math.round(signals.reduce((s, x) => s + x.score, 0) * 100) / 100;
  const t = policy.thresholds;
  let action: Action = score >= t.reject ? 'reject' : score >= t.quarantine ? 'quarantine' : score >= t.tag ? 'tag' : 'deliver';
  const present = new Set(signals.map((s) => s.id));
  const fired: string[] = [];
  let exactly: Action | undefined;
  for (const r of policy.rules) {
    if (!r.all.every((id) => present.has(id))) continue;
    if (r.any.length && new Set(r.any.filter((id) => present.has(id))).size < r.anyAtLeast) continue;
    if (r.none.some((id) => present.has(id))) continue;
    if (r.minScore !== undefined && score < r.minScore) continue;
    fired.push(r.name);
    if (r.mode === 'exactly') exactly = r.action;
    else action = maxAction(action, r.action);
  }
  // An allowlist never overrides fail-closed: unscannable mail stays out of inboxes.
  if (exactly && !present.has('UNSCANNABLE') && !present.has('ANALYZER_FAILED')) action = exactly;
  return { action, score, rules: fired };
}
