import type { Cipher } from '../../gateway/spool.ts';
import { migrate, type Db } from '../../store/database.ts';
import { VERIFY_SCHEMA } from './schema.ts';

export type TaskKind = 'inbound-request' | 'outbound-phi';
export type TaskStatus = 'open' | 'verified' | 'failed' | 'unreachable' | 'cancelled';
export type TaskOutcome = 'verified' | 'failed' | 'unreachable';
export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'verified', 'failed', 'unreachable', 'cancelled'];
export const TASK_OUTCOMES: readonly TaskOutcome[] = ['verified', 'failed', 'unreachable'];

/** A number to call: where it is on record, and for whom. */
export interface NumberOfRecord {
  e164: string;
  source: 'directory' | 'partner' | 'known-line' | 'nppes' | 'brand-pack';
  label: string;
}

/** A number the message itself gives: never to be called to verify. */
export interface NumberInMail {
  e164: string;
  raw: string;
  /** Whose it is on record, if anyone's (then it is not the scammer's own line). */
  owner: string | null;
}

export interface TaskReason {
  code: string;
  words: string;
}

export interface NewTask {
  kind: TaskKind;
  spoolId: string;
  quarantineId: string | null;
  messageAction: string;
  /** Who must be verified: the requesting sender (inbound) or the first unverified recipient (outbound). */
  partyAddress: string;
  parties: string[];
  /** Whom the message presents itself as ("Dr. Maria Reyes", "Zocdoc"), '' when no one in particular. */
  claimed: string;
  /** What was asked for (inbound) or sent (outbound), in plain words. */
  asked: string[];
  reasons: TaskReason[];
  numbersOfRecord: NumberOfRecord[];
  numbersInMail: NumberInMail[];
  /** Outbound: the staff member who sent it. Inbound: ''. */
  requester: string;
  recipients: string[];
  /** The flagged inbound message an outbound one answers. */
  relatedSpoolId: string | null;
  campaignId: string | null;
  subject: string;
  owner: string;
  dueAt: Date;
  createdAt: Date;
}

export interface VerificationTask extends Omit<NewTask, 'subject'> {
  id: number;
  status: TaskStatus;
  partyDomain: string;
  incidentId: string | null;
  escalationLevel: number;
  updatedAt: Date;
  completedAt: Date | null;
  completedBy: string | null;
  phoneUsed: string | null;
  /** What happened to the message: released, returned, kept-held, delivered… */
  disposition: string | null;
}

export interface TaskEvent {
  id: number;
  taskId: number;
  at: Date;
  actor: string;
  kind: string;
  summary: string;
}

export interface TaskFilter {
  status?: TaskStatus | TaskStatus[];
  kind?: TaskKind;
  owner?: string;
  /** Open and past due at this time. */
  overdueAt?: Date;
  party?: string;
  limit?: number;
  offset?: number;
}

interface Row {
  id: number;
  kind: TaskKind;
  status: TaskStatus;
  spool_id: string;
  quarantine_id: string | null;
  message_action: string;
  party_address: string;
  party_domain: string;
  parties: string;
  claimed: string;
  asked: string;
  reasons: string;
  numbers_of_record: string;
  numbers_in_mail: string;
  requester: string;
  recipients: string;
  related_spool_id: string | null;
  campaign_id: string | null;
  incident_id: string | null;
  owner: string;
  due_at: number;
  escalation_level: number;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  completed_by: string | null;
  phone_used: string | null;
  disposition: string | null;
}

