import { plainWords } from '../../gateway/tagging/plain-words.ts';
import type { RespondSettings } from '../settings.ts';
import type { IncidentKind, Severity } from './incident-store.ts';

export interface AutoIncident {
  kind: IncidentKind;
  severity: Severity;
  title: string;
  /** One incident per attack pattern per day, not one per message. */
  dedupeKey: string;
}

/**
 * Which verdicts open an incident by themselves: a failed sender verification, a
 * high-severity signal (executables, smuggling, a spoofed own domain, a directory photo under
 * a false name, a callback number that contradicts the records), or a very high score.
 * Titles name the signal and the sending domain, never the subject (which may name a patient).
 */
export function incidentForVerdict(
  v: { action: string; score: number; signals: { id: string; score: number }[]; fromDomain: string; at: Date },
  s: RespondSettings['incidents'],
): AutoIncident | null {
  const ids = new Set(v.signals.map((x) => x.id));
  const day = v.at.toISOString().slice(0, 10);
  const domain = v.fromDomain || 'an unknown sender';
  const verification = s.verificationFailureSignals.find((id) => ids.has(id));
  if (verification) {
    return { kind: 'verification', severity: 'high', title: `Sender verification failed: ${domain}`, dedupeKey: `verification:${domain}:${day}` };
  }
  const strong = s.openOnSignals.find((id) => ids.has(id));
  const byScore = s.openAtScore > 0 && v.score >= s.openAtScore;
  if (!strong && !byScore) return null;
  const top = strong ?? [...v.signals].sort((a, b) => b.score - a.score)[0]?.id ?? 'UNSCANNABLE';
  const severity: Severity = v.action === 'reject' || (s.openAtScore > 0 && v.score >= 2 * s.openAtScore) ? 'critical' : 'high';
  return { kind: 'verdict', severity, title: `${plainWords(top)} — from ${domain}`, dedupeKey: `verdict:${domain}:${top}:${day}` };
}
