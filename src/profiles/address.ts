import { domainToASCII } from 'node:url';

export interface NormalizedAddress {
  address: string;
  domain: string;
}

/**
 * One spelling per mailbox, so `Dr.Smith@Clinic.EXAMPLE`, `<dr.smith@clinic.example>` and the
 * Unicode and punycode forms of an IDN domain are counted as the same sender. Local parts are
 * lower-cased too: RFC 5321 lets them be case-sensitive, but no real mail system does that, and
 * an attacker gains nothing from it. Returns null for the null sender and for non-addresses.
 */
export function normalizeAddress(input: string): NormalizedAddress | null {
  let s = input.trim();
  const bracketed = /<([^<>]*)>\s*$/.exec(s);
  if (bracketed) s = bracketed[1]!.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return null;
  const local = s.slice(0, at).toLowerCase();
  const domain = domainToASCII(s.slice(at + 1).replace(/\.$/, '').toLowerCase());
  if (!domain) return null;
  return { address: `${local}@${domain}`, domain };
}
