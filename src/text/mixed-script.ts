/**
 * Words that mix Latin with Cyrillic or Greek letters ("Pаypal" with a Cyrillic а,
 * "Ceминaры" with Latin C, e and a). No language writes them: they are look-alike letters
 * swapped in so that word filters, and readers, see a familiar word that is not the one
 * the filter knows. Transliterated brand names stay within one alphabet per word. Used for
 * display names (sender-anomalies) and for subject and text (spam-tactics).
 */

const MIXED_SCRIPT_WORD = /(?=[\p{L}\p{M}]*\p{Script=Latin})(?=[\p{L}\p{M}]*[\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}]{2,}/gu;

// Most mail has no Greek or Cyrillic letter at all; one scan for them spares the word-by-word look.
const GREEK_OR_CYRILLIC = /[\p{Script=Greek}\p{Script=Cyrillic}]/u;

export function mixedScriptWords(text: string, max = 20): string[] {
  const found: string[] = [];
  const head = text.slice(0, 50_000);
  if (!GREEK_OR_CYRILLIC.test(head)) return found;
  for (const m of head.matchAll(MIXED_SCRIPT_WORD)) {
    found.push(m[0]);
    if (found.length >= max) break;
  }
  return found;
}
