/**
 * Spam vocabulary written so a word filter misses it: "V1agra", "C!AL1$", "S0ftware",
 * "V I A G R A", "R_E_P_L_I_C_A". The plain words are ordinary (a hospital writes
 * "pharmacy" and "prescription" all day); only the disguise is the signal, so a term
 * counts only when it was actually disguised.
 */

// Terms spammers disguise. Medical words are included on purpose: disguised, they are spam.
export const DISGUISED_TERMS: ReadonlySet<string> = new Set([
  'viagra', 'cialis', 'levitra', 'pharmacy', 'xanax', 'valium', 'tramadol', 'phentermine', 'ambien', 'propecia',
  'meds', 'pills', 'medication', 'prescription', 'drugs', 'penis', 'enlargement', 'erection', 'porn', 'sex', 'sexy',
  'nude', 'naked', 'casino', 'rolex', 'replica', 'software', 'mortgage', 'refinance', 'loan', 'diploma', 'bonus',
  'free', 'cash', 'money', 'credit', 'winner', 'prize', 'lottery', 'jackpot', 'bitcoin', 'crypto', 'dating', 'girls',
  'discount', 'offer', 'investment', 'stock',
  // Pirated-software spam writes the product names it sells in disguise ("MlCR0S0FT 0ffice", "AD0BE").
  'microsoft', 'office', 'adobe', 'windows', 'photoshop', 'acrobat', 'autocad', 'macromedia', 'vista',
  'vicodin', 'hydrocodone', 'oxycontin', 'ambien', 'soma', 'watches', 'special', 'hot',
]);

// Names distinctive enough that a doubled letter ("Viiagrra", "Xanaax") can only be a
// disguise; ordinary words are left out, since "hoot" or "offfer" are words or typos.
const DOUBLED_LETTER_TERMS = ['viagra', 'cialis', 'levitra', 'xanax', 'valium', 'tramadol', 'phentermine', 'ambien', 'propecia', 'vicodin', 'hydrocodone', 'oxycontin', 'pharmacy', 'prescription', 'erection', 'enlargement', 'replica', 'rolex', 'casino'];
const collapseDoubles = (word: string) => word.replace(/(\p{L})\1+/gu, '$1');
const BY_COLLAPSED = new Map(DOUBLED_LETTER_TERMS.map((t) => [collapseDoubles(t), t]));

const LOOKALIKE_CHARS: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l', '€': 'e' };
const FILLER = /[.\-*_]/g;
// A run of word characters and the symbols used as letter stand-ins.
const CANDIDATE = /[\p{L}\p{N}@$!|€*.\-_]{3,30}/gu;
// Single letters separated by spaces or punctuation: "V I A G R A", "_C_I_A_L_I_S_".
const SPACED_LETTERS = /(?<![\p{L}\p{N}])(?:[A-Za-z][ .\-*_]{1,2}){3,}[A-Za-z](?![\p{L}\p{N}])/gu;

export interface DisguisedTerm {
  written: string;
  term: string;
}

function undisguise(token: string): string {
  let out = '';
  for (const ch of token.toLowerCase()) out += LOOKALIKE_CHARS[ch] ?? ch;
  return out.replace(FILLER, '');
}

export function findDisguisedTerms(text: string, max = 10): DisguisedTerm[] {
  const found: DisguisedTerm[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    // Trailing "!" is punctuation ("Cial!s!"), not a letter stand-in.
    const written = m[0].replace(/^[.\-*_!]+|[.\-*_!]+$/g, '');
    const lower = written.toLowerCase();
    if (/^\p{L}+$/u.test(lower)) {
      // A plain word is a disguise only when it is one of the names with its letters doubled.
      const doubled = BY_COLLAPSED.get(collapseDoubles(lower));
      if (doubled && doubled !== lower) found.push({ written, term: doubled });
      if (found.length >= max) return found;
      continue;
    }
    // Plain numbers are not disguises.
    if (!/[a-z].*[a-z]/.test(lower)) continue;
    const term = undisguise(lower);
    if (term === lower) continue;
    // In capitals a lower-case l stands in for I ("MlCR0S0FT").
    const readings = /[A-Z]/.test(written) ? [term, term.replace(/l/g, 'i')] : [term];
    const hit = readings.find((r) => DISGUISED_TERMS.has(r));
    if (hit) found.push({ written, term: hit });
    if (found.length >= max) return found;
  }
  for (const m of text.matchAll(SPACED_LETTERS)) {
    const term = m[0].replace(/[ .\-*_]/g, '').toLowerCase();
    if (DISGUISED_TERMS.has(term)) found.push({ written: m[0].trim(), term });
    if (found.length >= max) break;
  }
  return found;
}
