import { z } from 'zod';
import { defineAnalyzer, quote, type Emit, type SenderProfile, type SignalDefinition } from '../analyzer.ts';
import { COMBOS, type ComboPart } from './combos.ts';
import { DEFAULT_DETECT_OPTIONS, detectIntents, type CallbackFinding, type IntentDetection, type ReportedIntent } from './detect.ts';
import type { RuleHit } from './rule-set.ts';

/**
 * What a message asks its reader to do: verify a login, pay, call a number, send an SSN,
 * buy gift cards, claim a prize, and how hard it presses. Reads the subject, the body
 * and the text recognised in its images, in English, German, Portuguese, Spanish and
 * French. The phrases live in `rules/` as data with their own examples; single phrases
 * occur in legitimate mail too, so the weight sits on the combinations.
 */

const configSchema = z
  .object({
    /**
     * Share of a signal's weight that a weak phrase earns ("confirm your email address",
     * "within 24 hours"): phrases legitimate mail uses as well.
     */
    weakFactor: z.number().min(0).max(1).default(0.4),
    /** Read the text OCR found in the message's images (image-only lures). */
    includeImageText: z.boolean().default(true),
    /** Characters of (normalized) text read at most; the rest of a very long message is not. */
    maxChars: z.number().int().positive().default(DEFAULT_DETECT_OPTIONS.maxChars),
    /** Regions whose national number formats are tried for numbers written without "+country". */
    phoneRegions: z.array(z.string().length(2)).default([...DEFAULT_DETECT_OPTIONS.phoneRegions]),
    /** How far after a call to action ("call us at") the number may stand, in characters. */
    callWindowAfter: z.number().int().nonnegative().default(DEFAULT_DETECT_OPTIONS.callWindowAfter),
    /** How far before a call to action ("… is our helpline") the number may stand. */
    callWindowBefore: z.number().int().nonnegative().default(DEFAULT_DETECT_OPTIONS.callWindowBefore),
    /** Phrases quoted per signal in evidence. */
    evidencePhrases: z.number().int().positive().default(3),
  })
  .strict();

type Config = z.output<typeof configSchema>;

const INTENT_SIGNALS: Record<ReportedIntent, { signal: string } & SignalDefinition> = {
  CREDENTIAL_REQUEST: {
    signal: 'CREDENTIAL_REQUEST',
    weight: 2.5,
    description:
      'Asks the reader to verify, confirm or re-enter a login, password or mailbox (quota, password-expiry, shared-document and voicemail pretexts included).',
  },
  URGENCY_THREAT: {
    signal: 'URGENCY_THREAT',
    weight: 1.5,
    description: 'Threatens the reader: account suspended or locked, a 24-hour deadline, final notice, legal action.',
  },
  PAYMENT_LURE: {
    signal: 'PAYMENT_LURE',
    weight: 2,
    description: 'Pushes money matters: overdue invoice, refund, failed payment, changed bank details, an urgent wire transfer, a customs fee.',
  },
  PRIZE_LURE: {
    signal: 'PRIZE_LURE',
    weight: 2,
    description: 'Tells the reader they won, were selected, or can claim a reward or gift, often for a survey.',
  },
  GIFT_CARD: {
    signal: 'GIFT_CARD_REQUEST',
    weight: 3.5,
    description: 'Asks the reader to buy gift cards or send card codes: the classic impersonated-manager scam.',
  },
  SPAM_OFFER: {
    signal: 'SPAM_OFFER',
    // The rules ask for the sales pitch, not the topic; with any lean of the classifier
    // towards spam that is enough to hold the message back.
    weight: 5,
    description: 'Sells what bulk spam sells: casino bonuses, crypto riches, pills without a prescription, sex, instant loans, stock tips, cheap software or replicas.',
  },
  PHI_SOLICITATION: {
    signal: 'PHI_SOLICITATION',
    weight: 3.5,
    description:
      'Asks the reader to send or confirm SSN, date of birth, insurance member ID, Medicare number, medical history or patient records (requests only; warnings like "never share your SSN" do not count).',
  },
};

const CALLBACK_SIGNALS: Record<string, SignalDefinition> = {
  CALLBACK_LURE: {
    weight: 5,
    description:
      'Asks the reader to call a phone number about a charge, renewal, refund or purchase they did not make: callback phishing (fake Norton/Geek Squad/PayPal invoices).',
  },
  CALLBACK_REQUEST: {
    weight: 0.5,
    description: 'Asks the reader to call a phone number about an order, invoice or appointment; normal in legitimate mail, weak on its own.',
  },
};

/**
 * Known to the gateway's store only: whether the organisation has any history with the
 * sender. The MedStealer pattern is a stranger asking for patient data; the same words from a
 * long-standing correspondent are routine, so only the stranger case adds weight.
 */
const STRANGER_SIGNALS: Record<string, SignalDefinition> = {
  PHI_REQUEST_FROM_STRANGER: {
    // Routes the message to the verification protocol (the policy's hold rule) rather than
    // adding suspicion: a plausible payer asking for a date of birth should be verified by
    // phone, not quarantined because its wording is a little like spam.
    weight: 0.5,
    description:
      'The request for patient or personal data comes from an address the organisation has never received mail from and that nobody in the organisation has ever written to (nor to its domain); it sends the message to verification.',
  },
};

