import { migrate, type Db } from '../store/database.ts';
import type { HitKind, HitVerdict, PriorHit } from './scanner-classifier.ts';
import { SIMULATIONS_SCHEMA } from './schema.ts';

export const EVENT_KINDS = ['opened', 'clicked', 'submitted', 'replied', 'reported'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface Hit {
  id: number;
  targetId: number;
  at: number;
  kind: HitKind;
  link: number;
  method: string;
  userAgent: string;
  ip: string;
  sinceDeliveryMs: number | null;
  verdict: HitVerdict;
  reasons: string[];
  /** Names of the form fields that had something in them (never what). */
  fields: string[] | null;
}

export interface NewHit extends Omit<Hit, 'id'> {}

interface HitRow {
  id: number;
  target_id: number;
  at: number;
  kind: HitKind;
  link: number;
  method: string;
  user_agent: string;
  ip: string;
  since_delivery_ms: number | null;
  verdict: HitVerdict;
  reasons: string;
  fields: string | null;
}

function toHit(r: HitRow): Hit {
  return {
    id: r.id,
    targetId: r.target_id,
    at: r.at,
    kind: r.kind,
    link: r.link,
    method: r.method,
    userAgent: r.user_agent,
    ip: r.ip,
    sinceDeliveryMs: r.since_delivery_ms,
    verdict: r.verdict,
    reasons: JSON.parse(r.reasons) as string[],
    fields: r.fields ? (JSON.parse(r.fields) as string[]) : null,
  };
}

/**
 * Every request to a tracking or landing URL (hits), and the outcomes that count (events:
 * the first time a person opened, clicked, submitted, replied or reported, per recipient).
 */
export class EventStore {
  constructor(readonly db: Db) {
    migrate(db, SIMULATIONS_SCHEMA);
  }

  recordHit(h: NewHit): number {
    return Number(
      this.db
        .prepare('INSERT INTO simulations_hits (target_id, at, kind, link, method, user_agent, ip, since_delivery_ms, verdict, reasons, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(h.targetId, h.at, h.kind, h.link, h.method, h.userAgent.slice(0, 400), h.ip, h.sinceDeliveryMs, h.verdict, JSON.stringify(h.reasons), h.fields ? JSON.stringify(h.fields) : null).lastInsertRowid,
    );
  }

  priorHits(targetId: number, limit = 200): PriorHit[] {
    return (this.db.prepare('SELECT at, kind, link, ip, verdict FROM simulations_hits WHERE target_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(targetId, limit) as PriorHit[]).reverse();
  }

  /** Distinct recipients whose links one client (address and user agent) fetched since `since`. */
  crowd(ip: string, userAgent: string, since: number): number {
    return this.db.prepare("SELECT COUNT(DISTINCT target_id) FROM simulations_hits WHERE ip = ? AND user_agent = ? AND at >= ? AND kind != 'open'").pluck().get(ip, userAgent.slice(0, 400), since) as number;
  }

  hitsOfTarget(targetId: number): Hit[] {
    return (this.db.prepare('SELECT * FROM simulations_hits WHERE target_id = ? ORDER BY at, id').all(targetId) as HitRow[]).map(toHit);
  }

  hitsOfCampaign(campaignId: number): Hit[] {
    return (this.db.prepare('SELECT h.* FROM simulations_hits h JOIN simulations_targets t ON t.id = h.target_id WHERE t.campaign_id = ? ORDER BY h.at, h.id').all(campaignId) as HitRow[]).map(toHit);
  }

  /** Records the first occurrence of an outcome; false when it was recorded before. */
  addEvent(targetId: number, kind: EventKind, at: number, detail: Record<string, unknown> = {}): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO simulations_events (target_id, kind, at, detail) VALUES (?, ?, ?, ?)').run(targetId, kind, at, JSON.stringify(detail)).changes > 0;
  }

  eventsOfCampaign(campaignId: number): { targetId: number; kind: EventKind; at: number; detail: Record<string, unknown> }[] {
    return (
      this.db.prepare('SELECT e.target_id, e.kind, e.at, e.detail FROM simulations_events e JOIN simulations_targets t ON t.id = e.target_id WHERE t.campaign_id = ? ORDER BY e.at').all(campaignId) as {
        target_id: number;
        kind: EventKind;
        at: number;
        detail: string | null;
      }[]
    ).map((r) => ({ targetId: r.target_id, kind: r.kind, at: r.at, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {} }));
  }

  /** Per address, how many simulations since `since` ended in each outcome (a submission is not also counted as a click). */
  outcomesByEmail(since: number): Map<string, { clicked: number; submitted: number; replied: number; reported: number }> {
    const rows = this.db
      .prepare(
        `SELECT t.email AS email,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM simulations_events e WHERE e.target_id = t.id AND e.kind = 'clicked' AND e.at >= @since)
               AND NOT EXISTS (SELECT 1 FROM simulations_events e WHERE e.target_id = t.id AND e.kind = 'submitted' AND e.at >= @since) THEN 1 ELSE 0 END) AS clicked,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM simulations_events e WHERE e.target_id = t.id AND e.kind = 'submitted' AND e.at >= @since) THEN 1 ELSE 0 END) AS submitted,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM simulations_events e WHERE e.target_id = t.id AND e.kind = 'replied' AND e.at >= @since) THEN 1 ELSE 0 END) AS replied,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM simulations_events e WHERE e.target_id = t.id AND e.kind = 'reported' AND e.at >= @since) THEN 1 ELSE 0 END) AS reported
         FROM simulations_targets t WHERE t.state = 'sent' GROUP BY t.email`,
      )
      .all({ since }) as { email: string; clicked: number; submitted: number; replied: number; reported: number }[];
    return new Map(rows.filter((r) => r.clicked + r.submitted + r.replied + r.reported > 0).map((r) => [r.email, { clicked: r.clicked, submitted: r.submitted, replied: r.replied, reported: r.reported }]));
  }
}
