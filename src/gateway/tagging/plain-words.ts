import { ANALYZERS } from '../../analyzers/index.ts';
import type { Signal } from '../../analyzers/analyzer.ts';

/**
 * What a tagged message's banner says about each signal, in words a nurse or a receptionist
 * reads in two seconds: what was found, and where it matters, what to do instead. Signals
 * not in this table fall back to the first sentence of the analyzer's own description.
 * Benign and informational signals (zero or negative weight) never reach the banner.
 */
export const PLAIN_WORDS: Record<string, string> = {
  // authentication
  SPF_FAIL: 'Sent from a server the sender’s domain does not allow',
  SPF_SOFTFAIL: 'Sent from a server the sender’s domain does not list',
  DKIM_INVALID: 'Its digital signature does not match: altered or forged',
  DMARC_FAIL_REJECT: 'Not really from the domain it shows (authentication failed)',
  DMARC_FAIL_QUARANTINE: 'Not really from the domain it shows (authentication failed)',
  DMARC_FAIL_NONE: 'The sender’s domain could not be confirmed',
  ARC_FAIL: 'Its forwarding record is broken or forged',
  ORG_DOMAIN_SPOOF: 'Pretends to come from inside our organisation, but does not',
  // sender anomalies
  FROM_REPLYTO_DIFFERENT_DOMAIN: 'Replies go to a different organisation than the sender',
  FROM_RETURNPATH_MISMATCH: 'Bounces go to a different organisation than the sender',
  REPLYTO_FREEMAIL: 'Replies go to a free personal mailbox, not to the organisation it claims to be',
  DISPLAY_NAME_HAS_ADDRESS: 'The sender name shows an address that is not the real sender',
  FREEMAIL_ORG_NAME: 'Sent from a free personal mailbox while posing as a department or company',
  ORG_DISPLAY_NAME_EXTERNAL: 'Uses our organisation’s name but comes from outside',
  FROM_MULTIPLE: 'Claims several senders at once',
  FROM_INVALID: 'Has no valid sender address',
  DISPLAY_NAME_ENCODED_TRICKS: 'The sender name hides characters to disguise who is writing',
  // look-alike domains
  ORG_LOOKALIKE_DOMAIN: 'Comes from a look-alike of our own or a partner’s web address',
  IDN_HOMOGRAPH_DOMAIN: 'Uses foreign letters to imitate a well-known web address',
  BRAND_LOOKALIKE_DOMAIN: 'Uses a web address made to look like a well-known company’s',
  BRAND_NAME_IN_DOMAIN: 'Puts a company’s name inside a web address the company does not own',
  MIXED_SCRIPT_DOMAIN: 'The sender’s web address mixes alphabets to imitate another name',
  // brand impersonation
  BRAND_IN_DISPLAY_NAME: 'Claims to be a well-known company but was not sent by it',
  BRAND_IN_SUBJECT: 'Names a company in the subject that did not send it',
  BRAND_IN_BODY_UNVERIFIED: 'Presents itself as a company that did not send it',
  HEALTHCARE_BRAND_IMPERSONATION: 'Imitates a patient portal, insurer, pharmacy, lab or health agency',
  // links
  LINK_TEXT_HREF_MISMATCH: 'A link shows one web address but opens another',
  LINK_BRAND_MISMATCH: 'A link named after a company leads somewhere else',
  LINK_IP_HOST: 'A link goes to a bare number instead of a web address',
  LINK_PUNYCODE: 'A link uses a foreign-letter web address',
  LINK_SHORTENER: 'A link hides where it goes (link shortener)',
  LINK_OPEN_REDIRECT: 'A link passes through a trusted site to reach another one',
  LINK_DANGEROUS_SCHEME: 'A link runs code when clicked',
  LINK_CREDENTIAL_LANDING: 'A link leads to a sign-in page on a site that is not the real one — do not enter your password',
  LINK_FREE_HOSTING: 'A link leads to free throw-away web hosting',
  LINK_SUSPICIOUS_TLD: 'A link leads to a web address ending often used for abuse',
  LINK_HOST_USERINFO: 'A link disguises where it really goes',
  FORM_IN_BODY: 'Contains a form that sends your details to an outside site — do not fill it in',
  // attachments
  ATTACHMENT_EXECUTABLE: 'Has an attachment that runs a program when opened',
  ATTACHMENT_DOUBLE_EXTENSION: 'An attachment hides its real file type',
  ATTACHMENT_TYPE_MISMATCH: 'An attachment is not the kind of file it claims to be',
  OFFICE_MACRO: 'An Office document contains macros — do not enable editing or content',
  TEMPLATE_INJECTION: 'A document fetches content from the internet when opened',
  OFFICE_EMBEDDED_OBJECT: 'A document contains an embedded object that can run',
  PDF_JAVASCRIPT: 'A PDF attachment contains program code',
  PDF_OPENACTION: 'A PDF attachment does something by itself when opened',
  PDF_LAUNCH: 'A PDF attachment tries to start a program',
  PDF_EMBEDDED_FILE: 'A PDF attachment carries hidden files',
  PDF_LINK_ONLY: 'A PDF attachment is only a link to a website',
  HTML_ATTACHMENT: 'Has a web page as an attachment',
  HTML_ATTACHMENT_FORM: 'An attached web page asks for your password — do not enter it',
  HTML_SMUGGLING: 'An attached web page hides a file or script',
  ARCHIVE_EXECUTABLE: 'A zipped attachment contains a program',
  ARCHIVE_ENCRYPTED: 'Has a password-protected attachment that could not be checked',
  ARCHIVE_UNREADABLE: 'Has an attachment that could not be checked',
  ARCHIVE_OPAQUE: 'Has an archive attachment that could not be checked',
  // content
  CREDENTIAL_REQUEST: 'Asks you to sign in or confirm a password — go to the site yourself, not through this message',
  URGENCY_THREAT: 'Pressures you with a deadline or a threat',
  PAYMENT_LURE: 'Asks about payments, refunds or bank details — confirm by phone on a number on record',
  PRIZE_LURE: 'Promises a prize or reward',
  GIFT_CARD_REQUEST: 'Asks you to buy gift cards — a common scam',
  PHI_SOLICITATION: 'Asks for your SSN, date of birth, insurance or patient details — verify by calling the number on record',
  PHI_REQUEST_FROM_STRANGER: 'First message from this sender, and it asks for personal or patient data',
  CALLBACK_LURE: 'Asks you to call a phone number about a charge — do not call the number in this message',
  CALLBACK_REQUEST: 'Asks you to call a phone number — use a number you already know',
  CREDENTIAL_THREAT_COMBO: 'Asks for your password and threatens you if you do not act',
  PAYMENT_THREAT_COMBO: 'Presses for a payment with a deadline or threat',
  PHI_THREAT_COMBO: 'Presses you to send personal or patient data quickly',
  PRIZE_DATA_COMBO: 'Promises a reward in exchange for your details or a payment',
  GIFT_CARD_PRESSURE_COMBO: 'Urgently asks for gift cards',
  CALLBACK_THREAT_COMBO: 'Tells you to call now or be charged — do not call the number in this message',
  SPAM_OFFER: 'Advertises what spam sells (pills, casino, crypto, loans)',
  OBFUSCATED_SPAM_TERM: 'Disguises its words to get past filters',
  SENDER_FREE_HOSTING: 'Sent from a free app-hosting address, not an organisation’s own',
  LINK_ONLY_BODY: 'Says almost nothing except a link',
  IMAGE_ONLY_MESSAGE: 'Is mostly a picture with little text',
  CLASSIFIER_SPAM_HIGH: 'Reads like phishing or spam',
  CLASSIFIER_SPAM_MEDIUM: 'Reads like phishing or spam',
  CLASSIFIER_SPAM_LOW: 'Reads like phishing or spam',
  CLASSIFIER_SPAM_SLIGHT: 'Reads somewhat like bulk or spam mail',
  // directory: clinicians, clinics, callback numbers
  STAFF_DISPLAY_NAME_IMPERSONATION: 'Uses the name of one of our staff, but does not come from them',
  UNVERIFIABLE_CLINICIAN: 'Claims to be a doctor or clinician who is in no directory — verify before acting',
  FABRICATED_CLINIC: 'Names a clinic or practice that is in no directory',
  CALLBACK_NUMBER_UNKNOWN: 'Asks you to call a number that is on record for no one — call the number on record instead',
  CALLBACK_NUMBER_MISMATCH: 'Gives a phone number that differs from the one on record — call the number on record instead',
  // engine
  UNSCANNABLE: 'Could not be fully checked',
  ANALYZER_FAILED: 'Could not be fully checked',
};

