import { z } from 'zod';
import { defineAnalyzer, quote, type AnalyzerContext } from '../analyzer.ts';
import type { Mailbox, ParsedMessage } from '../../parse/message.ts';
import { domainLabel, hasIcannSuffix, hostWithin, isFreemail, registrableDomain } from '../../text/domains.ts';
import { mixedScriptWords } from '../../text/mixed-script.ts';
import { fakeReplyPrefix } from './fake-reply.ts';
import { generatedLocalPart, writtenLocalPart } from './generated-address.ts';
import { compileOrgWordRule, ORG_WORD_RULES } from './org-words.ts';

/**
 * Inconsistencies between the identities a message shows: From, its display name,
 * Reply-To, Sender and Return-Path. Each is weak on its own (mailing lists, ESPs and
 * people on free-mail produce most of them innocently); they matter in combination.
 */

const configSchema = z.object({
  /** Extra org/function words (regex source, case-insensitive) for FREEMAIL_ORG_NAME. */
  extraOrgWords: z.array(z.string()).default([]),
  /** Extra consumer-mail domains, on top of src/text/freemail.json. */
  extraFreemailDomains: z.array(z.string()).default([]),
  /** Shortest org domain label matched inside a display name ("stmarys" yes, "nhs" no). */
  minOrgLabelLength: z.number().int().min(3).default(5),
});

// Headers a list manager adds. A Reply-To pointing at the list, or a Sender/Return-Path of
// the list's bounce handler, is normal for such mail.
const LIST_HEADERS = ['list-id', 'list-post', 'list-help', 'list-subscribe', 'mailing-list', 'x-mailing-list', 'x-beenthere', 'x-loop'];

const INVISIBLE_CHARS = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e\u061c]/u;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
const EMOJI = /\p{Extended_Pictographic}/gu;

