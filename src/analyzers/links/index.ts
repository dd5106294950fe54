import { domainToUnicode } from 'node:url';
import { Parser } from 'htmlparser2';
import { z } from 'zod';
import { defineAnalyzer, quote, type AnalyzerContext } from '../analyzer.ts';
import type { Link, ParsedMessage } from '../../parse/message.ts';
import { domainLabel, hasIcannSuffix, registrableDomain, topLevelDomain } from '../../text/domains.ts';
import {
  CLICK_TRACKERS,
  compileHostList,
  FREE_HOSTING,
  BRAND_ACTION_HINTS,
  LINK_WRAPPERS,
  LOGIN_TEXT_HINTS,
  LOGIN_URL_HINTS,
  SHORTENERS,
  SUSPICIOUS_TLDS,
  USER_CONTENT_HOSTS,
  type CompiledHostList,
} from './lists.ts';
import { genericRedirectTarget, knownRedirectTarget, safeDecode, unwrapProtectedLink } from './redirects.ts';

/**
 * Where the message's links really lead, compared with what the reader is shown: text
 * that displays one site but links to another, raw IPs, look-alike international
 * domains, hidden credentials in the authority, redirect chains through reputable sites,
 * throw-away hosting for sign-in pages, and forms that post credentials from the body.
 */

const configSchema = z.object({
  extraShorteners: z.array(z.string()).default([]),
  extraSuspiciousTlds: z.array(z.string()).default([]),
  extraFreeHosting: z.array(z.string()).default([]),
  extraUserContentHosts: z.array(z.string()).default([]),
  extraClickTrackers: z.array(z.string()).default([]),
  /** How many offending links to quote in one signal's evidence. */
  maxExamples: z.number().int().min(1).default(3),
});
type LinksConfig = z.output<typeof configSchema>;

