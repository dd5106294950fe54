import { labelledAfter, labelledBefore } from './context.ts';
import { mask, type PhiFinding } from './finding.ts';

/**
 * Medicare Beneficiary Identifiers (CMS, "MBI format specifications"): 11 characters,
 * position by position C A AN N A AN N A A N N, where C is 1–9, N is 0–9 and A is an
 * upper-case letter other than S, L, O, I, B and Z (left out because they read as digits).
 * Printed with dashes after the 4th and 7th character on cards. The format is specific
 * enough to count anywhere (medium); next to "Medicare" or "MBI" it is certain (high).
 */

const A = '[AC-HJKMNP-RT-Y]';
const AN = '[AC-HJKMNP-RT-Y0-9]';
const MBI = new RegExp(`(?<![A-Za-z0-9-])([1-9]${A}${AN}\\d)(-?)(${A}${AN}\\d)\\2(${A}${A}\\d\\d)(?![A-Za-z0-9]|-[A-Za-z0-9])`, 'g');
const CONTEXT = /\b(?:medicare|mbi|beneficiary|cms|red,? white(?: and|,?) blue)\b/i;

export function isMbi(value: string): boolean {
  MBI.lastIndex = 0;
  const m = MBI.exec(value);
  return !!m && m[0] === value;
}

export function findMbis(text: string): PhiFinding[] {
  const out: PhiFinding[] = [];
  for (const m of text.matchAll(MBI)) {
    const start = m.index!;
    const end = start + m[0].length;
    // At least two letters in the AN positions would make a word more likely; real MBIs mix.
    const context = labelledBefore(text, start, 60, CONTEXT) || labelledAfter(text, end, 30, CONTEXT);
    out.push({ kind: 'mbi', start, end, confidence: context ? 'high' : 'medium', masked: mask(m[0], 2), reason: context ? 'Medicare MBI format, labelled' : 'Medicare MBI format' });
  }
  return out;
}
