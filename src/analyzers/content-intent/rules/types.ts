/**
 * Intent rules are data: each says, in one language, what a phrase asks the reader to do,
 * and carries sentences it must and must not match. `rules.test.ts` runs every rule over
 * its own samples, so a rule cannot be changed without its examples agreeing.
 */

export type Intent =
  | 'CREDENTIAL_REQUEST'
  | 'URGENCY_THREAT'
  | 'PAYMENT_LURE'
  | 'PRIZE_LURE'
  | 'GIFT_CARD'
  | 'PHI_SOLICITATION'
  /** Bulk-spam trades: casino bonuses, crypto riches, pills without prescription, sex, loans, stock tips. */
  | 'SPAM_OFFER'
  /** "call us at", "ligue para": half of a callback lure; the number and the scam context are the others. */
  | 'CALL_TO_ACTION'
  /** "if you did not authorize this charge", "your subscription has been renewed": why a callback scam wants a call. */
  | 'CALLBACK_CONTEXT';

export type Lang = 'en' | 'de' | 'pt' | 'es' | 'fr';

export interface IntentRule {
  /** Stable id, `<intent-prefix>.<lang>.<name>`, quoted in evidence. */
  id: string;
  intent: Intent;
  lang: Lang;
  /**
   * Regular-expression source matched against normalized text: lower-case, NFKC, homoglyphs
   * folded to Latin, diacritics removed ("não" → "nao", "überprüfen" → "uberprufen"), every
   * run of whitespace one space. Only non-capturing groups; no flags of its own.
   */
  pattern: string;
  /**
   * Word beginnings of which at least one must occur in the text for `pattern` to match
   * ("verif" for verify/verification). One scan for all anchors picks the few rules worth
   * running on a message; a positive sample without its anchor fails the rule tests.
   */
  anchors: string[];
  /**
   * strong: rarely said in legitimate mail, counts fully on its own.
   * weak: legitimate mail says it too (sign-up confirmations, billing notices), so it counts
   * at a fraction and mainly feeds combinations.
   */
  strength: 'strong' | 'weak';
  /**
   * Whether a negation or warning just before the phrase, or a phishing warning in the same
   * sentence, cancels it: "we will never ask you to confirm your password" is advice, not a request.
   */
  negatable: boolean;
  /** Sentences (as written in mail, before normalization) the rule must match. */
  positives: string[];
  /** Nearby sentences from legitimate mail the rule must not match. */
  negatives: string[];
}

export const LANGS: readonly Lang[] = ['en', 'de', 'pt', 'es', 'fr'];

export type RuleSpec = Omit<IntentRule, 'id' | 'intent' | 'lang' | 'negatable'> & { name: string; negatable?: boolean };

/** Fills in what every rule of one intent and language shares. */
export function ruleGroup(intent: Intent, lang: Lang, prefix: string, negatableByDefault: boolean) {
  return (specs: RuleSpec[]): IntentRule[] =>
    specs.map(({ name, negatable, ...rest }) => ({
      id: `${prefix}.${lang}.${name}`,
      intent,
      lang,
      negatable: negatable ?? negatableByDefault,
      ...rest,
    }));
}
