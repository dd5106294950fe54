import { z } from 'zod';
import { defineAnalyzer, quote, type AnalyzerContext } from '../analyzer.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { findBrandMentions, indexBrandPack } from '../../brands/match.ts';
import { extractClinicClaims, extractClinicianClaims, CLAIM_SOURCE_LABEL, type ClaimSource, type ClinicianClaim } from '../../directory/claims.ts';
import type { Directory, DirectoryPerson, NameMatch } from '../../directory/directory.ts';
import { displayName } from '../../directory/model.ts';
import { parsePersonName, usesLookalikes } from '../../directory/names.ts';
import { distinctiveName, organizationsNamed, plainWords } from '../../directory/org-mentions.ts';
import { describeSender, senderStanding, sentByPerson, type SenderStanding } from '../../directory/sender.ts';
import { detectIntents } from '../content-intent/detect.ts';

/**
 * Claims about who is writing, checked against the provider directory: a staff member's
 * name on mail that is not theirs, a "Dr." or "MD" nobody has registered, a practice that
 * does not exist. Mentioning doctors is what half of all hospital newsletters do, so a
 * clinician or practice only counts against a stranger's mail when it is the sender's own
 * claimed identity (display name, signature, "from Dr. X") or the message asks for
 * something (a call, a login, payment, patient data).
 */

const configSchema = z
  .object({
    /** Messages seen from the sender's domain (or mail the org sent to it) after which it is an established correspondent. */
    establishedAfterMessages: z.number().int().min(1).default(10),
    /** Clinician claims looked at per message at most (long newsletters name dozens). */
    maxClaims: z.number().int().min(1).default(30),
  })
  .strict();

type Config = z.output<typeof configSchema>;

/** How much a claim in each place says about who is writing. */
const SOURCE_FACTOR: Record<ClaimSource, number> = { 'display-name': 1, signature: 0.85, subject: 0.75, body: 0.7, image: 0.8 };

export const clinicianImpersonation = defineAnalyzer({
  id: 'clinician-impersonation',
  description: "Staff names on mail that is not theirs, and clinicians or practices that exist in neither the directory nor NPPES.",
  config: configSchema,
  signals: {
    STAFF_DISPLAY_NAME_IMPERSONATION: {
      weight: 7,
      description:
        "The display name, signature or subject names a person in the provider directory, but the mail is not from their address or their organisation's domain, or fails DMARC/DKIM alignment for it.",
    },
    UNVERIFIABLE_CLINICIAN: {
      weight: 2.5,
      description:
        'A sender unknown to the organisation claims to be, or speaks for, a clinician ("Dr. X", "X, MD/DO/NP/PA") who is in neither the directory nor the NPPES index, and signs as them or asks the reader to act.',
    },
    FABRICATED_CLINIC: {
      weight: 2.5,
      description:
        "A sender unknown to the organisation presents a practice or clinic that is neither a directory nor an NPPES organisation (or borrows the organisation's name), and signs as it or asks the reader to act.",
    },
    CLINICIAN_VERIFIED: {
      weight: -2,
      description: "Benign: the clinician the mail claims to come from is in the directory and the mail is authenticated from their own domain.",
    },
  },

  analyze(msg, ctx, config, emit) {
    const dir = ctx.directory;
    if (!dir) return;
    const sender = senderStanding(msg, ctx.auth, ctx.org, dir, ctx.senderProfile, config.establishedAfterMessages);
    const input = { fromName: msg.from?.name ?? '', subject: msg.subject, text: msg.text, imageText: ctx.imageText };
    const claims = extractClinicianClaims(input)
      .filter((c) => !c.addressee)
      .slice(0, config.maxClaims);
    const resolved = claims.map((claim) => ({ claim, ...resolveInDirectory(dir, claim) }));
    const intent = lazyIntent(msg, ctx);

    impersonationAndVerification(resolved, sender, dir, emit);

    // A stranger's claims only: the organisation, its partners and established correspondents name whom they like.
    const stranger = !sender.org && !sender.partner && !sender.established && !brandSender(ctx, sender);
    if (!stranger) return;
    unverifiableClinician(resolved, dir, sender, msg, ctx, intent, emit);
    fabricatedClinic(input, dir, sender, ctx, intent, emit);
  },
});

interface Resolved {
  claim: ClinicianClaim;
  /** The reading that matched someone, or the claim's shortest reading. */
  reading: string;
  matches: NameMatch[];
}

/** Tries a claim's readings, longest first ("Jane Smith Please" then "Jane Smith"), against the directory. */
function resolveInDirectory(dir: Directory, claim: ClinicianClaim): { reading: string; matches: NameMatch[] } {
  for (const reading of claim.readings) {
    const written = claim.parsed.doctorTitle && !reading.includes(' ') ? `Dr. ${reading}` : reading;
    let matches = dir.findPersonsByName(written);
    // A bare name (no title, no credential) must match whole: "Sam Roth" is not evidence about Dr. Benjamin Roth.
    if (!claim.clinical) matches = matches.filter((m) => m.kind === 'exact' || m.kind === 'nickname');
    // "Dr. Smith" says something only when one person in the directory has that name.
    if (matches.length > 1 && matches.every((m) => m.kind === 'family')) matches = [];
    if (matches.length) return { reading, matches };
  }
  return { reading: claim.readings[claim.readings.length - 1] ?? claim.text, matches: [] };
}

