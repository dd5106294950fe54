import type { Cipher } from '../../gateway/spool.ts';
import { migrate, type Db } from '../../store/database.ts';
import { RESPOND_SCHEMA } from '../schema.ts';

export type ReportChannel = 'gateway' | 'imap' | 'console';
export type ReportState = 'queued' | 'done' | 'unusable' | 'failed';

export interface UserReport {
  id: number;
  receivedAt: Date;
  channel: ReportChannel;
  reporter: string;
  /** The reporter's identity is established (authenticated submission, DMARC-aligned org mail, or a trusted report mailbox). */
  verified: boolean;
  state: ReportState;
  kind: string | null;
  spoolId: string | null;
  campaignId: number | null;
  incidentId: number | null;
  verdictAction: string | null;
  verdictScore: number | null;
  simulation: string | null;
  replySpoolId: string | null;
  error: string | null;
  processedAt: Date | null;
}

interface Row {
  id: number;
  received_at: number;
  channel: ReportChannel;
  reporter: string;
  verified: number;
  state: ReportState;
  kind: string | null;
  spool_id: string | null;
  campaign_id: number | null;
  incident_id: number | null;
  verdict_action: string | null;
  verdict_score: number | null;
  simulation: string | null;
  reply_spool_id: string | null;
  error: string | null;
  processed_at: number | null;
}

function toReport(r: Row): UserReport {
  return {
    id: r.id,
    receivedAt: new Date(r.received_at),
    channel: r.channel,
    reporter: r.reporter,
    verified: r.verified === 1,
    state: r.state,
    kind: r.kind,
    spoolId: r.spool_id,
    campaignId: r.campaign_id,
    incidentId: r.incident_id,
    verdictAction: r.verdict_action,
    verdictScore: r.verdict_score,
    simulation: r.simulation,
    replySpoolId: r.reply_spool_id,
    error: r.error,
    processedAt: r.processed_at === null ? null : new Date(r.processed_at),
  };
}

/**
 * Users' phishing reports: each stored (encrypted) the moment it arrives, then processed
 * once — rescanned, matched to campaigns, answered. `sourceRef` (e.g. the IMAP mailbox's
 * UIDVALIDITY and UID) makes a report fetched twice count once.
 */
export class ReportStore {
  constructor(
    readonly db: Db,
    private readonly cipher: Cipher,
  ) {
    migrate(db, RESPOND_SCHEMA);
  }

  /** Stores a report durably; null when `sourceRef` was already stored. */
  add(r: { channel: ReportChannel; reporter: string; verified: boolean; raw: Buffer; receivedAt?: Date; sourceRef?: string }): number | null {
    const info = this.db
      .prepare("INSERT OR IGNORE INTO respond_reports (received_at, channel, source_ref, reporter, verified, state, sealed) VALUES (?, ?, ?, ?, ?, 'queued', ?)")
      .run((r.receivedAt ?? new Date()).getTime(), r.channel, r.sourceRef ?? null, r.reporter.toLowerCase(), r.verified ? 1 : 0, this.cipher.encrypt(r.raw));
    return info.changes ? Number(info.lastInsertRowid) : null;
  }

  queued(limit = 20): UserReport[] {
    return (this.db.prepare("SELECT * FROM respond_reports WHERE state = 'queued' ORDER BY id LIMIT ?").all(limit) as Row[]).map(toReport);
  }

  get(id: number): UserReport | null {
    const r = this.db.prepare('SELECT * FROM respond_reports WHERE id = ?').get(id) as Row | undefined;
    return r ? toReport(r) : null;
  }

  /** The report as received; callers audit reads made for people. */
  raw(id: number): Buffer | null {
    const blob = this.db.prepare('SELECT sealed FROM respond_reports WHERE id = ?').pluck().get(id) as Buffer | null | undefined;
    return blob ? this.cipher.decrypt(blob) : null;
  }

  setReporter(id: number, reporter: string, verified: boolean): void {
    this.db.prepare('UPDATE respond_reports SET reporter = ?, verified = ? WHERE id = ?').run(reporter.toLowerCase(), verified ? 1 : 0, id);
  }

  finish(
    id: number,
    r: {
      state: Exclude<ReportState, 'queued'>;
      kind: string;
      spoolId?: string | null;
      campaignId?: number | null;
      incidentId?: number | null;
      verdictAction?: string | null;
      verdictScore?: number | null;
      simulation?: string | null;
      replySpoolId?: string | null;
      error?: string | null;
    },
    now = Date.now(),
  ): void {
    this.db
      .prepare(
        `UPDATE respond_reports SET state = ?, kind = ?, spool_id = ?, campaign_id = ?, incident_id = ?, verdict_action = ?, verdict_score = ?, simulation = ?,
           reply_spool_id = ?, error = ?, processed_at = ? WHERE id = ?`,
      )
      .run(
        r.state,
        r.kind,
        r.spoolId ?? null,
        r.campaignId ?? null,
        r.incidentId ?? null,
        r.verdictAction ?? null,
        r.verdictScore ?? null,
        r.simulation ?? null,
        r.replySpoolId ?? null,
        r.error ?? null,
        now,
        id,
      );
  }

  list(o: { campaignId?: number; spoolIds?: string[]; limit?: number; offset?: number } = {}): { items: UserReport[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (o.campaignId !== undefined) (where.push('campaign_id = ?'), params.push(o.campaignId));
    if (o.spoolIds) {
      if (o.spoolIds.length === 0) return { items: [], total: 0 };
      where.push(`spool_id IN (${o.spoolIds.map(() => '?').join(',')})`);
      params.push(...o.spoolIds);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT COUNT(*) FROM respond_reports ${w}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`SELECT * FROM respond_reports ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...params, o.limit ?? 50, o.offset ?? 0) as Row[];
    return { items: rows.map(toReport), total };
  }

  /** Highest rescan score among reports of these messages (a campaign users call phishing, as the scanner sees it now). */
  maxRescanScore(spoolIds: string[]): number | null {
    if (spoolIds.length === 0) return null;
    return (this.db.prepare(`SELECT MAX(verdict_score) FROM respond_reports WHERE spool_id IN (${spoolIds.map(() => '?').join(',')})`).pluck().get(...spoolIds) as number | null) ?? null;
  }

  creditSimulation(simulation: string, reporter: string, reportId: number, now = Date.now()): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO respond_simulation_credits (simulation, reporter, report_id, at) VALUES (?, ?, ?, ?)').run(simulation, reporter.toLowerCase(), reportId, now).changes > 0;
  }

  simulationCredits(simulation?: string): { simulation: string; reporter: string; reportId: number; at: Date }[] {
    const rows = (
      simulation === undefined
        ? this.db.prepare('SELECT * FROM respond_simulation_credits ORDER BY at, simulation, reporter').all()
        : this.db.prepare('SELECT * FROM respond_simulation_credits WHERE simulation = ? ORDER BY at, reporter').all(simulation)
    ) as { simulation: string; reporter: string; report_id: number; at: number }[];
    return rows.map((r) => ({ simulation: r.simulation, reporter: r.reporter, reportId: r.report_id, at: new Date(r.at) }));
  }

  /** Drops the sealed report bodies of processed reports older than `before` (their records stay). */
  prune(before: Date): number {
    return this.db.prepare("UPDATE respond_reports SET sealed = NULL WHERE state != 'queued' AND received_at < ? AND sealed IS NOT NULL").run(before.getTime()).changes;
  }
}
