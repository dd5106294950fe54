import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Money moving: invoices, overdue payments, refunds, and the business-email-compromise
 * staple, "our bank details have changed". Hospitals receive real invoices every day, so
 * everything short of the bank-detail change and the customs-fee lure is weak.
 */

const en = ruleGroup('PAYMENT_LURE', 'en', 'pay', true);
const de = ruleGroup('PAYMENT_LURE', 'de', 'pay', true);
const pt = ruleGroup('PAYMENT_LURE', 'pt', 'pay', true);
const es = ruleGroup('PAYMENT_LURE', 'es', 'pay', true);
const fr = ruleGroup('PAYMENT_LURE', 'fr', 'pay', true);

export const PAYMENT_RULES: IntentRule[] = [
  ...en([
    {
      name: 'bank-details-changed',
      strength: 'strong',
      anchors: ['bank', 'account', 'payment', 'remittance', 'wire', 'chang'],
      pattern: String.raw`\b(?:our|my|the|new) (?:bank(?:ing)?|account|payment|remittance|wire) (?:details|information|info|account) (?:have |has )?(?:been )?(?:changed|updated|modified)\b|\bchange (?:of|in|to) (?:our |my )?(?:bank(?:ing)?|payment|remittance) (?:details|information|account)\b|\b(?:new|updated) (?:bank(?:ing)?|wire|remittance) (?:details|instructions|account)\b`,
      positives: ['Please note our bank details have changed.', 'Attached are our new banking details for future payments.'],
      negatives: ['Your direct deposit was processed on Friday.'],
    },
    {
      name: 'payroll-diversion',
      strength: 'strong',
      anchors: ['direct', 'payroll', 'bank', 'banking', 'salary'],
      pattern: String.raw`\b(?:change|update|switch) (?:my|the) (?:direct deposit|payroll|salary|bank(?:ing)?) (?:details|information|info|account|bank)\b|\b(?:change|update|switch) my (?:direct deposit|payroll account|salary account)\b`,
      positives: ['I would like to change my direct deposit details before the next payroll.', 'Can you update my payroll account?'],
      negatives: ['Payroll closes on the 20th; late timesheets roll over.'],
    },
    {
      name: 'wire-request',
      strength: 'strong',
      anchors: ['wire', 'transfer', 'payment'],
      pattern: String.raw`\b(?:process|make|send|initiate|arrange|complete) (?:a|the|an|this) (?:urgent |quick |same-day )?(?:wire|wire transfer|bank transfer|payment) (?:today|now|urgently|asap|immediately|before)\b|\b(?:urgent|pending) (?:wire|wire transfer|bank transfer)\b`,
      positives: ['I need you to process a wire transfer today.', 'Urgent wire transfer needed'],
      negatives: ['Payments are processed every second Friday.'],
    },
    {
      name: 'overdue-invoice',
      strength: 'weak',
      anchors: ['overdue', 'outstanding', 'unpaid', 'past', 'pending'],
      pattern: String.raw`\b(?:overdue|outstanding|unpaid|past due|pending) (?:invoice|payment|balance|amount|bill|debt)s?\b|\b(?:invoice|payment|bill) (?:is |was )?(?:overdue|past due|outstanding)\b`,
      positives: ['Your overdue invoice is attached.', 'The payment is past due.'],
      negatives: ['Paid invoices are archived after seven years.'],
    },
    {
      name: 'refund',
      strength: 'weak',
      anchors: ['refund', 'unclaimed'],
      pattern: String.raw`\b(?:you are|you're) (?:eligible|entitled|due|qualified) (?:for|to|to receive) (?:a |an )?(?:tax )?refund\b|\b(?:tax )?refund (?:of|for the amount of) (?:\$|usd|eur|€|£)? ?\d|\bclaim your (?:tax )?refund\b|\bunclaimed (?:refund|funds|payment)\b`,
      positives: ['You are eligible for a tax refund of $489.00.', 'Claim your refund today.'],
      negatives: ['Refunds for parking permits are handled by facilities.'],
    },
    {
      name: 'payment-failed',
      strength: 'weak',
      anchors: ['declin', 'fail', 'unsuccessful', 'reject', 'process', 'updat'],
      pattern: String.raw`\b(?:your )?(?:payment|transaction|card|billing) (?:was |has been |is )?(?:declined|failed|unsuccessful|rejected|could not be processed)\b|\bupdate (?:your )?(?:payment|billing|card) (?:information|details|method|info)\b`,
      positives: ['Your payment was declined.', 'Please update your payment information.'],
      negatives: ['The new payment terminal is at reception.'],
    },
    {
      name: 'will-be-charged',
      strength: 'weak',
      anchors: ['charged', 'debited', 'deducted', 'billed'],
      pattern: String.raw`\byou (?:will be|have been|were) (?:charged|debited|billed)\b|\b(?:has been|will be) (?:charged|debited|deducted|billed) (?:to|from|on) your\b`,
      positives: ['You will be charged $348.80 for your membership.'],
      negatives: ['Parking is charged per hour at the visitor garage.'],
    },
    {
      name: 'delivery-fee',
      strength: 'weak',
      anchors: ['delivery', 'shipping', 'redelivery', 'customs', 'postage'],
      pattern: String.raw`\b(?:pay|settle|cover) (?:the |a |your )?(?:small |outstanding |pending )?(?:delivery|shipping|redelivery|customs|postage) (?:fee|charge|cost)s?\b|\b(?:unpaid|outstanding|pending) (?:delivery|shipping|customs|postage) (?:fee|charge|dut(?:y|ies))s?\b`,
      positives: ['Pay the small shipping fee to receive your package.', 'Your parcel is held for an unpaid customs fee.'],
      negatives: ['Shipping fees are included in the contract price.'],
    },
    {
      name: 'attached-invoice',
      strength: 'weak',
      anchors: ['attached'],
      pattern: String.raw`\b(?:see|find|open|view|download|review) (?:the )?attached (?:invoice|payment|remittance|receipt|statement|purchase order)\b|\b(?:invoice|payment confirmation|remittance advice|payment advice) (?:is )?attached\b`,
      positives: ['Please find attached invoice.', 'Remittance advice attached'],
      negatives: ['See the attached rota for December.'],
    },
  ]),
  ...de([
    {
      name: 'bankverbindung-geaendert',
      strength: 'strong',
      anchors: ['bankverbindung', 'kontoverbindung', 'iban', 'neue', 'geanderte'],
      pattern: String.raw`\b(?:neue|geanderte) (?:bankverbindung|kontoverbindung|iban)\b|\b(?:bankverbindung|kontoverbindung|iban) (?:hat sich )?(?:geandert|ist neu)\b`,
      positives: ['Bitte beachten Sie unsere neue Bankverbindung.'],
      negatives: ['Die Bankverbindung finden Sie auf der Rechnung.'],
    },
    {
      name: 'offene-rechnung',
      strength: 'weak',
      anchors: ['offene', 'unbezahlte', 'ausstehende', 'uberfallige', 'zahlungserinnerung', 'mahnung', 'zahlung', 'ruckerstattung', 'liefergebuhr', 'versandgebuhr', 'zollgebuhr'],
      pattern: String.raw`\b(?:offene|unbezahlte|ausstehende|uberfallige) (?:rechnung|forderung|zahlung|betrag|betrage)\b|\bzahlungserinnerung\b|\bmahnung\b|\bzahlung (?:ist )?fehlgeschlagen\b|\bruckerstattung\b|\b(?:liefer|versand|zoll)gebuhr\b`,
      positives: ['Ihre offene Rechnung ist fällig.', 'Zahlungserinnerung'],
      negatives: ['Die Rechnung wurde bezahlt, vielen Dank.'],
    },
  ]),
  ...pt([
    {
      name: 'taxa-liberacao',
      strength: 'strong',
      anchors: ['taxa', 'retid', 'alfandega', 'regularize'],
      pattern: String.raw`\btaxa (?:de )?(?:liberacao|desembaraco|importacao|alfandegaria|envio|entrega)\b|\b(?:encomenda|mercadoria|pacote|objeto|pedido) (?:foi |esta )?(?:temporariamente )?(?:retid[oa]|bloquead[oa]|parad[oa]) (?:pela |na )?alfandega\b|\b(?:encomenda|mercadoria|pacote|objeto) (?:foi )?retid[oa]\b|\bregularize o pagamento\b`,
      positives: ['Pague a taxa de liberação para receber sua encomenda.', 'Mercadoria retida na alfândega.', 'Seu pedido foi temporariamente bloqueado pela alfândega.'],
      negatives: ['A encomenda chegou ao almoxarifado.'],
    },
    {
      name: 'fatura-pendente',
      strength: 'weak',
      anchors: ['fatura', 'boleto', 'debito', 'pagamento', 'divida', 'restituicao', 'reembolso'],
      pattern: String.raw`\b(?:fatura|boleto|debito|pagamento|divida) (?:em aberto|vencid[oa]|pendente|atrasad[oa])\b|\brestituicao\b|\breembolso disponivel\b`,
      positives: ['Sua fatura em aberto vence hoje.', 'Você tem uma restituição disponível.'],
      negatives: ['A fatura foi paga, obrigado.'],
    },
  ]),
  ...es([
    {
      name: 'factura-pendiente',
      strength: 'weak',
      anchors: ['factura', 'pago', 'deuda', 'recibo', 'reembolso', 'nuevos'],
      pattern: String.raw`\b(?:factura|pago|deuda|recibo) (?:pendiente|vencid[oa]|atrasad[oa]|impagad[oa])\b|\breembolso (?:de|pendiente|disponible)\b|\bnuevos datos bancarios\b`,
      positives: ['Tiene una factura pendiente.', 'Reembolso pendiente de 120 €'],
      negatives: ['La factura ya fue pagada.'],
    },
  ]),
  ...fr([
    {
      name: 'coordonnees-bancaires',
      strength: 'strong',
      anchors: ['nouvelles', 'nouveau', 'changement'],
      pattern: String.raw`\b(?:nouvelles|nouveau) (?:coordonnees bancaires|rib|iban)\b|\bchangement (?:de|des) (?:rib|coordonnees bancaires)\b`,
      positives: ['Veuillez trouver nos nouvelles coordonnées bancaires.'],
      negatives: ['Le RIB figure sur la facture.'],
    },
    {
      name: 'facture-impayee',
      strength: 'weak',
      anchors: ['facture', 'paiement', 'montant', 'remboursement'],
      pattern: String.raw`\b(?:facture|paiement|montant) (?:impayee?|en attente|en retard|en souffrance)\b|\bremboursement (?:de|en attente|disponible)\b`,
      positives: ['Votre facture impayée est jointe.', 'Remboursement en attente'],
      negatives: ['La facture a été réglée.'],
    },
  ]),
];
