import type { MedshieldConfig } from '../config/schema.ts';
import type { Directory } from '../directory/directory.ts';
import { registrableDomain } from '../text/domains.ts';

/**
 * Where an address stands for verification: the organisation's own, a verified partner's
 * (the configuration's partners and the directory's partner organisations), or outside.
 */
export class Parties {
  private readonly org: Set<string>;
  private readonly partners = new Map<string, string>();

  constructor(config: MedshieldConfig, private readonly directory: Directory | null) {
    this.org = new Set(config.org.domains.map((d) => registrableDomain(d) || d));
    for (const p of config.org.partners) for (const d of p.domains) this.partners.set(registrableDomain(d) || d, p.name);
    for (const o of directory?.organizations() ?? []) {
      for (const d of o.domains) {
        if (o.kind === 'org') this.org.add(registrableDomain(d) || d);
        else if (!this.partners.has(registrableDomain(d) || d)) this.partners.set(registrableDomain(d) || d, o.name);
      }
    }
  }

  domainOf(address: string): string {
    return registrableDomain(address.split('@').pop() ?? '') || (address.split('@').pop() ?? '').toLowerCase();
  }

  isOrg(address: string): boolean {
    const d = this.domainOf(address);
    return d !== '' && (this.org.has(d) || !!this.directory?.isOrgDomain(d));
  }

  /** The partner's name when the address is at a verified partner's domain. */
  partnerOf(address: string): string | null {
    return this.partners.get(this.domainOf(address)) ?? null;
  }
}
