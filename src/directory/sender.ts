import type { AuthResult } from '../authenticate/auth-result.ts';
import { editDistance, visualSkeleton } from '../brands/match.ts';
import type { ParsedMessage } from '../parse/message.ts';
import { domainLabel, isFreemail, registrableDomain } from '../text/domains.ts';
import type { Directory, DirectoryPerson } from './directory.ts';

/**
 * Where a message's sender stands with respect to the organisation: its own domain, a
 * verified partner's, a free-mail account, a domain imitating one of them, or a stranger;
 * and whether authentication says the From domain is really theirs.
 */

export type AuthStanding = 'aligned' | 'failed' | 'unknown';

export interface SenderStanding {
  address: string;
  /** Registrable domain of the From address, '' when none. */
  domain: string;
  freemail: boolean;
  /** The From domain is the protected organisation's (config or directory). */
  org: boolean;
  /** Name of the verified partner whose domain this is. */
  partner: string | null;
  /** aligned: DMARC pass or an aligned DKIM pass; failed: DMARC fail or a forged aligned signature; else unknown. */
  auth: AuthStanding;
  /** The organisation or partner domain this domain imitates (stmarys-heaIth.org, stmarys-health-portal.com). */
  imitates: string | null;
  /** Mail from this domain has been seen often, or the organisation has written to it. */
  established: boolean;
}

export interface OrgDomains {
  domains: string[];
  partners: { name: string; domains: string[] }[];
}

export function authStanding(auth: AuthResult, fromDomain: string): AuthStanding {
  if (auth.source === 'none' || !fromDomain) return 'unknown';
  if (auth.dmarc?.result === 'pass' && registrableDomain(auth.dmarc.domain) === fromDomain) return 'aligned';
  if (auth.dkim.some((d) => d.result === 'pass' && d.aligned)) return 'aligned';
  if (auth.dmarc?.result === 'fail') return 'failed';
  if (auth.dkim.some((d) => d.aligned && d.result === 'fail' && d.headersVerified !== true)) return 'failed';
  return 'unknown';
}

const letters = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether a registrable domain imitates one we know: same look, one or two keystrokes off, or ours with words added. */
export function imitatedDomain(domain: string, known: string[]): string | null {
  if (!domain) return null;
  const label = domainLabel(domain);
  const compact = letters(label);
  const skeleton = visualSkeleton(label);
  for (const k of known) {
    if (k === domain) continue;
    const kl = domainLabel(k);
    const kc = letters(kl);
    if (kc.length < 5) continue;
    if (compact === kc || skeleton === visualSkeleton(kl) || compact.includes(kc) || (kc.length >= 8 && editDistance(compact, kc, 2) <= 2)) return k;
  }
  return null;
}

export function senderStanding(
  msg: ParsedMessage,
  auth: AuthResult,
  org: OrgDomains,
  directory: Directory,
  profile: { messagesFromDomain: number; solicited: boolean } | null,
  establishedAfter = 10,
): SenderStanding {
  const address = msg.from?.address ?? '';
  const domain = registrableDomain(msg.from?.domain ?? '');
  const orgDomains = new Set([...org.domains.map((d) => registrableDomain(d) || d), ...directory.organizations().filter((o) => o.kind === 'org').flatMap((o) => o.domains)]);
  const partnerOf = new Map<string, string>();
  for (const p of org.partners) for (const d of p.domains) partnerOf.set(registrableDomain(d) || d, p.name);
  for (const o of directory.organizations()) if (o.kind === 'partner') for (const d of o.domains) partnerOf.set(d, o.name);
  const isOrg = domain !== '' && (orgDomains.has(domain) || directory.isOrgDomain(domain));
  const partner = domain ? (partnerOf.get(domain) ?? null) : null;
  return {
    address,
    domain,
    freemail: domain !== '' && isFreemail(domain),
    org: isOrg,
    partner,
    auth: authStanding(auth, domain),
    imitates: isOrg || partner ? null : imitatedDomain(domain, [...orgDomains, ...partnerOf.keys()]),
    established: !!profile && (profile.solicited || profile.messagesFromDomain >= establishedAfter),
  };
}

/** The address is one of the person's, or from a domain that speaks for them (theirs or their organisation's). */
export function sentByPerson(sender: SenderStanding, person: DirectoryPerson, directory: Directory): boolean {
  if (sender.address && person.emails.includes(sender.address)) return true;
  // A personal free-mail address on record vouches for that address only, not for everyone at gmail.com.
  return sender.domain !== '' && !sender.freemail && directory.domainsOf(person).includes(sender.domain);
}

/** How the sender is described in evidence. */
export function describeSender(s: SenderStanding): string {
  if (!s.address) return 'a sender without an address';
  if (s.freemail) return `the free-mail account ${s.address}`;
  if (s.imitates) return `${s.address}, a domain imitating ${s.imitates}`;
  return s.address;
}
