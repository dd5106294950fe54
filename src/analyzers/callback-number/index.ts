import { parsePhoneNumber } from 'awesome-phonenumber';
import { z } from 'zod';
import { defineAnalyzer, quote, type AnalyzerContext } from '../analyzer.ts';
import { brandOwnsDomain, findBrandMentions, indexBrandPack, type IndexedBrand } from '../../brands/match.ts';
import { extractClinicianClaims } from '../../directory/claims.ts';
import type { Directory, DirectoryOrganization, DirectoryPerson } from '../../directory/directory.ts';
import { displayName } from '../../directory/model.ts';
import { organizationsNamed } from '../../directory/org-mentions.ts';
import { describeSender, senderStanding } from '../../directory/sender.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { findPhones, type PhoneMatch } from '../../text/phones.ts';
import { DEFAULT_DETECT_OPTIONS, detectIntents } from '../content-intent/detect.ts';

/**
 * Callback phishing lives on its phone number: the mail names a doctor, a practice or a
 * brand, and asks the reader to call a number where a social engineer waits. Every number
 * the message asks the reader to call (in its text or its images) is looked up in the
 * provider directory (people, organisations, partners, known-good numbers), the brand
 * pack and the NPPES practice phones, and compared with whom the message claims to be.
 */

const configSchema = z
  .object({
    /** Regions whose national number formats are tried for numbers written without "+country". */
    phoneRegions: z.array(z.string().length(2)).default([...DEFAULT_DETECT_OPTIONS.phoneRegions]),
    /** Regions the organisation's callers are in; a number elsewhere weighs more. */
    homeRegions: z.array(z.string().length(2)).default(['US']),
    /** Messages seen from the sender's domain after which it is an established correspondent. */
    establishedAfterMessages: z.number().int().min(1).default(10),
    /** Characters of text read at most. */
    maxChars: z.number().int().positive().default(100_000),
  })
  .strict();

export const callbackNumber = defineAnalyzer({
  id: 'callback-number',
  description: 'Numbers the reader is asked to call, checked against the numbers on record for whom the message claims to be.',
  config: configSchema,
  signals: {
    CALLBACK_NUMBER_UNKNOWN: {
      weight: 4.5,
      description:
        'The message claims a clinician, practice or brand and asks the reader to call a number that is on record for no one (directory, partners, brand pack, NPPES): the callback-scam pattern.',
    },
    CALLBACK_NUMBER_MISMATCH: {
      weight: 4,
      description: "The message claims to be from a directory person, organisation or brand with numbers on record, but asks the reader to call a different number.",
    },
    CALLBACK_NUMBER_KNOWN: {
      weight: -1,
      description: 'Benign: every number the message asks the reader to call is on record for the organisation, a partner, a directory person or the brand.',
    },
  },

  analyze(msg, ctx, config, emit) {
    const dir = ctx.directory;
    if (!dir) return;
    const text = [msg.subject, msg.text.slice(0, config.maxChars), ctx.imageText].filter(Boolean).join('.\n');
    // Most mail has no phone number at all; finding that out costs one regex pass.
    if (findPhones(text, { defaultRegions: config.phoneRegions, maxCandidates: 10 }).length === 0) return;
    const detection = detectIntents(text, { ...DEFAULT_DETECT_OPTIONS, maxChars: config.maxChars, phoneRegions: config.phoneRegions });
    const toCall = uniquePhones(detection.callbacks.map((c) => c.phone));
    if (toCall.length === 0) return;

    const sender = senderStanding(msg, ctx.auth, ctx.org, dir, ctx.senderProfile, config.establishedAfterMessages);
    // The organisation's and partners' own authenticated mail may give any number; new lines are not in the directory the day they open.
    if ((sender.org || sender.partner) && sender.auth !== 'failed') return;

    const claim = claimedParties(msg, ctx, dir, sender.domain);
    // Brands and outside doctors are named in mail about them all the time, and a brand's
    // numbers on record are only its main lines: unless the claim is strong (a directory
    // person or organisation, a brand or clinician as the sender's name), a number counts
    // against it only when the message gives a reason to call or asks for data or money.
    const i = detection.intents;
    const pretext = detection.callbacks.some((c) => c.context) || !!(i.PHI_SOLICITATION || i.CREDENTIAL_REQUEST || i.PAYMENT_LURE || i.GIFT_CARD || i.URGENCY_THREAT);
    const counts = claim.strong || pretext;
    const onRecord = claim.numbers;
    let mismatch: { factor: number; evidence: string } | null = null;
    let unknown: { factor: number; evidence: string } | null = null;
    const known: string[] = [];
    for (const phone of toCall) {
      const owner = numberOwner(phone.e164, dir, ctx);
      if (onRecord.has(phone.e164)) {
        known.push(`${format(phone)} (${owner ?? claim.label})`);
        continue;
      }
      const foreign = phone.regionCode !== '' && !config.homeRegions.includes(phone.regionCode);
      let factor = foreign ? 1.25 : 1;
      if (sender.freemail || sender.imitates) factor *= 1.2;
      const where = `${format(phone)}${foreign ? `, a number in ${phone.regionCode || 'another country'},` : ''}`;
      if (!counts) {
        if (owner) known.push(`${format(phone)} (${owner})`);
      } else if (onRecord.size > 0) {
        const evidence =
          `asks the reader to call ${where} while presenting itself as ${claim.label}, whose numbers on record are ${[...onRecord].slice(0, 3).map((n) => format({ e164: n })).join(', ')}` +
          `${owner ? `; that number is ${owner}'s` : ''}; sender ${describeSender(sender)}`;
        if (!mismatch || factor > mismatch.factor) mismatch = { factor, evidence };
      } else if (owner) {
        known.push(`${format(phone)} (${owner})`);
      } else if (claim.label) {
        const evidence = `asks the reader to call ${where} which is on record for no one (directory, partners, brand pack${dir.nppes ? ', NPPES' : ''}); the message presents itself as ${claim.label}; sender ${describeSender(sender)}`;
        if (!unknown || factor > unknown.factor) unknown = { factor, evidence };
      }
    }
    if (mismatch) emit('CALLBACK_NUMBER_MISMATCH', mismatch.evidence, mismatch.factor);
    if (unknown) emit('CALLBACK_NUMBER_UNKNOWN', unknown.evidence, unknown.factor);
    if (!mismatch && !unknown && known.length === toCall.length) emit('CALLBACK_NUMBER_KNOWN', `the number${known.length > 1 ? 's' : ''} to call ${known.length > 1 ? 'are' : 'is'} on record: ${known.join(', ')}`);
  },
});

