import { stringify } from 'csv-stringify/sync';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import type { Directory } from '../directory/directory.ts';
import type { Logger } from '../gateway/log.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import { daysSinceIssue, issueDay, type LinkSigner } from '../simulations/tokens.ts';
import type { Db } from '../store/database.ts';
import { AssignmentStore, type Assignment, type AssignmentFilter } from './assignment-store.ts';
import { trainingMail } from './mail.ts';
import { loadModules, type ModuleLibrary, type TrainingModule } from './modules.ts';
import { StaffDirectory, type StaffMember } from './people.ts';
import { gradeQuiz, type QuizResult } from './quiz.ts';
import { reminderDue } from './reminders.ts';
import { riskScore, type RiskScore } from './risk.ts';

const DAY = 86_400_000;

/** What a person did in simulations (only a person's actions, never a scanner's). */
export interface SimulationOutcome {
  clicked: number;
  submitted: number;
  replied: number;
  reported: number;
}

export interface TrainingDeps {
  db: Db;
  config: () => MedshieldConfig;
  directory: () => Directory | null;
  signer: LinkSigner;
  /** Where learners' browsers reach Medshield (the simulations' base URL). */
  baseUrl: () => string;
  audit: AuditLog;
  logger: Logger;
  now?: () => number;
  /** Simulation outcomes per address since a time (the simulations module provides them). */
  outcomes?: (since: number) => Map<string, SimulationOutcome>;
  modules?: ModuleLibrary;
}

export interface PersonRisk extends StaffMember {
  personId: number | null;
  risk: RiskScore;
  outcome: SimulationOutcome;
  completed: number;
  open: number;
  overdue: number;
}

export interface DepartmentReport {
  department: string;
  people: number;
  averageRisk: number;
  highRisk: number;
  clicked: number;
  submitted: number;
  reported: number;
  assignments: number;
  completed: number;
  overdue: number;
  /** completed / assignments (null when nothing was assigned). */
  completionRate: number | null;
}

/**
 * Training: modules from the repository, assignments (by hand or automatic after a
 * simulation click), notices and reminders by mail, quiz attempts through the learner's
 * signed link, the risk score per person and reports per department.
 */
