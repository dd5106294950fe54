import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SIMULATION_ACCESS } from '../../simulations/access.ts';
import { audienceSchema, selectAudience } from '../../simulations/audience.ts';
import { learnerError, learnerHome, modulePage, resultPage } from '../../training/learner-pages.ts';
import { RosterError } from '../../training/people.ts';
import { answersFromForm } from '../../training/quiz.ts';
import { TrainingError } from '../../training/service.ts';
import { auditRequest } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  assignmentCancelledSchema,
  assignmentListSchema,
  assignResultSchema,
  departmentReportListSchema,
  personDetailSchema,
  personRiskListSchema,
  rosterImportResultSchema,
  trainingModuleListSchema,
  trainingModuleSchema,
} from '../schemas/training.ts';
import { simulationError, simulationsOf } from './simulation-routes.ts';

/**
 * Training: the security team's API (modules, assignments, people and their risk scores,
 * department reports, CSV exports, the staff roster) and the learner's pages, reached through
 * the personal signed link in training mail and on the just-in-time page (no console account).
 */

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const IMAGE_TYPES: Record<string, string> = { svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };
const PUBLIC_RATE = { max: 300, timeWindow: 60_000 };
const learnerParams = z.object({ token: z.string().max(64) });
const moduleParams = z.object({ token: z.string().max(64), module: z.string().regex(/^[a-z0-9-]{3,60}$/) });

function trainingError(err: unknown): never {
  if (err instanceof TrainingError) throw new ApiError(400, err.message);
  if (err instanceof RosterError) throw new ApiError(400, err.message, err.errors.slice(0, 100));
  simulationError(err);
}

