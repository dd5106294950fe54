import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Callback phishing (TOAD): a fake invoice or renewal for Norton, Geek Squad or PayPal with
 * no link at all, only a number to call "if you did not authorize this charge". Two parts
 * are matched here: the call to action next to a number, and the pretext that makes a
 * reader call. Hospitals put "to reschedule, call …" in every reminder, so the call to
 * action alone means nothing; the pretext is what makes it a lure.
 */

const ctaEn = ruleGroup('CALL_TO_ACTION', 'en', 'cta', false);
const ctaDe = ruleGroup('CALL_TO_ACTION', 'de', 'cta', false);
const ctaPt = ruleGroup('CALL_TO_ACTION', 'pt', 'cta', false);
const ctaEs = ruleGroup('CALL_TO_ACTION', 'es', 'cta', false);
const ctaFr = ruleGroup('CALL_TO_ACTION', 'fr', 'cta', false);
const ctxEn = ruleGroup('CALLBACK_CONTEXT', 'en', 'cbctx', true);
const ctxDe = ruleGroup('CALLBACK_CONTEXT', 'de', 'cbctx', true);
const ctxPt = ruleGroup('CALLBACK_CONTEXT', 'pt', 'cbctx', true);
const ctxEs = ruleGroup('CALLBACK_CONTEXT', 'es', 'cbctx', true);
const ctxFr = ruleGroup('CALLBACK_CONTEXT', 'fr', 'cbctx', true);

export const CALL_TO_ACTION_RULES: IntentRule[] = [
  ...ctaEn([
    {
      name: 'call-us',
      strength: 'strong',
      anchors: ['call', 'phone', 'ring', 'dial', 'text', 'contact', 'reach', 'give'],
      pattern: String.raw`\b(?:call|phone|ring|dial|text|contact|reach)(?: (?:us|our (?:[\w-]+ ){0,3}?(?:team|desk|department|line|center|centre|representative|agent|specialist|office|helpline|hotline)|the (?:[\w-]+ ){0,2}?(?:number|helpline|hotline|line|team|desk|department)|this (?:number|line)|toll[- ]?free|customer (?:care|service|support)|a (?:representative|support agent|specialist)))?(?: (?:at|on|via|by calling|by phone(?: at)?|toll[- ]?free|now|immediately|directly|today|back))*\b|\bgive us a (?:call|ring)\b`,
      positives: ['Call us at (800) 555-0199.', 'Contact our support team at +1 888 555 0100.', 'please call the billing department on 020 7946 0958', 'call +1 (888) 555-0162'],
      negatives: ['We recalled the batch of syringes.'],
    },
    {
      name: 'phone-label',
      strength: 'strong',
      anchors: ['helpline', 'hotline', 'toll', 'customer', 'support', 'help', 'call', 'billing', 'phone', 'tel', 'telephone', 'mobile', 'cell'],
      pattern: String.raw`\b(?:helpline|hotline|toll[- ]?free(?: number| line| no)?|customer (?:care|service|support)(?: number| line| team)?|support (?:line|number|desk)|help ?desk|call (?:center|centre)|billing (?:department|team|support)|phone|tel|telephone|mobile|cell)(?: ?(?:number|no|#))?\s?[:.]`,
      positives: ['Helpline: 1-888-555-0100', 'Tel.: +49 30 1234567'],
      negatives: ['The help desk moved to the second floor.'],
    },
  ]),
  ...ctaDe([
    {
      name: 'rufen-sie-an',
      strength: 'strong',
      anchors: ['rufen', 'unter', 'telefonisch', 'kontaktieren', 'hotline', 'kundenservice', 'servicenummer'],
      pattern: String.raw`\brufen sie (?:uns )?(?:\S+ ){0,8}?an\b|\b(?:unter|telefonisch unter) (?:der )?(?:nummer|rufnummer|telefonnummer|hotline)\b|\bkontaktieren sie (?:uns|unseren (?:kundendienst|kundenservice|support))\b|\b(?:hotline|kundenservice|servicenummer)\s?:`,
      positives: ['Rufen Sie uns unter +49 30 1234567 an.', 'Hotline: 0800 1234567'],
      negatives: ['Der Anruf wurde an die Station weitergeleitet.'],
    },
  ]),
  ...ctaPt([
    {
      name: 'ligue-para',
      strength: 'strong',
      anchors: ['ligue', 'contato', 'central', 'telefone', 'whatsapp'],
      pattern: String.raw`\bligue (?:para|gratis|gratuitamente|agora|no|ja|imediatamente)\b|\bentre em contato (?:conosco )?(?:pelo|atraves do|no|via) (?:telefone|numero|whatsapp|0800)\b|\bcentral de (?:atendimento|relacionamento)\b|\b(?:telefone|whatsapp)\s?:`,
      positives: ['Ligue para 0800 123 4567.', 'Central de atendimento: +55 11 91234-5678'],
      negatives: ['A ligação caiu durante a consulta.'],
    },
  ]),
  ...ctaEs([
    {
      name: 'llame-al',
      strength: 'strong',
      anchors: ['llame', 'llamenos', 'comuniquese', 'linea', 'telefono'],
      pattern: String.raw`\bllame (?:al|a|ahora|inmediatamente|gratis)\b|\bllamenos\b|\bcomuniquese (?:con nosotros )?al\b|\b(?:linea de atencion|telefono)\s?:`,
      positives: ['Llame al +34 912 345 678.'],
      negatives: ['La llamada se cortó.'],
    },
  ]),
  ...ctaFr([
    {
      name: 'appelez-le',
      strength: 'strong',
      anchors: ['appelez', 'contactez', 'composez', 'numero'],
      pattern: String.raw`\bappelez(?:-nous)? (?:le|au|immediatement|gratuitement)\b|\bcontactez(?:-nous)? (?:au|le|par telephone)\b|\bcomposez le\b|\bnumero (?:vert|gratuit)\b`,
      positives: ['Appelez le +33 1 23 45 67 89.'],
      negatives: ["L'appel a été transféré au service."],
    },
  ]),
];

