import { migrate, type Db } from '../store/database.ts';
import { TRAINING_SCHEMA } from './schema.ts';

export interface Assignment {
  id: number;
  personId: number;
  email: string;
  module: string;
  reason: 'manual' | 'simulation';
  campaignId: number | null;
  targetId: number | null;
  assignedBy: string;
  assignedAt: number;
  dueAt: number;
  completedAt: number | null;
  bestScore: number | null;
  attempts: number;
  notifiedAt: number | null;
  reminders: number;
  lastRemindedAt: number | null;
  cancelledAt: number | null;
}

interface Row {
  id: number;
  person_id: number;
  email: string;
  module: string;
  reason: 'manual' | 'simulation';
  campaign_id: number | null;
  target_id: number | null;
  assigned_by: string;
  assigned_at: number;
  due_at: number;
  completed_at: number | null;
  best_score: number | null;
  attempts: number;
  notified_at: number | null;
  reminders: number;
  last_reminded_at: number | null;
  cancelled_at: number | null;
}

const SELECT = 'SELECT a.*, p.email FROM training_assignments a JOIN training_people p ON p.id = a.person_id';

function toAssignment(r: Row): Assignment {
  return {
    id: r.id,
    personId: r.person_id,
    email: r.email,
    module: r.module,
    reason: r.reason,
    campaignId: r.campaign_id,
    targetId: r.target_id,
    assignedBy: r.assigned_by,
    assignedAt: r.assigned_at,
    dueAt: r.due_at,
    completedAt: r.completed_at,
    bestScore: r.best_score,
    attempts: r.attempts,
    notifiedAt: r.notified_at,
    reminders: r.reminders,
    lastRemindedAt: r.last_reminded_at,
    cancelledAt: r.cancelled_at,
  };
}

export interface AssignmentFilter {
  email?: string;
  module?: string;
  state?: 'open' | 'overdue' | 'completed';
  campaignId?: number;
  limit?: number;
  offset?: number;
}

/** Training assignments and quiz attempts. At most one open assignment per person and module. */
export class AssignmentStore {
  constructor(readonly db: Db) {
    migrate(db, TRAINING_SCHEMA);
  }

