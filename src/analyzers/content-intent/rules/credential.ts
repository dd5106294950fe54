import { ruleGroup, type IntentRule } from './types.ts';

/**
 * Asking the reader to hand over or "confirm" a login: the account-verification lure,
 * the mailbox-quota and password-expiry notices, the crypto-wallet "verification", and
 * the shared-document and voicemail pretexts that lead to a fake sign-in page.
 */

const en = ruleGroup('CREDENTIAL_REQUEST', 'en', 'cred', true);
const de = ruleGroup('CREDENTIAL_REQUEST', 'de', 'cred', true);
const pt = ruleGroup('CREDENTIAL_REQUEST', 'pt', 'cred', true);
const es = ruleGroup('CREDENTIAL_REQUEST', 'es', 'cred', true);
const fr = ruleGroup('CREDENTIAL_REQUEST', 'fr', 'cred', true);

/** What a login lure wants "verified": accounts, mailboxes, and crypto wallets and their seed phrases. */
const LOGIN_OBJECT = String.raw`(?:account|mailbox|mail ?box|credentials|login|log-?in|sign-?in|wallet|device|recovery phrase|seed phrase|secret phrase|private keys?|apple id)`;

export const CREDENTIAL_RULES: IntentRule[] = [
  ...en([
    {
      name: 'verify-account',
      strength: 'strong',
      anchors: ['verif', 'valid', 're-valid', 'revalid', 're-verif', 'reverif', 're-activ', 'reactiv', 'unlock', 'restore'],
      pattern: String.raw`\b(?:verify|validate|re-?validate|re-?verify|re-?activate|unlock|restore) (?:the security of )?(?:your|the) (?:[\w-]+ ){0,2}?${LOGIN_OBJECT}\b`,
      positives: [
        'Please verify your account within 24 hours.',
        'Click below to validate your Office 365 mailbox.',
        'To restore your account access, sign in below.',
        'Last reminder to verify your Ledger device.',
        'We recommend that you verify the security of your recovery phrase.',
      ],
      negatives: [
        'We verified the backup of the pharmacy account yesterday.',
        'IT will never ask you to verify your account by email.',
        'Phishing emails often ask you to validate your mailbox.',
      ],
    },
    {
      name: 'not-yet-verified',
      strength: 'weak',
      anchors: ['verified', 'validated', 'unverified'],
      pattern: String.raw`\b(?:has|have|is|are) not (?:yet )?(?:been )?(?:verified|validated)\b|\bunverified (?:accounts?|wallets?|users?|profiles?|devices?)\b`,
      positives: ['Our system has shown that your wallet has not yet been verified.', 'All unverified accounts will be suspended.'],
      negatives: ['The dosage has been verified by pharmacy.'],
    },
    {
      name: 'confirm-account',
      strength: 'weak',
      anchors: ['confirm'],
      pattern: String.raw`\bconfirm (?:your|the) (?:[\w-]+ ){0,2}?(?:account|e-?mail address|identity|login|credentials|password)\b`,
      positives: ['Please confirm your email address to continue.', 'Confirm your account information now.'],
      negatives: ['Please confirm your appointment by replying YES.', 'Never confirm your password to anyone who calls.'],
    },
    {
      name: 'verify-details',
      strength: 'weak',
      anchors: ['verif', 'confirm', 'updat', 'valid', 'renew', 'kyc', 'know'],
      pattern: String.raw`\b(?:verify|confirm|update|validate|renew) your (?:(?:personal|account|billing|banking|kyc|contact|shipping|delivery) ){0,2}(?:details|information|info|eligibility)\b|\b(?:kyc|know your customer) (?:verification|update|status|check|details)\b|\bkyc (?:[\w-]+ ){0,3}?(?:unverified|expired|expires|will expire|pending|required|incomplete)\b`,
      positives: ['Please verify your details immediately to avoid potential issues.', 'Login to renew your personal banking details (KYC) online.', 'Your Account KYC is unverified.'],
      negatives: ['We updated the information on the intranet page.', 'The company disclaims any obligation to update the information in this release.'],
    },
    {
      name: 'verification-required',
      strength: 'weak',
      anchors: ['verification'],
      pattern: String.raw`\b(?:security |account |identity |wallet |kyc )?verification (?:is )?(?:required|needed|pending|incomplete)\b`,
      positives: ['Ledger security notice - verification required'],
      negatives: ['The verification of the infusion pump was completed.'],
    },
    {
      name: 'upgrade-mailbox',
      strength: 'strong',
      anchors: ['upgrad', 're-valid', 'revalid', 'increas', 'expand', 'migrat'],
      pattern: String.raw`\b(?:upgrade|re-?validate|increase|expand|migrate) (?:your )?(?:mailbox|mail ?box|e-?mail (?:account|storage|quota)|inbox)(?: (?:quota|storage|size|capacity|now|here|today))?\b`,
      positives: ['Click here to upgrade your mailbox quota.', 'Expand your inbox storage now.'],
      negatives: ['We will upgrade the mail server on Saturday night.', 'Do not upgrade your mailbox from links in an email.'],
    },
    {
      name: 'password-expiry',
      strength: 'weak',
      anchors: ['password'],
      pattern: String.raw`\bpassword (?:will |is going to |is about to |is set to |has |is )?(?:expire|expires|expired|expiring)\b|\bpassword expir(?:y|ation) (?:notice|notification|reminder|alert|warning)\b`,
      positives: ['Your password expires in 2 days.', 'Password expiration notice for staff@stmarys-health.org'],
      negatives: ['The contract expires at the end of the month.'],
    },
    {
      name: 'keep-password',
      strength: 'strong',
      anchors: ['password'],
      pattern: String.raw`\b(?:keep|retain|continue (?:using|with)|use) (?:your |the |my )?(?:current|same|existing|old|present) password\b`,
      positives: ['Click here to keep your current password.', 'Kindly use the link below to continue using the same password.'],
      negatives: ['You cannot reuse an old password or one of your last five.'],
    },
    {
      name: 'mailbox-full',
      strength: 'strong',
      anchors: ['mail', 'email', 'e-mail', 'inbox'],
      pattern: String.raw`\b(?:mailbox|mail box|e-?mail (?:storage|quota)|inbox) (?:is |has )?(?:almost |nearly |now |already )?(?:full(?! of)|exceeded|over (?:its|the) (?:limit|quota)|reached (?:its|the) (?:limit|quota))\b|\bmailbox (?:quota|storage limit|size limit)\b|\b(?:exceeded|reached) (?:the |your |its )?(?:mailbox|e-?mail|inbox) (?:storage |size )?(?:quota|limit|capacity)\b`,
      positives: ['Your mailbox is almost full.', 'You have exceeded your mailbox storage quota.', 'Mailbox quota warning'],
      negatives: ['The shared drive is nearly full; please archive old scans.', 'It can handle a mailbox full of mail to report.'],
    },
    {
      name: 'pending-messages',
      strength: 'strong',
      anchors: ['pending', 'undelivered', 'held', 'blocked', 'suspended', 'quarantined', 'failed', 'incoming'],
      pattern: String.raw`\b(?:you have|there are|we (?:have )?(?:held|blocked|suspended)) (?:\d+ |some |several |new )?(?:pending|undelivered|held|blocked|suspended|quarantined|failed|incoming) (?:e-?mails|e-?mail messages|messages|mails)\b|\b(?:release|recover|retrieve) (?:your |the |these |all )?(?:\d+ )?(?:pending |held |blocked |quarantined |undelivered |suspended )(?:e-?mails|messages|mails)\b`,
      positives: ['You have 7 pending messages on hold.', 'Click to release your held messages.'],
      negatives: ['The messages you sent yesterday were delivered.', 'Undelivered Mail Returned to Sender'],
    },
    {
      name: 'sign-in-to-avoid',
      strength: 'strong',
      anchors: ['sign', 'log'],
      pattern: String.raw`\b(?:sign|log) ?(?:in|on|into) (?:to |into )?(?:your (?:[\w-]+ )?account )?(?:now |below |here )?(?:to|and) (?:avoid|prevent|keep|restore|reactivate|re-activate|unlock|verify|validate|secure|retain)\b`,
      positives: ['Sign in to avoid suspension of your account.', 'Log in now to verify your details.'],
      negatives: ['Sign in to the portal to view your lab results.'],
    },
    {
      name: 'shared-document',
      strength: 'weak',
      anchors: ['shared', 'secure', 'encrypted', 'protected', 'sign'],
      pattern: String.raw`\bhas shared (?:a |an |the |\d+ )?(?:file|document|folder|pdf|spreadsheet|item|files|documents|items)\b|\bshared (?:a |an )?(?:file|document|folder|pdf) with you\b|\b(?:view|open|access|review) (?:the )?(?:shared |secure |secured |encrypted |protected )(?:document|file|message|pdf|invoice)s?\b|\b(?:new )?documents? to review and sign\b`,
      positives: ['Dr. Adams has shared a file with you.', 'Click to view secure document.', 'You have new documents to review and sign.'],
      negatives: ['Thanks for sharing the document with the committee.'],
    },
    {
      name: 'voicemail-fax',
      strength: 'weak',
      anchors: ['voice', 'audio', 'fax'],
      pattern: String.raw`\byou have (?:a |\d+ )?(?:new |missed |unheard )?(?:voice ?mails?|voice messages?|audio messages?|fax(?:es)?|fax messages?)\b|\b(?:new|missed|unheard) (?:voice ?mail|voice message|audio message|fax)\b|\b(?:listen|play) (?:to )?(?:your |the )?(?:voice ?mail|voice message|audio message)\b`,
      positives: ['You have 1 new voicemail.', 'Missed voice message from +1 202-555-0147', 'Listen to your voicemail below.'],
      negatives: ['Please fax the referral to the clinic.', 'Leave a voicemail on the clinic line if we are closed.'],
    },
    {
      name: 'enter-credentials',
      strength: 'weak',
      anchors: ['password', 'user', 'credential', 'login', 'passcode'],
      pattern: String.raw`\b(?:enter|provide|submit|type|input|re-?enter) (?:your |the )?(?:e-?mail |network |account |login )?(?:password|username and password|user ?name & password|login credentials|credentials|login details|passcode)\b`,
      positives: ['Enter your password to access the document.', 'Provide your login credentials to continue.'],
      negatives: ['Do not enter your password on unfamiliar sites.', 'The printer asks for a PIN code at the tray.'],
    },
  ]),
  ...de([
    {
      name: 'konto-bestaetigen',
      strength: 'strong',
      anchors: ['bestatig', 'verifizier', 'aktualisier', 'uberpruf', 'validier', 'freischalt', 'entsperr', 'reaktivier', 'legitimier'],
      pattern: String.raw`\bihr(?:e|en)? (?:[\w-]+ ){0,2}?(?:konto|kundenkonto|benutzerkonto|zugangsdaten|identitat|passwort|postfach|e-mail-konto|kundendaten|kontodaten|wallet) (?:[\w-]+ ){0,3}?(?:zu )?(?:bestatigen|verifizieren|aktualisieren|uberprufen|validieren|freischalten|reaktivieren|entsperren|legitimieren)\b|\b(?:bestatigen|verifizieren|aktualisieren|uberprufen|validieren|entsperren|reaktivieren|legitimieren) sie (?:bitte |jetzt |umgehend |sofort )?ihr(?:e|en)? (?:[\w-]+ )?(?:konto|kundenkonto|zugangsdaten|identitat|passwort|postfach|daten|kontodaten|kundendaten|wallet)\b`,
      positives: ['Bitte bestätigen Sie Ihr Konto innerhalb von 24 Stunden.', 'um Ihre Zugangsdaten zu verifizieren'],
      negatives: ['Wir haben Ihr Konto erfolgreich eingerichtet.', 'Wir werden Sie niemals bitten, Ihr Passwort zu bestätigen.'],
    },
    {
      name: 'angaben-bestaetigen',
      strength: 'weak',
      anchors: ['bestatig', 'hier'],
      pattern: String.raw`\bbestatigen sie (?:bitte |jetzt )?ihre (?:angaben|e-mail-adresse|daten|teilnahme)\b|\bhier bestatigen\b`,
      positives: ['Bestätigen Sie Ihre Angaben.', 'Hier bestätigen'],
      negatives: ['Die Angaben wurden von der Station bestätigt.'],
    },
    {
      name: 'passwort-ablauf',
      strength: 'weak',
      anchors: ['passwort'],
      pattern: String.raw`\b(?:ihr )?passwort (?:lauft|ist) (?:bald |heute |morgen |in \w+ \w+ )?(?:ab|abgelaufen)\b|\bablauf (?:ihres|des) passworts\b`,
      positives: ['Ihr Passwort läuft heute ab.'],
      negatives: ['Das Passwort für das WLAN hängt im Stationszimmer.'],
    },
    {
      name: 'postfach-voll',
      strength: 'strong',
      anchors: ['postfach', 'speicher'],
      pattern: String.raw`\bpostfach (?:ist )?(?:fast |bald |nahezu |jetzt )?(?:voll|uberfullt)\b|\bspeicher(?:platz|grenze|kontingent) (?:ihres postfachs )?(?:ist )?(?:fast |bald )?(?:voll|erreicht|uberschritten)\b`,
      positives: ['Ihr Postfach ist fast voll.', 'Speicherkontingent Ihres Postfachs überschritten'],
      negatives: ['Der Parkplatz ist morgens schnell voll.'],
    },
    {
      name: 'anmelden-um',
      strength: 'strong',
      anchors: ['meld'],
      pattern: String.raw`\bmelden sie sich (?:jetzt |bitte |umgehend )?an,? um (?:ihr|eine|die) (?:konto|sperrung|deaktivierung|einschrankung)`,
      positives: ['Melden Sie sich jetzt an, um eine Sperrung zu vermeiden.'],
      negatives: ['Melden Sie sich an, um Ihre Befunde einzusehen.'],
    },
  ]),
  ...pt([
    {
      name: 'atualize-cadastro',
      strength: 'strong',
      anchors: ['atualiz', 'confirm', 'verifi', 'valid', 'regulariz', 'desbloque', 'reativ', 'recadastr'],
      pattern: String.raw`\b(?:atualize|atualizar|atualizacao|confirme|confirmar|verifique|verificar|valide|validar|validacao|regularize|regularizar|desbloqueie|desbloquear|reative|reativar|recadastre|recadastrar) (?:d?(?:os|as|o|a) )?(?:seus? |suas? )?(?:cadastro|conta|senha|acesso|identidade|informacoes cadastrais|dados cadastrais)\b`,
      positives: ['Atualize seu cadastro para evitar o bloqueio.', 'Clique aqui para desbloquear sua conta.'],
      negatives: ['Nunca atualize seu cadastro por links recebidos por e-mail.', 'Sua conta foi aberta com sucesso.'],
    },
    {
      name: 'confirme-dados',
      strength: 'weak',
      anchors: ['atualiz', 'confirm', 'verifi', 'valid', 'alter', 'acess'],
      pattern: String.raw`\b(?:atualize|atualizar|confirme|confirmar|verifique|verificar|valide|validar) (?:os )?(?:seus )?dados\b|\baltere (?:a |sua )?senha\b|\bacesse (?:a )?sua conta\b`,
      positives: ['Confirme seus dados para continuar.', 'Recomendamos que você altere sua senha agora.'],
      negatives: ['Os dados do exame estão no portal.'],
    },
  ]),
  ...es([
    {
      name: 'verifique-cuenta',
      strength: 'strong',
      anchors: ['verifi', 'confirm', 'actualic', 'actualiz', 'valid', 'reactiv', 'desbloque'],
      pattern: String.raw`\b(?:verifique|verificar|verifica|confirme|confirmar|confirma|actualice|actualizar|actualiza|valide|validar|reactive|reactivar|desbloquee|desbloquear) (?:su|sus|tu|tus) (?:cuenta|contrasena|datos|identidad|informacion|acceso|credenciales)\b`,
      positives: ['Verifique su cuenta para evitar la suspensión.', 'Actualice sus datos ahora.'],
      negatives: ['Nunca le pediremos que verifique su contraseña por correo.', 'Su cita está confirmada.'],
    },
  ]),
  ...fr([
    {
      name: 'verifier-compte',
      strength: 'strong',
      anchors: ['verifi', 'confirm', 'mett', 'valid', 'reactiv', 'debloqu', 'actualis'],
      pattern: String.raw`\b(?:verifier|verifiez|confirmer|confirmez|mettre a jour|mettez a jour|valider|validez|reactiver|reactivez|debloquer|debloquez|actualiser|actualisez) (?:votre|vos) (?:compte|mot de passe|identite|informations|donnees|coordonnees|acces)\b`,
      positives: ['Veuillez vérifier votre compte sous 24 heures.', 'Mettez à jour vos informations.'],
      negatives: ['Nous ne vous demanderons jamais de confirmer votre mot de passe.', 'Votre rendez-vous est confirmé.'],
    },
    {
      name: 'boite-pleine',
      strength: 'strong',
      anchors: ['boite', 'messagerie'],
      pattern: String.raw`\bvotre (?:boite (?:mail|e-?mail|aux lettres|de reception)|messagerie) (?:est )?(?:presque |bientot )?(?:pleine|saturee)\b`,
      positives: ['Votre boîte mail est presque pleine.'],
      negatives: ['La salle d’attente est pleine le lundi.'],
    },
    {
      name: 'connectez-vous',
      strength: 'weak',
      anchors: ['connect'],
      pattern: String.raw`\b(?:connectez-vous|vous connecter) (?:a|sur) votre (?:compte|espace)\b`,
      positives: ['Il vous suffit de vous connecter à votre compte.'],
      negatives: ['Le service est connecté au réseau.'],
    },
  ]),
];
