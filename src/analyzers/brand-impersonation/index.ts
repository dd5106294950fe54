import { z } from 'zod';
import { defineAnalyzer, quote, type AnalyzerContext } from '../analyzer.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { isFreemail, registrableDomain } from '../../text/domains.ts';
import {
  brandOwnsDomain,
  domainParts,
  foldText,
  findBrandMentions,
  indexBrandPack,
  mentionIsDisguised,
  visualSkeleton,
  type BrandIndex,
  type BrandMention,
  type IndexedBrand,
} from '../../brands/match.ts';
import { compileLureRule, LURE_RULES } from './lures.ts';

/**
 * A well-known brand named by someone who is not that brand. Where the name appears sets
 * the weight: the display name is the claim a reader trusts most, the subject next, the
 * body least. Mentioning a brand is what half of all newsletters do, so a subject or body
 * mention counts only with corroboration (a credential link off the brand's domains, lure
 * wording, a sender domain imitating the brand), and a body mention only when the brand is
 * what the message is about (it opens the text or shows in its images).
 */

const configSchema = z.object({
  /**
   * Brands run under many operators' own domains (every hospital's MyChart mails from the
   * hospital; Medicaid is run by each state, some from non-.gov domains such as
   * myflorida.com): naming them from elsewhere is normal, so even the display name needs
   * corroboration beyond lure wording.
   */
  hostedBrands: z.array(z.string()).default(['epic-mychart', 'medicaid']),
  /** Characters at the start of the body in which a brand name marks the message as "about" the brand. */
  openingChars: z.number().int().min(50).default(200),
  /** Messages seen from the sender's domain (or a reply from us) after which it counts as an established correspondent. */
  establishedAfterMessages: z.number().int().min(1).default(10),
  /** Body characters scanned for brand names and lure wording. */
  scanChars: z.number().int().min(1000).default(20_000),
});

