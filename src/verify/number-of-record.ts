import { parsePhoneNumber } from 'awesome-phonenumber';
import type { BrandPack } from '../brands/brand-pack.ts';
import { brandOwnsDomain, findBrandMentions, indexBrandPack, type BrandIndex } from '../brands/match.ts';
import { extractClinicianClaims } from '../directory/claims.ts';
import type { Directory, DirectoryPerson } from '../directory/directory.ts';
import { displayName } from '../directory/model.ts';
import { organizationsNamed } from '../directory/org-mentions.ts';
import { isFreemail, registrableDomain } from '../text/domains.ts';
import type { NumberInMail, NumberOfRecord } from './store/tasks.ts';

/**
 * The numbers a verifier may call: those on record for whom a message presents itself as —
 * the provider directory (a person's own line and their practice's), a verified partner's
 * numbers, the organisation's known lines, NPPES practice phones for clinicians outside the
 * directory, and the brand pack's official numbers. Never a number taken from the message:
 * those are listed apart, as unverified, with their owner on record when they have one.
 */

export interface PartyClaim {
  fromAddress: string;
  fromName: string;
  subject: string;
  /** The opening of the body. */
  text: string;
  phonesInMail: { e164: string; raw: string }[];
}

export interface RecordLookup {
  /** Whom the message presents itself as, '' when no one in particular. */
  claimed: string;
  numbersOfRecord: NumberOfRecord[];
  numbersInMail: NumberInMail[];
}

export class NumberOfRecordLookup {
  private readonly brandIndex: BrandIndex;

  constructor(
    private readonly directory: Directory | null,
    private readonly brands: BrandPack,
  ) {
    this.brandIndex = indexBrandPack(brands);
  }

  lookup(c: PartyClaim): RecordLookup {
    const numbers = new Map<string, NumberOfRecord>();
    const labels: string[] = [];
    const add = (e164: string, source: NumberOfRecord['source'], label: string) => {
      if (!numbers.has(e164)) numbers.set(e164, { e164, source, label });
    };
    const dir = this.directory;
    const domain = registrableDomain(c.fromAddress);

    if (dir) {
      const byEmail = c.fromAddress ? dir.personByEmail(c.fromAddress) : undefined;
      const people = new Set<DirectoryPerson>(byEmail ? [byEmail] : []);
      const claims = extractClinicianClaims({ fromName: c.fromName, subject: c.subject, text: c.text, imageText: '' }).filter((x) => !x.addressee && (x.speaker || x.source === 'display-name' || x.source === 'signature'));
      for (const claim of claims) {
        const matches = claim.readings.flatMap((r) => dir.findPersonsByName(claim.parsed.doctorTitle && !r.includes(' ') ? `Dr. ${r}` : r)).filter((m) => m.kind !== 'family' || claim.clinical);
        if (matches.length > 0 && (matches.length === 1 || matches[0]!.kind !== 'family')) people.add(matches[0]!.person);
        else if (matches.length === 0 && claim.clinical && dir.nppes) {
          const parsed = claim.parsed;
          for (const e of dir.nppes.findIndividuals(parsed.given ?? '', parsed.family ?? '').filter((x) => x.active && x.phone).slice(0, 3)) {
            add(e.phone, 'nppes', `${titleCase(e.name)} (NPPES ${e.npi}, practice phone)`);
          }
          labels.push(claim.text);
        }
      }
      for (const p of people) {
        const org = dir.organizationOf(p);
        for (const n of dir.phonesOf(p)) add(n, org?.kind === 'partner' ? 'partner' : 'directory', `${displayName(p)}${org ? `, ${org.name}` : ''}`);
        labels.push(displayName(p));
      }
      const partner = domain ? dir.partnerForDomain(domain) : undefined;
      const orgs = new Set(organizationsNamed(dir, [c.fromName, c.subject, c.text.slice(0, 20_000)].join('\n')));
      if (partner) orgs.add(partner);
      for (const org of orgs) {
        for (const n of org.phones) add(n, org.kind === 'partner' ? 'partner' : 'directory', org.name);
        if (org.kind === 'org') for (const k of dir.knownPhones()) add(k.e164, 'known-line', k.label);
        labels.push(org.name);
      }
    }

    const mentioned = new Set(findBrandMentions(this.brandIndex, [c.fromName, c.subject, c.text.slice(0, 2000)].join('\n')).map((m) => m.brand));
    // A free-mail address speaks for its holder, not for the mail provider.
    if (domain && !isFreemail(domain)) for (const b of this.brandIndex.brands) if (brandOwnsDomain(b, domain)) mentioned.add(b);
    for (const b of mentioned) {
      for (const n of b.brand.phones ?? []) add(n, 'brand-pack', b.brand.name);
      labels.push(b.brand.name);
    }

    const inMail: NumberInMail[] = [];
    for (const p of c.phonesInMail) inMail.push({ e164: p.e164, raw: p.raw, owner: this.owner(p.e164) });
    return { claimed: [...new Set(labels)].slice(0, 3).join(' / '), numbersOfRecord: [...numbers.values()], numbersInMail: inMail };
  }

  /** Whose number this is on record, if anyone's. */
  owner(e164: string): string | null {
    const dir = this.directory;
    const o = dir?.phoneOwner(e164);
    if (o) return o.name;
    const brand = this.brandIndex.brands.find((b) => b.brand.phones?.includes(e164));
    if (brand) return brand.brand.name;
    const practice = dir?.nppes?.byPhone(e164).find((e) => e.active);
    return practice ? `${titleCase(practice.name)} (NPPES ${practice.npi})` : null;
  }
}

export function formatPhone(e164: string): string {
  return parsePhoneNumber(e164).number?.national ?? e164;
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}
