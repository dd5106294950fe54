/**
 * What a brand is made to say in an impersonation: your account is locked, verify your
 * details, your parcel is held, your payment failed. Real brands say some of this too, but
 * from their own domains; these phrases only corroborate a brand named by a stranger.
 * Matched case-insensitively against folded text (accents and look-alike letters removed,
 * so Portuguese and German patterns are written without accents).
 */
export interface LureRule {
  id: string;
  pattern: string;
  /** Text the rule must match. */
  matches: string[];
  /** Ordinary text it must not match (newsletters, patients, appointment reminders). */
  nonMatches: string[];
}

export const LURE_RULES: LureRule[] = [
  {
    id: 'account-threat',
    pattern: String.raw`\byour (?:\w+ )?(?:account|mailbox|password|card|profile|subscription|membership|access|wallet|id)\b[^.!?\n]{0,50}\b(?:suspended|locked|limited|disabled|deactivated|on hold|expired?|expiring|blocked|restricted|compromised|terminated|closed|cancell?ed|will be (?:deleted|removed|closed))`,
    matches: ['Your account has been suspended', 'your Apple ID was locked for security reasons', 'Your membership has expired', 'Your mailbox will be deleted'],
    nonMatches: ['Your account manager is Dana', 'Our office will be closed on Monday', 'Your appointment is confirmed'],
  },
  {
    id: 'verify-details',
    pattern: String.raw`\b(?:verify|confirm|validate|update|re-?activate|restore|unlock|secure)\s+(?:your\s+)?(?:account|identity|information|details|payment(?: method| details| information)?|billing(?: information| details)?|card|login|credentials|password|mailbox|e-?mail address|wallet)\b`,
    matches: ['Please verify your account', 'Confirm your identity to continue', 'update your payment method', 'Unlock your wallet now'],
    nonMatches: ['Please confirm your appointment', 'update your calendar', 'We will verify insurance before your visit'],
  },
  {
    id: 'unusual-activity',
    pattern: String.raw`\b(?:unusual|suspicious|unauthori[sz]ed|unrecognized|irregular)\s+(?:sign[- ]?in|log[- ]?in|activity|access|transaction|device|login attempt|payment)`,
    matches: ['We detected unusual sign-in activity', 'suspicious login attempt', 'an unauthorized transaction'],
    nonMatches: ['unusual weather this week', 'a suspicious mole should be checked'],
  },
  {
    id: 'payment-problem',
    pattern: String.raw`\b(?:payment|transaction|charge|billing|invoice)\s+(?:has\s+|was\s+)?(?:failed|declined|unsuccessful|not processed|could not be processed|on hold|overdue)`,
    matches: ['Your payment failed', 'the transaction was declined', 'Invoice overdue'],
    nonMatches: ['payment plans are available', 'billing questions? call us'],
  },
  {
    id: 'delivery-problem',
    pattern: String.raw`\b(?:package|parcel|shipment|delivery|order)\b[^.!?\n]{0,40}\b(?:on hold|could not be delivered|undeliverable|delivery failed|was returned|is held|awaiting (?:payment|confirmation)|suspended)|\b(?:redeliver|reschedule (?:your )?delivery|customs fee|shipping fee)`,
    matches: ['Your package is on hold', 'the parcel could not be delivered', 'pay the customs fee to release'],
    nonMatches: ['Your order is ready for pickup', 'delivery of the new MRI scanner is expected in May'],
  },
  {
    id: 'storage-password',
    pattern: String.raw`\b(?:storage|mailbox|quota)\b[^.!?\n]{0,30}\b(?:full|exceeded|almost full|over (?:the )?limit)|\bpassword\b[^.!?\n]{0,30}\b(?:expires?|expired|expiring)`,
    matches: ['Your iCloud storage is full', 'mailbox quota exceeded', 'Your password expires today'],
    nonMatches: ['storage room on level 2', 'password manager training on Friday'],
  },
  {
    id: 'reward-claim',
    pattern: String.raw`\b(?:claim|redeem|collect)\s+(?:your\s+)?(?:reward|gift card|prize|refund|bonus|cashback|airdrop|tokens?)|\b(?:refund|reward|gift card|prize|cashback)\b[^.!?\n]{0,40}\b(?:pending|approved|waiting for you|is ready)`,
    matches: ['Claim your reward', 'your refund is pending', 'Redeem your gift card now'],
    nonMatches: ['refund policy for cancelled appointments', 'thank you for your generous gift'],
  },
  {
    id: 'subscription-expired',
    pattern: String.raw`\b(?:subscription|membership|protection|licen[cs]e|abo|abonnement|assinatura)\b[^.!?\n]{0,40}\b(?:has expired|expired|expires today|has ended|may have ended|ended|abgelaufen|lauft heute ab|a expire|expirou|vencid)|\brenew (?:it )?now\b|\bjetzt erneuern\b`,
    matches: ['Your McAfee Subscription may have ENDED', 'Ihr Abo ist abgelaufen', 'Protection expired — renew now'],
    nonMatches: ['Your subscription to the Cardiology Update newsletter is confirmed', 'The licence plate reader is back online'],
  },
  {
    id: 'prize-selected',
    pattern: String.raw`\byou(?:'ve| have)? (?:been selected|been chosen|won(?!'t))\b|\b(?:wurden|sind)\s+(?:als\s+\w+\s+)?ausgewahlt|\bgewonnen\b|\bvoce foi selecionad|\bvous avez ete selectionne|\bvous avez gagne`,
    matches: ["You've been selected for a reward", 'You won an iPhone 15', 'Sie wurden als Gewinner ausgewählt', 'Você foi selecionado'],
    nonMatches: ['Dr. Ortiz has been selected as chief of surgery', 'the team won the charity run', "you won't believe the new cafeteria menu"],
  },
  {
    id: 'document-shared',
    pattern: String.raw`\b(?:shared|sent)\s+(?:you\s+)?(?:a|an|the)?\s*(?:secure\s+)?(?:document|file|folder|invoice|fax|voice ?mail)s?\b[^.!?\n]{0,40}\b(?:with you|for (?:your )?(?:review|signature))|\b(?:review|sign|view)\s+(?:and\s+sign\s+)?(?:the\s+)?(?:secure\s+)?document\b`,
    matches: ['John shared a document with you', 'sent you a secure document for review', 'Review and sign document'],
    nonMatches: ['the document you asked for is attached', 'see the shared drive for rota'],
  },
  {
    id: 'account-threat-de',
    pattern: String.raw`\b(?:ihr|dein)(?:e)?\s+(?:konto|karte|zugang|paket)\b[^.!?\n]{0,50}\b(?:gesperrt|eingeschrankt|deaktiviert|verifizieren|bestatigen|aktualisieren|zuruckgehalten)|\b(?:verifizieren|bestatigen|aktualisieren)\s+sie\s+(?:jetzt\s+)?(?:ihr|ihre)`,
    matches: ['Ihr Konto wurde gesperrt', 'Bitte bestätigen Sie Ihre Daten', 'Ihr Paket wurde zurückgehalten'],
    nonMatches: ['Ihr Termin ist am Montag', 'Vielen Dank für Ihre Bestellung'],
  },
  {
    id: 'account-threat-pt',
    pattern: String.raw`\b(?:sua conta|seu cpf|seu cartao|seus dados|seu acesso|sua cnh)\b[^.!?\n]{0,50}\b(?:bloquead|suspens|restrit|atualiz|confirm|irregular|cancelad|expir)|\b(?:encomenda|pedido|objeto|mercadoria)\b[^.!?\n]{0,40}\b(?:retid|taxad|aguardando|bloquead|parad)`,
    matches: ['Sua conta foi bloqueada', 'Seu CPF está irregular', 'Encomenda retida na alfândega'],
    nonMatches: ['Obrigado pela sua visita', 'Seu pedido foi entregue com sucesso'],
  },
  {
    id: 'account-threat-fr',
    pattern: String.raw`\bvotre\s+(?:compte|colis|carte|acces|dossier)\b[^.!?\n]{0,50}\b(?:suspendu|bloque|en attente|expire|verifi|confirm|mettre a jour|restreint)`,
    matches: ['Votre compte a été suspendu', 'Votre colis est en attente de livraison'],
    nonMatches: ['Votre rendez-vous est confirmé pour lundi', 'Votre médecin vous attend'],
  },
];

export function compileLureRule(rule: LureRule): RegExp {
  return new RegExp(rule.pattern, 'i');
}