// Mailing-list mail carries discussion about brands; the list, not the poster, is the sender.
// List-Id alone is not enough: e-mail service providers add it to every campaign.
const LIST_HEADERS = ['list-post', 'x-beenthere', 'mailing-list', 'x-mailing-list'];
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|wg|tr|enc|rv|doorst)\s*:/i;
const FORWARD_MARKER = /-{2,}\s*(?:forwarded message|original message|ursprungliche nachricht|mensagem encaminhada|message transfere)\s*-{2,}|begin forwarded message:/i;
const QUOTED_FROM = /^\s*(?:>\s*)*(?:from|von|de|van)\s*:\s*(.{0,120})$/gim;
const ADDRESS = /[a-z0-9._%+'-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})/gi;

/*
 * Link wording that asks for credentials or money. Preference and unsubscribe links say
 * "account" and "update" as well and are never evidence.
 */
const CREDENTIAL_LINK_TEXT =
  /\b(?:log ?-?in|sign ?-?in|log ?on|sign ?on|verify|verification|validate|confirm|unlock|re-?activate|restore|update (?:your )?(?:account|payment|billing|details|information|card)|my account|your account|password|billing|pay now|make a payment|claim|redeem|track (?:your )?(?:package|parcel|shipment|order)|reschedule|redeliver|view (?:the )?(?:document|invoice|statement|message|file)|open (?:the )?document|review (?:the )?document|secure message|acessar|atualizar|regularizar|anmelden|bestatigen|verifizieren|connexion|se connecter)\b/i;
const CREDENTIAL_LINK_PATH = /(?:log-?in|sign-?in|signon|verify|verification|validate|account|secure|auth|wallet|password|billing|payment|webscr|unlock|recover)/i;
const HOUSEKEEPING_LINK = /unsubscribe|preferences|opt[- ]?out|manage (?:your )?(?:subscription|e-?mail|preferences|notifications)|e-?mail settings|privacy|view (?:this|it|the e-?mail|online|in (?:your )?browser)|web version|descadastr|abmelden|desabonner|desinscri/i;

export const brandImpersonation = defineAnalyzer({
  id: 'brand-impersonation',
  description: 'A well-known brand named in the sender name, subject, text or images of mail that does not come from the brand.',
  config: configSchema,
  signals: {
    BRAND_IN_DISPLAY_NAME: {
      weight: 4,
      description: "The sender's display name claims a well-known brand, but the mail does not come from any of the brand's domains (more from a free-mail account).",
    },
    BRAND_IN_SUBJECT: {
      weight: 2,
      description: "The subject names a well-known brand the sender is not, together with lure wording, a credential link or an imitating sender domain.",
    },
    BRAND_IN_BODY_UNVERIFIED: {
      weight: 2.5,
      description: "The message presents itself as a brand's (the brand opens the text or shows in its images) and asks for credentials or payment elsewhere, but the brand did not send it.",
    },
    HEALTHCARE_BRAND_IMPERSONATION: {
      weight: 1.5,
      description: 'The impersonated brand is a health insurer, pharmacy, lab, health agency or patient portal, the lures aimed at hospital staff and patients.',
    },
  },

  analyze(msg, ctx, config, emit) {
    const index = indexBrandPack(ctx.brands);
    const sender = senderIdentity(msg, ctx, index);
    if (sender.trusted) return;

    const listMail = msg.headers.some((h) => LIST_HEADERS.includes(h.key));
    // A domain we have corresponded with for a while is more likely a brand's own secondary
    // domain (cvsspecialty.com, aetnabetterhealth.com) than a kit registered last week.
    const history = establishedCorrespondent(ctx, config.establishedAfterMessages) ? 0.5 : 1;
    const hosted = new Set(config.hostedBrands);
    const evidence = new Evidence(msg, ctx, config.scanChars);
    const reported = new Set<IndexedBrand>();
    const claimed = (b: IndexedBrand) => !sender.verifies(b) && !(sender.forwardedFrom && forwardedFromBrand(sender.forwardedFrom, b));

    // Display name: the strongest claim.
    const name = msg.from?.name ?? '';
    for (const m of uniqueBrands([...findBrandMentions(index, name), ...wholeNameBrand(index, name)])) {
      if (sender.verifies(m.brand)) continue;
      if (hosted.has(m.brand.brand.id) && !sender.freemail && !corroboration(m.brand, sender, evidence, { body: false, hosted: true })) continue;
      let factor = sender.freemail ? 1.25 : 1;
      if (mentionIsDisguised(index, name, m.brand)) factor = Math.max(factor, 1.25);
      if (listMail) factor *= 0.5;
      emit('BRAND_IN_DISPLAY_NAME', `Display name claims ${quote(m.text, 40)} but mail comes from ${sender.describe(m.brand)}`, factor * history);
      reported.add(m.brand);
      break;
    }

    if (!listMail) {
      // Subject: a claim, but newsletters and patients name brands in subjects all the time.
      for (const m of uniqueBrands(findBrandMentions(index, msg.subject))) {
        if (!claimed(m.brand)) continue;
        const why = corroboration(m.brand, sender, evidence, { body: false, hosted: hosted.has(m.brand.brand.id) });
        if (!why) continue;
        const already = reported.has(m.brand);
        emit('BRAND_IN_SUBJECT', `Subject names ${quote(m.text, 40)}, sent from ${sender.describe(m.brand)}; ${why}`, (already ? 0.5 : 1) * history);
        reported.add(m.brand);
        break;
      }

      // Text and images: only a message that presents itself as the brand's.
      if (reported.size === 0) {
        const found = prominentBodyBrand(index, msg, ctx.imageText, config.openingChars, config.scanChars);
        if (found && claimed(found.mention.brand)) {
          const why = corroboration(found.mention.brand, sender, evidence, { body: true, hosted: hosted.has(found.mention.brand.brand.id) });
          if (why) {
            emit('BRAND_IN_BODY_UNVERIFIED', `${found.where} presents ${quote(found.mention.text, 40)}, but mail comes from ${sender.describe(found.mention.brand)}; ${why}`, history);
            reported.add(found.mention.brand);
          }
        }
      }
    }

    const health = [...reported].find((b) => b.healthcare);
    if (health) emit('HEALTHCARE_BRAND_IMPERSONATION', `impersonated brand ${health.brand.name} is a healthcare brand`, history);
  },
});

// ---------------------------------------------------------------------------------------
// Who is sending

interface SenderIdentity {
  /** Our own organisation or a partner, or a brand in the pack: they name brands for good reasons. */
  trusted: boolean;
  freemail: boolean;
  /** Forwarded mail: the addresses shown in the quoted From lines. */
  forwardedFrom: string[] | null;
  verifies(b: IndexedBrand): boolean;
  imitates(b: IndexedBrand): boolean;
  describe(b: IndexedBrand): string;
}

function senderIdentity(msg: ParsedMessage, ctx: AnalyzerContext, index: BrandIndex): SenderIdentity {
  const address = msg.from?.address ?? '';
  const fromParts = msg.from?.domain ? domainParts(msg.from.domain) : null;
  const fromReg = fromParts?.registrable ?? '';
  // Mailbox users have user@yahoo.com, never user@reply.yahoo.com: a subdomain of a
  // free-mail domain is the provider's own system mail.
  const freemail = fromReg !== '' && isFreemail(fromReg) && fromParts?.subLabels.length === 0;

  // Domains that speak for the sender: From (unless anyone can have an address there) and
  // the signers of passing DKIM signatures.
  const speaking = new Set<string>();
  if (fromReg && !freemail) speaking.add(fromReg);
  for (const sig of ctx.auth.dkim) {
    if (sig.result !== 'pass') continue;
    const reg = registrableDomain(sig.domain);
    if (reg && !isFreemail(reg)) speaking.add(reg);
  }

  // Our own organisation, a partner or another brand names brands for good reasons, but only
  // if it is really them: when authentication was evaluated, From must have passed it.
  const orgDomains = new Set([...ctx.org.domains, ...ctx.org.partners.flatMap((p) => p.domains)].map((d) => registrableDomain(d) || d.toLowerCase()));
  const authenticated = ctx.auth.source === 'none' || fromAuthenticated(ctx, fromReg);
  const trusted =
    fromReg !== '' &&
    authenticated &&
    (orgDomains.has(fromReg) || [...speaking].some((d) => index.byDomain.has(d)) || ownedByAnyBrand(index, fromReg, freemail));
  const forwarded = FORWARD_SUBJECT.test(msg.subject) || FORWARD_MARKER.test(foldText(msg.text.slice(0, 20_000)));

  return {
    trusted,
    freemail,
    forwardedFrom: forwarded ? quotedSenders(msg.text) : null,
    verifies: (b) => [...speaking].some((d) => brandOwnsDomain(b, d)),
    imitates: (b) => !!fromParts && !b.domains.has(fromReg) && imitatesBrand(fromParts.label, fromParts.subLabels, b),
    describe: (b) => {
      if (!address) return 'a sender without an address';
      if (freemail) return `the free-mail account ${address}`;
      const shown = fromParts?.subLabels.length ? `${fromParts.subLabels.join('.')}.${fromReg}` : fromReg;
      return !b.domains.has(fromReg) ? imitatingDescription(shown, fromParts, b) : shown;
    },
  };
}

function establishedCorrespondent(ctx: AnalyzerContext, threshold: number): boolean {
  const p = ctx.senderProfile;
  return !!p && (p.solicited || p.messagesFromDomain >= threshold);
}

function fromAuthenticated(ctx: AnalyzerContext, fromReg: string): boolean {
  const { dmarc, dkim } = ctx.auth;
  if (dmarc?.result === 'pass' && registrableDomain(dmarc.domain) === fromReg) return true;
  return dkim.some((d) => d.result === 'pass' && d.aligned);
}

/**
 * The sender is itself a brand of the pack (an insurer naming Medicare, eBay naming PayPal).
 * Government programmes do not count here: a government domain vouches for Medicare, not
 * for every brand a compromised government mailbox names.
 */
function ownedByAnyBrand(index: BrandIndex, reg: string, freemail: boolean): boolean {
  if (freemail) return false;
  return index.brands.some((b) => !b.governmentOnly && brandOwnsDomain(b, reg));
}

function imitatingDescription(shown: string, parts: ReturnType<typeof domainParts>, b: IndexedBrand): string {
  return parts && imitatesBrand(parts.label, parts.subLabels, b) ? `${shown}, a domain imitating ${b.brand.name}` : shown;
}

/** The sender's domain carries the brand's name or a look-alike of its domain (zocdoc-appts.net). */
function imitatesBrand(label: string, subLabels: string[], b: IndexedBrand): boolean {
  const letters = (s: string) => foldText(s).toLowerCase().replace(/[^a-z0-9]/g, '');
  const compact = letters(label);
  const skeleton = visualSkeleton(label);
  const names = [...b.labels].filter((l) => l.length >= 4).map(letters).concat([...b.compactNames]);
  for (const n of names) {
    if (compact.includes(n) || subLabels.some((s) => letters(s) === n)) return true;
    if (skeleton === visualSkeleton(n)) return true;
  }
  return false;
}

function quotedSenders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, 20_000).matchAll(QUOTED_FROM)) {
    for (const a of m[1].matchAll(ADDRESS)) out.push(a[1].toLowerCase());
  }
  return out;
}