const EMAIL_IN_TEXT = /[a-z0-9._%+'-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})/gi;
const DOMAIN_IN_TEXT = /(?<![@\p{L}\p{N}.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\p{L}\p{N}-]|\.[a-z])/giu;
// Real TLDs that are mostly seen as file extensions or abbreviations inside names.
const AMBIGUOUS_TLDS = new Set(['zip', 'mov', 'py', 'sh', 'md', 'rs', 'pl', 'ps', 'pm', 'sc', 'so', 'cc', 'jr', 'sr', 'st', 'dr', 'mr', 'ms', 'co', 'no', 'in', 'is', 'it', 'me', 'us', 'to', 'at', 'be', 'do', 'am', 'as', 'so']);

export const senderAnomalies = defineAnalyzer({
  id: 'sender-anomalies',
  description: 'Mismatches between From, its display name, Reply-To, Sender and Return-Path.',
  config: configSchema,
  signals: {
    FROM_REPLYTO_DIFFERENT_DOMAIN: {
      weight: 1,
      description: 'Replies go to a different organisation than the one in From (common for ESP mail; weak alone).',
    },
    REPLYTO_FREEMAIL: {
      weight: 3,
      description: 'Replies go to a free-mail mailbox although the message comes from an organisation, the classic set-up of invoice and CEO fraud.',
    },
    FROM_RETURNPATH_MISMATCH: {
      weight: 0.1,
      description: 'Bounces go to a different domain than From; informational, since mailing lists and bulk senders always do this.',
    },
    DISPLAY_NAME_HAS_ADDRESS: {
      weight: 4,
      description: 'The display name shows an e-mail address or domain other than the real sender address ("support@paypal.com" <x@elsewhere>).',
    },
    FREEMAIL_ORG_NAME: {
      weight: 2,
      description: 'A free-mail sender whose display name poses as an organisation or department (Support, Billing, Hospital, IT…).',
    },
    ORG_DISPLAY_NAME_EXTERNAL: {
      weight: 4,
      description: "The display name carries our organisation's name or domain, but the address is outside the organisation.",
    },
    FROM_MULTIPLE: {
      weight: 2,
      description: 'The From header lists several different addresses.',
    },
    FROM_INVALID: {
      weight: 3,
      description: 'The From header has no usable e-mail address.',
    },
    SENDER_ADDRESS_GENERATED: {
      weight: 2.5,
      description: 'The sender address looks machine-generated (random mixed-case letters, unpronounceable letter strings, or name_name_12345 on a bulk domain), as throw-away bulk senders use.',
    },
    FAKE_REPLY: {
      weight: 3,
      description: 'The subject says "Re:" or "Fwd:" but the message answers nothing: no threading headers and nothing quoted. Bulk mail dresses up as a conversation this way.',
    },
    DISPLAY_NAME_ENCODED_TRICKS: {
      weight: 3,
      description: 'The display name contains invisible or text-direction characters, or is stuffed with emoji/punctuation, to disguise who is writing.',
    },
  },

  analyze(msg, ctx, config, emit) {
    const extraFree = new Set(config.extraFreemailDomains.map((d) => d.toLowerCase()));
    const freemail = (addr: string) => isFreemail(addr) || extraFree.has(registrableDomain(addr));
    const listMail = isListMail(msg);

    const shown = msg.from;
    if (!shown || !isUsableAddress(shown.address)) {
      emit('FROM_INVALID', shown ? `From: ${quote(`${shown.name} <${shown.address}>`)}` : 'no From header');
    }
    const distinct = [...new Set(msg.fromAll.map((m) => m.address).filter(Boolean))];
    if (distinct.length > 1) emit('FROM_MULTIPLE', `From lists ${distinct.length} addresses: ${distinct.slice(0, 3).join(', ')}`);
    // With a broken first entry ("Name, <a@b>"), the rest is judged on the first real address.
    const from = shown && isUsableAddress(shown.address) ? shown : msg.fromAll.find((m) => isUsableAddress(m.address));
    if (!from) return;

    const fromReg = registrableDomain(from.domain);
    const related = relatedDomains(msg, fromReg);

    checkReplyTo(msg, from, fromReg, related, listMail, freemail, emit);
    checkReturnPath(msg, from, fromReg, related, listMail, emit);
    checkDisplayName(from, fromReg, listMail, ctx, emit);
    checkFreemailOrgName(from, ctx, config.extraOrgWords, freemail, listMail, emit);
    checkOrgNameExternal(from, ctx, config.minOrgLabelLength, emit);
    checkEncodedTricks(from, emit);
    if (!listMail) {
      const prefix = fakeReplyPrefix(msg);
      if (prefix) emit('FAKE_REPLY', `subject starts ${quote(prefix)}, but there is no In-Reply-To or References header and nothing is quoted`);
      const local = writtenLocalPart(msg, from.address);
      const kind = generatedLocalPart(local, freemail(from.address));
      if (kind) emit('SENDER_ADDRESS_GENERATED', `${quote(`${local}@${from.domain}`)}: ${GENERATED_KIND[kind]}`);
    }
  },
});

const GENERATED_KIND = {
  'random-case': 'random mixed-case letters',
  'serial-numbered': 'a name pattern with a serial number',
  'random-letters': 'letters no language strings together',
} as const;

type EmitFn = Parameters<typeof senderAnomalies.analyze>[3];

function isListMail(msg: ParsedMessage): boolean {
  for (const h of msg.headers) {
    if (LIST_HEADERS.includes(h.key)) return true;
    if (h.key === 'precedence' && /\blist\b/i.test(h.value)) return true;
  }
  return false;
}

function isUsableAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = address.slice(at + 1);
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(domain.replace(/\.$/, '')) || /^\[[0-9a-f:.]+\]$/i.test(domain);
}

/** Domains that legitimately speak for the From domain in this message (Sender, same brand label). */
function relatedDomains(msg: ParsedMessage, fromReg: string): Set<string> {
  const out = new Set<string>([fromReg]);
  if (msg.sender?.domain) out.add(registrableDomain(msg.sender.domain));
  return out;
}

function sameOrganisation(a: string, b: string, related: Set<string>): boolean {
  if (!a || !b) return false;
  if (a === b || related.has(b)) return true;
  // brand.com / brand.co.uk / brand.de: one organisation, several country domains.
  const la = domainLabel(a);
  return la.length >= 4 && la === domainLabel(b);
}