export class TaskError extends Error {
  constructor(
    readonly code: 'not-found' | 'state' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

/**
 * Verification tasks: one per message that needs a sender or recipient verified, with its
 * owner, due time, escalation level, outcome and an event trail. State changes are guarded
 * (only an open task can be completed, once) and each writes an event in the same
 * transaction.
 */
export class TaskStore {
  constructor(
    readonly db: Db,
    private readonly cipher: Cipher,
  ) {
    migrate(db, VERIFY_SCHEMA);
  }

  /** Opens a task for a message; a second call for the same message returns the first task's id. */
  create(t: NewTask, actor = 'gateway'): number {
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id FROM verify_tasks WHERE spool_id = ?').pluck().get(t.spoolId) as number | undefined;
      if (existing !== undefined) return existing;
      const at = t.createdAt.getTime();
      const info = this.db
        .prepare(
          `INSERT INTO verify_tasks (kind, status, spool_id, quarantine_id, message_action, party_address, party_domain, parties, claimed, asked, reasons,
             numbers_of_record, numbers_in_mail, requester, recipients, related_spool_id, campaign_id, sealed, owner, due_at, created_at, updated_at)
           VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          t.kind,
          t.spoolId,
          t.quarantineId,
          t.messageAction,
          t.partyAddress.toLowerCase(),
          t.partyAddress.split('@').pop()?.toLowerCase() ?? '',
          JSON.stringify(t.parties),
          t.claimed,
          JSON.stringify(t.asked),
          JSON.stringify(t.reasons),
          JSON.stringify(t.numbersOfRecord),
          JSON.stringify(t.numbersInMail),
          t.requester,
          JSON.stringify(t.recipients),
          t.relatedSpoolId,
          t.campaignId,
          this.cipher.encrypt(Buffer.from(JSON.stringify({ subject: t.subject }), 'utf8')),
          t.owner,
          t.dueAt.getTime(),
          at,
          at,
        );
      const id = Number(info.lastInsertRowid);
      this.event(id, actor, 'opened', `${t.kind === 'outbound-phi' ? 'outbound mail held' : 'request for sensitive data'}: verify ${t.partyAddress}; ${t.reasons.map((r) => r.words).join('; ')}`, at);
      return id;
    })();
  }

  get(id: number): VerificationTask | undefined {
    const r = this.db.prepare('SELECT * FROM verify_tasks WHERE id = ?').get(id) as Row | undefined;
    return r && toTask(r);
  }

  mustGet(id: number): VerificationTask {
    const t = this.get(id);
    if (!t) throw new TaskError('not-found', `no verification task #${id}`);
    return t;
  }

  bySpoolId(spoolId: string): VerificationTask | undefined {
    const r = this.db.prepare('SELECT * FROM verify_tasks WHERE spool_id = ?').get(spoolId) as Row | undefined;
    return r && toTask(r);
  }

  /** The sealed subject (the caller audits the read). */
  subject(id: number): string {
    const b = this.db.prepare('SELECT sealed FROM verify_tasks WHERE id = ?').pluck().get(id) as Buffer | undefined;
    if (!b) throw new TaskError('not-found', `no verification task #${id}`);
    return (JSON.parse(this.cipher.decrypt(b).toString('utf8')) as { subject: string }).subject;
  }

  /** The verifier's attestation, '' when none (the caller audits the read). */
  attestation(id: number): string {
    const b = this.db.prepare('SELECT attestation FROM verify_tasks WHERE id = ?').pluck().get(id) as Buffer | null | undefined;
    return b ? this.cipher.decrypt(b).toString('utf8') : '';
  }

  list(f: TaskFilter = {}): VerificationTask[] {
    const { where, params } = filterSql(f);
    return (
      this.db.prepare(`SELECT * FROM verify_tasks ${where} ORDER BY (status = 'open') DESC, due_at, id LIMIT @limit OFFSET @offset`).all({ ...params, limit: f.limit ?? 100, offset: f.offset ?? 0 }) as Row[]
    ).map(toTask);
  }

  count(f: TaskFilter = {}): number {
    const { where, params } = filterSql(f);
    return this.db.prepare(`SELECT COUNT(*) FROM verify_tasks ${where}`).pluck().get(params) as number;
  }

  counts(now = new Date()): Record<TaskStatus, number> & { overdue: number } {
    const out = { open: 0, verified: 0, failed: 0, unreachable: 0, cancelled: 0, overdue: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM verify_tasks GROUP BY status').all() as { status: TaskStatus; n: number }[]) out[r.status] = r.n;
    out.overdue = this.count({ overdueAt: now });
    return out;
  }

  events(taskId: number): TaskEvent[] {
    return (this.db.prepare('SELECT * FROM verify_task_events WHERE task_id = ? ORDER BY id').all(taskId) as { id: number; task_id: number; at: number; actor: string; kind: string; summary: string }[]).map((e) => ({
      id: e.id,
      taskId: e.task_id,
      at: new Date(e.at),
      actor: e.actor,
      kind: e.kind,
      summary: e.summary,
    }));
  }

  event(taskId: number, actor: string, kind: string, summary: string, at = Date.now()): void {
    this.db.prepare('INSERT INTO verify_task_events (task_id, at, actor, kind, summary) VALUES (?, ?, ?, ?, ?)').run(taskId, at, actor, kind, summary);
    this.db.prepare('UPDATE verify_tasks SET updated_at = ? WHERE id = ?').run(at, taskId);
  }

  assign(id: number, owner: string, actor: string): VerificationTask {
    return this.db.transaction(() => {
      const t = this.mustGet(id);
      if (t.status !== 'open') throw new TaskError('state', `task #${id} is ${t.status}; only open tasks can be reassigned`);
      this.db.prepare('UPDATE verify_tasks SET owner = ? WHERE id = ?').run(owner, id);
      this.event(id, actor, 'assigned', `assigned to ${owner} (was ${t.owner})`);
      return this.mustGet(id);
    })();
  }

  /** Records the outcome; throws unless the task is open. The caller carries out what follows in the same transaction. */
  complete(id: number, o: { status: TaskOutcome | 'cancelled'; actor: string; attestation: string; phoneUsed: string | null; at?: Date }): VerificationTask {
    const t = this.mustGet(id);
    if (t.status !== 'open') throw new TaskError('state', `task #${id} was already completed as ${t.status}${t.completedBy ? ` by ${t.completedBy}` : ''}`);
    const at = (o.at ?? new Date()).getTime();
    this.db
      .prepare('UPDATE verify_tasks SET status = ?, completed_at = ?, completed_by = ?, phone_used = ?, attestation = ?, updated_at = ? WHERE id = ?')
      .run(o.status, at, o.actor, o.phoneUsed, o.attestation ? this.cipher.encrypt(Buffer.from(o.attestation, 'utf8')) : null, at, id);
    this.event(id, o.actor, o.status, o.phoneUsed ? `${o.status}; called ${o.phoneUsed}` : o.status, at);
    return this.mustGet(id);
  }

  setDisposition(id: number, disposition: string, actor: string, summary: string): void {
    this.db.prepare('UPDATE verify_tasks SET disposition = ? WHERE id = ?').run(disposition, id);
    this.event(id, actor, disposition, summary);
  }

  setIncident(id: number, incidentId: string, campaignId: string | null, actor: string): void {
    this.db.prepare('UPDATE verify_tasks SET incident_id = ?, campaign_id = COALESCE(?, campaign_id) WHERE id = ?').run(incidentId, campaignId, id);
    this.event(id, actor, 'incident', `incident ${incidentId} opened${campaignId ? ` (campaign ${campaignId})` : ''}`);
  }

  /** Open tasks whose due time plus `level × dueMs` has passed their current escalation level. */
  dueForEscalation(now: Date, dueMs: number): VerificationTask[] {
    return (
      this.db.prepare("SELECT * FROM verify_tasks WHERE status = 'open' AND due_at + escalation_level * ? <= ? ORDER BY due_at LIMIT 500").all(dueMs, now.getTime()) as Row[]
    ).map(toTask);
  }

  escalate(id: number, to: string, level: number, actor: string): void {
    this.db.prepare('UPDATE verify_tasks SET escalation_level = ?, owner = ? WHERE id = ?').run(level, to, id);
    this.event(id, actor, 'escalated', `overdue: escalated to ${to} (level ${level})`);
  }

  /** Open outbound tasks whose held message has waited past `before`. */
  heldOutboundOlderThan(before: Date): VerificationTask[] {
    return (
      this.db.prepare("SELECT * FROM verify_tasks WHERE status = 'open' AND kind = 'outbound-phi' AND quarantine_id IS NOT NULL AND created_at <= ? ORDER BY id LIMIT 500").all(before.getTime()) as Row[]
    ).map(toTask);
  }
}

function filterSql(f: TaskFilter): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.status !== undefined) {
    const list = Array.isArray(f.status) ? f.status : [f.status];
    for (const s of list) if (!TASK_STATUSES.includes(s)) throw new TaskError('invalid', `unknown task status '${s}'`);
    where.push(`status IN (${list.map((_, i) => `@s${i}`).join(', ') || "''"})`);
    list.forEach((s, i) => (params[`s${i}`] = s));
  }
  if (f.kind) (where.push('kind = @kind'), (params.kind = f.kind));
  if (f.owner) (where.push('owner = @owner'), (params.owner = f.owner));
  if (f.party) (where.push('party_address = @party'), (params.party = f.party.toLowerCase()));
  if (f.overdueAt) (where.push("status = 'open' AND due_at <= @overdue"), (params.overdue = f.overdueAt.getTime()));
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function toTask(r: Row): VerificationTask {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    spoolId: r.spool_id,
    quarantineId: r.quarantine_id,
    messageAction: r.message_action,
    partyAddress: r.party_address,
    partyDomain: r.party_domain,
    parties: JSON.parse(r.parties) as string[],
    claimed: r.claimed,
    asked: JSON.parse(r.asked) as string[],
    reasons: JSON.parse(r.reasons) as TaskReason[],
    numbersOfRecord: JSON.parse(r.numbers_of_record) as NumberOfRecord[],
    numbersInMail: JSON.parse(r.numbers_in_mail) as NumberInMail[],
    requester: r.requester,
    recipients: JSON.parse(r.recipients) as string[],
    relatedSpoolId: r.related_spool_id,
    campaignId: r.campaign_id,
    incidentId: r.incident_id,
    owner: r.owner,
    dueAt: new Date(r.due_at),
    escalationLevel: r.escalation_level,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    completedAt: r.completed_at === null ? null : new Date(r.completed_at),
    completedBy: r.completed_by,
    phoneUsed: r.phone_used,
    disposition: r.disposition,
  };
}