function forwardedFromBrand(domains: string[], b: IndexedBrand): boolean {
  return domains.some((d) => brandOwnsDomain(b, registrableDomain(d)));
}

// ---------------------------------------------------------------------------------------
// Where the brand appears

/*
 * A display name that is nothing but a brand's domain name ("Ledger", "Exodus", "Norton")
 * claims the brand even when that word is too common to search for in text. Labels that are
 * also people's names or plain department names stay out.
 */
const NOT_A_CLAIM_ALONE = new Set(['chase', 'lilly', 'mayo', 'office', 'live', 'healthcare', 'crypto', 'blockchain', 'nextgen', 'booking', 'oracle']);

function wholeNameBrand(index: BrandIndex, name: string): BrandMention[] {
  const bare = foldText(name)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
  if (bare.length < 4 || NOT_A_CLAIM_ALONE.has(bare)) return [];
  for (const b of index.brands) {
    if (b.labels.has(bare) || b.compactNames.has(bare)) return [{ brand: b, text: name.trim(), index: 0 }];
  }
  return [];
}

function uniqueBrands(mentions: BrandMention[]): BrandMention[] {
  const seen = new Set<IndexedBrand>();
  return mentions.filter((m) => !seen.has(m.brand) && seen.add(m.brand));
}

function prominentBodyBrand(
  index: BrandIndex,
  msg: ParsedMessage,
  imageText: string,
  openingChars: number,
  scanChars: number,
): { mention: BrandMention; where: string } | null {
  const opening = msg.text.replace(/^\s+/, '').slice(0, openingChars);
  const first = findBrandMentions(index, opening)[0];
  if (first) return { mention: first, where: 'The opening of the text' };
  if (imageText.trim()) {
    const inImage = findBrandMentions(index, imageText, scanChars)[0];
    if (inImage) return { mention: inImage, where: 'Text in the images' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Corroboration

class Evidence {
  private lureResult: string | null | undefined;
  private readonly linkCache = new Map<IndexedBrand, string[]>();
  private readonly orgDomains: Set<string>;
  private readonly fromReg: string;

  constructor(
    private readonly msg: ParsedMessage,
    private readonly ctx: AnalyzerContext,
    private readonly scanChars: number,
  ) {
    this.orgDomains = new Set([...ctx.org.domains, ...ctx.org.partners.flatMap((p) => p.domains)].map((d) => registrableDomain(d) || d.toLowerCase()));
    this.fromReg = msg.from?.domain ? registrableDomain(msg.from.domain) : '';
  }

  /** The first lure phrase in subject, text or images. */
  lure(): string | null {
    if (this.lureResult !== undefined) return this.lureResult;
    const text = foldText(`${this.msg.subject}\n${this.msg.text.slice(0, this.scanChars)}\n${this.ctx.imageText.slice(0, this.scanChars)}`);
    this.lureResult = null;
    for (const rule of COMPILED_LURES) {
      const m = rule.re.exec(text);
      if (m) {
        this.lureResult = m[0];
        break;
      }
    }
    return this.lureResult;
  }

  /** Hosts of links that ask for credentials or payment and lead away from the brand (and from the sender's own site). */
  credentialLinks(b: IndexedBrand): string[] {
    const hit = this.linkCache.get(b);
    if (hit) return hit;
    const hosts: string[] = [];
    for (const link of this.msg.links) {
      if (!link.host || link.source === 'attachment') continue;
      const reg = registrableDomain(link.host);
      if (!reg || brandOwnsDomain(b, reg) || this.orgDomains.has(reg) || reg === this.fromReg) continue;
      const text = foldText(link.text);
      if (HOUSEKEEPING_LINK.test(text) || HOUSEKEEPING_LINK.test(link.href)) continue;
      let path = '';
      try {
        const u = new URL(link.href);
        path = `${u.pathname}${u.search}`;
      } catch {
        path = '';
      }
      if (isCredentialCallToAction(text, path)) hosts.push(link.host);
    }
    this.linkCache.set(b, hosts);
    return hosts;
  }

  linksToBrand(b: IndexedBrand): boolean {
    return this.msg.links.some((l) => l.host && brandOwnsDomain(b, registrableDomain(l.host)));
  }
}

const COMPILED_LURES = LURE_RULES.map((r) => ({ id: r.id, re: compileLureRule(r) }));

/**
 * A button-like link that asks for credentials or payment. Headlines ("How to Log On to
 * Windows XP If You Forget Your Password") are long; buttons are short. A credential-looking
 * path counts behind a generic button ("Click here") or a bare address, not behind a headline.
 */
function isCredentialCallToAction(text: string, path: string): boolean {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length > MAX_BUTTON_CHARS) return false;
  if (CREDENTIAL_LINK_TEXT.test(t)) return true;
  return CREDENTIAL_LINK_PATH.test(path) && (t === '' || GENERIC_BUTTON.test(t) || /^(?:https?:\/\/|www\.)/i.test(t));
}

const MAX_BUTTON_CHARS = 40;
const GENERIC_BUTTON = /^(?:click here|click|here|continue|proceed|get started|start|go|open|access(?: now)?|next|submit|ok|view(?: now)?|learn more|details|check now|see details|clique aqui|acesse|hier klicken|weiter|cliquez ici|continuer)[.!:]*$/i;

/**
 * Why a mention is believed to be a claim, or null. A free-mail sender alone is not enough:
 * patients write about their pharmacy and insurer from Gmail. Lure wording alone is not
 * enough for hosted brands, whose real operators (hospitals, state Medicaid agencies) ask
 * patients to update their details all the time.
 */
function corroboration(b: IndexedBrand, sender: SenderIdentity, evidence: Evidence, where: { body: boolean; hosted: boolean }): string | null {
  if (sender.imitates(b)) return `the sender domain imitates ${b.brand.name}`;
  const links = evidence.credentialLinks(b);
  if (links.length > 0) return `it asks to sign in or pay at ${links[0]}`;
  if (where.hosted) return null;
  const lure = evidence.lure();
  if (lure && (!where.body || sender.freemail || !evidence.linksToBrand(b))) return `it says ${quote(lure, 60)}`;
  return null;
}
