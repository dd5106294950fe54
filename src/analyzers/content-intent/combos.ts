import type { ReportedIntent } from './detect.ts';

/**
 * Pairs of intents that legitimate mail seldom puts together. A hospital newsletter may
 * say "within 24 hours" and a portal notice may say "confirm your email address", but
 * "verify your account or it will be suspended" is a lure. Each combination is a signal
 * of its own, weighted above its parts.
 */

/** The callback lure takes part in combinations like an intent does. */
export type ComboPart = ReportedIntent | 'CALLBACK_LURE';

export interface Combo {
  signal: string;
  /** Every slot must be filled by one of its parts. */
  slots: ComboPart[][];
  /** How many of the filling parts must have matched a strong rule. */
  minStrong: number;
  weight: number;
  description: string;
}

export const COMBOS: readonly Combo[] = [
  {
    signal: 'CREDENTIAL_THREAT_COMBO',
    slots: [['CREDENTIAL_REQUEST'], ['URGENCY_THREAT']],
    minStrong: 1,
    weight: 3,
    description: 'Asks the reader to verify or re-enter a login AND threatens suspension, deletion or a deadline: the classic credential-phishing pair.',
  },
  {
    signal: 'PAYMENT_THREAT_COMBO',
    slots: [['PAYMENT_LURE'], ['URGENCY_THREAT']],
    minStrong: 1,
    weight: 2,
    description: 'Presses for a payment, refund or changed bank details AND threatens a deadline, penalty or legal action.',
  },
  {
    signal: 'PHI_THREAT_COMBO',
    slots: [['PHI_SOLICITATION'], ['URGENCY_THREAT']],
    minStrong: 1,
    weight: 2.5,
    description: 'Asks for SSN, date of birth, insurance or Medicare numbers AND puts the reader under time pressure or threat.',
  },
  {
    signal: 'PRIZE_DATA_COMBO',
    slots: [['PRIZE_LURE'], ['CREDENTIAL_REQUEST', 'PAYMENT_LURE', 'PHI_SOLICITATION']],
    minStrong: 1,
    weight: 2,
    description: 'Promises a prize or reward AND asks for a login, a payment or personal data to release it.',
  },
  {
    signal: 'GIFT_CARD_PRESSURE_COMBO',
    slots: [['GIFT_CARD'], ['URGENCY_THREAT', 'PAYMENT_LURE']],
    minStrong: 1,
    weight: 2,
    description: 'Asks for gift cards AND adds urgency or talk of payment: the "are you available, I need a favour" scam.',
  },
  {
    signal: 'CALLBACK_THREAT_COMBO',
    slots: [['CALLBACK_LURE'], ['URGENCY_THREAT', 'PAYMENT_LURE']],
    minStrong: 1,
    weight: 1.5,
    description: 'A callback lure that also presses with a deadline or a charge: call now or be billed.',
  },
];
