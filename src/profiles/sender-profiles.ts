import type { SenderProfile } from '../analyzers/analyzer.ts';
import { ACTIONS, type Action } from '../policy/policy.ts';
import { migrate, type Db } from '../store/database.ts';
import { isFreemail, registrableDomain } from '../text/domains.ts';
import { normalizeAddress } from './address.ts';

/**
 * What the organisation's own traffic says about a sender: how often we have heard from the
 * address and its domain, since when, whether anyone here has written to it, what Medshield
 * decided about its past mail, and what staff reported. One row per address and one per
 * domain, updated by upserts (atomic, so the gateway and a CLI can record at once).
 *
 * "Heard from" counts only mail that reached people (delivered or tagged): a sender whose
 * mail we held, quarantined or rejected must not become a familiar correspondent by
 * persistence. Every verdict is still counted per action, for the analyzers and the console.
 *
 * "Domain" is the organisation behind the address: its registrable domain (mail.partner.org
 * and partner.org are one correspondent). A free-mail provider is no organisation: for
 * gmail.com and the like, the domain figures a lookup returns are the address's own, or every
 * new Gmail account would inherit the familiarity of all Gmail users who ever wrote to us.
 */
export const PROFILES_SCHEMA = {
  module: 'profiles',
  migrations: [
    `CREATE TABLE profiles_addresses (
      address TEXT PRIMARY KEY,
      domain TEXT NOT NULL,
      first_seen INTEGER,
      last_seen INTEGER,
      delivered INTEGER NOT NULL DEFAULT 0,
      tagged INTEGER NOT NULL DEFAULT 0,
      held INTEGER NOT NULL DEFAULT 0,
      quarantined INTEGER NOT NULL DEFAULT 0,
      rejected INTEGER NOT NULL DEFAULT 0,
      outbound INTEGER NOT NULL DEFAULT 0,
      first_outbound INTEGER,
      last_outbound INTEGER,
      reported_phish INTEGER NOT NULL DEFAULT 0,
      reported_not_phish INTEGER NOT NULL DEFAULT 0,
      last_report INTEGER
    );
    CREATE INDEX profiles_addresses_domain ON profiles_addresses(domain);
    CREATE TABLE profiles_domains (
      domain TEXT PRIMARY KEY,
      first_seen INTEGER,
      last_seen INTEGER,
      delivered INTEGER NOT NULL DEFAULT 0,
      tagged INTEGER NOT NULL DEFAULT 0,
      held INTEGER NOT NULL DEFAULT 0,
      quarantined INTEGER NOT NULL DEFAULT 0,
      rejected INTEGER NOT NULL DEFAULT 0,
      outbound INTEGER NOT NULL DEFAULT 0,
      reported_phish INTEGER NOT NULL DEFAULT 0,
      reported_not_phish INTEGER NOT NULL DEFAULT 0
    );`,
  ],
};

const COLUMN: Record<Action, string> = { deliver: 'delivered', tag: 'tagged', hold: 'held', quarantine: 'quarantined', reject: 'rejected' };
const TRUSTED: readonly Action[] = ['deliver', 'tag'];

interface Counts {
  first_seen: number | null;
  last_seen: number | null;
  delivered: number;
  tagged: number;
  held: number;
  quarantined: number;
  rejected: number;
  outbound: number;
  reported_phish: number;
  reported_not_phish: number;
}

const EMPTY: Counts = {
  first_seen: null,
  last_seen: null,
  delivered: 0,
  tagged: 0,
  held: 0,
  quarantined: 0,
  rejected: 0,
  outbound: 0,
  reported_phish: 0,
  reported_not_phish: 0,
};

function pastVerdicts(c: Counts): Record<Action, number> {
  return { deliver: c.delivered, tag: c.tagged, hold: c.held, quarantine: c.quarantined, reject: c.rejected };
}

export class SenderProfileStore {
  constructor(private readonly db: Db) {
    migrate(db, PROFILES_SCHEMA);
  }

  private static parse(input: string): { address: string; domain: string } | null {
    const a = normalizeAddress(input);
    return a && { address: a.address, domain: registrableDomain(a.domain) || a.domain };
  }

