import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { defineAnalyzer, type OrgContext } from '../analyzer.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { isFreemail, registrableDomain } from '../../text/domains.ts';
import {
  brandOwnsDomain,
  CREDENTIAL_LURE_WORDS,
  domainParts,
  editDistance,
  foldText,
  indexBrandPack,
  isCountrySuffix,
  labelToUnicode,
  labelTokens,
  toUnicode,
  looseSkeleton,
  LURE_WORDS,
  visualSkeleton,
  type IndexedBrand,
} from '../../brands/match.ts';
import type { BrandPack } from '../../brands/brand-pack.ts';
import { LOOKALIKE_ALLOWLIST } from './allowlist.ts';

/**
 * Domains built to be mistaken for ours, a partner's or a well-known brand's: look-alike
 * characters (paypa1.com, xn--pypal-4ve.com), typos (micorsoft.com), a different ending
 * (stmarys-health.co), or the name wrapped in lure words (zocdoc-appointments.net,
 * microsoft.support-verify.net). Every domain the message shows a reader is checked: the
 * sender addresses, domains written in the display name, and link hosts.
 */

const configSchema = z.object({
  /** Shortest brand label compared by edit distance (shorter names have too many honest neighbours). */
  minBrandTypoLength: z.number().int().min(4).default(6),
  /** Shortest org/partner label compared by edit distance or searched inside other domains. */
  minOrgLength: z.number().int().min(4).default(5),
  /** Extra registrable domains never reported (e.g. a vendor whose name resembles ours). */
  allowDomains: z.array(z.string()).default([]),
  /** Link hosts checked per message; the first ones are the ones a reader sees. */
  maxLinkHosts: z.number().int().min(0).default(200),
});

type Role = 'From' | 'Sender' | 'Reply-To' | 'Return-Path' | 'display name' | 'link';
type Method = 'homograph' | 'lookalike' | 'hyphenation' | 'typo' | 'tld-swap' | 'embedded' | 'subdomain';
type Kind = 'org' | 'partner' | 'brand';

interface Protected {
  kind: Kind;
  owner: string;
  registrable: string;
  label: string;
  suffix: string;
  /** Label without hyphens ("stmaryshealth"). */
  compact: string;
  skeleton: string;
  loose: string;
  /** Reads as the owner's own name (see IndexedBrand.distinctiveLabels); org labels always do. */
  distinctive: boolean;
  brand?: IndexedBrand;
}

