import type { ParsedMessage } from '../../parse/message.ts';

/**
 * Sender addresses that no person or organisation chose: bulk senders rotate through
 * thousands of throw-away mailboxes and generate their names, either as random letters in
 * mixed case ("XeaLkqPl", "KLzDTAvI") or as an affiliate's name pattern with a serial number
 * ("wiley_pagan_90234", "For_You_67028"). People's and companies' addresses are lower-case
 * or CamelCase words ("DoNotReply", "eBayMarketing"), and numbered personal addresses
 * ("maria_lopez_1984") live on free-mail, which is left out. Lower-case random letters
 * ("vugwyqsdmtvd", "zsbjdqnkc") give themselves away by consonant runs no language
 * writes; initials before a surname ("trsmith") and German clusters ("Hirschfeld") do not.
 */

export type GeneratedKind = 'random-case' | 'serial-numbered' | 'random-letters';

// Capitalised words, optionally after a lower-case first word: DoNotUse, eBayInternetMarketing, DrJohnMcDonald.
const CAMEL_WORDS = /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/;
const CAMEL_PART = /[A-Z]?[a-z]+/g;
// A word of three letters or more has a vowel; "Lkq" in "XeaLkqPl" is not a word.
const WORD_LIKE = (part: string) => part.length < 3 || /[aeiouy]/i.test(part);

function camelWords(local: string): boolean {
  return CAMEL_WORDS.test(local) && (local.match(CAMEL_PART) ?? []).every(WORD_LIKE);
}
const LOWER_THEN_UPPER = /[a-z][A-Z]/g;
const SERIAL_NAME = /^[a-z]+[._][a-z]+_\d{5,}$/i;

export function generatedLocalPart(local: string, freemail: boolean): GeneratedKind | null {
  if (/^[A-Za-z0-9]{6,}$/.test(local) && (local.match(LOWER_THEN_UPPER)?.length ?? 0) >= 2 && !camelWords(local)) return 'random-case';
  if (!freemail && SERIAL_NAME.test(local)) return 'serial-numbered';
  if (randomLetters(local.toLowerCase())) return 'random-letters';
  return null;
}

// Letter groups that sound as one consonant; collapsed so "Deutschmann" or "Hirschfeld" reads as pronounceable.
const DIGRAPHS = /sch|ch|sh|th|ph|ck|gh|qu/g;
const CONSONANT_RUN = /[^aeiouy]+/g;
// Initials before a name ("jfkwilliams") and names run together ("johnmcdonald") make runs of up to five.
const MAX_CONSONANT_RUN = 5;

function randomLetters(local: string): boolean {
  if (!/^[a-z]{8,}$/.test(local)) return false;
  const spoken = local.replace(DIGRAPHS, 'C');
  let consonants = 0;
  for (const m of spoken.matchAll(CONSONANT_RUN)) {
    if (m[0].length > MAX_CONSONANT_RUN) return true;
    consonants += m[0].length;
  }
  return (spoken.length - consonants) / spoken.length < 0.15;
}

/** The From local part as written: the parsed address is lower-cased, and case is the evidence here. */
export function writtenLocalPart(msg: ParsedMessage, address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '';
  const lower = address.slice(0, at);
  const raw = msg.headers.find((h) => h.key === 'from')?.value ?? '';
  const i = raw.toLowerCase().indexOf(`${lower}@`);
  return i >= 0 ? raw.slice(i, i + lower.length) : lower;
}