export class TrainingService {
  readonly assignments: AssignmentStore;
  readonly staff: StaffDirectory;
  readonly modules: ModuleLibrary;
  private gateway: { enqueue(m: OutboundMessage): string; kick(): void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly now: () => number;

  constructor(private readonly d: TrainingDeps) {
    this.now = d.now ?? Date.now;
    this.assignments = new AssignmentStore(d.db);
    this.staff = new StaffDirectory(d.db, d.directory, () => d.config().training, () => d.config().org.domains);
    this.modules = d.modules ?? loadModules(d.config().training.modulesDir);
  }

  private get settings() {
    return this.d.config().training;
  }

  attachGateway(g: { enqueue(m: OutboundMessage): string; kick(): void }): void {
    this.gateway = g;
  }

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.tick().catch((err: Error) => this.d.logger.error('training reminders failed', { error: err.message })), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  module(id: string): TrainingModule | undefined {
    return this.modules.get(id);
  }

  /** Assigns a module to someone (once: an open assignment of it is kept as it is). */
  assign(o: { email: string; module: string; by: string; reason?: 'manual' | 'simulation'; campaignId?: number; targetId?: number; dueAt?: number }): { assignment: Assignment; created: boolean } {
    if (!this.modules.get(o.module)) throw new TrainingError(`no training module '${o.module}' (known: ${this.modules.modules.map((m) => m.id).join(', ')})`);
    const now = this.now();
    const member = this.staff.get(o.email);
    const personId = this.staff.personId(o.email, member?.name ?? '', now);
    const r = this.assignments.assign({ personId, module: o.module, reason: o.reason ?? 'manual', campaignId: o.campaignId, targetId: o.targetId, by: o.by, at: now, dueAt: o.dueAt ?? now + this.settings.dueDays * DAY });
    if (r.created) this.d.audit.record({ actor: o.by, action: 'training.assign', target: `assignment:${r.assignment.id}`, detail: { email: o.email.toLowerCase(), module: o.module, reason: o.reason ?? 'manual', campaign: o.campaignId ?? null } });
    return r;
  }

  /** Auto-enrolment after a person's click or submission in a simulation. */
  enrolAfterSimulation(o: { email: string; tactic: string; module?: string; campaignId: number; targetId: number }): Assignment | null {
    if (!this.settings.enabled || !this.settings.autoEnrol) return null;
    const module = (o.module && this.modules.get(o.module)) || this.modules.forTactic(o.tactic);
    if (!module) return null;
    return this.assign({ email: o.email, module: module.id, by: 'system:simulations', reason: 'simulation', campaignId: o.campaignId, targetId: o.targetId }).assignment;
  }

  learnerToken(email: string): string {
    const personId = this.staff.personId(email, this.staff.get(email)?.name ?? '', this.now());
    return this.d.signer.sign({ kind: 'learner', id: personId, extra: issueDay(this.now()) });
  }

  learnerUrl(email: string, module?: string): string {
    return `${this.d.baseUrl()}/learn/${this.learnerToken(email)}${module ? `/m/${module}` : ''}`;
  }

  /** The learner a personal link names, or why it does not work. */
  resolveLearner(token: string): { personId: number; email: string } | { error: string } {
    const c = this.d.signer.verify(token, 'learner');
    if (!c) return { error: 'The link is not valid.' };
    if (daysSinceIssue(c.extra, this.now()) > this.settings.learnerLinkDays) return { error: 'The link has expired.' };
    const email = this.staff.emailOf(c.id);
    return email ? { personId: c.id, email } : { error: 'The link is not valid.' };
  }

  /** Grades a quiz; a pass completes the open assignment of the module. */
  submitQuiz(personId: number, moduleId: string, answers: (number | null)[]): { result: QuizResult; completed: Assignment | null } {
    const module = this.modules.get(moduleId);
    if (!module) throw new TrainingError(`no training module '${moduleId}'`);
    const result = gradeQuiz(module, answers, this.settings.passMark);
    const completed = this.assignments.recordAttempt({ personId, module: moduleId, at: this.now(), score: result.score, passed: result.passed, answers });
    const email = this.staff.emailOf(personId) ?? `person:${personId}`;
    this.d.audit.record({ actor: `learner:${email}`, action: 'training.quiz', target: `module:${moduleId}`, detail: { score: result.score, passed: result.passed, completed: completed?.id ?? null } });
    return { result, completed };
  }

  /** Sends assignment notices and due reminders through the gateway. */
  async tick(): Promise<{ notices: number; reminders: number }> {
    const g = this.gateway;
    if (!g || !this.settings.enabled) return { notices: 0, reminders: 0 };
    const now = this.now();
    const config = this.d.config();
    const from = this.settings.from ?? `training@${config.org.domains[0] ?? config.gateway.hostname}`;
    let notices = 0;
    let reminders = 0;
    for (const a of this.assignments.unnotified()) {
      const m = this.modules.get(a.module);
      if (!m) continue;
      const raw = await trainingMail({ from, to: a.email, name: this.staff.get(a.email)?.name ?? '', org: config.org.name, kind: 'assigned', modules: [{ title: m.title, minutes: m.minutes, dueAt: a.dueAt }], url: this.learnerUrl(a.email, a.module), now });
      g.enqueue({ raw, mailFrom: from, rcptTo: [a.email], origin: 'digest' });
      this.assignments.markNotified(a.id, now);
      notices++;
    }
    for (const a of this.assignments.open()) {
      if (a.notifiedAt === null) continue;
      const due = reminderDue(a, now, this.settings);
      if (!due.send) continue;
      const m = this.modules.get(a.module);
      if (!m) continue;
      const raw = await trainingMail({ from, to: a.email, name: this.staff.get(a.email)?.name ?? '', org: config.org.name, kind: a.dueAt < now ? 'overdue' : 'reminder', modules: [{ title: m.title, minutes: m.minutes, dueAt: a.dueAt }], url: this.learnerUrl(a.email, a.module), now });
      g.enqueue({ raw, mailFrom: from, rcptTo: [a.email], origin: 'digest' });
      this.assignments.markReminded(a.id, now, due.reminders);
      reminders++;
    }
    if (notices || reminders) {
      g.kick();
      this.d.logger.info('training mail queued', { notices, reminders });
    }
    return { notices, reminders };
  }

  /** Every staff member with their risk score, highest first. */
  people(): PersonRisk[] {
    const now = this.now();
    const since = now - this.settings.risk.lookbackDays * DAY;
    const outcomes = this.d.outcomes?.(since) ?? new Map<string, SimulationOutcome>();
    const ids = new Map((this.d.db.prepare('SELECT email, id FROM training_people').all() as { email: string; id: number }[]).map((r) => [r.email, r.id]));
    const staff = this.staff.all();
    const known = new Set(staff.map((s) => s.email));
    // People with assignments or outcomes but in neither directory nor roster (left, or assigned by address) still count.
    for (const email of [...ids.keys(), ...outcomes.keys()]) {
      if (known.has(email)) continue;
      known.add(email);
      staff.push({ email, name: email, department: 'Unassigned', role: 'staff', site: 'Main', phiAccess: this.settings.defaultPhiAccess, source: 'roster', directoryId: null });
    }
    return staff
      .map((m) => {
        const personId = ids.get(m.email) ?? null;
        const all = personId ? this.assignments.ofPerson(personId) : [];
        const passed = personId ? this.assignments.passedModules(personId, since) : [];
        const open = all.filter((a) => !a.completedAt);
        const overdue = open.filter((a) => a.dueAt < now).length;
        const outcome = outcomes.get(m.email) ?? { clicked: 0, submitted: 0, replied: 0, reported: 0 };
        const risk = riskScore({ phiAccess: m.phiAccess, clicked: outcome.clicked, submitted: outcome.submitted, replied: outcome.replied, reported: outcome.reported, completedModules: passed.length, overdueModules: overdue }, this.settings.risk);
        return { ...m, personId, risk, outcome, completed: passed.length, open: open.length, overdue };
      })
      .sort((a, b) => b.risk.score - a.risk.score || a.email.localeCompare(b.email));
  }

  person(email: string): PersonRisk | undefined {
    const e = email.toLowerCase();
    return this.people().find((p) => p.email === e);
  }

  departments(): DepartmentReport[] {
    const now = this.now();
    const groups = new Map<string, PersonRisk[]>();
    for (const p of this.people()) groups.set(p.department, [...(groups.get(p.department) ?? []), p]);
    return [...groups.entries()]
      .map(([department, people]) => {
        const assignments = people.flatMap((p) => (p.personId ? this.assignments.ofPerson(p.personId) : []));
        const completed = assignments.filter((a) => a.completedAt).length;
        return {
          department,
          people: people.length,
          averageRisk: Math.round((people.reduce((s, p) => s + p.risk.score, 0) / people.length) * 10) / 10,
          highRisk: people.filter((p) => p.risk.level === 'high').length,
          clicked: people.filter((p) => p.outcome.clicked + p.outcome.submitted > 0).length,
          submitted: people.filter((p) => p.outcome.submitted > 0).length,
          reported: people.filter((p) => p.outcome.reported > 0).length,
          assignments: assignments.length,
          completed,
          overdue: assignments.filter((a) => !a.completedAt && a.dueAt < now).length,
          completionRate: assignments.length ? Math.round((completed / assignments.length) * 1000) / 1000 : null,
        };
      })
      .sort((a, b) => b.averageRisk - a.averageRisk || a.department.localeCompare(b.department));
  }

  listAssignments(f: AssignmentFilter): { items: Assignment[]; total: number } {
    return this.assignments.list(f, this.now());
  }

  /** CSV exports (people with risk, departments, assignments); cells that a spreadsheet would run as formulas are neutralised. */
  csv(kind: 'people' | 'departments' | 'assignments'): string {
    const rows: (string | number | null)[][] = [];
    if (kind === 'people') {
      rows.push(['email', 'name', 'department', 'role', 'site', 'phi_access', 'risk_score', 'risk_level', 'clicked', 'submitted', 'replied', 'reported', 'modules_completed', 'assignments_open', 'assignments_overdue']);
      for (const p of this.people()) rows.push([p.email, p.name, p.department, p.role, p.site, p.phiAccess, p.risk.score, p.risk.level, p.outcome.clicked, p.outcome.submitted, p.outcome.replied, p.outcome.reported, p.completed, p.open, p.overdue]);
    } else if (kind === 'departments') {
      rows.push(['department', 'people', 'average_risk', 'high_risk', 'clicked', 'submitted', 'reported', 'assignments', 'completed', 'overdue', 'completion_rate']);
      for (const d of this.departments()) rows.push([d.department, d.people, d.averageRisk, d.highRisk, d.clicked, d.submitted, d.reported, d.assignments, d.completed, d.overdue, d.completionRate]);
    } else {
      rows.push(['id', 'email', 'module', 'reason', 'campaign_id', 'assigned_at', 'due_at', 'completed_at', 'best_score', 'attempts', 'reminders']);
      const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
      for (const a of this.assignments.list({ limit: 1_000_000 }).items) rows.push([a.id, a.email, a.module, a.reason, a.campaignId, iso(a.assignedAt), iso(a.dueAt), iso(a.completedAt), a.bestScore, a.attempts, a.reminders]);
    }
    return stringify(rows.map((r) => r.map(safeCell)));
  }
}

export class TrainingError extends Error {}

/** A cell starting with = + - @ (or a tab/CR) would be run as a formula by a spreadsheet: prefix it with a quote. */
export function safeCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
