/**
 * Indicators: the facts about a message that a campaign's variants share and that can be
 * looked for in other mail. Each kind says how much a shared value links two messages; the
 * values are normalised so that the same fact written differently is the same value.
 */

export const INDICATOR_KINDS = [
  'sender-address',
  'sender-domain',
  'reply-to',
  'return-path-domain',
  'client-ip',
  'phone',
  'landing-domain',
  'url',
  'attachment-sha256',
  'image-phash',
  'face',
  'text-minhash',
] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Kinds matched by similarity (MinHash of text, Hamming distance of image hashes) instead of equality. */
export const FUZZY_KINDS: ReadonlySet<IndicatorKind> = new Set(['image-phash', 'text-minhash']);

/**
 * How much one shared value of a kind links two messages; two messages belong together from
 * a total of LINK_THRESHOLD. So a callback number, a landing domain, a reply-to address or an
 * attachment suffices by itself; a sending domain (attackers rotate them, and mail from one
 * sender is not one campaign) or a near-duplicate text (phishing kits copy real templates)
 * needs a second fact; sending infrastructure alone never does.
 */
export const LINK_WEIGHT: Record<IndicatorKind, number> = {
  'sender-address': 2,
  'sender-domain': 1.5,
  'reply-to': 2,
  'return-path-domain': 1,
  'client-ip': 0.5,
  phone: 2,
  'landing-domain': 2,
  url: 2,
  'attachment-sha256': 2,
  'image-phash': 1.5,
  face: 1.5,
  'text-minhash': 1.5,
};
export const LINK_THRESHOLD = 2;

export interface Indicator {
  kind: IndicatorKind;
  value: string;
}

export const KIND_LABEL: Record<IndicatorKind, string> = {
  'sender-address': 'sender address',
  'sender-domain': 'sending domain',
  'reply-to': 'reply-to address',
  'return-path-domain': 'bounce (Return-Path) domain',
  'client-ip': 'sending server IP',
  phone: 'callback number',
  'landing-domain': 'link domain',
  url: 'link',
  'attachment-sha256': 'attachment SHA-256',
  'image-phash': 'image perceptual hash',
  face: 'directory photo shown',
  'text-minhash': 'near-duplicate text (MinHash)',
};

export function indicatorKey(i: Indicator): string {
  return `${i.kind}\u0000${i.value}`;
}

export function uniqueIndicators(list: Indicator[]): Indicator[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const k = indicatorKey(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
