/**
 * Filler written by a program: dictionary words strung together with commas and
 * exclamation marks that stand alone between spaces ("salt or bite or library in shame it's
 * machine , loss in bitter ! ship"). Image and link spam wraps its payload in it so that
 * word-counting filters read innocent vocabulary. People, and every language's typography,
 * attach a comma to the word before it; a run of free-standing commas is the generator's
 * seam. (French spaces before "!" and "?", so only commas count.)
 */

// Between lower-case words: a pasted table ("Lee , 123 , 4B") is not filler.
const FREE_COMMA = /(?<=\p{Ll})\s,\s(?=\p{Ll})/gu;
const WORD = /\p{L}+/gu;

export interface WordSalad {
  freeCommas: number;
  words: number;
  /** A stretch of the filler, for evidence. */
  sample: string;
}

export function findWordSalad(text: string, minFreeCommas = 4, maxWordsPerComma = 40): WordSalad | null {
  const head = text.slice(0, 20_000);
  const commas = [...head.matchAll(FREE_COMMA)];
  if (commas.length < minFreeCommas) return null;
  const words = head.match(WORD)?.length ?? 0;
  if (words > commas.length * maxWordsPerComma) return null;
  const at = commas[0].index ?? 0;
  const sample = head.slice(Math.max(0, at - 40), at + 40).replace(/\s+/g, ' ').trim();
  return { freeCommas: commas.length, words, sample };
}