function impersonationAndVerification(resolved: Resolved[], sender: SenderStanding, dir: Directory, emit: (id: string, ev: string, f?: number) => void): void {
  let best: { factor: number; evidence: string } | null = null;
  let verified: DirectoryPerson | null = null;
  for (const { claim, matches } of resolved) {
    if (matches.length === 0) continue;
    const identity = claim.source === 'display-name' || claim.source === 'signature' || claim.speaker;
    if (!identity) continue;
    const theirs = matches.filter((m) => sentByPerson(sender, m.person, dir));
    const person = (theirs[0] ?? matches[0]).person;
    const name = displayName(person);
    const where = CLAIM_SOURCE_LABEL[claim.source];
    if (theirs.length > 0) {
      if (sender.auth === 'aligned') verified ??= person;
      else if (sender.auth === 'failed') {
        const evidence = `${where} ${quote(claim.text, 50)} names ${name}, and the mail claims their domain ${sender.domain} but fails DMARC/DKIM alignment`;
        best = pick(best, { factor: SOURCE_FACTOR[claim.source] * 1.25, evidence });
      }
      continue;
    }
    // Our own organisation's mail system sends for its people; what it says about others is not impersonation.
    if (sender.org && sender.auth !== 'failed') continue;
    let factor = SOURCE_FACTOR[claim.source] * (matches[0].quality < 0.9 ? 0.7 : 1);
    if (sender.freemail) factor *= 1.25;
    if (sender.imitates) factor *= 1.5;
    const disguised = claim.source === 'display-name' && usesLookalikes(msgDisplayName(claim));
    if (disguised) factor *= 1.25;
    if (sender.partner && sender.auth === 'aligned') factor *= 0.5;
    const onRecord = person.emails.length ? `on record: ${person.emails.slice(0, 2).join(', ')}` : `their domains: ${dir.domainsOf(person).join(', ') || 'none on record'}`;
    const evidence =
      `${where} ${quote(msgDisplayName(claim), 50)} names ${name}${person.organization ? ` of ${person.organization}` : ''}, ` +
      `but the mail comes from ${describeSender(sender)} (${onRecord})${disguised ? '; the name is spelled with look-alike characters' : ''}`;
    best = pick(best, { factor, evidence });
  }
  if (best) emit('STAFF_DISPLAY_NAME_IMPERSONATION', best.evidence, best.factor);
  else if (verified) emit('CLINICIAN_VERIFIED', `${displayName(verified)} is in the directory and the mail is authenticated from ${sender.domain}`);
}

/** The display name as written (claims hold it folded, which hides look-alike characters). */
function msgDisplayName(claim: ClinicianClaim): string {
  return claim.raw ?? claim.text;
}

function pick<T extends { factor: number }>(a: T | null, b: T): T {
  return !a || b.factor > a.factor ? b : a;
}

/** The sender is a brand of the pack writing from its own authenticated domain (Zocdoc, Doximity, an insurer). */
function brandSender(ctx: AnalyzerContext, sender: SenderStanding): boolean {
  return sender.domain !== '' && sender.auth !== 'failed' && indexBrandPack(ctx.brands).byDomain.has(sender.domain);
}

/** What each request intent asks for, in evidence wording. */
const ASKS = {
  PHI_SOLICITATION: 'patient or personal data (SSN, date of birth, insurance ID)',
  CREDENTIAL_REQUEST: 'a login or password',
  PAYMENT_LURE: 'payment',
  GIFT_CARD: 'gift cards',
} as const;

interface IntentView {
  /** The message asks the reader to act: call a number, log in, pay, send patient data, buy gift cards. */
  asksForAction(): string | null;
}

/** Intent detection costs more than name matching; it runs only for messages with a claim worth weighing. */
function lazyIntent(msg: ParsedMessage, ctx: AnalyzerContext): IntentView {
  let result: string | null | undefined;
  return {
    asksForAction() {
      if (result === undefined) {
        const d = detectIntents([msg.subject, msg.text, ctx.imageText].filter(Boolean).join('.\n'));
        const asks = (Object.keys(ASKS) as (keyof typeof ASKS)[]).find((i) => d.intents[i]);
        // "Call me at …" closes half of all business mail; a call counts only with a pretext (a charge, a hold, a problem).
        const callback = d.callbacks.find((c) => c.context);
        result = asks ? ASKS[asks] : callback ? `a call to ${callback.phone.raw} (${callback.context!.phrase})` : null;
      }
      return result;
    },
  };
}

