import type { Signal } from '../analyzers/analyzer.ts';

/**
 * Which solicitation signals count as asking for sensitive data, and what they asked for in
 * plain words. A payment lure counts only when it asks to change bank or payroll details
 * (an overdue-invoice reminder is not a request for data).
 */
export function solicitations(signals: Signal[], counted: string[]): Signal[] {
  return signals.filter((s) => s.score > 0 && counted.includes(s.id) && (s.id !== 'PAYMENT_LURE' || /bank|deposit|payroll|wire|remittance|routing|account/i.test(s.evidence)));
}

const WORDS: Record<string, string> = {
  PHI_SOLICITATION: 'patient or identity data (SSN, date of birth, insurance or Medicare numbers, records)',
  CREDENTIAL_REQUEST: 'login credentials',
  PAYMENT_LURE: 'a change of bank or payment details',
};

export function askedWords(signals: Signal[]): string[] {
  return [...new Set(signals.map((s) => WORDS[s.id] ?? s.id))];
}
