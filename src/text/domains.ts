import { readFileSync } from 'node:fs';
import { parse as parseDomain } from 'tldts';

/**
 * Domain helpers shared by analyzers. "Registrable domain" is the eTLD+1 with the private
 * section of the Public Suffix List enabled, so each tenant of a shared host
 * (foo.web.app, bar.github.io, x.blob.core.windows.net) counts as its own site: that is
 * the unit an attacker can register, and the unit a legitimate sender controls.
 */

const CACHE_LIMIT = 5000;
const registrableCache = new Map<string, string>();

/** Host name from a bare host, an e-mail address or a URL-ish string; lower-case, no trailing dot. */
function hostOf(input: string): string {
  let s = input.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at >= 0 && !s.includes('/')) s = s.slice(at + 1);
  return s.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/**
 * Registrable domain of a host or address ('' for IP addresses, single labels and
 * anything without a known public suffix).
 */
export function registrableDomain(hostOrAddress: string): string {
  const host = hostOf(hostOrAddress);
  if (!host) return '';
  const hit = registrableCache.get(host);
  if (hit !== undefined) return hit;
  const p = parseDomain(host, { allowPrivateDomains: true });
  const domain = p.isIp || !p.domain ? '' : p.domain.toLowerCase();
  if (registrableCache.size >= CACHE_LIMIT) registrableCache.clear();
  registrableCache.set(host, domain);
  return domain;
}

/** The label an organisation picked: "paypal" for paypal.co.uk, "foo" for foo.web.app. */
export function domainLabel(registrable: string): string {
  const p = parseDomain(registrable, { allowPrivateDomains: true });
  return (p.domainWithoutSuffix ?? '').toLowerCase();
}

/** True when the host ends in a suffix on the Public Suffix List's ICANN section (a real TLD). */
export function hasIcannSuffix(host: string): boolean {
  const p = parseDomain(hostOf(host), { allowPrivateDomains: false });
  return !p.isIp && p.isIcann === true && !!p.domain;
}

/** Top-level domain (last label) of a host, lower-case. */
export function topLevelDomain(host: string): string {
  const h = hostOf(host);
  const dot = h.lastIndexOf('.');
  return dot >= 0 ? h.slice(dot + 1) : '';
}

/** True when `host` is `domain` or a subdomain of it. */
export function hostWithin(host: string, domain: string): boolean {
  const h = hostOf(host);
  const d = domain.toLowerCase().replace(/\.$/, '');
  return h === d || h.endsWith(`.${d}`);
}

interface FreemailFile {
  domains: string[];
}

let freemail: Set<string> | undefined;

function freemailDomains(): Set<string> {
  if (!freemail) {
    const file = JSON.parse(readFileSync(new URL('./freemail.json', import.meta.url), 'utf8')) as FreemailFile;
    freemail = new Set(file.domains.map((d) => d.toLowerCase()));
  }
  return freemail;
}

/** Whether an address or domain belongs to a consumer mailbox provider (anyone can sign up). */
export function isFreemail(addressOrDomain: string): boolean {
  const reg = registrableDomain(addressOrDomain);
  return reg !== '' && freemailDomains().has(reg);
}