export async function trainingRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['training'];
  const training = () => simulationsOf(ctx).training;

  // Quiz answers are option numbers; nothing else in a learner's form is kept.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, body, done) => done(null, new URLSearchParams(String(body))));

  app.get('/api/training/modules', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Training modules (Markdown in the repository, each with a quiz)', tags, response: { 200: trainingModuleListSchema } } }, async () =>
    training().modules.modules.map((m) => ({ id: m.id, title: m.title, minutes: m.minutes, summary: m.summary, tactics: m.tactics, questions: m.quiz.length })),
  );

  app.get('/api/training/modules/:id', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'One module: its text as HTML and its quiz with the answers', tags, params: z.object({ id: z.string().max(60) }), response: { 200: trainingModuleSchema } } }, async (req) => {
    const m = training().module(req.params.id);
    if (!m) throw new ApiError(404, 'no such module');
    return { id: m.id, title: m.title, minutes: m.minutes, summary: m.summary, tactics: m.tactics, html: m.html, quiz: m.quiz };
  });

  app.get(
    '/api/training/assignments',
    {
      config: { access: SIMULATION_ACCESS.read },
      schema: {
        summary: 'Assignments: who, which module, why (by hand, or after a simulation click), due, completed',
        tags,
        querystring: z.object({
          email: z.string().max(320).optional(),
          module: z.string().max(60).optional(),
          state: z.enum(['open', 'overdue', 'completed']).optional(),
          campaign: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: assignmentListSchema },
      },
    },
    async (req) => {
      const r = training().listAssignments({ email: req.query.email, module: req.query.module, state: req.query.state, campaignId: req.query.campaign, limit: req.query.limit, offset: req.query.offset });
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
      return { total: r.total, items: r.items.map((a) => ({ ...a, assignedAt: iso(a.assignedAt), dueAt: iso(a.dueAt), completedAt: iso(a.completedAt), notifiedAt: iso(a.notifiedAt), lastRemindedAt: iso(a.lastRemindedAt), cancelledAt: iso(a.cancelledAt) })) };
    },
  );

  app.post(
    '/api/training/assignments',
    {
      config: { access: SIMULATION_ACCESS.manage },
      schema: {
        summary: 'Assign a module to people (by address, or an audience of departments, roles and sites); an open assignment of the module is kept as it is',
        tags,
        body: z.object({ module: z.string().max(60), emails: z.array(z.string().max(320)).max(100_000).default([]), audience: z.record(z.string(), z.unknown()).optional(), dueAt: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: assignResultSchema },
      },
    },
    async (req) => {
      try {
        const t = training();
        const emails = new Set(req.body.emails.map((e) => e.trim().toLowerCase()));
        if (req.body.audience) for (const m of selectAudience(t.staff.all(), audienceSchema.parse(req.body.audience)).members) emails.add(m.email);
        if (emails.size === 0) throw new ApiError(400, 'nobody to assign: give emails or an audience');
        let created = 0;
        for (const email of emails) if (t.assign({ email, module: req.body.module, by: req.principal!.actor, dueAt: req.body.dueAt ? Date.parse(req.body.dueAt) : undefined }).created) created++;
        void t.tick();
        return { assigned: created, alreadyOpen: emails.size - created };
      } catch (err) {
        trainingError(err);
      }
    },
  );

  app.post('/api/training/assignments/:id/cancel', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Cancel an open assignment', tags, params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: assignmentCancelledSchema } } }, async (req) => {
    if (!training().assignments.cancel(req.params.id, Date.now())) throw new ApiError(404, 'no open assignment with that id');
    auditRequest(ctx, req, 'training.cancel', `assignment:${req.params.id}`);
    return { id: req.params.id, cancelled: true as const };
  });

  app.get('/api/training/people', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Staff with their risk scores (highest first): simulation outcomes, reports, training, access to PHI', tags, querystring: z.object({ department: z.string().max(200).optional() }), response: { 200: personRiskListSchema } } }, async (req) =>
    training()
      .people()
      .filter((p) => !req.query.department || p.department.toLowerCase() === req.query.department.toLowerCase())
      .map((p) => ({ email: p.email, name: p.name, department: p.department, role: p.role, site: p.site, phiAccess: p.phiAccess, risk: p.risk, outcome: p.outcome, modulesCompleted: p.completed, assignmentsOpen: p.open, assignmentsOverdue: p.overdue })),
  );

  app.get('/api/training/people/:email', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'One person: risk score with its parts, assignments, and simulation history', tags, params: z.object({ email: z.string().max(320) }), response: { 200: personDetailSchema } } }, async (req) => {
    const s = simulationsOf(ctx);
    const p = s.training.person(req.params.email);
    if (!p) throw new ApiError(404, 'no such person');
    const history = s.campaigns.list().flatMap((c) =>
      s.results(c.id)
        .recipientsDetail.filter((r) => r.email === p.email)
        .map((r) => ({ campaign: c.id, name: c.name, sentAt: r.sentAt, events: r.events, scannerRequests: r.scannerRequests })),
    );
    return { person: p, assignments: p.personId ? s.training.assignments.ofPerson(p.personId) : [], simulations: history };
  });

  app.get('/api/training/departments', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Per department: people, average and high risk, clicks, reports, training completion', tags, response: { 200: departmentReportListSchema } } }, async () => training().departments());

  app.get('/api/training/export', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'CSV export of people (with risk), departments or assignments', tags, querystring: z.object({ kind: z.enum(['people', 'departments', 'assignments']).default('people') }), response: { 200: { description: 'CSV, as a download', content: { 'text/csv': { schema: z.string() } } } } } }, async (req, reply) => {
    auditRequest(ctx, req, 'training.export', `training:${req.query.kind}`);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="medshield-training-${req.query.kind}.csv"`)
      .send(training().csv(req.query.kind));
  });

  app.post('/api/training/roster', { config: { access: SIMULATION_ACCESS.configure }, bodyLimit: 10 * 1024 * 1024, schema: { summary: 'Replace the staff roster (CSV: email, name, department, role, site, phi_access); a file with any bad row is refused whole', tags, body: z.object({ content: z.string().min(1) }), response: { 200: rosterImportResultSchema } } }, async (req) => {
    try {
      const r = training().staff.importRoster(req.body.content);
      auditRequest(ctx, req, 'training.roster.import', 'roster', { rows: r.rows });
      return { rows: r.rows, staff: training().staff.all().length };
    } catch (err) {
      trainingError(err);
    }
  });

  // ---- the learner's pages ---------------------------------------------------------------

  const page = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('content-security-policy', PAGE_CSP).send(body);
  const learner = (token: string) => {
    const s = simulationsOf(ctx);
    return s.training.resolveLearner(token);
  };

  app.get('/learn/:token', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: learnerParams } }, async (req, reply) => {
    const who = learner(req.params.token);
    if ('error' in who) return page(reply, 404, learnerError(who.error));
    const t = training();
    return page(reply, 200, learnerHome({ name: t.staff.get(who.email)?.name ?? who.email, base: `/learn/${req.params.token}`, assignments: t.assignments.ofPerson(who.personId), modules: t.modules.modules, now: t.now() }));
  });

  app.get('/learn/:token/m/:module', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: moduleParams } }, async (req, reply) => {
    const who = learner(req.params.token);
    if ('error' in who) return page(reply, 404, learnerError(who.error));
    const t = training();
    const m = t.module(req.params.module);
    if (!m) return page(reply, 404, learnerError('There is no such module.'));
    return page(reply, 200, modulePage({ module: m, action: `/learn/${req.params.token}/m/${m.id}`, home: `/learn/${req.params.token}`, assignment: t.assignments.openFor(who.personId, m.id) ?? null }));
  });

  app.post('/learn/:token/m/:module', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: moduleParams } }, async (req, reply) => {
    const who = learner(req.params.token);
    if ('error' in who) return page(reply, 404, learnerError(who.error));
    const t = training();
    const m = t.module(req.params.module);
    if (!m) return page(reply, 404, learnerError('There is no such module.'));
    const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
    const { result, completed } = t.submitQuiz(who.personId, m.id, answersFromForm(form, m.quiz.length));
    return page(reply, 200, resultPage({ module: m, result, passMark: ctx.config().training.passMark, completed: !!completed, retry: `/learn/${req.params.token}/m/${m.id}`, home: `/learn/${req.params.token}` }));
  });

  app.get('/learn/assets/:file', { config: { access: 'public' }, schema: { hide: true, params: z.object({ file: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/) }) } }, async (req, reply) => {
    const s = simulationsOf(ctx);
    const ext = req.params.file.split('.').pop()!.toLowerCase();
    const type = IMAGE_TYPES[ext];
    const path = join(s.training.modules.imagesDir, req.params.file);
    if (!type || req.params.file.startsWith('.') || !existsSync(path)) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
    // SVGs are shown as images only; served on their own they may not run anything.
    return reply.header('content-type', type).header('cache-control', 'public, max-age=3600').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(readFileSync(path));
  });
}
