import type { Signal } from '../analyzers/analyzer.ts';
import type { Verdict } from '../engine/verdict.ts';
import { decide, type Action, type Policy } from '../policy/policy.ts';

/**
 * The signals sender verification adds to a verdict. They are not an analyzer's (they
 * depend on the verification store and the outbound recipients, which the scan workers do
 * not see), but they read like one in listings and banners.
 */
export const VERIFY_SIGNALS = {
  // Weight 0: the banner of a tagged request already says "verify by calling the number on record" (PHI_SOLICITATION's words).
  VERIFY_REQUIRED: { weight: 0, description: 'Asks for patient, identity, login or payment data and the sender is not a verified partner or contact: verify them by calling the number on record before answering.' },
  SENDER_VERIFIED: { weight: -2, description: 'The sender was verified by phone at a number on record (a verified contact), or is a verified partner whose mail authenticates.' },
  VERIFY_BLOCKED_NUMBER: { weight: 25, description: 'Gives a phone number that a failed verification proved false (a campaign callback number).' },
  VERIFY_BLOCKED_SENDER: { weight: 25, description: 'Comes from, or takes replies at, an address that a failed verification proved false.' },
  OUTBOUND_PHI_UNVERIFIED: { weight: 0, description: 'Outbound mail with patient data to an external recipient who is not a verified partner or contact: held until the recipient is verified.' },
  OUTBOUND_PHI_PHISH_REPLY: { weight: 0, description: 'Outbound mail with patient data answering a message the gateway flagged as phishing: held, and an incident opened.' },
  OUTBOUND_PHI_CAMPAIGN: { weight: 0, description: 'Outbound mail with patient data to an address seen in an active phishing campaign: held, and an incident opened.' },
  OUTBOUND_PHI_TLS_REQUIRED: { weight: 0, description: 'Outbound mail with patient data to a partner that requires TLS, while the relay does not enforce TLS: held.' },
  OUTBOUND_UNREADABLE: { weight: 0, description: 'Outbound mail to an unverified external recipient with an attachment that could not be checked for patient data: held.' },
} as const;

export type VerifySignalId = keyof typeof VERIFY_SIGNALS;

export function verifySignal(id: VerifySignalId, evidence: string, score: number = VERIFY_SIGNALS[id].weight): Signal {
  return { id, score, evidence, analyzer: 'verify' };
}

const SEVERITY: Record<Action, number> = { deliver: 0, tag: 1, hold: 2, quarantine: 3, reject: 4 };

/**
 * The verdict with signals added and the action raised to at least `action`. With `policy`,
 * the policy decides again over all signals first (so SENDER_VERIFIED can lift a hold that
 * the policy placed for an unverified sender); without, the action is never lowered.
 */
export function amendVerdict(v: Verdict, o: { signals: Signal[]; action?: Action; rule?: string; policy?: Policy }): Verdict {
  const signals = [...v.signals, ...o.signals];
  const decision = o.policy && !v.unscannable ? decide(signals, o.policy) : null;
  const base = decision ? decision.action : v.action;
  const action = o.action && SEVERITY[o.action] > SEVERITY[base] ? o.action : base;
  const added = o.signals.reduce((s, x) => s + x.score, 0);
  const rules = decision ? decision.rules : v.rules;
  return {
    ...v,
    action,
    score: Math.round((v.score + added) * 100) / 100,
    signals,
    rules: o.rule && action !== base ? [...rules, o.rule] : rules,
  };
}
