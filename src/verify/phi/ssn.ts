import { findPhones } from '../../text/phones.ts';
import { labelledBefore, overlaps, textBefore } from './context.ts';
import { mask, type PhiFinding } from './finding.ts';

/**
 * US Social Security numbers. The SSA has never issued area 000, 666 or 900–999, group 00 or
 * serial 0000 (SSA, "Social Security Number Randomization", 2011), so those are not SSNs
 * whatever the label. A dashed or spaced 3-2-4 group is an SSN unless the words before it
 * make it something else (an order, invoice or account number) or it is part of a phone
 * number; nine bare digits count only when labelled, since order and account numbers are
 * usually nine digits too.
 */

const LABEL = /(?:\bssn|\bsocial security(?: number| no\.?| #| card)?|\bsocial sec\.?|\bss ?#|\bsoc\.? sec\.?|\btaxpayer id|\bsozialversicherungsnummer)\b[^\n]{0,12}$/i;
/** A nearer label for something else wins over the 3-2-4 shape. */
const OTHER_LABEL =
  /\b(?:order|invoice|inv|ref|reference|tracking|track|account|acct|a\/c|po|purchase order|claim|case|ticket|confirmation|conf|serial|part|model|sku|item|routing|booking|reservation|receipt|transaction|txn|policy|member|group|npi|dea|license|lic|fax|phone|tel|telephone|call|mobile|cell|pager|ext)\b[^\n]{0,14}$/i;

/** Numbers published as examples or voided after misuse: never a real person's. */
const VOID = new Set(['078051120', '219099999', '123456789', '111111111', '333333333', '999999999']);

const DASHED = /(?<![\w\-–./])(\d{3})([-–])(\d{2})\2(\d{4})(?![\w\-–]|[.,/]\d)/g;
const SPACED = /(?<![\w\-–./+]|[\d+] )(\d{3}) (\d{2}) (\d{4})(?![\w\-–]|[ .,/]\d)/g;
const BARE = /(?<![\w\-–./])(\d{9})(?![\w\-–]|[.,/]\d)/g;

export function validSsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || VOID.has(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  // Repeated-digit and run sequences are typed as placeholders ("555-55-5555").
  if (/^(\d)\1{8}$/.test(digits)) return false;
  return group !== 0 && serial !== 0;
}

export function findSsns(text: string): PhiFinding[] {
  const out: PhiFinding[] = [];
  const phones = findPhones(text, { maxCandidates: 200 });
  const inPhone = (s: number, e: number) => phones.some((p) => overlaps(s, e, p.offset, p.offset + p.raw.length));
  const consider = (raw: string, start: number, digits: string, shape: 'dashed' | 'spaced' | 'bare') => {
    if (!validSsn(digits)) return;
    const end = start + raw.length;
    const labelled = labelledBefore(text, start, 40, LABEL);
    if (!labelled) {
      if (shape === 'bare') return;
      if (labelledBefore(text, start, 30, OTHER_LABEL)) return;
      if (inPhone(start, end)) return;
      // "# 212-48-6617" or "No. 212 48 6617" numbers a thing, not a person.
      if (/(?:#|\bno\.?|\bnr\.?|\bnumber)\s*$/i.test(textBefore(text, start, 12))) return;
    }
    out.push({
      kind: 'ssn',
      start,
      end,
      confidence: labelled || shape === 'dashed' ? 'high' : 'medium',
      masked: mask(raw, 4),
      reason: labelled ? 'labelled as an SSN' : `valid SSN number ranges, written ${shape === 'dashed' ? 'NNN-NN-NNNN' : 'NNN NN NNNN'}`,
    });
  };
  for (const m of text.matchAll(DASHED)) consider(m[0], m.index!, m[1]! + m[3]! + m[4]!, 'dashed');
  for (const m of text.matchAll(SPACED)) consider(m[0], m.index!, m[1]! + m[2]! + m[3]!, 'spaced');
  for (const m of text.matchAll(BARE)) consider(m[0], m.index!, m[1]!, 'bare');
  return out.sort((a, b) => a.start - b.start);
}
