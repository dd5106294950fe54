import { textAfter, textBefore } from './context.ts';
import { mask, type PhiFinding } from './finding.ts';

/**
 * ICD-10(-CM) diagnosis codes in a clinical context. A category is a letter and two digits
 * (a handful of categories end in a letter: C4A, D3A, M1A, Z3A), optionally followed by a
 * dot and up to four more characters. "E11.9" alone could be a part number or a room; only
 * near clinical words ("diagnosis", "dx", "ICD", "assessment") is it a diagnosis. U is
 * reserved for special purposes; only U07 (COVID-19) and U09 are in use.
 */

const CODE = /(?<![\w.\-/#])((?:[A-TV-Z]\d\d|C4A|D3A|M1A|Z3A|U0[79])(?:\.[0-9A-Z]{1,4})?)(?![\w\-/]|\.\w)/g;
const CLINICAL = /\b(?:diagnos[ie]s|diagnosed|dx|ddx|icd(?:-?10)?(?:-cm)?|assessment|impression|problem list|conditions?|hx of|history of|comorbidit(?:y|ies)|billing codes?|codes?|admitting|principal|secondary|primary)\b/i;
/** Shapes that look like codes but are something else nearby: vitamins, paper sizes, grid refs. */
const NOT_CODE_BEFORE = /\b(?:vitamin|vit\.?|room|rm\.?|bed|ward|gate|seat|row|bay|suite|apt|flight|route|size|model|part|sku|grid|level|floor)\s*$/i;

export function findIcd10(text: string): PhiFinding[] {
  const out: PhiFinding[] = [];
  for (const m of text.matchAll(CODE)) {
    const start = m.index!;
    const end = start + m[0].length;
    const before = textBefore(text, start, 60);
    if (NOT_CODE_BEFORE.test(before)) continue;
    if (!CLINICAL.test(before) && !CLINICAL.test(textAfter(text, end, 25))) continue;
    out.push({ kind: 'icd10', start, end, confidence: m[0].includes('.') ? 'high' : 'medium', masked: mask(m[0], 3), reason: 'ICD-10 code in a clinical context' });
  }
  return out;
}
