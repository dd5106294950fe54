import type { Campaign, CampaignStore, Target } from './campaign-store.ts';
import type { EventKind, EventStore } from './event-store.ts';
import { classifyHit, type ClassifierSettings, type HitKind, type HitVerdict } from './scanner-classifier.ts';
import type { LinkSigner } from './tokens.ts';

export interface TrackRequest {
  token: string;
  kind: HitKind;
  method: string;
  userAgent: string;
  ip: string;
  accept?: string;
  purpose?: string;
  trustedInteraction?: boolean;
  /** Form fields that had a value (names only: the values never reach this module). */
  fields?: string[];
}

export type TrackResult =
  | { found: false }
  | {
      found: true;
      target: Target;
      campaign: Campaign;
      link: number;
      verdict: HitVerdict;
      reasons: string[];
      /** The landing page no longer answers (campaign finished, cancelled or past its closing date). */
      closed: boolean;
      /** Outcomes recorded for the first time by this request. */
      newEvents: EventKind[];
    };

/**
 * Records a request to a tracking or landing URL: verifies its token, classifies the
 * requester (person, scanner, unconfirmed), keeps the hit, and turns a person's actions into
 * outcomes. Only a person's actions become outcomes; a scanner's are kept as hits and
 * reported separately.
 */
export class Tracker {
  constructor(
    private readonly o: {
      campaigns: CampaignStore;
      events: EventStore;
      signer: LinkSigner;
      classifier: () => ClassifierSettings;
      now: () => number;
      /** A person's first click or submission in a simulation (auto-enrolment). */
      onOutcome?: (target: Target, campaign: Campaign, kinds: EventKind[]) => void;
    },
  ) {}

  track(r: TrackRequest): TrackResult {
    const claims = this.o.signer.verify(r.token, r.kind === 'open' ? 'open' : 'click');
    if (!claims) return { found: false };
    const target = this.o.campaigns.target(claims.id);
    const campaign = target ? this.o.campaigns.get(target.campaignId) : undefined;
    if (!target || !campaign || target.state === 'pending' || target.state === 'cancelled') return { found: false };
    const at = this.o.now();
    const closed = campaign.status === 'finished' || campaign.status === 'cancelled' || (campaign.closesAt !== null && at > campaign.closesAt);
    const s = this.o.classifier();
    const prior = this.o.events.priorHits(target.id);
    const crowd = this.o.events.crowd(r.ip, r.userAgent, at - s.crowdWindowSeconds * 1000) + (r.kind === 'open' ? 0 : 1);
    const c = classifyHit(
      { kind: r.kind, method: r.method, userAgent: r.userAgent, ip: r.ip, at, link: claims.extra, accept: r.accept, purpose: r.purpose, trustedInteraction: r.trustedInteraction },
      { deliveredAt: target.deliveredAt, sentAt: target.sentAt ?? at, targetHits: prior, crowdRecipients: crowd },
      s,
    );
    const verdict: HitVerdict = closed && c.verdict === 'human' ? 'unconfirmed' : c.verdict;
    const reasons = closed ? ['campaign closed', ...c.reasons] : c.reasons;
    const reference = target.deliveredAt ?? target.sentAt;
    this.o.events.recordHit({
      targetId: target.id,
      at,
      kind: r.kind,
      link: claims.extra,
      method: r.method.toUpperCase(),
      userAgent: r.userAgent,
      ip: r.ip,
      sinceDeliveryMs: reference === null ? null : at - reference,
      verdict,
      reasons,
      fields: r.kind === 'submit' ? (r.fields ?? []) : null,
    });
    const newEvents: EventKind[] = [];
    if (verdict === 'human') {
      const add = (k: EventKind, detail: Record<string, unknown> = {}) => {
        if (this.o.events.addEvent(target.id, k, at, detail)) newEvents.push(k);
      };
      if (r.kind === 'open') add('opened');
      else {
        // A person on the landing page has opened the message too.
        add('opened', { implied: true });
        add('clicked', { link: claims.extra });
        if (r.kind === 'submit') add('submitted', { fields: r.fields ?? [] });
      }
      if (newEvents.some((k) => k === 'clicked' || k === 'submitted')) this.o.onOutcome?.(target, campaign, newEvents);
    }
    return { found: true, target, campaign, link: claims.extra, verdict, reasons, closed, newEvents };
  }
}
