import { mask, type PhiFinding } from './finding.ts';

/**
 * Health-plan member and subscriber IDs. Plans number members every which way (BCBS puts a
 * three-letter prefix before digits, others use plain digits or letters and digits), so
 * only a labelled value counts: "Member ID: XYZ884512390", "subscriber # 44129087".
 */

const LABEL = String.raw`(?:(?:insurance|health plan|plan|medicaid|subscriber|member|policy(?:holder)?|insured(?:'?s)?|beneficiary)\s+(?:id(?:entification)?|number|no\.?|#)(?:\s+number)?|member\s*id|subscriber\s*id|id\s*#|policy\s*#)`;
const VALUE = String.raw`([A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){4,21})(?![\w-])`;
const LABELLED = new RegExp(String.raw`\b${LABEL}\s*(?:[:#=]|is)?\s*${VALUE}`, 'gi');

export function findMemberIds(text: string): PhiFinding[] {
  const out: PhiFinding[] = [];
  for (const m of text.matchAll(LABELLED)) {
    const value = m[1]!;
    const digits = value.replace(/\D/g, '').length;
    // Words after a label ("member id below") are not ids; ids are mostly digits.
    if (digits < 4 || digits < value.replace(/[^A-Za-z]/g, '').length) continue;
    const start = m.index! + m[0].lastIndexOf(value);
    out.push({ kind: 'member-id', start, end: start + value.length, confidence: 'high', masked: mask(value, 2), reason: 'labelled as a member or subscriber ID' });
  }
  return out;
}