let descriptions: Map<string, string> | null = null;

/** The banner sentence for a signal: from the table, else the first sentence of its description. */
export function plainWords(id: string): string {
  return PLAIN_WORDS[id] ?? fallback(id);
}

function fallback(id: string): string {
  if (!descriptions) {
    descriptions = new Map();
    for (const a of ANALYZERS) for (const [sid, def] of Object.entries(a.signals)) descriptions.set(sid, def.description);
  }
  const d = descriptions.get(id);
  if (!d) return 'Looks unusual';
  // First sentence, or its first clause when long; banners are read at a glance.
  let first = (/^(.*?[.!?])(\s|$)/.exec(d)?.[1] ?? d).replace(/[.!?]$/, '');
  if (first.length > 110) first = first.split(/[,:;(]/)[0]!.trim();
  return first.length > 110 ? `${first.slice(0, 109)}…` : first;
}

/**
 * The banner's lines for a verdict, strongest evidence first, each sentence once. External
 * mail opens with "External sender", which alone already changes how people read a request.
 */
export function bannerLines(signals: Signal[], external: boolean, max = 5): string[] {
  const lines: string[] = external ? ['External sender'] : [];
  const seen = new Set(lines);
  const ranked = signals.filter((s) => s.score > 0).sort((a, b) => b.score - a.score);
  for (const s of ranked) {
    const sentence = plainWords(s.id);
    if (seen.has(sentence)) continue;
    seen.add(sentence);
    lines.push(sentence);
    if (lines.length >= max + (external ? 1 : 0)) break;
  }
  return lines;
}