interface Finding {
  kind: Kind;
  method: Method;
  target: Protected;
  host: string;
  role: Role;
  /** Lure words (login, secure, verify…) appear around the name. */
  lured: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;
const SENDER_ROLES: ReadonlySet<Role> = new Set(['From', 'Sender', 'Reply-To', 'display name']);
const EMAIL_IN_TEXT = /[a-z0-9._%+'-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})/gi;
const DOMAIN_IN_TEXT = /(?<![@\p{L}\p{N}.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\p{L}\p{N}-]|\.[a-z])/giu;
const MIXED_SCRIPT = /(?=.*\p{Script=Latin})(?=.*[\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Armenian}\p{Script=Cherokee}])/u;

export const lookalikeDomain = defineAnalyzer({
  id: 'lookalike-domain',
  description: "Domains that imitate the organisation's, a partner's or a well-known brand's domain.",
  config: configSchema,
  signals: {
    ORG_LOOKALIKE_DOMAIN: {
      weight: 6,
      description: "A domain made to look like our own or a partner's (look-alike letters, a typo, another ending, or our name inside someone else's domain).",
    },
    IDN_HOMOGRAPH_DOMAIN: {
      weight: 6,
      description: "An internationalised domain whose foreign letters make it read as a well-known brand's domain (Cyrillic 'а' in pаypal.com).",
    },
    BRAND_LOOKALIKE_DOMAIN: {
      weight: 4,
      description: "A domain one or two keystrokes or look-alike characters away from a well-known brand's domain, or the brand's name under a throw-away ending.",
    },
    BRAND_NAME_IN_DOMAIN: {
      weight: 2,
      description: "A brand's name inside a domain the brand does not own (paypal-secure-login.com, microsoft.verify-account.net); more next to words like login/verify.",
    },
    MIXED_SCRIPT_DOMAIN: {
      weight: 3,
      description: 'A sender domain whose name mixes Latin with Cyrillic or Greek letters, which only serves to imitate another name.',
    },
  },

  analyze(msg, ctx, config, emit) {
    const index = protectedIndex(ctx.brands);
    const orgEntries = orgIndex(ctx.org);
    const exempt = new Set([...config.allowDomains.map((d) => d.toLowerCase())]);
    const seen = new Set<string>();
    const findings: Finding[] = [];
    const mixed: { host: string; role: Role }[] = [];

    for (const { host, role } of presentedDomains(msg, config.maxLinkHosts)) {
      const key = `${role}\u0000${host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const parts = domainParts(host);
      if (!parts) continue;
      const reg = parts.registrable;
      if (exempt.has(reg) || index.exempt.has(reg) || orgEntries.exempt.has(reg) || isFreemail(reg)) continue;
      const found = matchOrg(host, orgEntries.entries, config.minOrgLength, role) ?? matchBrand(host, index, config.minBrandTypoLength, role);
      if (found) findings.push(found);
      else if (SENDER_ROLES.has(role) && MIXED_SCRIPT.test(labelToUnicode(parts.label))) mixed.push({ host, role });
    }

    emitFindings(findings, emit);
    if (mixed.length > 0) {
      const m = mixed[0];
      emit('MIXED_SCRIPT_DOMAIN', `${m.role} domain ${shownHost(m.host)} mixes Latin with other alphabets in one name`);
    }
  },
});

type EmitFn = Parameters<typeof lookalikeDomain.analyze>[3];

// ---------------------------------------------------------------------------------------
// What the message shows

function* presentedDomains(msg: ParsedMessage, maxLinkHosts: number): Generator<{ host: string; role: Role }> {
  for (const m of msg.fromAll) if (m.domain) yield { host: m.domain, role: 'From' };
  if (msg.sender?.domain) yield { host: msg.sender.domain, role: 'Sender' };
  for (const m of msg.replyTo) if (m.domain) yield { host: m.domain, role: 'Reply-To' };
  if (msg.returnPath?.domain) yield { host: msg.returnPath.domain, role: 'Return-Path' };
  for (const m of msg.fromAll) for (const d of domainsInName(m.name)) yield { host: d, role: 'display name' };
  let hosts = 0;
  const linkHosts = new Set<string>();
  for (const link of msg.links) {
    if (!link.host || link.source === 'attachment' || linkHosts.has(link.host)) continue;
    linkHosts.add(link.host);
    if (++hosts > maxLinkHosts) break;
    yield { host: link.host, role: 'link' };
  }
}

function domainsInName(name: string): string[] {
  if (!name || !name.includes('.')) return [];
  const out: string[] = [];
  const rest = name.replace(EMAIL_IN_TEXT, (_whole, domain: string) => {
    out.push(domain.toLowerCase());
    return ' ';
  });
  for (const m of rest.matchAll(DOMAIN_IN_TEXT)) out.push(m[1].toLowerCase());
  return out;
}

// ---------------------------------------------------------------------------------------
// Protected names

function protectedEntry(kind: Kind, owner: string, registrable: string, distinctive: boolean, brand?: IndexedBrand): Protected | null {
  const parts = domainParts(registrable);
  if (!parts) return null;
  return {
    kind,
    owner,
    registrable: parts.registrable,
    label: parts.label,
    suffix: parts.suffix,
    compact: parts.label.replace(/-/g, ''),
    skeleton: visualSkeleton(parts.label),
    loose: looseSkeleton(parts.label),
    distinctive,
    brand,
  };
}

interface BrandLookup {
  brands: ReturnType<typeof indexBrandPack>;
  /** Registrable domains never reported: the brands' own, the allowlist. */
  exempt: Set<string>;
  bySkeleton: Map<string, Protected[]>;
  byLoose: Map<string, Protected[]>;
  byLabel: Map<string, Protected[]>;
  /** Distinctive labels long enough for typo matching, by length. */
  byLength: Map<number, Protected[]>;
  /** Name tokens searched inside other domains: brand labels and run-together names ("appleid"). */
  byToken: Map<string, Protected[]>;
  /** Distinctive labels searched inside run-together labels ("paypalsecure"). */
  embeddable: Protected[];
}

const lookupCache = new WeakMap<BrandPack, BrandLookup>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function protectedIndex(pack: BrandPack): BrandLookup {
  const hit = lookupCache.get(pack);
  if (hit) return hit;
  const brands = indexBrandPack(pack);
  const lookup: BrandLookup = {
    brands,
    exempt: new Set(LOOKALIKE_ALLOWLIST),
    bySkeleton: new Map(),
    byLoose: new Map(),
    byLabel: new Map(),
    byLength: new Map(),
    byToken: new Map(),
    embeddable: [],
  };
  for (const b of brands.brands) {
    for (const d of b.domains) {
      lookup.exempt.add(d);
      const p = protectedEntry('brand', b.brand.name, d, false, b);
      if (!p) continue;
      p.distinctive = b.distinctiveLabels.has(p.label);
      if (p.label.length >= 3) push(lookup.bySkeleton, p.skeleton, p);
      if (p.distinctive && p.label.length >= 5) push(lookup.byLoose, p.loose, p);
      push(lookup.byLabel, p.label, p);
      if (p.distinctive) push(lookup.byLength, p.compact.length, p);
      if (p.label.length >= 3) push(lookup.byToken, p.compact, p);
      if (p.distinctive && p.compact.length >= 5) lookup.embeddable.push(p);
    }
    // Run-together names ("appleid", "chasebank") are how kits spell brands without a domain of their own.
    const first = [...b.domains][0];
    for (const c of b.compactNames) {
      const p = protectedEntry('brand', b.brand.name, first, true, b);
      if (!p || lookup.byToken.has(c)) continue;
      const named = { ...p, label: c, compact: c };
      push(lookup.byToken, c, named);
      if (c.length >= 6) lookup.embeddable.push(named);
    }
  }
  lookupCache.set(pack, lookup);
  return lookup;
}

interface OrgLookup {
  entries: Protected[];
  exempt: Set<string>;
}

const orgCache = new WeakMap<OrgContext, OrgLookup>();

function orgIndex(org: OrgContext): OrgLookup {
  const hit = orgCache.get(org);
  if (hit) return hit;
  const entries: Protected[] = [];
  const exempt = new Set<string>();
  const add = (kind: Kind, owner: string, d: string) => {
    const reg = registrableDomain(d) || d.toLowerCase();
    exempt.add(reg);
    const p = protectedEntry(kind, owner, reg, true);
    if (p && p.compact.length >= 3) entries.push(p);
  };
  for (const d of org.domains) add('org', 'our organisation', d);
  for (const partner of org.partners) for (const d of partner.domains) add('partner', partner.name, d);
  const result = { entries, exempt };
  orgCache.set(org, result);
  return result;
}

// ---------------------------------------------------------------------------------------
// Matching

function lureIn(tokens: string[]): boolean {
  return tokens.some((t) => LURE_WORDS.has(t));
}

/** True when s is one or more lure words run together ("securelogin", "myaccount"). */
function isLureCompound(s: string): boolean {
  if (s === '') return true;
  const ok: boolean[] = new Array(s.length + 1).fill(false);
  ok[0] = true;
  for (let i = 1; i <= s.length; i++) {
    for (let j = Math.max(0, i - 14); j < i && !ok[i]; j++) {
      if (ok[j] && LURE_WORDS.has(s.slice(j, i))) ok[i] = true;
    }
  }
  return ok[s.length];
}

function hostTokens(host: string): { label: string; labelTokens: string[]; subTokens: string[]; subLabels: string[] } | null {
  const parts = domainParts(host);
  if (!parts) return null;
  const label = foldText(labelToUnicode(parts.label)).toLowerCase();
  const subLabels = parts.subLabels.map((l) => foldText(labelToUnicode(l)).toLowerCase());
  return { label, labelTokens: labelTokens(label), subTokens: subLabels.flatMap(labelTokens), subLabels };
}

function matchOrg(host: string, entries: Protected[], minOrgLength: number, role: Role): Finding | null {
  if (entries.length === 0) return null;
  const parts = domainParts(host);
  const t = hostTokens(host);
  if (!parts || !t) return null;
  const unicodeLabel = labelToUnicode(parts.label);
  const idn = NON_ASCII.test(unicodeLabel);
  const skeleton = visualSkeleton(unicodeLabel);
  const compactLabel = t.label.replace(/[^a-z0-9]/g, '');
  const lured = lureIn([...t.labelTokens, ...t.subTokens]);
  const finding = (target: Protected, method: Method): Finding => ({ kind: target.kind, method, target, host, role, lured });

  for (const e of entries) {
    // Short org names are often ordinary words (mercy.org): mercy.com, mercyhurst.edu and
    // merck.com belong to others. Such names count under odd endings, as whole tokens, and
    // for slips of the finger; long names (stmarys-health) also inside other words.
    const long = e.compact.length >= LONG_ORG_NAME;
    if (parts.label === e.label && parts.suffix !== e.suffix && e.label.length >= 4) {
      if (long || !COMMON_ENDINGS.has(parts.suffix)) return finding(e, 'tld-swap');
      continue;
    }
    if (skeleton === e.skeleton && parts.label !== e.label) {
      return finding(e, idn ? 'homograph' : parts.label.replace(/-/g, '') === e.compact ? 'hyphenation' : 'lookalike');
    }
    if (e.compact.length < minOrgLength) continue;
    if (containsTokens(t.labelTokens, e.label) || (long && compactLabel.includes(e.compact))) return finding(e, 'embedded');
    if (compactLabel !== e.compact && isTypo(visualSkeleton(compactLabel), e.skeleton)) return finding(e, 'typo');
    if (t.subLabels.some((l) => l.replace(/[^a-z0-9]/g, '') === e.compact)) return finding(e, 'subdomain');
  }
  return null;
}

const LONG_ORG_NAME = 10;
const COMMON_ENDINGS = new Set(['com', 'net', 'org', 'edu', 'us', 'info', 'biz']);

/** The label's tokens contain the name's tokens in a row ("stmarys-health-it" has "stmarys", "health"), or its run-together form. */
function containsTokens(tokens: string[], name: string): boolean {
  const want = labelTokens(name);
  const joined = want.join('');
  if (tokens.includes(joined)) return true;
  for (let i = 0; i + want.length <= tokens.length; i++) {
    if (want.every((w, k) => tokens[i + k] === w)) return true;
  }
  return false;
}

function matchBrand(host: string, lookup: BrandLookup, minTypoLength: number, role: Role): Finding | null {
  const parts = domainParts(host);
  const t = hostTokens(host);
  if (!parts || !t) return null;
  const reg = parts.registrable;
  const unicodeLabel = labelToUnicode(parts.label);
  const idn = NON_ASCII.test(unicodeLabel);
  const lured = lureIn([...t.labelTokens, ...t.subTokens]);
  const usable = (p: Protected) => !(p.brand && brandOwnsDomain(p.brand, reg));
  const finding = (target: Protected, method: Method, isLured = lured): Finding => ({ kind: 'brand', method, target, host, role, lured: isLured });

  // Look-alike characters: the label reads exactly as a brand's label.
  const skeleton = visualSkeleton(unicodeLabel);
  for (const p of lookup.bySkeleton.get(skeleton) ?? []) {
    if (p.label !== parts.label && usable(p)) return finding(p, idn ? 'homograph' : 'lookalike');
  }
  if (skeleton.length >= 5) {
    for (const p of lookup.byLoose.get(looseSkeleton(unicodeLabel)) ?? []) {
      if (p.label !== parts.label && usable(p)) return finding(p, idn ? 'homograph' : 'lookalike');
    }
  }

  // Typos of distinctive names long enough that a neighbour is unlikely to be an honest word.
  if (skeleton.length >= minTypoLength - 1) {
    for (let len = skeleton.length - 2; len <= skeleton.length + 2; len++) {
      for (const p of lookup.byLength.get(len) ?? []) {
        if (p.compact.length < minTypoLength || p.label === parts.label || !isTypo(skeleton, p.skeleton) || !usable(p)) continue;
        return finding(p, idn ? 'homograph' : 'typo');
      }
    }
  }

  // The brand's exact name under an ending brands do not defensively register (.support, .online…).
  for (const p of lookup.byLabel.get(parts.label) ?? []) {
    if (!p.distinctive || p.label.length < 4 || !usable(p)) continue;
    if (suffixBrandsOwn(parts.suffix)) continue;
    return finding(p, 'tld-swap');
  }

  // The name inside someone else's domain. A brand word that is also a common word (apple,
  // chase, box) counts only next to words about credentials.
  const credentialLured = [...t.labelTokens, ...t.subTokens].some((x) => CREDENTIAL_LURE_WORDS.has(x));
  const embeds = (p: Protected, token: string) =>
    usable(p) && ((p.distinctive && token.length >= 4) || (!COMMON_WORD_LABELS.has(p.compact) && credentialLured));
  for (const token of t.labelTokens) {
    for (const p of lookup.byToken.get(token) ?? []) if (embeds(p, token)) return finding(p, 'embedded');
  }
  const letters = t.label.replace(/[^a-z]/g, '');
  for (const p of lookup.embeddable) {
    const at = letters.indexOf(p.compact);
    if (at < 0 || letters === p.compact || !usable(p)) continue;
    if (isLureCompound(letters.slice(0, at)) && isLureCompound(letters.slice(at + p.compact.length))) return finding(p, 'embedded', true);
  }
  // As a subdomain, a bare brand word is also how hosting sites name projects
  // (xbox-linux.sourceforge.net); it counts with lure words, in a sender address, or when
  // the brand's whole domain is spelled out in front of another (paypal.com.evil.net).
  const spelledOut = (p: Protected) => host.includes(`${p.registrable}.`);
  for (const sub of t.subLabels) {
    for (const token of new Set([sub.replace(/[^a-z0-9]/g, ''), ...labelTokens(sub)])) {
      for (const p of lookup.byToken.get(token) ?? []) {
        if (embeds(p, token) && (lured || role !== 'link' || spelledOut(p))) return finding(p, 'subdomain', lured || spelledOut(p));
      }
    }
  }
  return null;
}

/*
 * Domain labels of brands that are everyday words in other people's domain names, so they
 * are never read as the brand inside another domain (mercy-healthcare-portal.org is a
 * hospital, not HealthCare.gov; cms-login is a content management system).
 */
const COMMON_WORD_LABELS = new Set(['healthcare', 'live', 'office', 'booking', 'crypto', 'blockchain', 'oracle', 'meta', 'nextgen', 'mac', 'epic', 'cms', 'lilly', 'telekom']);

/*
 * One slip of the finger or the eye: a swap of neighbours, a letter dropped or added inside
 * the word, or a letter replaced by a neighbouring key or a look-alike. Changes at the very
 * end and unrelated substitutions make ordinary words (humana/human, twitter/twister,
 * binance/finance), so they do not count. Long names (10+) allow any two edits.
 */
function isTypo(candidate: string, target: string): boolean {
  if (target.length >= 10) return editDistance(candidate, target, 2) <= 2;
  if (editDistance(candidate, target, 1) !== 1) return false;
  if (candidate.length === target.length) {
    const diff = [...candidate].flatMap((ch, i) => (ch === target[i] ? [] : [i]));
    if (diff.length === 2) return true; // transposition
    const [i] = diff;
    return similarCharacters(candidate[i], target[i]);
  }
  const [shorter, longer] = candidate.length < target.length ? [candidate, target] : [target, candidate];
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  if (i >= shorter.length) return false; // the extra letter is at the end
  // A doubled letter ("paypall", "amazzon") or a dropped one inside the word.
  return i > 0;
}

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const VISUAL_PAIRS = ['il', 'l1', 'o0', 'mn', 'uv', 'ce', 'gq', 'bd', 'pq', 'vw', 'nh', 'rn'];

function similarCharacters(a: string, b: string): boolean {
  if (VISUAL_PAIRS.some((p) => p.includes(a) && p.includes(b))) return true;
  for (let r = 0; r < KEYBOARD_ROWS.length; r++) {
    const ia = KEYBOARD_ROWS[r].indexOf(a);
    if (ia < 0) continue;
    for (let dr = -1; dr <= 1; dr++) {
      const row = KEYBOARD_ROWS[r + dr];
      if (!row) continue;
      const ib = row.indexOf(b);
      if (ib >= 0 && Math.abs(ib - ia) <= 1 && !(dr === 0 && ib === ia)) return true;
    }
  }
  return false;
}

/** Endings under which a brand's own name is most likely the brand's (com, net, org, country codes). */
function suffixBrandsOwn(suffix: string): boolean {
  const last = suffix.slice(suffix.lastIndexOf('.') + 1);
  return ['com', 'net', 'org', 'edu', 'gov', 'mil', 'int'].includes(last) || isCountrySuffix(suffix);
}

// ---------------------------------------------------------------------------------------
// Reporting

const ROLE_FACTOR: Record<Role, number> = {
  From: 1,
  Sender: 1,
  'Reply-To': 1,
  'display name': 1,
  'Return-Path': 0.75,
  link: 0.75,
};

const METHOD_TEXT: Record<Method, string> = {
  homograph: 'spelled with foreign look-alike letters to read as',
  lookalike: 'written with look-alike characters to read as',
  hyphenation: 'the same name with different hyphenation as',
  typo: 'a near-miss spelling of',
  'tld-swap': 'the same name under a different ending than',
  embedded: 'a different domain carrying the name of',
  subdomain: 'a different domain using as a subdomain the name of',
};

function signalFor(f: Finding): string {
  if (f.kind !== 'brand') return 'ORG_LOOKALIKE_DOMAIN';
  if (f.method === 'homograph') return 'IDN_HOMOGRAPH_DOMAIN';
  if (f.method === 'embedded' || f.method === 'subdomain') return 'BRAND_NAME_IN_DOMAIN';
  return 'BRAND_LOOKALIKE_DOMAIN';
}

function factorFor(f: Finding): number {
  const role = ROLE_FACTOR[f.role];
  if (signalFor(f) !== 'BRAND_NAME_IN_DOMAIN') return role;
  // A brand's name in a domain is what fan sites and resellers do too; with lure words it is a kit.
  const sender = SENDER_ROLES.has(f.role) || f.role === 'Return-Path';
  if (f.lured) return sender ? 1.5 * role : 1;
  return sender ? role : 0.5;
}

function describe(f: Finding): string {
  const owner = f.kind === 'org' ? 'our domain' : f.kind === 'partner' ? `partner ${f.target.owner}'s domain` : `${f.target.owner}'s domain`;
  return `${f.role} domain ${shownHost(f.host)} is ${METHOD_TEXT[f.method]} ${owner} ${f.target.registrable}`;
}

/** The host as read, with its xn-- form when it differs. */
function shownHost(host: string): string {
  const unicode = toUnicode(host);
  const ascii = domainToASCII(host);
  return ascii && ascii !== unicode ? `${unicode} (${ascii})` : unicode;
}

function emitFindings(findings: Finding[], emit: EmitFn) {
  const best = new Map<string, { f: Finding; factor: number; others: number }>();
  for (const f of findings) {
    const id = signalFor(f);
    const factor = factorFor(f);
    const cur = best.get(id);
    if (!cur) best.set(id, { f, factor, others: 0 });
    else {
      cur.others++;
      if (factor > cur.factor) Object.assign(cur, { f, factor });
    }
  }
  for (const [id, { f, factor, others }] of best) {
    const more = others > 0 ? ` (and ${others} more)` : '';
    emit(id, `${describe(f)}${more}`, factor);
  }
}
