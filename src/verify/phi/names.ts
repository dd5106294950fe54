/**
 * Where a text names a person, for "a date of birth near a name" and "a diagnosis code with
 * an identifier". Deliberately rough: a false name only matters next to a birth date or a
 * diagnosis code, where a name-shaped phrase is usually a name.
 */

export interface NameSpan {
  start: number;
  end: number;
}

const WORD = String.raw`[A-Z][a-z'’-]+`;
const UPPER = String.raw`[A-Z]{2,}(?:[-'’][A-Z]+)?`;
/** A case-insensitive word inside a case-sensitive pattern. */
const ci = (w: string) => w.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const LABELS = ['patient name', 'patient', 'pt', 'name', 'member', 'subscriber', 'beneficiary', 're'].map(ci).join('|');

const PATTERNS = [
  // Mr. Roe, Mrs Jane Roe
  new RegExp(String.raw`\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+${WORD}(?:\s+${WORD})?`, 'g'),
  // Patient: DOE, Jane / Name: Jane Doe / Pt John Q. Roe
  new RegExp(String.raw`\b(?:${LABELS})\s*[:\-–]?\s+(?:${UPPER}|${WORD}),?\s+(?:${WORD}|${UPPER})(?:\s+[A-Z]\.?)?(?:\s+${WORD})?`, 'g'),
  // DOE, Jane
  new RegExp(String.raw`\b${UPPER},\s*${WORD}\b`, 'g'),
  // Jane Doe, Jane Q. Doe, Roe, John
  new RegExp(String.raw`\b${WORD},?[ \t]+(?:[A-Z]\.[ \t]+)?${WORD}\b`, 'g'),
];

/** Capitalised pairs that start sentences or name things other than people. */
const NOT_NAMES = new Set(
  [
    'dear', 'hi', 'hello', 'thanks', 'thank', 'please', 'kind', 'best', 'regards', 'the', 'this', 'that', 'our', 'your', 'we', 'i', 'if', 'when',
    'date', 'birth', 'social', 'security', 'number', 'medical', 'record', 'health', 'hospital', 'clinic', 'center', 'medicare', 'medicaid',
    'insurance', 'member', 'patient', 'diagnosis', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
    'october', 'november', 'december', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'good', 'morning',
    'afternoon', 'new', 'york', 'united', 'states', 'see', 'attached', 'please', 'find', 'lab', 'results', 'dr', 'doctor',
  ],
);

export function findNames(text: string): NameSpan[] {
  const out: NameSpan[] = [];
  PATTERNS.forEach((re, i) => {
    for (const m of text.matchAll(re)) {
      if (i === PATTERNS.length - 1) {
        const words = m[0].split(/\s+/).map((w) => w.toLowerCase().replace(/[^a-z]/g, ''));
        if (words.some((w) => NOT_NAMES.has(w))) continue;
      }
      out.push({ start: m.index!, end: m.index! + m[0].length });
    }
  });
  return out.sort((a, b) => a.start - b.start);
}

/** Whether a name lies within `before` characters before `start` or `after` characters after `end`. */
export function nameNear(names: NameSpan[], start: number, end: number, before = 120, after = 60): boolean {
  return names.some((n) => (n.end <= start && start - n.end <= before) || (n.start >= end && n.start - end <= after) || (n.start < end && n.end > start));
}
