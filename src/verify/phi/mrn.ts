import { mask, type PhiFinding } from './finding.ts';

/**
 * Medical record numbers. Every hospital numbers its charts its own way, so besides the
 * common labels ("MRN", "medical record number", "chart #") the organisation configures its
 * own formats as regular expressions; a value matching one counts wherever it appears.
 */

export interface MrnOptions {
  /** The organisation's MRN formats, e.g. "SMH\\d{7}"; matched as whole words, case-sensitive. */
  patterns: string[];
  /** Labels besides the built-in ones ("Unit No", "Hospital ID"). */
  labels: string[];
}

const BUILT_IN_LABELS = ['mrn', 'm\\.r\\.n\\.?', 'medical record(?: number| no\\.?| #)?', 'med\\.? rec(?:ord)?\\.?(?: no\\.?| #| number)?', 'chart(?: number| no\\.?| #)', 'patient (?:id|number|no\\.?|#)', 'hospital (?:number|no\\.?|#)', 'unit (?:number|no\\.?)', 'emr(?: id| #)?', 'ehr(?: id| #)?'];
/** An identifier: optional letter prefix, then digits (dashes allowed), 5 to 14 digits in all. */
const VALUE = String.raw`([A-Z]{0,4}[-\s]?\d[\d-]{3,16}\d)(?![\w-])`;

function escapeLabel(l: string): string {
  return l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

export function compileMrnPatterns(patterns: string[]): RegExp[] {
  return patterns.map((p) => new RegExp(`(?<![\\w-])(?:${p})(?![\\w-])`, 'g'));
}

export function findMrns(text: string, options: MrnOptions, compiled = compileMrnPatterns(options.patterns)): PhiFinding[] {
  const out: PhiFinding[] = [];
  const labels = [...BUILT_IN_LABELS, ...options.labels.map(escapeLabel)].join('|');
  const labelled = new RegExp(String.raw`\b(?:${labels})\s*(?:[:#=]|is)?\s*${VALUE}`, 'gi');
  for (const m of text.matchAll(labelled)) {
    const value = m[1]!;
    const digits = value.replace(/\D/g, '').length;
    if (digits < 5 || digits > 14) continue;
    const start = m.index! + m[0].lastIndexOf(value);
    out.push({ kind: 'mrn', start, end: start + value.length, confidence: 'high', masked: mask(value, 2), reason: 'labelled as a medical record number' });
  }
  for (const re of compiled) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      if (m[0].length === 0 || out.some((f) => f.start <= m.index! && f.end >= m.index! + m[0].length)) continue;
      out.push({ kind: 'mrn', start: m.index!, end: m.index! + m[0].length, confidence: 'high', masked: mask(m[0], 2), reason: "matches the organisation's MRN format" });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
