import type { Campaign, Target } from './campaign-store.ts';
import type { EventKind, EventStore, Hit } from './event-store.ts';

export interface OutcomeCounts {
  opened: number;
  clicked: number;
  submitted: number;
  replied: number;
  reported: number;
}

export interface CampaignResults {
  campaign: { id: number; name: string; status: string };
  recipients: { total: number; pending: number; sent: number; delivered: number; failed: number; bounced: number; cancelled: number };
  /** What people did: distinct recipients per outcome. These are the figures that count. */
  people: OutcomeCounts;
  /** Shares of the delivered recipients (0–1). */
  rates: { clicked: number; submitted: number; reported: number };
  /** Machines: reported separately, never as failures. */
  scanners: { requests: number; recipients: number; byReason: Record<string, number> };
  /** Landing pages opened with no scanner evidence and no landing step: maybe a person, not counted. */
  unconfirmed: { requests: number; recipients: number };
  departments: ({ department: string; recipients: number } & OutcomeCounts)[];
  recipientsDetail: {
    id: number;
    email: string;
    name: string;
    department: string;
    role: string;
    site: string;
    state: string;
    sentAt: number | null;
    deliveredAt: number | null;
    events: Partial<Record<EventKind, number>>;
    scannerRequests: number;
    unconfirmedRequests: number;
  }[];
}

const zero = (): OutcomeCounts => ({ opened: 0, clicked: 0, submitted: 0, replied: 0, reported: 0 });

/** A reason's family, for the breakdown: "2.1 s after delivery" and "0.4 s after delivery" are one reason. */
function reasonFamily(r: string): string {
  return r
    .replace(/\(.*\)$/, '')
    .replace(/[\d.]+ s after delivery/, 'seconds after delivery')
    .replace(/^\d+ links of the message fetched within [\d.]+ s/, 'several links fetched at once')
    .replace(/^one client fetched links of \d+ recipients within [\d.]+ s/, 'one client fetching many recipients’ links')
    .replace(/^landing step [\d.]+ s after the page was served/, 'landing step faster than a person reads')
    .trim();
}

export function campaignResults(campaign: Campaign, targets: Target[], events: EventStore, hits: Hit[]): CampaignResults {
  const byTarget = new Map<number, Partial<Record<EventKind, number>>>();
  for (const e of events.eventsOfCampaign(campaign.id)) byTarget.set(e.targetId, { ...(byTarget.get(e.targetId) ?? {}), [e.kind]: e.at });
  const scannerByTarget = new Map<number, number>();
  const unconfirmedByTarget = new Map<number, number>();
  const byReason: Record<string, number> = {};
  let scannerRequests = 0;
  let unconfirmedRequests = 0;
  for (const h of hits) {
    if (h.verdict === 'scanner') {
      scannerRequests++;
      scannerByTarget.set(h.targetId, (scannerByTarget.get(h.targetId) ?? 0) + 1);
      for (const r of new Set(h.reasons.map(reasonFamily))) byReason[r] = (byReason[r] ?? 0) + 1;
    } else if (h.verdict === 'unconfirmed' && h.kind === 'click') {
      unconfirmedRequests++;
      unconfirmedByTarget.set(h.targetId, (unconfirmedByTarget.get(h.targetId) ?? 0) + 1);
    }
  }
  const people = zero();
  const departments = new Map<string, { department: string; recipients: number } & OutcomeCounts>();
  for (const t of targets) {
    const ev = byTarget.get(t.id) ?? {};
    const d = departments.get(t.department) ?? { department: t.department, recipients: 0, ...zero() };
    d.recipients++;
    for (const k of Object.keys(people) as (keyof OutcomeCounts)[]) {
      if (ev[k] !== undefined) {
        people[k]++;
        d[k]++;
      }
    }
    departments.set(t.department, d);
  }
  const count = (s: Target['state']) => targets.filter((t) => t.state === s).length;
  const delivered = targets.filter((t) => t.deliveredAt !== null).length;
  const base = delivered || targets.filter((t) => t.state === 'sent').length;
  const rate = (n: number) => (base ? Math.round((n / base) * 1000) / 1000 : 0);
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status },
    recipients: { total: targets.length, pending: count('pending'), sent: count('sent'), delivered, failed: count('failed'), bounced: count('bounced'), cancelled: count('cancelled') },
    people,
    rates: { clicked: rate(people.clicked), submitted: rate(people.submitted), reported: rate(people.reported) },
    scanners: { requests: scannerRequests, recipients: scannerByTarget.size, byReason },
    unconfirmed: { requests: unconfirmedRequests, recipients: [...unconfirmedByTarget.keys()].filter((id) => byTarget.get(id)?.clicked === undefined).length },
    departments: [...departments.values()].sort((a, b) => a.department.localeCompare(b.department)),
    recipientsDetail: targets.map((t) => ({
      id: t.id,
      email: t.email,
      name: t.name,
      department: t.department,
      role: t.role,
      site: t.site,
      state: t.state,
      sentAt: t.sentAt,
      deliveredAt: t.deliveredAt,
      events: byTarget.get(t.id) ?? {},
      scannerRequests: scannerByTarget.get(t.id) ?? 0,
      unconfirmedRequests: unconfirmedByTarget.get(t.id) ?? 0,
    })),
  };
}