export const links = defineAnalyzer({
  id: 'links',
  description: 'Deceptive, obfuscated or risky links and forms in the message body.',
  config: configSchema,
  signals: {
    LINK_TEXT_HREF_MISMATCH: {
      weight: 4,
      description: 'A link whose visible text is a web address on one site but which actually leads to another site.',
    },
    LINK_BRAND_MISMATCH: {
      weight: 3,
      description: "A link labelled with a well-known brand's name that leads somewhere the brand does not own.",
    },
    LINK_IP_HOST: {
      weight: 3,
      description: 'A link to a bare IP address instead of a domain name (more when the address is disguised in decimal/hex form).',
    },
    LINK_PUNYCODE: {
      weight: 2,
      description: 'A link to an internationalised (xn--) domain; more when it mixes alphabets to imitate a Latin name.',
    },
    LINK_SHORTENER: {
      weight: 1,
      description: 'A link through a URL shortener, which hides the destination (weak alone).',
    },
    LINK_OPEN_REDIRECT: {
      weight: 3,
      description: "A link through a reputable site's redirector to a different site, borrowing the reputable domain for the first hop.",
    },
    LINK_DANGEROUS_SCHEME: {
      weight: 4,
      description: 'A link that runs script or opens embedded/local content (javascript:, vbscript:, data:, file:).',
    },
    LINK_CREDENTIAL_LANDING: {
      weight: 5,
      description: 'A link to what looks like a sign-in or verification page on throw-away hosting, a form builder or a third-party site.',
    },
    LINK_FREE_HOSTING: {
      weight: 1.5,
      description: 'A link to free instant hosting (IPFS, web.app, pages.dev, blob storage…) that phishing kits favour.',
    },
    LINK_SUSPICIOUS_TLD: {
      weight: 1,
      description: 'A link into a top-level domain dominated by abuse (.top, .xyz, .click…); weak alone.',
    },
    LINK_HOST_USERINFO: {
      weight: 5,
      description: 'A link with text before an "@" in the address (http://paypal.com@evil.example/): the browser goes to the part after the "@".',
    },
    FORM_IN_BODY: {
      weight: 6,
      description: 'An HTML form in the message body that submits passwords or personal details to an outside site.',
    },
  },

  analyze(msg, ctx, config, emit) {
    const lists = compileLists(config);
    const env = messageEnvironment(msg, ctx);
    const found = new Findings(config.maxExamples);
    const seen = new Set<string>();
    for (const link of msg.links) {
      const key = `${link.href}\u0000${link.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inspectLink(link, env, lists, found);
    }
    inspectForms(msg, env, lists, found);
    found.emitAll(emit);
  },
});

interface Lists {
  shorteners: CompiledHostList;
  freeHosting: CompiledHostList;
  userContent: CompiledHostList;
  trackers: CompiledHostList;
  wrappers: CompiledHostList;
  suspiciousTlds: Set<string>;
  loginUrl: RegExp;
  loginText: RegExp;
  brandAction: RegExp;
}

// Config objects are re-parsed per message; key the compiled lists by their content.
const compiledCache = new Map<string, Lists>();

function compileLists(config: LinksConfig): Lists {
  const key = JSON.stringify([config.extraShorteners, config.extraSuspiciousTlds, config.extraFreeHosting, config.extraUserContentHosts, config.extraClickTrackers]);
  let l = compiledCache.get(key);
  if (!l) {
    l = {
      shorteners: compileHostList(SHORTENERS, config.extraShorteners),
      freeHosting: compileHostList(FREE_HOSTING, config.extraFreeHosting),
      userContent: compileHostList(USER_CONTENT_HOSTS, config.extraUserContentHosts),
      trackers: compileHostList(CLICK_TRACKERS, config.extraClickTrackers),
      wrappers: compileHostList(LINK_WRAPPERS),
      suspiciousTlds: new Set([...SUSPICIOUS_TLDS.entries, ...config.extraSuspiciousTlds].map((t) => t.toLowerCase().replace(/^\./, ''))),
      loginUrl: new RegExp(LOGIN_URL_HINTS.pattern),
      loginText: new RegExp(LOGIN_TEXT_HINTS.pattern, 'i'),
      brandAction: new RegExp(BRAND_ACTION_HINTS.pattern, 'iu'),
    };
    if (compiledCache.size > 16) compiledCache.clear();
    compiledCache.set(key, l);
  }
  return l;
}

/** What the message says about who is sending, used to tell "own" links from foreign ones. */
interface Environment {
  fromReg: string;
  /** From's domain passed DMARC or aligned DKIM: its own links are its own business. */
  fromAuthenticated: boolean;
  /** Registrable domains of the org and its partners. */
  trusted: Set<string>;
  brands: { name: string; re: RegExp; domains: Set<string> }[];
  brandDomains: Set<string>;
}

const brandCache = new WeakMap<object, Pick<Environment, 'brands' | 'brandDomains'>>();

function messageEnvironment(msg: ParsedMessage, ctx: AnalyzerContext): Environment {
  let b = brandCache.get(ctx.brands);
  if (!b) {
    const brands = ctx.brands.brands.map((br) => ({
      name: br.name,
      re: new RegExp(br.names.map((n) => `(?<![\\p{L}\\p{N}])${escapeRegex(n)}(?![\\p{L}\\p{N}])`).join('|'), 'iu'),
      domains: new Set(br.domains.map((d) => registrableDomain(d) || d.toLowerCase())),
    }));
    b = { brands, brandDomains: new Set(brands.flatMap((x) => [...x.domains])) };
    brandCache.set(ctx.brands, b);
  }
  const fromReg = msg.from?.domain ? registrableDomain(msg.from.domain) : '';
  const auth = ctx.auth;
  const fromAuthenticated =
    fromReg !== '' &&
    ((auth.dmarc?.result === 'pass' && registrableDomain(auth.dmarc.domain) === fromReg) ||
      auth.dkim.some((d) => d.result === 'pass' && d.aligned));
  const trusted = new Set<string>();
  for (const d of ctx.org.domains) trusted.add(registrableDomain(d) || d.toLowerCase());
  for (const p of ctx.org.partners) for (const d of p.domains) trusted.add(registrableDomain(d) || d.toLowerCase());
  return { fromReg, fromAuthenticated, trusted, ...b };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/** Collects examples per signal so each signal is emitted once with the strongest factor. */
class Findings {
  private readonly bySignal = new Map<string, { factor: number; examples: string[] }>();
  constructor(private readonly maxExamples: number) {}

  add(signal: string, example: string, factor = 1) {
    const f = this.bySignal.get(signal) ?? { factor: 0, examples: [] };
    f.factor = Math.max(f.factor, factor);
    if (f.examples.length < this.maxExamples && !f.examples.includes(example)) f.examples.push(example);
    this.bySignal.set(signal, f);
  }

  has(signal: string): boolean {
    return this.bySignal.has(signal);
  }

  emitAll(emit: (id: string, evidence: string, factor?: number) => void) {
    for (const [signal, f] of this.bySignal) emit(signal, f.examples.join('; '), f.factor);
  }
}

/** A network URL taken apart the way a browser would, keeping what the sender wrote. */
interface UrlParts {
  url: URL;
  /** Host as written (before IDNA/IPv4 normalisation), lower-case. */
  rawHost: string;
  userinfo: string;
  host: string;
  reg: string;
}

function parseNetworkUrl(href: string): UrlParts | null {
  let s = href.trim();
  if (s.startsWith('//')) s = `http:${s}`;
  const m = /^(https?|ftp):\/\/([^/?#\\]*)/i.exec(s);
  if (!m) return null;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  const authority = m[2];
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? safeDecode(authority.slice(0, at)) : '';
  const rawHost = safeDecode(authority.slice(at + 1))
    .replace(/:\d*$/, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return { url, rawHost, userinfo, host, reg: registrableDomain(host) };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isPrivateIpv4(ip: string): boolean {
  const m = IPV4.exec(ip);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

// Cyrillic and Greek letters that render like Latin ones: a label written only in these
// ("аррӏе") imitates a Latin name without mixing scripts.
const LATIN_LOOKALIKES = /^[асеорухіјѕһԁӏԛԝаеорсухвмнкті\u0391-\u03a9\u03b1-\u03c9-]+$/u;
const MIXED_SCRIPT_LABEL = /(?=.*\p{Script=Latin})(?=.*[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}])/u;

function punycodeFinding(p: UrlParts): { unicode: string; deceptive: boolean } | null {
  const labels = p.host.split('.');
  if (!labels.some((l) => l.startsWith('xn--')) && !/[^\x00-\x7f]/.test(p.rawHost)) return null;
  const unicode = domainToUnicode(p.host) || p.rawHost;
  const deceptive = unicode
    .split('.')
    .some((l) => MIXED_SCRIPT_LABEL.test(l) || (/[^\x00-\x7f]/.test(l) && LATIN_LOOKALIKES.test(l)));
  return { unicode, deceptive };
}

/** The host the sender wrote is an IP address, possibly disguised as one big number or hex/octal parts. */
function ipFinding(p: UrlParts): { ip: string; disguised: boolean } | null {
  if (p.host.startsWith('[')) return { ip: p.host, disguised: false };
  if (!IPV4.test(p.host)) return null;
  if (isPrivateIpv4(p.host)) return null;
  return { ip: p.host, disguised: p.rawHost !== p.host };
}

const AMBIGUOUS_TEXT_TLDS = new Set(['zip', 'mov', 'py', 'sh', 'md', 'rs', 'pl', 'ps', 'pm', 'sc', 'so', 'cc', 'js', 'cs', 'ts', 'gz', 'exe', 'doc', 'pdf', 'txt', 'htm', 'html', 'php', 'asp', 'aspx', 'jsp', 'cfm', 'cgi', 'me', 'in', 'is', 'it', 'at', 'to', 'us', 'no', 'so']);
const TEXT_LOOKS_LIKE_URL =
  /^(?:(?:https?|ftp):\/\/)?((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,63})\.?(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

/** The domain a link's visible text displays, when the text itself is a URL or a bare domain. */
function domainShownInText(text: string): { shown: string; host: string; explicit: boolean } | null {
  const t = text.trim().replace(/^[<(["'\s]+|[>)\]"'.,;:!\s]+$/g, '');
  if (!t || t.length > 300 || /\s/.test(t) || t.includes('@')) return null;
  const m = TEXT_LOOKS_LIKE_URL.exec(t);
  if (!m) return null;
  const host = m[1].toLowerCase();
  const explicit = /^(?:https?|ftp):\/\//i.test(t) || host.startsWith('www.') || /[/?#]/.test(t);
  if (!explicit && AMBIGUOUS_TEXT_TLDS.has(topLevelDomain(host))) return null;
  let ascii = host;
  try {
    ascii = new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
  if (!hasIcannSuffix(ascii)) return null;
  return { shown: t, host: ascii, explicit };
}

const TRACKING_HOST_LABEL = /^(?:clicks?|clickthru|click-?through|track(?:ing)?|trk|links?|lnk|r|t|e|em|el|go|url|redirect|redir|ct|cmgr|mailings?|lists?|email|mail|news(?:letter)?s?|msg|info)\d*\./;

function linkPathForHints(p: UrlParts): string {
  return `${p.host}${safeDecode(p.url.pathname)}`.toLowerCase();
}

function isTrustedFor(reg: string, env: Environment): boolean {
  return reg !== '' && (env.trusted.has(reg) || reg === env.fromReg);
}

function inspectLink(link: Link, env: Environment, lists: Lists, found: Findings) {
  const href = link.href;
  const scheme = (link.scheme || (/^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1] ?? '')).toLowerCase();
  if (scheme && !['http', 'https', 'ftp'].includes(scheme)) {
    inspectScheme(scheme, href, found);
    return;
  }
  const parts = parseNetworkUrl(href);
  if (!parts) return;

  // A gateway-rewritten link is judged by the link it wraps.
  let first = parts;
  const wrapper = lists.wrappers.has(parts.host, parts.url.pathname);
  if (wrapper) {
    const inner = parseNetworkUrl(unwrapProtectedLink(parts.url));
    if (inner) first = inner;
  }

  const hops: UrlParts[] = [first];
  const redirect = redirectFinding(first, env, lists);
  if (redirect?.target) hops.push(redirect.target);
  if (redirect?.report) found.add('LINK_OPEN_REDIRECT', redirect.report.evidence, redirect.report.factor);

  for (const hop of hops) inspectHop(hop, link, env, lists, found);
  inspectText(link, first, hops, env, lists, found);
}

function inspectScheme(scheme: string, href: string, found: Findings) {
  const lower = href.toLowerCase().replace(/\s+/g, '');
  if (scheme === 'javascript') {
    // Print/close/back buttons in old newsletters run harmless one-liners.
    if (/^javascript:(?:void\(0?\);?|;|window\.(?:print|close)\(\);?|history\.(?:back|go)\(-?\d*\);?|return false;?)?$/.test(lower)) return;
    // Mail clients do not run script links, and old newsletters used them for pop-ups:
    // a script link is odd, not dangerous by itself.
    found.add('LINK_DANGEROUS_SCHEME', quote(href, 60), 0.25);
  } else if (scheme === 'vbscript') {
    found.add('LINK_DANGEROUS_SCHEME', quote(href, 60));
  } else if (scheme === 'data') {
    if (/^data:image\//.test(lower)) return;
    found.add('LINK_DANGEROUS_SCHEME', quote(href, 60));
  } else if (scheme === 'file') {
    // Links to shares are normal between colleagues; from outside they point at SMB credential theft.
    found.add('LINK_DANGEROUS_SCHEME', quote(href, 60), 0.5);
  }
}

interface RedirectFinding {
  target: UrlParts | null;
  report: { evidence: string; factor: number } | null;
}

function redirectFinding(p: UrlParts, env: Environment, lists: Lists): RedirectFinding | null {
  const known = knownRedirectTarget(p.url);
  if (known) {
    if (known.target === 'opaque') {
      return { target: null, report: { evidence: `${p.host} redirect (${known.rule}) with a hidden destination`, factor: 0.67 } };
    }
    const target = parseNetworkUrl(known.target);
    if (!target || target.reg === p.reg || env.trusted.has(target.reg)) {
      return { target, report: null };
    }
    return { target, report: { evidence: `${p.host} (${known.rule}) → ${target.host}`, factor: 1 } };
  }
  const generic = genericRedirectTarget(p.url);
  if (!generic) return null;
  const target = parseNetworkUrl(generic.target);
  if (!target) return null;
  // A sender's own or its ESP's redirector sending readers to its own sites is how click tracking works.
  if (lists.trackers.has(p.host, p.url.pathname) || isTrustedFor(p.reg, env)) return { target, report: null };
  if (!target.reg || target.reg === p.reg || isTrustedFor(target.reg, env) || domainLabel(target.reg) === domainLabel(p.reg)) {
    return { target, report: null };
  }
  return { target, report: { evidence: `${p.host} ?${generic.param}= → ${target.host}`, factor: 0.5 } };
}

function inspectHop(p: UrlParts, link: Link, env: Environment, lists: Lists, found: Findings) {
  const path = p.url.pathname;
  const ip = ipFinding(p);
  if (ip) found.add('LINK_IP_HOST', ip.disguised ? `${p.rawHost} (= ${ip.ip})` : ip.ip, ip.disguised ? 5 / 3 : 1);

  if (p.userinfo && p.url.protocol !== 'ftp:') {
    const looksLikeSite = /\.[a-z]{2,}/i.test(p.userinfo) || env.brands.some((b) => b.re.test(p.userinfo));
    found.add('LINK_HOST_USERINFO', `${quote(p.userinfo, 40)} @ ${p.host}`, looksLikeSite ? 1 : 0.5);
  }

  const puny = punycodeFinding(p);
  if (puny) found.add('LINK_PUNYCODE', `${p.host} (${puny.unicode})`, puny.deceptive ? 2 : 1);

  const shortener = lists.shorteners.has(p.host, path);
  if (shortener) found.add('LINK_SHORTENER', p.host);

  const tld = topLevelDomain(p.host);
  if (!ip && lists.suspiciousTlds.has(tld) && !isTrustedFor(p.reg, env)) found.add('LINK_SUSPICIOUS_TLD', p.host);

  const loginInUrl = lists.loginUrl.test(linkPathForHints(p));
  const loginInText = lists.loginText.test(link.text);
  const freeHost = lists.freeHosting.has(p.host, path);
  const userContent = freeHost ? undefined : lists.userContent.has(p.host, path);
  // Hosting on a brand's domain (docs.google.com/forms, sites.google.com) is the brand's
  // customers speaking, not the brand: only our own and the sender's domains are exempt.
  const own = isTrustedFor(p.reg, env);
  const ownOrBrand = own || env.brandDomains.has(p.reg);

  if ((freeHost || userContent) && (loginInUrl || loginInText) && !own) {
    found.add('LINK_CREDENTIAL_LANDING', `${quote(link.text || p.host, 40)} → ${p.host}${truncate(path, 40)} (hosted on ${freeHost ?? userContent})`, 1);
  } else if (ip && loginInUrl) {
    found.add('LINK_CREDENTIAL_LANDING', `sign-in path on bare IP ${p.host}${truncate(path, 40)}`, 1);
  } else if (freeHost && !own) {
    found.add('LINK_FREE_HOSTING', `${p.host} (${freeHost})`);
  } else if (loginInUrl && loginInText && !ownOrBrand && p.reg && !senderFamily(p.reg, env) && !lists.trackers.has(p.host, path) && !lists.wrappers.has(p.host, path)) {
    // Sign-in wording in both the text and the URL, on a site that is neither the sender's,
    // ours nor a known brand's: a half-strength cue (services link their own login pages).
    found.add('LINK_CREDENTIAL_LANDING', `${quote(link.text, 40)} → ${p.host}${truncate(path, 40)}`, 0.4);
  }
}

/** "vendor.com" for mail from "vendor-mail.com": the same organisation's naming, not a stranger. */
function senderFamily(reg: string, env: Environment): boolean {
  const a = domainLabel(reg);
  const b = domainLabel(env.fromReg);
  if (a.length < 5 || b.length < 5) return false;
  return a.includes(b) || b.includes(a);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function inspectText(link: Link, first: UrlParts, hops: UrlParts[], env: Environment, lists: Lists, found: Findings) {
  if (!link.text || link.source === 'text') return;
  const shown = domainShownInText(link.text);
  // A tracker, or a gateway link that could not be unwrapped, hides where it goes.
  const hrefOpaque = (p: UrlParts) => lists.trackers.has(p.host, p.url.pathname) || lists.wrappers.has(p.host, p.url.pathname);
  if (shown) {
    const shownReg = registrableDomain(shown.host);
    if (!shownReg) return;
    const finalHop = hops[hops.length - 1];
    if (hops.some((h) => h.reg === shownReg)) return;
    if (hops.some((h) => sameLabel(h.reg, shownReg))) return;
    if (hrefOpaque(first)) return;
    // Tracking redirects often carry the destination somewhere in the URL.
    if (safeDecode(safeDecode(first.url.href)).toLowerCase().includes(shownReg)) return;
    if (env.fromAuthenticated && shownReg === env.fromReg) return;
    // Newsletters route clicks through their own domain ("clickthru.online.com" from
    // newsletter.online.com); the sender owns where the reader lands first.
    // Unless what it shows is a sign-in page or a known brand: that is platform abuse.
    const sensitive = env.brandDomains.has(shownReg) || lists.loginUrl.test(shown.shown.toLowerCase());
    if (env.fromReg && first.reg === env.fromReg && !sensitive) return;
    if (lists.shorteners.has(first.host, first.url.pathname) && shownReg === first.reg) return;
    // A bare "Brand.com" is often just a newsletter's name for itself, and a click-tracking
    // host ("clicks.example-mailer.com") is how bulk mail links everything: both half-strength.
    const halfStrength = !shown.explicit || TRACKING_HOST_LABEL.test(first.host);
    found.add('LINK_TEXT_HREF_MISMATCH', `text ${quote(shown.shown, 50)} → ${finalHop.host || finalHop.rawHost}`, halfStrength ? 0.5 : 1);
    return;
  }
  if (env.brands.length === 0 || !lists.brandAction.test(link.text)) return;
  for (const b of env.brands) {
    const m = b.re.exec(link.text);
    if (!m) continue;
    if (hops.some((h) => b.domains.has(h.reg) || isTrustedFor(h.reg, env))) return;
    if (hrefOpaque(first)) return;
    const decoded = safeDecode(safeDecode(first.url.href)).toLowerCase();
    if ([...b.domains].some((d) => decoded.includes(d))) return;
    const last = hops[hops.length - 1];
    found.add('LINK_BRAND_MISMATCH', `text ${quote(link.text, 50)} names ${b.name} but leads to ${last.host}`);
    return;
  }
}

function sameLabel(a: string, b: string): boolean {
  const la = domainLabel(a);
  return la.length >= 4 && la === domainLabel(b);
}

interface BodyForm {
  action: string;
  method: string;
  inputs: { type: string; name: string }[];
}

function formsInHtml(html: string): BodyForm[] {
  const forms: BodyForm[] = [];
  let current: BodyForm | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'form') {
          current = { action: (attrs.action ?? '').trim(), method: (attrs.method ?? 'get').toLowerCase(), inputs: [] };
          forms.push(current);
        } else if ((name === 'input' || name === 'select' || name === 'textarea') && current) {
          current.inputs.push({ type: (attrs.type ?? (name === 'input' ? 'text' : name)).toLowerCase(), name: (attrs.name ?? attrs.id ?? '').toLowerCase() });
        }
      },
      onclosetag(name) {
        if (name === 'form') current = null;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return forms;
}

const CREDENTIAL_FIELD = /pass|pwd|passcode|^pin$|cvv|cvc|card.?num|ccnum|cc.?number|expir|ssn|social.?sec|otp|security.?code|mfa|token/;
const PERSONAL_FIELD = /e-?mail|^ea$|phone|mobile|first.?name|last.?name|full.?name|address|zip|postal|birth|dob|account/;

function inspectForms(msg: ParsedMessage, env: Environment, lists: Lists, found: Findings) {
  if (msg.forms.length === 0 || !msg.html) return;
  for (const form of formsInHtml(msg.html)) {
    const target = parseNetworkUrl(form.action);
    // A form without an absolute action submits nowhere useful from inside a mail client.
    if (!target) continue;
    const own = isTrustedFor(target.reg, env) && (env.trusted.has(target.reg) || env.fromAuthenticated);
    if (own) continue;
    const visible = form.inputs.filter((i) => !['hidden', 'submit', 'button', 'image', 'reset'].includes(i.type));
    const credential = visible.some((i) => i.type === 'password' || CREDENTIAL_FIELD.test(i.name));
    const personal = visible.some((i) => i.type === 'email' || i.type === 'tel' || PERSONAL_FIELD.test(i.name));
    const foreign = target.reg !== env.fromReg && !sameLabel(target.reg, env.fromReg);
    if (credential) {
      found.add('FORM_IN_BODY', `form asks for credentials and posts to ${target.host}`, 1);
    } else if (personal && form.method === 'post' && (foreign || !target.reg) && !lists.trackers.has(target.host, target.url.pathname)) {
      found.add('FORM_IN_BODY', `form collects personal details and posts to ${target.host}`, 0.4);
    }
  }
}