function unverifiableClinician(
  resolved: Resolved[],
  dir: Directory,
  sender: SenderStanding,
  msg: ParsedMessage,
  ctx: AnalyzerContext,
  intent: IntentView,
  emit: (id: string, ev: string, f?: number) => void,
): void {
  const unmatched = resolved.filter((r) => r.claim.clinical && r.matches.length === 0);
  if (unmatched.length === 0) return;
  // Without NPPES the directory can only vouch for the organisation's own people: a clinician
  // counts as unverifiable then only when the mail says they work for the organisation.
  const ourOrgs = dir.organizations().filter((o) => o.kind === 'org');
  const claimsOurs =
    !!sender.imitates || organizationsNamed(dir, [msg.from?.name ?? '', msg.subject, msg.text.slice(0, 20_000), ctx.imageText].join('\n')).some((o) => ourOrgs.includes(o));
  if (!dir.nppes && !claimsOurs) return;
  // "Dr. Olson" alone names too many people to be checked, unless it is said to be one of ours.
  const candidates = unmatched.filter((r) => r.claim.parsed.given || claimsOurs);

  let best: { factor: number; evidence: string } | null = null;
  for (const { claim } of candidates) {
    const nppes = nppesStanding(dir, claim);
    if (nppes === 'active') continue;
    const speaker = claim.source === 'display-name' || claim.source === 'signature' || claim.speaker;
    const action: string | null = intent.asksForAction();
    if (!speaker && !action && claim.source !== 'image') continue;
    // A signature "Dr. X" alone is how every foreign colleague signs; it weighs little until the mail asks for something.
    let factor = speaker && action ? 1.25 : speaker ? 0.6 : 0.75;
    if (claimsOurs) factor *= 1.25;
    const registry = dir.nppes ? (nppes === 'deactivated' ? 'the NPPES index lists the name only with a deactivated NPI' : 'not in the NPPES index') : 'and no NPPES index is loaded';
    const context = [
      speaker ? `claimed as the sender (${CLAIM_SOURCE_LABEL[claim.source]})` : `named in the ${CLAIM_SOURCE_LABEL[claim.source]}`,
      action ? `the message asks for ${action}` : '',
      claimsOurs ? `presented as ${ourOrgs[0]?.name ?? 'the organisation'} staff` : '',
    ].filter(Boolean);
    const evidence = `${quote(claim.text, 50)} is not in the provider directory; ${registry}; ${context.join('; ')}; sender ${describeSender(sender)}`;
    best = pick(best, { factor, evidence });
  }
  if (best) emit('UNVERIFIABLE_CLINICIAN', best.evidence, best.factor);
}

/** Whether NPPES knows the clinician: an active NPI under any reading of the name. */
function nppesStanding(dir: Directory, claim: ClinicianClaim): 'active' | 'deactivated' | 'unknown' {
  if (!dir.nppes) return 'unknown';
  let deactivated = false;
  for (const reading of claim.readings) {
    const p = parsePersonName(claim.parsed.doctorTitle && !reading.includes(' ') ? `Dr. ${reading}` : reading);
    if (!p?.family) continue;
    const found = dir.nppes.findIndividuals(p.given, p.family);
    if (found.some((e) => e.active)) return 'active';
    if (found.length) deactivated = true;
  }
  return deactivated ? 'deactivated' : 'unknown';
}

function fabricatedClinic(
  input: { fromName: string; subject: string; text: string; imageText: string },
  dir: Directory,
  sender: SenderStanding,
  ctx: AnalyzerContext,
  intent: IntentView,
  emit: (id: string, ev: string, f?: number) => void,
): void {
  const claims = extractClinicClaims(input);
  if (claims.length === 0) return;
  const brands = indexBrandPack(ctx.brands);
  const ours = dir.organizations().map((o) => ({ org: o, distinctive: distinctiveName(o) })).filter((o) => o.distinctive.length >= 3);
  const seen = new Set<string>();
  let best: { factor: number; evidence: string } | null = null;
  for (const claim of claims) {
    const key = plainWords(claim.text);
    if (seen.has(key)) continue;
    seen.add(key);
    if (findBrandMentions(brands, claim.text).length > 0) continue;
    const bare = claim.text.replace(/^the\s+/i, '');
    if (dir.findOrganizationByName(bare)) continue;
    if (dir.nppes && dir.nppes.findOrganizations(bare).length > 0) continue;
    const borrowed = ours.find((o) => key.includes(` ${o.distinctive} `));
    if (!dir.nppes && !borrowed) continue;
    const action: string | null = intent.asksForAction();
    if (!claim.speaker && !action) continue;
    let factor = claim.speaker && action ? 1.25 : claim.speaker ? 0.6 : 0.75;
    if (borrowed) factor *= 1.5;
    if (sender.imitates) factor *= 1.25;
    const why = [
      borrowed
        ? `borrows the name of ${borrowed.org.name} but is none of its names`
        : 'is neither a directory organisation nor in the NPPES index',
      claim.speaker ? `presented as the sender (${CLAIM_SOURCE_LABEL[claim.source]})` : `named in the ${CLAIM_SOURCE_LABEL[claim.source]}`,
      action ? `the message asks for ${action}` : '',
    ].filter(Boolean);
    best = pick(best, { factor, evidence: `practice ${quote(claim.text, 60)} ${why.join('; ')}; sender ${describeSender(sender)}` });
  }
  if (best) emit('FABRICATED_CLINIC', best.evidence, best.factor);
}

export type { Config as ClinicianImpersonationConfig };
