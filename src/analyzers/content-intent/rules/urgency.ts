import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Pressure: the account is (about to be) suspended, there are 24 hours left, legal action
 * follows. News and marketing say "immediately" and "last chance" too, so those are weak;
 * the threats against the reader's own account are strong.
 */

const en = ruleGroup('URGENCY_THREAT', 'en', 'urg', true);
const de = ruleGroup('URGENCY_THREAT', 'de', 'urg', true);
const pt = ruleGroup('URGENCY_THREAT', 'pt', 'urg', true);
const es = ruleGroup('URGENCY_THREAT', 'es', 'urg', true);
const fr = ruleGroup('URGENCY_THREAT', 'fr', 'urg', true);

const SUSPENDED_EN = String.raw`(?:suspended|locked|closed|disabled|deactivated|terminated|blocked|restricted|limited|on hold|frozen|deleted|cancell?ed|revoked|shut down|blacklisted)`;

export const URGENCY_RULES: IntentRule[] = [
  ...en([
    {
      name: 'account-suspended',
      strength: 'strong',
      anchors: ['suspend', 'lock', 'clos', 'disabl', 'deactiv', 'terminat', 'block', 'restrict', 'limit', 'hold', 'frozen', 'delet', 'cancel', 'revok', 'shut', 'blacklist'],
      pattern: String.raw`\byour (?:[\w-]+ ){0,2}?(?:account|mailbox|e-?mail|access|card|membership|profile|apple id|id|wallet) (?:has been|will be|is being|is|was|may be|would be|is going to be|is currently|might be|will soon be|is about to be) (?:temporarily |permanently |automatically |now |immediately |soon )?${SUSPENDED_EN}\b|\b(?:all )?unverified (?:accounts|wallets|users|profiles) (?:will|shall) be (?:\w+ )?${SUSPENDED_EN}\b`,
      positives: ['Your account has been temporarily suspended.', 'Your Apple ID will be locked.', 'All unverified wallets will be suspended on Monday.'],
      negatives: ['The old pager account was closed in 2019.', 'We will never tell you by email that your account will be closed.'],
    },
    {
      name: 'failure-to-act',
      strength: 'strong',
      anchors: ['fail', 'result', 'lead'],
      pattern: String.raw`\bfail(?:ure|ing)? to (?:verify|confirm|update|validate|comply|respond|complete|re-?activate|upgrade|pay|settle|take action|act)\b(?: [\w-]+){0,8}? (?:will|may|could|shall) (?:result|lead)\b|\b(?:will|may) (?:result in|lead to) (?:the |a |your )?(?:permanent |immediate |temporary )?(?:suspension|termination|closure|deletion|deactivation|loss of (?:your |all )?(?:account|access|data|e-?mails))\b`,
      positives: ['Failure to verify your account will result in closure.', 'Ignoring this notice may result in permanent suspension.'],
      negatives: ['Failure to follow hand-hygiene guidance is the main source of infections.'],
    },
    {
      name: 'avoid-suspension',
      strength: 'strong',
      anchors: ['avoid', 'prevent'],
      pattern: String.raw`\b(?:avoid|prevent) (?:your )?(?:account |mailbox |service |e-?mail |wallet )?(?:suspension|termination|deactivation|interruption|closure|being (?:locked|suspended|closed|deactivated)|permanent (?:loss|deletion|closure)|losing (?:access|your))\b`,
      positives: ['Update now to avoid account suspension.', 'Log in to prevent deactivation.'],
      negatives: ['Staff should avoid interruptions during medication rounds.'],
    },
    {
      name: 'deadline-hours',
      strength: 'weak',
      anchors: ['hour', 'hrs', 'day'],
      pattern: String.raw`\b(?:within|in the next|in less than|under) (?:24|48|72|12|6|2|twenty-?four|forty-?eight) (?:hours|hrs)\b|\bwithin (?:one|two|three|1|2|3) (?:business )?days?\b`,
      positives: ['Respond within 24 hours.', 'within 48 hrs'],
      negatives: ['Lab results are normally ready after 3 days.'],
    },
    {
      name: 'final-notice',
      strength: 'weak',
      anchors: ['final', 'last'],
      pattern: String.raw`\b(?:final|last) (?:notice|warning|reminder|attempt)\b`,
      positives: ['FINAL NOTICE: payment overdue', 'This is your last warning.'],
      negatives: ['The final report is attached.'],
    },
    {
      name: 'legal-action',
      strength: 'weak',
      anchors: ['legal', 'debt', 'collection', 'court', 'lawsuit', 'arrest', 'criminal', 'fee', 'penalt'],
      pattern: String.raw`\b(?:legal (?:action|proceedings|steps)|(?:debt )?collection agency|court proceedings|lawsuit against you|arrest warrant|criminal charges)\b|\b(?:late|additional) (?:payment )?(?:fees?|penalt(?:y|ies))\b|\bpenalt(?:y|ies) (?:will|may|shall) (?:be|apply)\b`,
      positives: ['We will start legal action against you.', 'Pay today to avoid late payment penalties.'],
      negatives: ['The legal department reviewed the contract.'],
    },
    {
      name: 'act-immediately',
      strength: 'weak',
      anchors: ['immediate', 'urgent', 'asap', 'right', 'delay', 'action'],
      pattern: String.raw`\b(?:act|respond|reply|verify|update|confirm|call|pay|log ?in|sign ?in|click) (?:now |today )?(?:immediately|urgently|asap|right away|without delay)\b|\b(?:immediate|urgent) (?:action|attention|response) (?:is )?(?:required|needed)\b|\baction required\b`,
      positives: ['Immediate action required.', 'Please respond urgently.'],
      negatives: ['The code team responded quickly to the call.'],
    },
    {
      name: 'unusual-activity',
      strength: 'weak',
      anchors: ['unusual', 'suspicious', 'unauthori', 'irregular', 'strange', 'someone', 'somebody'],
      pattern: String.raw`\b(?:unusual|suspicious|unauthori[sz]ed|irregular|strange) (?:sign-?in|login|log-?in|activity|access|transactions?|payments?|attempts?)\b(?: [\w-]+){0,4}? (?:on|in|to|with) your (?:[\w-]+ )?account\b|\bunusual (?:sign-?in|login) activity\b|\b(?:someone|somebody) (?:tried|attempted) to (?:log|sign) ?in\b`,
      positives: ['We detected unusual sign-in activity on your account.', 'Someone tried to log in to your account.'],
      negatives: ['Report unusual activity on the ward to security.'],
    },
    {
      name: 'membership-expired',
      strength: 'weak',
      anchors: ['expir'],
      pattern: String.raw`\byour (?:[\w-]+ )?(?:membership|subscription|license|licence|protection|plan) (?:has |is )?(?:expired|expiring|expires (?:today|soon))\b`,
      positives: ['Your McAfee subscription has expired.'],
      negatives: ['The parking permits expired last month.'],
    },
    {
      name: 'will-be-deleted',
      strength: 'weak',
      anchors: ['delet', 'lost', 'remov', 'eras'],
      pattern: String.raw`\b(?:your )?(?:e-?mails|messages|files|data|photos|documents) (?:will|may) be (?:permanently )?(?:deleted|lost|removed|erased)\b`,
      positives: ['Your emails will be permanently deleted.'],
      negatives: ['Old backups are rotated after 30 days.'],
    },
  ]),
  ...de([
    {
      name: 'konto-gesperrt',
      strength: 'strong',
      anchors: ['gesperrt', 'eingeschrankt', 'deaktiviert', 'geloscht', 'geschlossen', 'blockiert', 'suspendiert'],
      pattern: String.raw`\b(?:wird|wurde|ist) ihr (?:[\w-]+ )?(?:konto|kundenkonto|postfach|zugang|online-banking|karte|account|wallet) (?:[\w-]+ ){0,3}?(?:gesperrt|eingeschrankt|deaktiviert|geloscht|geschlossen|blockiert|suspendiert)\b|\bihr (?:[\w-]+ )?(?:konto|kundenkonto|postfach|zugang|online-banking|karte|account|wallet) (?:wurde|wird|ist) (?:[\w-]+ ){0,4}?(?:gesperrt|eingeschrankt|deaktiviert|geloscht|geschlossen|blockiert|suspendiert)\b`,
      positives: ['Ihr Konto wurde vorübergehend gesperrt.', 'Achtung: Ihr Konto wird in 2 Tagen gelöscht!', 'Bestätigen Sie heute, sonst wird Ihr Konto gesperrt.'],
      negatives: ['Der Zugang zur Station ist nachts gesperrt.'],
    },
    {
      name: 'werden-geloescht',
      strength: 'weak',
      anchors: ['geloscht'],
      pattern: String.raw`\b(?:fotos|videos|dateien|daten|e-mails|nachrichten) (?:werden|wird) (?:[\w-]+ ){0,3}?geloscht\b`,
      positives: ['Ihre Fotos und Videos werden gelöscht.'],
      negatives: ['Alte Dienstpläne wurden archiviert.'],
    },
    {
      name: 'abo-abgelaufen',
      strength: 'weak',
      anchors: ['abgelaufen'],
      pattern: String.raw`\b(?:mitgliedschaft|abonnement|lizenz|abo|sicherheitslizenz) (?:ist|wurde|ist am [\d.]+) abgelaufen\b`,
      positives: ['Ihre Mitgliedschaft ist abgelaufen!'],
      negatives: ['Die Frist für Anträge ist abgelaufen.'],
    },
    {
      name: 'frist-stunden',
      strength: 'weak',
      anchors: ['innerhalb'],
      pattern: String.raw`\binnerhalb (?:von |der nachsten )?(?:24|48|72|12) (?:stunden|std)\b`,
      positives: ['Bitte reagieren Sie innerhalb von 24 Stunden.'],
      negatives: ['Die Praxis ist 24 Stunden erreichbar.'],
    },
    {
      name: 'letzte-mahnung',
      strength: 'weak',
      anchors: ['letzte', 'rechtliche', 'inkasso', 'sofortiges'],
      pattern: String.raw`\bletzte (?:mahnung|warnung|erinnerung|aufforderung|chance)\b|\brechtliche schritte\b|\binkasso\b|\bsofortiges handeln\b`,
      positives: ['Letzte Mahnung vor Einleitung rechtlicher Schritte.'],
      negatives: ['Die letzte Visite beginnt um 18 Uhr.'],
    },
  ]),
  ...pt([
    {
      name: 'conta-bloqueada',
      strength: 'strong',
      anchors: ['bloquead', 'suspens', 'desativad', 'encerrad', 'cancelad', 'restrit', 'inativad', 'expirad', 'sofrer'],
      pattern: String.raw`\b(?:sua|seu) (?:[\w-]+ )?(?:conta|cartao|acesso|cadastro|cpf|chave pix|beneficio|plano) (?:foi|sera|esta|pode ser|podera ser|vai ser) (?:temporariamente |permanentemente |definitivamente )?(?:bloquead[oa]|suspens[oa]|desativad[oa]|encerrad[oa]|cancelad[oa]|restrit[oa]|inativad[oa]|expirad[oa])\b|\b(?:pode|podera) sofrer (?:restricoes|bloqueio|suspensao|cancelamento)\b`,
      positives: ['Sua conta foi bloqueada temporariamente.', 'Seu CPF pode sofrer restrições.', 'Seu cartão será cancelado'],
      negatives: ['A consulta foi remarcada para terça.'],
    },
    {
      name: 'para-evitar',
      strength: 'strong',
      anchors: ['evitar'],
      pattern: String.raw`\bpara evitar (?:o |a )?(?:cancelamento|bloqueio|suspensao|encerramento|restricoes|devolucao|protesto)\b`,
      positives: ['Para evitar o cancelamento da entrega, regularize o pagamento.'],
      negatives: ['Para evitar filas, chegue 15 minutos antes.'],
    },
    {
      name: 'novo-acesso',
      strength: 'weak',
      anchors: ['acesso', 'dispositivo', 'navegador'],
      pattern: String.raw`\b(?:novo|um) acesso (?:a|na|em) sua conta\b|\bnovo (?:dispositivo|navegador)\b|\bnao reconheco este acesso\b`,
      positives: ['Houve um acesso à sua conta em um novo navegador.'],
      negatives: ['O acesso ao estacionamento é pela rua lateral.'],
    },
    {
      name: 'prazo-horas',
      strength: 'weak',
      anchors: ['hora', 'hrs', 'ultimo', 'imediatamente', 'judicial', 'protesto', 'pendencia', 'irregularidade'],
      pattern: String.raw`\b(?:em ate|dentro de|nas proximas|no prazo de) (?:24|48|72|12) (?:horas|hrs)\b|\bultimo aviso\b|\bimediatamente\b|\b(?:acao|processo) judicial\b|\bprotesto\b|\b(?:pendencia|irregularidade)s? (?:fiscal|fiscais|grave|graves|cadastral|cadastrais)\b`,
      positives: ['Regularize em até 24 horas.', 'Último aviso antes do protesto.'],
      negatives: ['O resultado fica pronto em 3 dias úteis.'],
    },
  ]),
  ...es([
    {
      name: 'cuenta-suspendida',
      strength: 'strong',
      anchors: ['suspendid', 'bloquead', 'cerrad', 'desactivad', 'restringid', 'cancelad', 'eliminad'],
      pattern: String.raw`\b(?:su|tu) (?:[\w-]+ )?(?:cuenta|tarjeta|acceso|buzon) (?:ha sido|sera|esta|fue|podria ser) (?:temporalmente |permanentemente |definitivamente )?(?:suspendid[ao]|bloquead[ao]|cerrad[ao]|desactivad[ao]|restringid[ao]|cancelad[ao]|eliminad[ao])\b`,
      positives: ['Su cuenta ha sido suspendida temporalmente.'],
      negatives: ['La cafetería está cerrada los domingos.'],
    },
    {
      name: 'plazo-horas',
      strength: 'weak',
      anchors: ['horas', 'ultimo', 'inmediatamente', 'acciones'],
      pattern: String.raw`\b(?:en las proximas|dentro de las?|en un plazo de) (?:24|48|72) horas\b|\bultimo aviso\b|\binmediatamente\b|\bacciones legales\b`,
      positives: ['Responda en las próximas 24 horas.'],
      negatives: ['La farmacia abre las 24 horas.'],
    },
  ]),
  ...fr([
    {
      name: 'compte-suspendu',
      strength: 'strong',
      anchors: ['suspendu', 'bloque', 'ferme', 'desactive', 'restreint', 'resilie', 'supprime'],
      pattern: String.raw`\bvotre (?:[\w-]+ )?(?:compte|carte|acces|boite (?:mail|aux lettres)|abonnement) (?:a ete|sera|est|va etre|pourrait etre) (?:temporairement |definitivement |automatiquement )?(?:suspendue?|bloquee?|fermee?|desactivee?|restreinte?|resiliee?|supprimee?)\b`,
      positives: ['Votre compte a été suspendu.', 'Votre carte sera bloquée.'],
      negatives: ['Le parking est fermé le week-end.'],
    },
    {
      name: 'delai-heures',
      strength: 'weak',
      anchors: ['heure', '24h', '48h', '72h', 'dernier', 'immediatement', 'poursuites'],
      pattern: String.raw`\b(?:sous|dans les|d'ici) (?:24|48|72)(?: heures|h)\b|\bdernier (?:avis|rappel|avertissement)\b|\bimmediatement\b|\bpoursuites judiciaires\b`,
      positives: ['Répondez sous 24 heures.', 'Dernier rappel'],
      negatives: ['Le service est ouvert 24 heures sur 24.'],
    },
  ]),
];