  /** Assigns unless an open assignment of the module exists (then that one is returned, unchanged). */
  assign(a: { personId: number; module: string; reason: 'manual' | 'simulation'; campaignId?: number | null; targetId?: number | null; by: string; at: number; dueAt: number }): { assignment: Assignment; created: boolean } {
    return this.db.transaction(() => {
      const open = this.db.prepare(`${SELECT} WHERE a.person_id = ? AND a.module = ? AND a.completed_at IS NULL AND a.cancelled_at IS NULL`).get(a.personId, a.module) as Row | undefined;
      if (open) return { assignment: toAssignment(open), created: false };
      const id = Number(
        this.db
          .prepare('INSERT INTO training_assignments (person_id, module, reason, campaign_id, target_id, assigned_by, assigned_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(a.personId, a.module, a.reason, a.campaignId ?? null, a.targetId ?? null, a.by, a.at, a.dueAt).lastInsertRowid,
      );
      return { assignment: this.get(id)!, created: true };
    })();
  }

  get(id: number): Assignment | undefined {
    const r = this.db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as Row | undefined;
    return r ? toAssignment(r) : undefined;
  }

  list(f: AssignmentFilter = {}, now = Date.now()): { items: Assignment[]; total: number } {
    const where: string[] = ['a.cancelled_at IS NULL'];
    const args: (string | number)[] = [];
    if (f.email) where.push('p.email = ?') && args.push(f.email.toLowerCase());
    if (f.module) where.push('a.module = ?') && args.push(f.module);
    if (f.campaignId !== undefined) where.push('a.campaign_id = ?') && args.push(f.campaignId);
    if (f.state === 'open') where.push('a.completed_at IS NULL');
    if (f.state === 'completed') where.push('a.completed_at IS NOT NULL');
    if (f.state === 'overdue') where.push('a.completed_at IS NULL AND a.due_at < ?') && args.push(now);
    const w = `WHERE ${where.join(' AND ')}`;
    const total = this.db.prepare(`SELECT COUNT(*) FROM training_assignments a JOIN training_people p ON p.id = a.person_id ${w}`).pluck().get(...args) as number;
    const rows = this.db.prepare(`${SELECT} ${w} ORDER BY a.assigned_at DESC, a.id DESC LIMIT ? OFFSET ?`).all(...args, f.limit ?? 500, f.offset ?? 0) as Row[];
    return { items: rows.map(toAssignment), total };
  }

  openFor(personId: number, module: string): Assignment | undefined {
    const r = this.db.prepare(`${SELECT} WHERE a.person_id = ? AND a.module = ? AND a.completed_at IS NULL AND a.cancelled_at IS NULL`).get(personId, module) as Row | undefined;
    return r ? toAssignment(r) : undefined;
  }

  ofPerson(personId: number): Assignment[] {
    return (this.db.prepare(`${SELECT} WHERE a.person_id = ? AND a.cancelled_at IS NULL ORDER BY a.completed_at IS NOT NULL, a.due_at`).all(personId) as Row[]).map(toAssignment);
  }

  /** Records a quiz attempt; a passing one completes the open assignment of the module. Returns the assignment completed, if any. */
  recordAttempt(a: { personId: number; module: string; at: number; score: number; passed: boolean; answers: (number | null)[] }): Assignment | null {
    return this.db.transaction(() => {
      const open = this.openFor(a.personId, a.module);
      this.db.prepare('INSERT INTO training_attempts (person_id, assignment_id, module, at, score, passed, answers) VALUES (?, ?, ?, ?, ?, ?, ?)').run(a.personId, open?.id ?? null, a.module, a.at, a.score, a.passed ? 1 : 0, JSON.stringify(a.answers));
      if (!open) return null;
      this.db
        .prepare('UPDATE training_assignments SET attempts = attempts + 1, best_score = MAX(COALESCE(best_score, 0), ?), completed_at = CASE WHEN ? THEN ? ELSE completed_at END WHERE id = ?')
        .run(a.score, a.passed ? 1 : 0, a.at, open.id);
      return a.passed ? this.get(open.id)! : null;
    })();
  }

  /** Modules the person passed since `since` (from any attempt, assigned or not). */
  passedModules(personId: number, since: number): string[] {
    return this.db.prepare('SELECT DISTINCT module FROM training_attempts WHERE person_id = ? AND passed = 1 AND at >= ?').pluck().all(personId, since) as string[];
  }

  cancel(id: number, at: number): boolean {
    return this.db.prepare('UPDATE training_assignments SET cancelled_at = ? WHERE id = ? AND completed_at IS NULL AND cancelled_at IS NULL').run(at, id).changes > 0;
  }

  /** Open assignments whose notice was not yet sent. */
  unnotified(limit = 200): Assignment[] {
    return (this.db.prepare(`${SELECT} WHERE a.notified_at IS NULL AND a.completed_at IS NULL AND a.cancelled_at IS NULL ORDER BY a.id LIMIT ?`).all(limit) as Row[]).map(toAssignment);
  }

  open(limit = 5000): Assignment[] {
    return (this.db.prepare(`${SELECT} WHERE a.completed_at IS NULL AND a.cancelled_at IS NULL ORDER BY a.due_at LIMIT ?`).all(limit) as Row[]).map(toAssignment);
  }

  markNotified(id: number, at: number): void {
    this.db.prepare('UPDATE training_assignments SET notified_at = ? WHERE id = ?').run(at, id);
  }

  /** `reminders` is the number of scheduled reminders now behind the assignment (missed ones are not sent twice). */
  markReminded(id: number, at: number, reminders: number): void {
    this.db.prepare('UPDATE training_assignments SET reminders = ?, last_reminded_at = ? WHERE id = ?').run(reminders, at, id);
  }
}