function checkReplyTo(
  msg: ParsedMessage,
  from: Mailbox,
  fromReg: string,
  related: Set<string>,
  listMail: boolean,
  freemail: (a: string) => boolean,
  emit: EmitFn,
) {
  const fromFree = freemail(from.address);
  let differentDomain: Mailbox | undefined;
  let freeReply: Mailbox | undefined;
  for (const rt of msg.replyTo) {
    if (!rt.address || rt.address === from.address || !isUsableAddress(rt.address)) continue;
    const rtReg = registrableDomain(rt.domain);
    if (freemail(rt.address)) {
      // One person's two free-mail addresses, or a list that rewrote From, are no signal.
      if (fromFree && (listMail || localPart(rt.address) === localPart(from.address))) continue;
      if (!fromFree && listMail) continue;
      freeReply ??= rt;
    } else if (!listMail && !sameOrganisation(fromReg, rtReg, related)) {
      differentDomain ??= rt;
    }
  }
  if (freeReply) {
    const evidence = `Reply-To ${freeReply.address} is a free-mail mailbox; From is ${from.address}`;
    emit('REPLYTO_FREEMAIL', evidence, fromFree ? 0.5 : 1);
  } else if (differentDomain) {
    emit('FROM_REPLYTO_DIFFERENT_DOMAIN', `Reply-To ${differentDomain.address} vs From ${from.address}`);
  }
}

function localPart(address: string): string {
  return address.slice(0, address.lastIndexOf('@')).replace(/[._-]/g, '');
}

function checkReturnPath(
  msg: ParsedMessage,
  from: Mailbox,
  fromReg: string,
  related: Set<string>,
  listMail: boolean,
  emit: EmitFn,
) {
  const rp = msg.returnPath;
  if (listMail || !rp?.address || !rp.domain) return;
  const rpReg = registrableDomain(rp.domain);
  if (!rpReg || sameOrganisation(fromReg, rpReg, related)) return;
  emit('FROM_RETURNPATH_MISMATCH', `Return-Path ${rp.address} vs From ${from.address}`);
}

/** Registrable domains an address or domain written in the display name refers to. */
function domainsShownInName(name: string): { shown: string; reg: string; isAddress: boolean }[] {
  const out: { shown: string; reg: string; isAddress: boolean }[] = [];
  const withoutEmails = name.replace(EMAIL_IN_TEXT, (whole, domain: string) => {
    const reg = registrableDomain(domain);
    if (reg) out.push({ shown: whole, reg, isAddress: true });
    return ' ';
  });
  for (const m of withoutEmails.matchAll(DOMAIN_IN_TEXT)) {
    const host = m[1].toLowerCase();
    const tld = host.slice(host.lastIndexOf('.') + 1);
    if (AMBIGUOUS_TLDS.has(tld) || !hasIcannSuffix(host)) continue;
    const reg = registrableDomain(host);
    if (reg) out.push({ shown: m[1], reg, isAddress: false });
  }
  return out;
}

function checkDisplayName(from: Mailbox, fromReg: string, listMail: boolean, ctx: AnalyzerContext, emit: EmitFn) {
  if (!from.name) return;
  // "Jane Doe via Foo" / "'jane@x.org' via Group": forwarding services rewrite From by design.
  if (/\bvia\b/i.test(from.name)) return;
  const fromLabel = domainLabel(fromReg);
  for (const shown of domainsShownInName(from.name)) {
    if (shown.reg === fromReg) continue;
    const label = domainLabel(shown.reg);
    // "Booking.com" <news@mail.booking-mail.com>: the shown brand is inside the real domain.
    if (!shown.isAddress && label.length >= 4 && fromLabel.includes(label)) continue;
    // A bare domain in a name is usually the sender's own brand ("CNET News.com"); it only
    // counts when it is a domain someone would impersonate: a known brand's or our own.
    if (!shown.isAddress && !impersonatedDomain(shown.reg, ctx)) continue;
    // A list that rewrites From keeps the poster's address in the name; the list is accountable.
    if (listMail) continue;
    emit(
      'DISPLAY_NAME_HAS_ADDRESS',
      `display name ${quote(from.name)} shows ${shown.shown}, but the address is ${from.address}`,
      shown.isAddress ? 1 : 0.6,
    );
    return;
  }
}

function impersonatedDomain(reg: string, ctx: AnalyzerContext): boolean {
  if (ctx.org.domains.some((d) => registrableDomain(d) === reg)) return true;
  return ctx.brands.brands.some((b) => b.domains.some((d) => registrableDomain(d) === reg));
}