export const CALLBACK_CONTEXT_RULES: IntentRule[] = [
  ...ctxEn([
    {
      name: 'did-not-authorize',
      strength: 'strong',
      anchors: ['charge', 'purchase', 'transaction', 'order', 'payment', 'renewal', 'subscription', 'debit', 'transfer', 'invoice', 'continu', 'renew', 'keep', 'authori', 'cancel', 'dispute', 'stop', 'reverse', 'refund'],
      pattern: String.raw`\b(?:if|in case,?) (?:you )?(?:did not|didn't|do not|don't|did't|have not|haven't) (?:authori[sz]e|make|made|recogni[sz]e|place|placed|initiate|approve|order|request) (?:[\w-]+ ){0,3}?(?:charges?|purchases?|transactions?|orders?|payments?|renewals?|subscriptions?|debits?|transfers?|invoices?)\b|\b(?:if|in case) you (?:do not|don't|no longer) (?:want|wish) to (?:continue|renew|keep)\b|\bnot authori[sz]ed by you\b|\b(?:raise|file|open) a dispute\b|\b(?:to )?(?:cancel|dispute|stop|reverse) (?:the|this|your) (?:subscription|order|renewal|auto-?renewal|transaction|charge|payment|purchase|membership)\b(?! to (?:this|our|the|these|other) )|\bfor (?:a |any )?(?:refund|cancellation)s?,? (?:please )?(?:call|contact|reach)\b`,
      positives: [
        'If you did not authorize this charge, call us.',
        'To cancel the subscription, please call our billing team.',
        "If you don't recognize this transaction, contact support.",
        'In case, you did not make this payment please call our billing support team.',
      ],
      negatives: [
        'If you want to cancel your subscription to this newsletter, go to the preferences page.',
        'To cancel or reschedule your appointment, call the clinic.', 'If you did not request this password reset, you can ignore this email.'],
    },
    {
      name: 'renewed-charged',
      strength: 'strong',
      anchors: ['subscription', 'membership', 'plan', 'license', 'protection', 'service', 'auto', 'renew', 'charged', 'debited', 'deducted', 'geek', 'norton', 'mcafee', 'best', 'windows', 'lifelock', 'avast', 'totalav', 'coinbase'],
      pattern: String.raw`\b(?:subscription|membership|plan|license|protection|service) (?:has been|was|is|will be) (?:successfully |automatically )?(?:renewed|extended|activated|charged)\b|\b(?:subscription|membership|plan|license|protection)(?: with us)? will (?:automatically )?renew\b|\b(?:auto-?renew(?:al|ed)?|renewed for (?:another|one|1|an additional) (?:year|term)|will (?:be )?renew(?:ed)? automatically)\b|\b(?:has been|was|will be) (?:charged|debited|deducted) (?:to|from|on) your (?:account|card|bank)\b|\b(?:geek squad|norton|mcafee|best buy|windows defender|lifelock|avast|totalav|coinbase)\b(?: [\w-]+){0,3}? (?:subscription|membership|renewal|invoice|order|protection|plan|service)\b`,
      positives: [
        'Your Norton 360 subscription has been renewed.',
        'The amount of $399.99 has been charged to your account.',
        'Geek Squad Total Protection invoice',
        'Your current protection plan will renew automatically within the next 12 hours.',
      ],
      negatives: ['Your parking permit expires next month.'],
    },
    {
      name: 'crypto-purchase',
      strength: 'strong',
      anchors: ['bitcoin', 'btc', 'crypto', 'ethereum', 'eth', 'usdt'],
      pattern: String.raw`\b(?:purchase|order|receipt|transaction|payment|charges?)\b(?: [\w:#()-]+){0,6}? (?:bitcoin|btc|crypto ?currency|ethereum|eth|usdt)\b`,
      positives: ['Receipt Transaction: BTC- Coinbase Gateway: PayPal', 'Thank you for your purchase of Bitcoin (BTC).'],
      negatives: ['Our foundation does not accept bitcoin donations.'],
    },
    {
      name: 'order-charge',
      strength: 'weak',
      anchors: ['order', 'invoice', 'purchase', 'transaction', 'payment', 'charge', 'subscription', 'renewal', 'refund', 'receipt', 'total', 'amount'],
      pattern: String.raw`\b(?:order|invoice|purchase|transaction|payment|charge|subscription|renewal|refund|receipt) (?:number|no|#|id|summary|confirmation|details|amount)\b|\btotal (?:amount|charged|due)\b|\bamount (?:charged|debited|due)\b`,
      positives: ['Order number: 8812-22', 'Total amount: $499.00'],
      negatives: ['Please bring your list of current medications.'],
    },
    {
      name: 'appointment-confirm',
      strength: 'weak',
      anchors: ['appointment', 'visit', 'procedure', 'consultation'],
      pattern: String.raw`\b(?:confirm|verify|reschedule|cancel) (?:your|the|this) (?:upcoming )?(?:appointment|visit|procedure|consultation)\b`,
      positives: ['Call this number to confirm your appointment.'],
      negatives: ['Your appointment was on Monday.'],
    },
  ]),
  ...ctxDe([
    {
      name: 'abo-verlaengert',
      strength: 'strong',
      anchors: ['abonnement', 'abo', 'mitgliedschaft', 'lizenz', 'falls', 'kundigen'],
      pattern: String.raw`\b(?:abonnement|abo|mitgliedschaft|lizenz) (?:wurde|wird) (?:automatisch )?(?:verlangert|erneuert|abgebucht)\b|\bfalls sie (?:diese (?:zahlung|bestellung|abbuchung)|dies) nicht (?:autorisiert|veranlasst|getatigt)\b|\bum (?:das|ihr) (?:abonnement|abo) zu kundigen\b`,
      positives: ['Ihr Abonnement wurde automatisch verlängert.', 'Falls Sie diese Zahlung nicht autorisiert haben, rufen Sie uns an.'],
      negatives: ['Die Zeitschrift liegt im Pausenraum aus.'],
    },
  ]),
  ...ctxPt([
    {
      name: 'nao-reconhece',
      strength: 'strong',
      anchors: ['reconhec', 'compra', 'transacao', 'cobranca', 'assinatura'],
      pattern: String.raw`\b(?:caso|se) (?:voce )?nao (?:reconheca|reconhece)\b(?:,| (?:esta|essa|a) (?:compra|transacao|cobranca|solicitacao|operacao)\b)|\b(?:caso|se) (?:voce )?nao (?:reconheca|reconhece|tenha (?:realizado|autorizado|feito)|realizou|autorizou|fez) (?:esta|essa|a) (?:compra|transacao|cobranca|solicitacao|operacao)\b|\b(?:compra|transacao|cobranca) (?:suspeita|nao reconhecida)\b|\bassinatura (?:foi )?renovada\b`,
      positives: ['Caso não reconheça esta compra, ligue para a central.', 'Transação suspeita no seu cartão.'],
      negatives: ['A compra dos materiais foi aprovada.'],
    },
  ]),
  ...ctxEs([
    {
      name: 'no-reconoce',
      strength: 'strong',
      anchors: ['compra', 'cargo', 'transaccion', 'pago', 'cobro', 'suscripcion'],
      pattern: String.raw`\bsi (?:usted )?no (?:reconoce|autorizo|realizo|ha realizado|ha autorizado) (?:esta|este|la|el) (?:compra|cargo|transaccion|pago|cobro)\b|\bsuscripcion (?:ha sido|fue) renovada\b`,
      positives: ['Si no reconoce este cargo, llame al número indicado.'],
      negatives: ['La compra de material fue aprobada.'],
    },
  ]),
  ...ctxFr([
    {
      name: 'pas-autorise',
      strength: 'strong',
      anchors: ['achat', 'paiement', 'prelevement', 'transaction', 'commande', 'operation', 'abonnement'],
      pattern: String.raw`\bsi vous n'?(?:avez pas|etes pas) (?:autorise|effectue|reconnu|a l'origine de) (?:cet(?:te)?|ce|la|le) (?:achat|paiement|prelevement|transaction|commande|operation)\b|\babonnement (?:a ete|sera) renouvele\b`,
      positives: ["Si vous n'avez pas autorisé ce paiement, appelez le numéro ci-dessous."],
      negatives: ['Le paiement du parking a été effectué.'],
    },
  ]),
];
