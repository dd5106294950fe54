import { foldText } from '../brands/match.ts';
import { NICKNAME_GROUPS } from './nicknames.ts';

/**
 * Person names as mail writes them ("Dr. Jane Smith, MD", "SMITH, JANE", "Bob Miller",
 * "Jоsé Núñez" with a Cyrillic о) reduced to comparable keys, and the comparison of a
 * written name with a directory person. Keys are lower-case ASCII letters only: look-alike
 * characters folded (UTS #39 confusables), accents dropped, punctuation and spaces removed.
 */

/** Latin letters without a canonical decomposition, which NFD leaves alone. */
const LATIN_EXTRA: Record<string, string> = {
  ß: 'ss', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
};
const LATIN_EXTRA_RE = new RegExp(`[${Object.keys(LATIN_EXTRA).join('')}]`, 'g');
const COMBINING = /\p{M}+/gu;

/** Folded text: look-alikes and styled letters to plain Latin, accents removed, case kept. */
export function foldName(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  return foldText(s.replace(LATIN_EXTRA_RE, (c) => LATIN_EXTRA[c] ?? c)).normalize('NFD').replace(COMBINING, '');
}

/** True when the name only reads as it does through look-alike characters from other scripts (Cyrillic о in "Jоhn"). */
export function usesLookalikes(s: string): boolean {
  if (!/[^\x00-\x7f]/.test(s)) return false;
  const accentsOnly = s.replace(LATIN_EXTRA_RE, (c) => LATIN_EXTRA[c] ?? c).normalize('NFD').replace(COMBINING, '');
  return accentsOnly !== foldName(s) && /[^\x00-\x7f]/.test(accentsOnly);
}

/** The comparable key of one name part: "O'Brien" → "obrien", "Núñez" → "nunez", "Smith-Jones" → "smithjones". */
export function nameKey(s: string): string {
  return foldName(s).toLowerCase().replace(/[^a-z]/g, '');
}

// ---------------------------------------------------------------------------------------
// Titles, credentials, suffixes

const PREFIXES = new Set(['dr', 'doctor', 'doc', 'prof', 'professor', 'mr', 'mrs', 'ms', 'miss', 'mx', 'nurse', 'rev', 'sr', 'sister']);
const DOCTOR_PREFIXES = new Set(['dr', 'doctor', 'doc']);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v']);

/**
 * Post-nominal credentials of US clinical staff, as keys (upper-case, no dots or spaces):
 * "M.D." and "MD" are both MD. A token in this set after a name is a credential, never a
 * surname, so it is kept to the unambiguous ones ("MA" and "MS" are also initials; they
 * count only after a comma).
 */
export const CLINICAL_CREDENTIALS = new Set([
  'MD', 'DO', 'NP', 'PA', 'PAC', 'RN', 'BSN', 'MSN', 'APRN', 'FNP', 'FNPC', 'FNPBC', 'ANP', 'AGNP', 'PMHNP', 'CPNP', 'NPC', 'DNP', 'CRNA',
  'CNM', 'CNS', 'LPN', 'LVN', 'PHD', 'PHARMD', 'RPH', 'DDS', 'DMD', 'DPM', 'OD', 'DC', 'MBBS', 'MBCHB', 'FACP', 'FACS', 'FAAP', 'FACC',
  'FACOG', 'FAAFP', 'FACEP', 'FCCP', 'FRCP', 'FRCS', 'MRCP', 'LCSW', 'LICSW', 'LMFT', 'LPC', 'PSYD', 'DPT', 'PT', 'OT', 'OTR', 'OTRL',
  'RD', 'RDN', 'CCCSLP', 'SLP', 'AUD', 'MPH', 'MBA', 'MHA', 'MSC', 'DRPH', 'CNA', 'CMA', 'RRT', 'EMTP', 'NREMTP', 'ATC', 'CDE', 'CDCES',
]);
/** Credentials that, after a comma only, are credentials rather than initials. */
const COMMA_ONLY_CREDENTIALS = new Set(['MA', 'MS', 'BS', 'BA', 'MED', 'EDD', 'JD', 'ESQ']);
/** Credentials of people who treat patients: what "X, MD" claims. */
export const PRESCRIBER_CREDENTIALS = new Set(['MD', 'DO', 'NP', 'PA', 'PAC', 'APRN', 'FNP', 'FNPC', 'FNPBC', 'ANP', 'AGNP', 'PMHNP', 'CPNP', 'NPC', 'DNP', 'CRNA', 'CNM', 'MBBS', 'MBCHB', 'DDS', 'DMD', 'DPM', 'OD', 'DC', 'PHARMD', 'PSYD']);