const IMAGE_SIGNALS: Record<string, SignalDefinition> = {
  OFFER_IN_IMAGE: {
    // With SPAM_OFFER it quarantines even when the filler has talked the classifier into
    // its ham band: the filler was written for that.
    weight: 4.5,
    description:
      'The spam offer is written in a picture: what text filters read is filler (a novel excerpt, news headlines, random words) and what the reader sees is the pitch.',
  },
};

const signals: Record<string, SignalDefinition> = {
  ...IMAGE_SIGNALS,
  ...Object.fromEntries(Object.values(INTENT_SIGNALS).map(({ signal, weight, description }) => [signal, { weight, description }])),
  ...CALLBACK_SIGNALS,
  ...STRANGER_SIGNALS,
  ...Object.fromEntries(COMBOS.map((c) => [c.signal, { weight: c.weight, description: c.description }])),
};

export const contentIntent = defineAnalyzer({
  id: 'content-intent',
  description: 'What the message asks the reader to do (log in, pay, call, send personal data), in five languages.',
  config: configSchema,
  signals,
  analyze(msg, ctx, config, emit) {
    const parts = [msg.subject, msg.text];
    if (config.includeImageText && ctx.imageText) parts.push(ctx.imageText);
    const options = {
      maxChars: config.maxChars,
      phoneRegions: config.phoneRegions,
      callWindowAfter: config.callWindowAfter,
      callWindowBefore: config.callWindowBefore,
    };
    // Sentence ends between parts, so a subject never runs on into the first line of the body.
    const detection = detectIntents(parts.filter(Boolean).join('.\n'), options);
    emitFindings(detection, config, emit);
    if (parts.length > 2 && detection.intents.SPAM_OFFER?.strong) {
      // Image text is short next to the body, so reading it once more on its own is cheap.
      const inImage = detectIntents(ctx.imageText, options).intents.SPAM_OFFER;
      if (inImage?.strong) emit('OFFER_IN_IMAGE', `in the picture: ${describeHits(inImage.hits, config)}`);
    }
    const phi = detection.intents.PHI_SOLICITATION;
    const profile = ctx.senderProfile;
    if (phi?.strong && profile && isStranger(profile)) {
      emit('PHI_REQUEST_FROM_STRANGER', `first message from ${msg.from?.address ?? 'this sender'}; nobody here has written to it or its domain`);
    }
  },
});

function isStranger(p: SenderProfile): boolean {
  return p.messagesFromAddress === 0 && !p.solicited && p.domainSolicited !== true;
}

interface PartState {
  present: boolean;
  strong: boolean;
}

function emitFindings(d: IntentDetection, config: Config, emit: Emit): void {
  const parts = new Map<ComboPart, PartState>();
  for (const [intent, def] of Object.entries(INTENT_SIGNALS) as [ReportedIntent, (typeof INTENT_SIGNALS)[ReportedIntent]][]) {
    const finding = d.intents[intent];
    if (!finding) continue;
    parts.set(intent, { present: true, strong: finding.strong });
    emit(def.signal, describeHits(finding.hits, config), finding.strong ? strongFactor(intent, finding.hits) : config.weakFactor);
  }

  const lure = d.callbacks.find((c) => c.context?.rule.strength === 'strong');
  const request = d.callbacks.find((c) => c.context !== null);
  if (lure) {
    parts.set('CALLBACK_LURE', { present: true, strong: true });
    emit('CALLBACK_LURE', describeCallback(lure));
  } else if (request) {
    emit('CALLBACK_REQUEST', describeCallback(request));
  }

  for (const combo of COMBOS) {
    const filled: { part: ComboPart; strong: boolean }[] = [];
    for (const slot of combo.slots) {
      // Prefer a strong part for the slot, so "credential (weak) + urgency (strong)" counts once strong.
      const candidates = slot.filter((p) => parts.get(p)?.present).sort((a, b) => Number(parts.get(b)?.strong) - Number(parts.get(a)?.strong));
      if (candidates.length === 0) break;
      filled.push({ part: candidates[0], strong: parts.get(candidates[0])?.strong ?? false });
    }
    if (filled.length < combo.slots.length) continue;
    if (new Set(filled.map((f) => f.part)).size < filled.length) continue;
    if (filled.filter((f) => f.strong).length < combo.minStrong) continue;
    emit(combo.signal, filled.map((f) => `${f.part}${f.strong ? '' : ' (weak)'}`).join(' + '));
  }
}

/**
 * A spam offer pitched several ways at once (an online pharmacy, its price list, "no
 * prescription needed") is surer than one phrase: each further distinct strong rule adds
 * 30% of the weight, up to 60%.
 */
function strongFactor(intent: ReportedIntent, hits: RuleHit[]): number {
  if (intent !== 'SPAM_OFFER') return 1;
  const rules = new Set(hits.filter((h) => h.rule.strength === 'strong').map((h) => h.rule.id)).size;
  return Math.min(1.6, 1 + 0.3 * Math.max(0, rules - 1));
}

function describeHits(hits: RuleHit[], config: Config): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const h of hits) {
    if (seen.has(h.rule.id)) continue;
    seen.add(h.rule.id);
    out.push(`${quote(h.phrase, 70)} (${h.rule.id})`);
    if (out.length >= config.evidencePhrases) break;
  }
  return out.join('; ');
}

function describeCallback(c: CallbackFinding): string {
  const pretext = c.context ? `; pretext ${quote(c.context.phrase, 70)} (${c.context.rule.id})` : '';
  return `call ${c.phone.e164} (${quote(c.phone.raw, 30)} next to ${quote(c.callToAction.phrase, 50)})${pretext}`;
}
