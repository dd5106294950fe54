import { parsePhoneNumber } from 'awesome-phonenumber';

/**
 * Phone numbers written in mail text. awesome-phonenumber's findNumbers only finds numbers
 * written in international form, and callback scams write US numbers the way Americans do
 * ("(800) 555-0199", "1-888-555-0100", "888.555.0100"), so candidates are cut out here with a
 * loose pattern and each is then validated by libphonenumber.
 */

export interface PhoneMatch {
  /** The number in E.164 form, e.g. "+18885550100". */
  e164: string;
  /** The text as written in the mail. */
  raw: string;
  /** Offset of `raw` in the text that was searched. */
  offset: number;
  /** ISO region of the number, e.g. "US"; '' when libphonenumber knows none. */
  regionCode: string;
  /** libphonenumber's type, e.g. "toll-free", "mobile", "fixed-line". */
  type: string;
}

export interface PhoneSearchOptions {
  /**
   * Regions whose national format is tried, in order, for numbers written without a
   * "+country" prefix. The first one under which the number is valid wins.
   */
  defaultRegions?: readonly string[];
  /** Candidates validated at most; each costs ~40 µs, and a mail rarely has more than a handful. */
  maxCandidates?: number;
}

const DEFAULTS = { defaultRegions: ['US'], maxCandidates: 40 } as const;

/*
 * A candidate: optional "+" or "00" prefix, then digit groups separated by one space, a
 * hyphen (spaces around it allowed), a dot or a slash, with optional parentheses around a
 * group. A dot followed by a space ends a sentence, not a group. It may not touch
 * letters or digits on either side, so "order 12345-678901" inside a word or a URL path
 * segment is not cut in half; the digit count is checked afterwards.
 */
const CANDIDATE =
  /(?<![\w+\-./#])(?:\+|00)?[ \u00a0]?(?:\(\d{1,5}\)|\d{1,5})(?:(?:[ \u00a0]?-[ \u00a0]?|[./]|[ \u00a0])?(?:\(\d{1,5}\)|\d{1,6})){1,6}(?![\w\-/]|[.,]\d)/g;

const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

/** All valid phone numbers in `text`, every occurrence, in order of appearance. */
export function findPhones(text: string, options: PhoneSearchOptions = {}): PhoneMatch[] {
  const regions = options.defaultRegions ?? DEFAULTS.defaultRegions;
  const maxCandidates = options.maxCandidates ?? DEFAULTS.maxCandidates;
  const out: PhoneMatch[] = [];
  // The same number is often written several times (header, body, footer): validate it once.
  const verdicts = new Map<string, Omit<PhoneMatch, 'raw' | 'offset'> | null>();
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const raw = m[0].trim();
    const offset = m.index + m[0].indexOf(raw);
    if (!plausibleShape(raw)) continue;
    let found = verdicts.get(raw);
    if (found === undefined) {
      if (verdicts.size >= maxCandidates) break;
      found = validate(raw, regions);
      verdicts.set(raw, found);
    }
    if (found) out.push({ ...found, raw, offset });
  }
  return out;
}

function plausibleShape(raw: string): boolean {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return false;
  const international = raw.startsWith('+') || raw.startsWith('00');
  // An unbroken run of digits without a country prefix is an order, account or tracking number
  // far more often than a phone number someone is meant to dial.
  if (!international && /^\d+$/.test(raw)) return false;
  // Dates and version strings: 2023-03-15, 15.03.2023, 1.2.3.4
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(raw) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(raw)) return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw)) return false;
  const open = raw.split('(').length - 1;
  const close = raw.split(')').length - 1;
  return open === close && open <= 1;
}

/*
 * Regions whose national numbers are always written with the trunk prefix 0, and the North
 * American plan, which never starts a number with 0. Skipping regions a number cannot
 * belong to saves a libphonenumber call (~40 µs) each.
 */
const TRUNK_ZERO = new Set(['GB', 'DE', 'FR', 'IT', 'NL', 'AT', 'CH', 'BE', 'IE', 'AU', 'NZ', 'SE', 'FI', 'IN', 'JP']);
const NANP = new Set(['US', 'CA']);

function validate(raw: string, regions: readonly string[]): Omit<PhoneMatch, 'raw' | 'offset'> | null {
  const dialable = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
  if (dialable.startsWith('+')) return result(parsePhoneNumber(dialable));
  const leadingZero = dialable.replace(/^\(/, '').startsWith('0');
  for (const regionCode of regions) {
    if (leadingZero ? NANP.has(regionCode) : TRUNK_ZERO.has(regionCode)) continue;
    const r = result(parsePhoneNumber(dialable, { regionCode }));
    if (r) return r;
  }
  return null;
}

function result(pn: ReturnType<typeof parsePhoneNumber>): Omit<PhoneMatch, 'raw' | 'offset'> | null {
  if (!pn.valid) return null;
  return { e164: pn.number.e164, regionCode: pn.regionCode ?? '', type: pn.type ?? 'unknown' };
}
