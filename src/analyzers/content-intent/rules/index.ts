import { CALL_TO_ACTION_RULES, CALLBACK_CONTEXT_RULES } from './callback.ts';
import { CREDENTIAL_RULES } from './credential.ts';
import { GIFT_CARD_RULES } from './gift-card.ts';
import { PAYMENT_RULES } from './payment.ts';
import { PHI_RULES } from './phi.ts';
import { PRIZE_RULES } from './prize.ts';
import { SPAM_OFFER_RULES } from './spam-offer.ts';
import type { IntentRule } from './types.ts';
import { URGENCY_RULES } from './urgency.ts';

export const ALL_RULES: readonly IntentRule[] = [
  ...CREDENTIAL_RULES,
  ...URGENCY_RULES,
  ...PAYMENT_RULES,
  ...PRIZE_RULES,
  ...GIFT_CARD_RULES,
  ...PHI_RULES,
  ...SPAM_OFFER_RULES,
  ...CALL_TO_ACTION_RULES,
  ...CALLBACK_CONTEXT_RULES,
];