  /** One inbound message's verdict. The null sender and non-addresses are ignored. */
  recordInbound(from: string, verdictAction: string, at: Date): void {
    if (!(ACTIONS as readonly string[]).includes(verdictAction)) {
      throw new TypeError(`sender profiles: unknown verdict action '${verdictAction}' (expected ${ACTIONS.join(', ')})`);
    }
    const a = SenderProfileStore.parse(from);
    if (!a) return;
    const action = verdictAction as Action;
    const col = COLUMN[action];
    // first_seen/last_seen date the mail that reached people; an untrusted verdict only counts.
    const seen = TRUSTED.includes(action);
    const t = at.getTime();
    const seenSet = seen ? `, first_seen = COALESCE(MIN(first_seen, @t), @t), last_seen = MAX(COALESCE(last_seen, @t), @t)` : '';
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO profiles_addresses (address, domain, first_seen, last_seen, ${col}) VALUES (@address, @domain, @first, @first, 1)
           ON CONFLICT (address) DO UPDATE SET ${col} = ${col} + 1${seenSet}`,
        )
        .run({ address: a.address, domain: a.domain, first: seen ? t : null, t });
      this.db
        .prepare(
          `INSERT INTO profiles_domains (domain, first_seen, last_seen, ${col}) VALUES (@domain, @first, @first, 1)
           ON CONFLICT (domain) DO UPDATE SET ${col} = ${col} + 1${seenSet}`,
        )
        .run({ domain: a.domain, first: seen ? t : null, t });
    })();
  }

  /** Someone in the organisation wrote to this address: later mail from it is solicited. */
  recordOutbound(to: string, at: Date): void {
    const a = SenderProfileStore.parse(to);
    if (!a) return;
    const t = at.getTime();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO profiles_addresses (address, domain, outbound, first_outbound, last_outbound) VALUES (@address, @domain, 1, @t, @t)
           ON CONFLICT (address) DO UPDATE SET outbound = outbound + 1,
             first_outbound = COALESCE(MIN(first_outbound, @t), @t), last_outbound = MAX(COALESCE(last_outbound, @t), @t)`,
        )
        .run({ address: a.address, domain: a.domain, t });
      this.db
        .prepare('INSERT INTO profiles_domains (domain, outbound) VALUES (?, 1) ON CONFLICT (domain) DO UPDATE SET outbound = outbound + 1')
        .run(a.domain);
    })();
  }

  /** A person's report about mail from this sender (the report button, the console). */
  recordReport(from: string, kind: 'phish' | 'not-phish', at: Date): void {
    if (kind !== 'phish' && kind !== 'not-phish') throw new TypeError(`sender profiles: unknown report kind '${String(kind)}'`);
    const a = SenderProfileStore.parse(from);
    if (!a) return;
    const col = kind === 'phish' ? 'reported_phish' : 'reported_not_phish';
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO profiles_addresses (address, domain, ${col}, last_report) VALUES (@address, @domain, 1, @t)
           ON CONFLICT (address) DO UPDATE SET ${col} = ${col} + 1, last_report = MAX(COALESCE(last_report, @t), @t)`,
        )
        .run({ address: a.address, domain: a.domain, t: at.getTime() });
      this.db.prepare(`INSERT INTO profiles_domains (domain, ${col}) VALUES (?, 1) ON CONFLICT (domain) DO UPDATE SET ${col} = ${col} + 1`).run(a.domain);
    })();
  }

  lookup(fromAddress: string): SenderProfile {
    const a = SenderProfileStore.parse(fromAddress);
    const addr = ((a && this.db.prepare('SELECT * FROM profiles_addresses WHERE address = ?').get(a.address)) as Counts | undefined) ?? EMPTY;
    const dom = a && isFreemail(a.domain) ? addr : (((a && this.db.prepare('SELECT * FROM profiles_domains WHERE domain = ?').get(a.domain)) as Counts | undefined) ?? EMPTY);
    return {
      messagesFromAddress: addr.delivered + addr.tagged,
      messagesFromDomain: dom.delivered + dom.tagged,
      firstSeen: addr.first_seen === null ? null : new Date(addr.first_seen),
      solicited: addr.outbound > 0,
      lastSeen: addr.last_seen === null ? null : new Date(addr.last_seen),
      domainFirstSeen: dom.first_seen === null ? null : new Date(dom.first_seen),
      domainSolicited: dom.outbound > 0,
      pastVerdicts: pastVerdicts(addr),
      domainPastVerdicts: pastVerdicts(dom),
      reports: { phish: addr.reported_phish, notPhish: addr.reported_not_phish },
    };
  }
}
