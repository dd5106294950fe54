import { createHash, randomUUID } from 'node:crypto';
import { migrate, type Db } from '../../store/database.ts';
import type { Severity } from '../incidents/incident-store.ts';
import { RESPOND_SCHEMA } from '../schema.ts';
import type { RespondSettings } from '../settings.ts';
import { incrementCounter } from './counters.ts';

export const EVENT_TYPES = ['incident.opened', 'incident.updated', 'campaign.formed', 'campaign.contained', 'report.received', 'pullback.completed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an alert says. Never message content: ids, counts, indicators of campaigns, who did what. */
export interface RespondEvent {
  id: string;
  type: EventType;
  at: string;
  severity: Severity;
  summary: string;
  data: Record<string, unknown>;
}

export function newEvent(type: EventType, severity: Severity, summary: string, data: Record<string, unknown>, at = new Date()): RespondEvent {
  return { id: randomUUID(), type, at: at.toISOString(), severity, summary, data };
}

export type AlertTarget = { kind: 'webhook'; index: number; key: string } | { kind: 'syslog'; key: string };

/** Targets of the alert configuration, each with a stable key (a changed URL is a new target). */
export function alertTargets(s: RespondSettings['alerts']): (AlertTarget & { accepts: (t: EventType) => boolean })[] {
  const out: (AlertTarget & { accepts: (t: EventType) => boolean })[] = s.webhooks.map((w, index) => ({
    kind: 'webhook' as const,
    index,
    key: `webhook:${createHash('sha256').update(w.url).digest('hex').slice(0, 16)}`,
    accepts: (t: EventType) => w.events.length === 0 || w.events.includes(t),
  }));
  if (s.syslog) out.push({ kind: 'syslog', key: `syslog:${s.syslog.host}:${s.syslog.port}/${s.syslog.protocol}`, accepts: () => true });
  return out;
}

export interface OutboxRow {
  id: number;
  eventId: string;
  eventType: EventType;
  target: string;
  payload: string;
  attempts: number;
  state: 'pending' | 'sent' | 'failed';
  lastError: string | null;
}

/**
 * The alert outbox: an event is written here in the same transaction as the change it
 * reports, one row per target, and the dispatcher delivers rows until they are sent or
 * have used up their attempts. A restart loses nothing and sends nothing twice that was
 * acknowledged.
 */
export class AlertOutbox {
  constructor(
    readonly db: Db,
    private readonly settings: () => RespondSettings['alerts'],
  ) {
    migrate(db, RESPOND_SCHEMA);
  }

  enqueue(e: RespondEvent, now = Date.now()): number {
    incrementCounter(this.db, 'medshield_respond_events_total', { type: e.type });
    const ins = this.db.prepare(
      "INSERT INTO respond_alert_outbox (event_id, event_type, target, payload, created_at, state, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
    );
    let n = 0;
    for (const t of alertTargets(this.settings())) {
      if (!t.accepts(e.type)) continue;
      ins.run(e.id, e.type, t.key, JSON.stringify(e), now, now);
      n++;
    }
    return n;
  }

  due(now: number, limit = 50): OutboxRow[] {
    const rows = this.db
      .prepare("SELECT * FROM respond_alert_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?")
      .all(now, limit) as { id: number; event_id: string; event_type: EventType; target: string; payload: string; attempts: number; state: OutboxRow['state']; last_error: string | null }[];
    return rows.map((r) => ({ id: r.id, eventId: r.event_id, eventType: r.event_type, target: r.target, payload: r.payload, attempts: r.attempts, state: r.state, lastError: r.last_error }));
  }

  nextDueAt(): number | null {
    return (this.db.prepare("SELECT MIN(next_attempt_at) FROM respond_alert_outbox WHERE state = 'pending'").pluck().get() as number | null) ?? null;
  }

  sent(id: number, now = Date.now()): void {
    this.db.prepare("UPDATE respond_alert_outbox SET state = 'sent', attempts = attempts + 1, last_error = NULL, done_at = ? WHERE id = ?").run(now, id);
  }

  retry(id: number, at: number, error: string): void {
    this.db.prepare('UPDATE respond_alert_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?').run(at, error, id);
  }

  failed(id: number, error: string, now = Date.now()): void {
    this.db.prepare("UPDATE respond_alert_outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?").run(error, now, id);
  }

  /** Rows of a target that no longer exists in the configuration are given up. */
  dropTarget(target: string, now = Date.now()): number {
    return this.db.prepare("UPDATE respond_alert_outbox SET state = 'failed', last_error = 'target removed from the configuration', done_at = ? WHERE target = ? AND state = 'pending'").run(now, target).changes;
  }

  counts(): { state: string; target: string; n: number }[] {
    return this.db.prepare('SELECT state, target, COUNT(*) AS n FROM respond_alert_outbox GROUP BY state, target').all() as { state: string; target: string; n: number }[];
  }

  prune(before: Date): number {
    return this.db.prepare("DELETE FROM respond_alert_outbox WHERE state != 'pending' AND done_at < ?").run(before.getTime()).changes;
  }
}