function uniquePhones(phones: PhoneMatch[]): PhoneMatch[] {
  const seen = new Set<string>();
  return phones.filter((p) => !seen.has(p.e164) && seen.add(p.e164));
}

function format(p: { e164: string }): string {
  return parsePhoneNumber(p.e164).number?.international ?? p.e164;
}

/** Whose number this is, from any record: the directory, a brand of the pack, a practice in NPPES. */
function numberOwner(e164: string, dir: Directory, ctx: AnalyzerContext): string | null {
  const owner = dir.phoneOwner(e164);
  if (owner) return owner.name;
  const brand = ctx.brands.brands.find((b) => b.phones?.includes(e164));
  if (brand) return brand.name;
  const practice = dir.nppes?.byPhone(e164).find((e) => e.active);
  if (practice) return `${practice.name} (NPPES ${practice.npi})`;
  return null;
}

interface Claimed {
  /** Who the message presents itself as, for evidence; '' when it claims no one in particular. */
  label: string;
  /** A directory person or organisation (whose numbers are known in full), or a brand or clinician in the display name or signature. */
  strong: boolean;
  /** Every number on record for the claimed parties. */
  numbers: Set<string>;
}

/**
 * The parties the message presents itself as: directory people it is from or signs as,
 * directory organisations it names, brands in its display name, subject or opening, and
 * clinicians it names that the directory does not know (claimed, but with nothing on record).
 */
function claimedParties(msg: ParsedMessage, ctx: AnalyzerContext, dir: Directory, senderDomain: string): Claimed {
  const numbers = new Set<string>();
  const labels: string[] = [];
  // Known-good numbers are the protected organisation's own lines (nurse line, billing office).
  const knownLines = (org: DirectoryOrganization) => (org.kind === 'org' ? dir.knownPhones().map((k) => k.e164) : []);

  const claims = extractClinicianClaims({ fromName: msg.from?.name ?? '', subject: msg.subject, text: msg.text, imageText: ctx.imageText }).filter((c) => !c.addressee);
  const people = new Set<DirectoryPerson>();
  let unknownClinician = '';
  let speakingClinician = false;
  for (const c of claims) {
    const matches = c.readings.flatMap((r) => dir.findPersonsByName(c.parsed.doctorTitle && !r.includes(' ') ? `Dr. ${r}` : r)).filter((m) => c.clinical || m.kind === 'exact' || m.kind === 'nickname');
    if (matches.length === 1 || (matches.length > 1 && matches[0].kind !== 'family')) people.add(matches[0].person);
    else if (matches.length === 0 && c.clinical && (c.speaker || c.source !== 'body')) {
      unknownClinician ||= c.text;
      if (c.source === 'display-name' || c.source === 'signature') speakingClinician = true;
    }
  }
  for (const p of people) {
    for (const n of dir.phonesOf(p)) numbers.add(n);
    const org = dir.organizationOf(p);
    if (org) for (const n of knownLines(org)) numbers.add(n);
    labels.push(displayName(p));
  }

  const named = organizationsNamed(dir, [msg.from?.name ?? '', msg.subject, msg.text.slice(0, 20_000), ctx.imageText].join('\n'));
  for (const org of named) {
    for (const n of org.phones) numbers.add(n);
    for (const p of dir.persons()) if (dir.organizationOf(p) === org) for (const n of p.phones) numbers.add(n);
    for (const n of knownLines(org)) numbers.add(n);
    labels.push(org.name);
  }

  let strong = labels.length > 0 || speakingClinician;
  // A brand writing from its own domain is not claiming to be itself.
  const brands = claimedBrands(msg, ctx).filter((b) => !brandOwnsDomain(b, senderDomain));
  const fromName = msg.from?.name ?? '';
  if (brands.some((b) => findBrandMentions(indexBrandPack(ctx.brands), fromName).some((m) => m.brand === b))) strong = true;
  for (const b of brands) {
    for (const n of b.brand.phones ?? []) numbers.add(n);
    labels.push(b.brand.name);
  }
  if (labels.length === 0 && unknownClinician) labels.push(quote(unknownClinician, 50));
  return { label: labels.slice(0, 3).join(' / '), strong, numbers };
}

/**
 * Brands the message speaks as: in the display name, the subject or the opening of its image
 * text (image-only lures). A brand in the body text is usually a topic, not the sender.
 */
function claimedBrands(msg: ParsedMessage, ctx: AnalyzerContext): IndexedBrand[] {
  const index = indexBrandPack(ctx.brands);
  const where = [msg.from?.name ?? '', msg.subject, ctx.imageText.slice(0, 300)].join('\n');
  const out = new Set<IndexedBrand>();
  for (const m of findBrandMentions(index, where)) out.add(m.brand);
  return [...out];
}
