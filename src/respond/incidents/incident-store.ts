import type { Cipher } from '../../gateway/spool.ts';
import { migrate, type Db } from '../../store/database.ts';
import { RespondError } from '../errors.ts';
import { RESPOND_SCHEMA } from '../schema.ts';

export const INCIDENT_KINDS = ['verdict', 'report', 'verification', 'campaign', 'click'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export const INCIDENT_STATUSES = ['open', 'investigating', 'contained', 'resolved', 'false-positive'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Incident {
  id: number;
  kind: IncidentKind;
  severity: Severity;
  status: IncidentStatus;
  owner: string | null;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  campaignId: number | null;
}

export interface TimelineEvent {
  id: number;
  at: Date;
  actor: string;
  kind: string;
  summary: string;
  /** Analysts' notes are sealed (they may name patients); null for system events. */
  note: string | null;
}

interface Row {
  id: number;
  kind: IncidentKind;
  severity: Severity;
  status: IncidentStatus;
  owner: string | null;
  title: string;
  created_at: number;
  updated_at: number;
  campaign_id: number | null;
}

function toIncident(r: Row): Incident {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    status: r.status,
    owner: r.owner,
    title: r.title,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    campaignId: r.campaign_id,
  };
}

export interface IncidentFilter {
  status?: IncidentStatus[];
  kind?: IncidentKind[];
  owner?: string;
  campaignId?: number;
  limit?: number;
  offset?: number;
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Incidents: what the security team works on. Opened automatically (high-severity verdicts,
 * user reports, verification failures, campaigns) or by hand; each has a status, an owner,
 * a timeline of what happened and was done, and the messages it concerns (recipients and
 * indicators follow from those).
 */
export class IncidentStore {
  constructor(
    readonly db: Db,
    private readonly cipher: Cipher,
  ) {
    migrate(db, RESPOND_SCHEMA);
  }

  /**
   * Opens an incident, or returns the open one with the same `dedupeKey` (so a burst of the
   * same attack is one incident, not hundreds). `created` says which.
   */
  open(i: { kind: IncidentKind; severity: Severity; title: string; actor: string; dedupeKey?: string; campaignId?: number; summary?: string }, now = Date.now()): { id: number; created: boolean } {
    if (i.dedupeKey) {
      const existing = this.db.prepare('SELECT id FROM respond_incidents WHERE dedupe_key = ?').pluck().get(i.dedupeKey) as number | undefined;
      if (existing !== undefined) {
        this.raiseSeverity(existing, i.severity, now);
        return { id: existing, created: false };
      }
    }
    if (i.campaignId !== undefined) {
      const existing = this.byCampaign(i.campaignId);
      if (existing) {
        this.raiseSeverity(existing.id, i.severity, now);
        return { id: existing.id, created: false };
      }
    }
    const id = Number(
      this.db
        .prepare("INSERT INTO respond_incidents (kind, severity, status, owner, title, created_at, updated_at, campaign_id, dedupe_key) VALUES (?, ?, 'open', NULL, ?, ?, ?, ?, ?)")
        .run(i.kind, i.severity, i.title, now, now, i.campaignId ?? null, i.dedupeKey ?? null).lastInsertRowid,
    );
    this.event(id, { actor: i.actor, kind: 'opened', summary: i.summary ?? `opened: ${i.title}` }, now);
    return { id, created: true };
  }

  get(id: number): Incident | null {
    const r = this.db.prepare('SELECT * FROM respond_incidents WHERE id = ?').get(id) as Row | undefined;
    return r ? toIncident(r) : null;
  }

  byCampaign(campaignId: number): Incident | null {
    const r = this.db.prepare('SELECT * FROM respond_incidents WHERE campaign_id = ?').get(campaignId) as Row | undefined;
    return r ? toIncident(r) : null;
  }

  /** Incidents that name this message. */
  forMessage(spoolId: string): Incident[] {
    return (
      this.db.prepare('SELECT i.* FROM respond_incidents i JOIN respond_incident_messages m ON m.incident_id = i.id WHERE m.spool_id = ? ORDER BY i.id').all(spoolId) as Row[]
    ).map(toIncident);
  }

  list(f: IncidentFilter = {}): { items: Incident[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.status?.length) (where.push(`status IN (${f.status.map(() => '?').join(',')})`), params.push(...f.status));
    if (f.kind?.length) (where.push(`kind IN (${f.kind.map(() => '?').join(',')})`), params.push(...f.kind));
    if (f.owner !== undefined) (where.push('owner = ?'), params.push(f.owner));
    if (f.campaignId !== undefined) (where.push('campaign_id = ?'), params.push(f.campaignId));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT COUNT(*) FROM respond_incidents ${w}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`SELECT * FROM respond_incidents ${w} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, f.limit ?? 50, f.offset ?? 0) as Row[];
    return { items: rows.map(toIncident), total };
  }

  /** Links messages; returns those that were new to the incident. */
  linkMessages(id: number, spoolIds: string[], now = Date.now()): string[] {
    const ins = this.db.prepare('INSERT OR IGNORE INTO respond_incident_messages (incident_id, spool_id, added_at) VALUES (?, ?, ?)');
    const added = spoolIds.filter((s) => ins.run(id, s, now).changes > 0);
    if (added.length) this.touch(id, now);
    return added;
  }

  messages(id: number): string[] {
    return this.db.prepare('SELECT spool_id FROM respond_incident_messages WHERE incident_id = ? ORDER BY added_at, spool_id').pluck().all(id) as string[];
  }

  attachCampaign(id: number, campaignId: number, now = Date.now()): void {
    this.db.prepare('UPDATE respond_incidents SET campaign_id = ?, kind = ?, updated_at = ? WHERE id = ? AND campaign_id IS NULL').run(campaignId, 'campaign', now, id);
  }

  setStatus(id: number, status: IncidentStatus, actor: string, now = Date.now()): Incident {
    const before = this.mustGet(id);
    if (before.status !== status) {
      this.db.prepare('UPDATE respond_incidents SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
      this.event(id, { actor, kind: 'status', summary: `status ${before.status} → ${status}` }, now);
    }
    return this.mustGet(id);
  }

  setOwner(id: number, owner: string | null, actor: string, now = Date.now()): Incident {
    const before = this.mustGet(id);
    if (before.owner !== owner) {
      this.db.prepare('UPDATE respond_incidents SET owner = ?, updated_at = ? WHERE id = ?').run(owner, now, id);
      this.event(id, { actor, kind: 'owner', summary: owner ? `assigned to ${owner}` : 'unassigned' }, now);
    }
    return this.mustGet(id);
  }

  raiseSeverity(id: number, severity: Severity, now = Date.now()): void {
    const cur = this.get(id);
    if (!cur || severityRank(severity) <= severityRank(cur.severity)) return;
    this.db.prepare('UPDATE respond_incidents SET severity = ?, updated_at = ? WHERE id = ?').run(severity, now, id);
    this.event(id, { actor: 'system:respond', kind: 'severity', summary: `severity ${cur.severity} → ${severity}` }, now);
  }

  addNote(id: number, actor: string, text: string, now = Date.now()): TimelineEvent {
    this.mustGet(id);
    return this.event(id, { actor, kind: 'note', summary: 'note added', note: text }, now);
  }

  event(id: number, e: { actor: string; kind: string; summary: string; note?: string }, now = Date.now()): TimelineEvent {
    const sealed = e.note === undefined ? null : this.cipher.encrypt(Buffer.from(e.note, 'utf8'));
    const eid = Number(
      this.db
        .prepare('INSERT INTO respond_incident_events (incident_id, at, actor, kind, summary, sealed_note) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, now, e.actor, e.kind, e.summary, sealed).lastInsertRowid,
    );
    this.touch(id, now);
    return { id: eid, at: new Date(now), actor: e.actor, kind: e.kind, summary: e.summary, note: e.note ?? null };
  }

  timeline(id: number): TimelineEvent[] {
    const rows = this.db.prepare('SELECT * FROM respond_incident_events WHERE incident_id = ? ORDER BY id').all(id) as {
      id: number;
      at: number;
      actor: string;
      kind: string;
      summary: string;
      sealed_note: Buffer | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at),
      actor: r.actor,
      kind: r.kind,
      summary: r.summary,
      note: r.sealed_note ? this.cipher.decrypt(r.sealed_note).toString('utf8') : null,
    }));
  }

  counts(): Record<IncidentStatus, number> {
    const out = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM respond_incidents GROUP BY status').all() as { status: IncidentStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  private touch(id: number, now: number): void {
    this.db.prepare('UPDATE respond_incidents SET updated_at = MAX(updated_at, ?) WHERE id = ?').run(now, id);
  }

  private mustGet(id: number): Incident {
    const i = this.get(id);
    if (!i) throw new RespondError('not-found', `no incident ${id}`);
    return i;
  }
}