function orgPatterns(extraWords: string[]): { label: string; re: RegExp }[] {
  const list = ORG_WORD_RULES.map((r) => ({ label: r.id, re: compileOrgWordRule(r) }));
  for (const w of extraWords) list.push({ label: 'configured', re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${w})(?![\\p{L}\\p{N}])`, 'iu') });
  return list;
}

const brandRegexCache = new WeakMap<object, { brand: string; re: RegExp }[]>();

function brandNamePatterns(ctx: AnalyzerContext): { brand: string; re: RegExp }[] {
  let list = brandRegexCache.get(ctx.brands);
  if (!list) {
    list = ctx.brands.brands.flatMap((b) =>
      b.names.map((n) => ({ brand: b.name, re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(n)}(?![\\p{L}\\p{N}])`, 'iu') })),
    );
    brandRegexCache.set(ctx.brands, list);
  }
  return list;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

function checkFreemailOrgName(
  from: Mailbox,
  ctx: AnalyzerContext,
  extraWords: string[],
  freemail: (a: string) => boolean,
  listMail: boolean,
  emit: EmitFn,
) {
  if (!from.name || listMail || !freemail(from.address)) return;
  const name = from.name;
  for (const b of brandNamePatterns(ctx)) {
    if (b.re.test(name)) {
      emit('FREEMAIL_ORG_NAME', `display name ${quote(name)} names ${b.brand}, but the address is free-mail ${from.address}`, 1.5);
      return;
    }
  }
  const shownDomain = domainsShownInName(name)[0];
  if (shownDomain) {
    emit('FREEMAIL_ORG_NAME', `display name ${quote(name)} shows the domain ${shownDomain.shown}, but the address is free-mail ${from.address}`);
    return;
  }
  for (const p of orgPatterns(extraWords)) {
    const m = p.re.exec(name);
    if (m) {
      emit('FREEMAIL_ORG_NAME', `display name ${quote(name)} reads as an organisation ("${m[0]}"), but the address is free-mail ${from.address}`);
      return;
    }
  }
}

function lettersOnly(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function checkOrgNameExternal(from: Mailbox, ctx: AnalyzerContext, minLabel: number, emit: EmitFn) {
  if (!from.name || ctx.org.domains.length === 0) return;
  const inside = (d: string) => hostWithin(from.domain, d);
  if (ctx.org.domains.some(inside) || ctx.org.partners.some((p) => p.domains.some(inside))) return;
  const nameLower = from.name.toLowerCase();
  const nameLetters = lettersOnly(from.name);
  for (const d of ctx.org.domains) {
    const label = lettersOnly(domainLabel(d));
    if (nameLower.includes(d.toLowerCase()) || (label.length >= minLabel && nameLetters.includes(label))) {
      emit('ORG_DISPLAY_NAME_EXTERNAL', `display name ${quote(from.name)} names our organisation (${d}), but the address is ${from.address}`);
      return;
    }
  }
}

// Mathematical alphanumerics (𝗗𝗲𝘂𝘁𝘀𝗰𝗵𝗲) and enclosed/fullwidth letters render as bold
// or boxed text and defeat plain-text matching of brand names.
const STYLED_LETTERS = /[\u{1d400}-\u{1d7ff}\u{1f130}-\u{1f189}\u{24b6}-\u{24e9}\uff21-\uff5a]/u;
// "#Kohls_Rewards#", "__C0NGRATS__", "**Deals": ornaments no person or company signs with.
const ORNAMENTED = /^[#*_~=]+\S|\S[#*_~=]+$|__|[!?$*#~^|=+]{3,}/u;

function checkEncodedTricks(from: Mailbox, emit: EmitFn) {
  const name = from.name;
  if (!name) return;
  if (BIDI_CONTROLS.test(name) || INVISIBLE_CHARS.test(name)) {
    emit('DISPLAY_NAME_ENCODED_TRICKS', `display name ${JSON.stringify(name)} contains invisible or text-direction control characters`);
    return;
  }
  // A word mixing Latin with Greek or Cyrillic letters ("Dassault Αviatiοn") exists only to look like something it is not.
  const [mixed] = mixedScriptWords(name, 1);
  if (mixed) {
    emit('DISPLAY_NAME_ENCODED_TRICKS', `display name ${quote(name)} mixes alphabets inside the word "${mixed}"`);
    return;
  }
  if (STYLED_LETTERS.test(name)) {
    emit('DISPLAY_NAME_ENCODED_TRICKS', `display name ${quote(name)} uses styled look-alike letters`);
    return;
  }
  const emoji = name.match(EMOJI)?.length ?? 0;
  if (emoji >= 2 || ORNAMENTED.test(name)) {
    emit('DISPLAY_NAME_ENCODED_TRICKS', `display name ${quote(name)} is decorated with emoji or ornament characters`, 0.34);
  }
}
