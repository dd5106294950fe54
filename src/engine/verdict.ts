import type { Signal } from '../analyzers/analyzer.ts';
import { NO_AUTH, type AuthResult } from '../authenticate/auth-result.ts';
import type { Action } from '../policy/policy.ts';

/** SMTP envelope facts, from the gateway or the CLI flags. */
export interface Envelope {
  clientIp?: string;
  helo?: string;
  mailFrom?: string;
  rcptTo?: string[];
}

export interface Verdict {
  action: Action;
  score: number;
  signals: Signal[];
  /** Hard policy rules that fired. */
  rules: string[];
  unscannable: boolean;
  auth: AuthResult;
  /** Who/what, for listings; empty when the message could not be parsed. */
  summary: { from: string; fromName: string; subject: string; messageId: string };
  ms: number;
  /** Time spent per stage, for the benchmark and for finding slow analyzers. */
  timings: Record<string, number>;
}

/** A verdict for a message the engine never saw (worker crash, hard time-out): fail closed. */
export function unscannableVerdict(reason: string, ms: number): Verdict {
  return {
    action: 'quarantine',
    score: 0,
    signals: [{ id: 'UNSCANNABLE', score: 0, evidence: reason, analyzer: 'engine' }],
    rules: ['fail closed: not fully scanned'],
    unscannable: true,
    auth: NO_AUTH,
    summary: { from: '', fromName: '', subject: '', messageId: '' },
    ms,
    timings: {},
  };
}