/** A credential as a key ("M.D." → "MD", "PA-C" → "PAC"), or '' when the token is not one. */
export function credentialKey(token: string, afterComma = false): string {
  const k = foldName(token).toUpperCase().replace(/[^A-Z]/g, '');
  if (!k) return '';
  if (CLINICAL_CREDENTIALS.has(k)) return k;
  if (afterComma && COMMA_ONLY_CREDENTIALS.has(k)) return k;
  return '';
}

/** Family-name particles written in lower case ("van der Berg", "de la Cruz"): part of the family name. */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das', 'ter', 'ten', 'bin', 'ibn', 'al', 'el', 'st']);

// ---------------------------------------------------------------------------------------
// Parsing a written name

export interface ParsedName {
  /** Title as written ("Dr."), '' when none. */
  prefix: string;
  /** True when the title makes a clinician claim (Dr., Doctor). */
  doctorTitle: boolean;
  given: string;
  middle: string[];
  /** '' when only a given name was written. */
  family: string;
  suffix: string;
  /** Credential keys (MD, DO, NP, PAC…). */
  credentials: string[];
}

const WORD = /^[\p{L}][\p{L}\p{M}'’.-]*$/u;

/**
 * Splits a written name into its parts. Handles "Dr. Jane Q. Smith, MD, FACC", "Smith, Jane",
 * "SMITH, JANE A MD", "Jane Smith (she/her)", "Jane Smith via Doximity", "Dr Jane Smith |
 * St Mary's". null when the text is not shaped like a person's name (a department, a sentence,
 * an address).
 */
export function parsePersonName(raw: string): ParsedName | null {
  if (/[@\d]/.test(raw)) return null;
  let s = foldName(raw)
    .replace(/["“”]/g, '')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/\s+(?:via|on behalf of|at|from|\||-|–|—|•)\s+.*$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!s || s.length > 80 || /[@\d:/]/.test(s)) return null;

  const credentials: string[] = [];
  let suffix = '';
  let commaParts = s.split(',').map((p) => p.trim()).filter(Boolean);
  // Trailing comma parts that are credentials or suffixes: "Jane Smith, MD, FACC", "John Doe, Jr."
  while (commaParts.length > 1) {
    const last = commaParts[commaParts.length - 1];
    const tokens = last.split(/[\s/]+/).filter(Boolean);
    const keys = tokens.map((t) => credentialKey(t, true));
    if (keys.every(Boolean)) {
      credentials.unshift(...keys);
      commaParts.pop();
    } else if (tokens.length === 1 && SUFFIXES.has(tokens[0].toLowerCase().replace(/\./g, ''))) {
      suffix = tokens[0];
      commaParts.pop();
    } else break;
  }
  let tokens: string[];
  if (commaParts.length === 2) {
    // "Smith, Jane A." (directory and EHR style): family first; "SMITH, JANE A MD" ends in a credential.
    const familyTokens = commaParts[0].split(' ');
    const rest = commaParts[1].split(' ');
    while (rest.length > 1 && credentialKey(rest[rest.length - 1])) credentials.unshift(credentialKey(rest.pop()!));
    tokens = [...rest, ...familyTokens];
    if (familyTokens.length > 3) return null;
  } else if (commaParts.length === 1) {
    tokens = commaParts[0].split(' ');
  } else return null;

  let prefix = '';
  let doctorTitle = false;
  while (tokens.length > 0 && PREFIXES.has(tokens[0].toLowerCase().replace(/\.$/, ''))) {
    const p = tokens.shift()!;
    prefix ||= p;
    if (DOCTOR_PREFIXES.has(p.toLowerCase().replace(/\.$/, ''))) doctorTitle = true;
  }
  // In "Smith, Jane" the title may follow the comma: "Smith, Dr. Jane".
  for (let i = 0; i < tokens.length; i++) {
    if (DOCTOR_PREFIXES.has(tokens[i].toLowerCase().replace(/\.$/, '')) && commaParts.length === 2) {
      doctorTitle = true;
      prefix ||= tokens[i];
      tokens.splice(i--, 1);
    }
  }
  // Credentials and suffixes without a comma: "Jane Smith MD", "John Doe Jr".
  while (tokens.length > 1) {
    const last = tokens[tokens.length - 1];
    const key = credentialKey(last);
    if (key && (last === last.toUpperCase() || last.includes('.'))) {
      credentials.unshift(key);
      tokens.pop();
    } else if (SUFFIXES.has(last.toLowerCase().replace(/\./g, '')) && tokens.length > 2) {
      suffix ||= last;
      tokens.pop();
    } else break;
  }
  if (tokens.length === 0 || tokens.length > 5 || !tokens.every((t) => WORD.test(t))) return null;

  if (tokens.length === 1) {
    // "Dr. Smith" names a family; a lone word without a title is a first name or a role.
    return doctorTitle || credentials.length
      ? { prefix, doctorTitle, given: '', middle: [], family: tokens[0], suffix, credentials }
      : { prefix, doctorTitle, given: tokens[0], middle: [], family: '', suffix, credentials };
  }
  let familyStart = tokens.length - 1;
  while (familyStart > 1 && PARTICLES.has(tokens[familyStart - 1].toLowerCase())) familyStart--;
  return {
    prefix,
    doctorTitle,
    given: tokens[0],
    middle: tokens.slice(1, familyStart),
    family: tokens.slice(familyStart).join(' '),
    suffix,
    credentials,
  };
}

// ---------------------------------------------------------------------------------------
// Given names and nicknames

const GROUPS_BY_KEY = new Map<string, number[]>();
NICKNAME_GROUPS.forEach((group, i) => {
  for (const n of group) GROUPS_BY_KEY.set(n, [...(GROUPS_BY_KEY.get(n) ?? []), i]);
});

/** Every key a given name may be written as: itself and the other names of its nickname groups. */
export function givenEquivalents(given: string): Set<string> {
  const key = nameKey(given);
  const out = new Set<string>(key ? [key] : []);
  for (const g of GROUPS_BY_KEY.get(key) ?? []) for (const n of NICKNAME_GROUPS[g]) out.add(n);
  return out;
}

export type NameMatchKind = 'exact' | 'nickname' | 'initial' | 'family';

/** How well a written given name fits a person's given name and personal nicknames; null when it does not. */
export function compareGiven(written: string, given: string, personalNicknames: readonly string[] = []): Exclude<NameMatchKind, 'family'> | null {
  const w = nameKey(written);
  if (!w) return null;
  const g = nameKey(given);
  const gFirst = nameKey(given.split(/[\s-]+/)[0] ?? '');
  if (w === g || w === gFirst) return 'exact';
  if (personalNicknames.some((n) => nameKey(n) === w)) return 'nickname';
  if (givenEquivalents(gFirst || g).has(w)) return 'nickname';
  // "J. Smith" or "J Smith": an initial fits, weakly.
  if (w.length === 1 && (gFirst || g).startsWith(w) && /^\p{L}\.?$/u.test(written.trim())) return 'initial';
  return null;
}

/** Keys under which a family name is indexed: the whole name, and each part of a double name ("Smith-Jones"). */
export function familyKeys(family: string): string[] {
  const whole = nameKey(family);
  const parts = foldName(family)
    .split(/[\s-]+/)
    .map(nameKey)
    .filter((k) => k.length >= 2 && !PARTICLES.has(k));
  return [...new Set([whole, ...(parts.length > 1 ? parts : [])])].filter(Boolean);
}

/** Quality of a match kind, for ranking and for weighting evidence. */
export const MATCH_QUALITY: Record<NameMatchKind, number> = { exact: 1, nickname: 0.9, initial: 0.6, family: 0.4 };

// ---------------------------------------------------------------------------------------
// Organisation names

/** Legal-form words that do not tell one practice from another ("Inc.", "P.C.", "PLLC"). */
const LEGAL_FORMS = new Set(['inc', 'incorporated', 'llc', 'pllc', 'pc', 'pa', 'psc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'lp', 'llp', 'sc', 'apc', 'apmc', 'md', 'mdpc']);

/**
 * The comparable key of an organisation name: "The St. Mary's Health, Inc." and "Saint Marys
 * Health" are both "stmaryshealth". Legal forms and a leading "the" are dropped, "&" is "and".
 */
export function organizationKey(name: string): string {
  const words = foldName(name)
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[’'.]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  while (words.length > 1 && LEGAL_FORMS.has(words[words.length - 1])) words.pop();
  if (words[0] === 'the' && words.length > 1) words.shift();
  return words.map((w) => (w === 'saint' ? 'st' : w === 'center' ? 'centre' : w)).join('');
}
