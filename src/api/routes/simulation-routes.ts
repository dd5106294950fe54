import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QuarantineError } from '../../quarantine/quarantine-store.ts';
import { SIMULATION_ACCESS } from '../../simulations/access.ts';
import { CampaignError } from '../../simulations/campaign-store.ts';
import { LANDING_SCRIPT } from '../../simulations/landing-pages.ts';
import type { HitKind } from '../../simulations/scanner-classifier.ts';
import { registeredSimulationService, type SimulationService } from '../../simulations/service.ts';
import { parseTemplate, TemplateError } from '../../simulations/template.ts';
import { auditRequest, requestContext } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  simAudienceSchema,
  simCampaignDetailSchema,
  simCampaignListSchema,
  simCampaignStatusSchema,
  simCampaignSummarySchema,
  simFromQuarantineSchema,
  simHitListSchema,
  simStatusSchema,
  simTemplateArchivedSchema,
  simTemplateDetailSchema,
  simTemplateListSchema,
  simTemplatePreviewSchema,
  simTemplateRefSchema,
} from '../schemas/simulations.ts';

/** True only when A and B are the same union: the schema module's enum must match the store's. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<import('../../simulations/campaign-store.ts').CampaignStatus, z.output<typeof simCampaignStatusSchema>> = true;
void statusesMatch;

/**
 * Phishing simulations: the security team's API (templates, campaigns, results), and the
 * public pages staff's browsers reach from simulation mail (tracking pixel, landing pages,
 * the just-in-time page). The public ones need no sign-in by nature; each request must
 * carry a genuine signed token, and what a landing form contained is never read: only the
 * names of the fields that were filled in reach the simulation module.
 */

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PUBLIC_RATE = { max: 600, timeWindow: 60_000 };
const tokenParams = z.object({ token: z.string().max(64) });
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** What a landing form sent, as far as Medshield looks: which fields had something in them, and our own hidden fields. */
interface SubmittedForm {
  filled: string[];
  step: 'continue' | 'submit' | null;
  trusted: boolean;
  event: string | null;
}

const OWN_FIELDS = new Set(['step', 'trusted', 'event']);

function summariseForm(body: string): SubmittedForm {
  const params = new URLSearchParams(body);
  const filled = new Set<string>();
  for (const [name, value] of params) if (!OWN_FIELDS.has(name) && value.trim() !== '' && /^[a-z_][a-z0-9_]{0,30}$/i.test(name)) filled.add(name.toLowerCase());
  const step = params.get('step');
  // Values other than our own fields are dropped here, before anything is stored or logged.
  return { filled: [...filled].slice(0, 20), step: step === 'submit' || step === 'continue' ? step : null, trusted: params.get('trusted') === '1', event: (params.get('event') ?? '').slice(0, 20) || null };
}

export function simulationError(err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof TemplateError) throw new ApiError(400, err.message);
  if (err instanceof CampaignError) throw new ApiError(err.code === 'not-found' ? 404 : err.code === 'state' ? 409 : 400, err.message);
  if (err instanceof QuarantineError) throw err;
  if (err instanceof z.ZodError) throw new ApiError(400, 'invalid request', err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
  throw err;
}

export function simulationsOf(ctx: ApiContext): SimulationService {
  const s = registeredSimulationService(ctx.db);
  if (!s) throw new ApiError(503, 'phishing simulations are not running on this server (simulations.enabled is false)');
  return s;
}

export async function simulationRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['simulations'];
  const sim = () => simulationsOf(ctx);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, summariseForm(String(body))));
  app.addHook('onSend', async (req, reply, payload) => {
    // Mail clients load the pixel from another origin.
    if (req.routeOptions.url === '/sim/o/:token') reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  });

  // ---- the security team's API ------------------------------------------------------------

  app.get('/api/simulations/status', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Where landing pages are reached, the simulation sender domain, and refused bypass headers by reason', tags, response: { 200: simStatusSchema } } }, async () => {
    const s = sim();
    return { baseUrl: s.baseUrl(), senderDomain: s.senderDomain(), callbackNumber: s.settings.callbackNumber, perMinute: s.settings.perMinute, window: s.settings.window, bypassRefusals: s.gate.refusals() };
  });

  app.get('/api/simulations/templates', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Simulation templates (shipped and the organisation’s own)', tags, querystring: z.object({ archived: z.enum(['true', 'false']).default('false') }), response: { 200: simTemplateListSchema } } }, async (req) =>
    sim()
      .templates.list({ includeArchived: req.query.archived === 'true' })
      .map((t) => ({ id: t.id, slug: t.slug, name: t.name, tactic: t.tactic, module: t.template.module ?? null, description: t.template.description, source: t.source, builtin: t.builtin, archived: t.archived, updatedAt: new Date(t.updatedAt).toISOString() })),
  );

  app.get('/api/simulations/templates/:id', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'One template with its full definition', tags, params: idParams, response: { 200: simTemplateDetailSchema } } }, async (req) => {
    const t = sim().templates.get(req.params.id);
    if (!t) throw new ApiError(404, 'no such template');
    return { id: t.id, source: t.source, builtin: t.builtin, archived: t.archived, createdBy: t.createdBy, template: t.template };
  });

  app.post('/api/simulations/templates', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Create a template (the definition is validated: placeholders, links, landing page)', tags, body: z.record(z.string(), z.unknown()), response: { 201: simTemplateRefSchema } } }, async (req, reply) => {
    try {
      const t = sim().createTemplate(req.body, req.principal!.actor);
      return reply.code(201).send({ id: t.id, slug: t.slug });
    } catch (err) {
      simulationError(err);
    }
  });

  app.put('/api/simulations/templates/:id', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Replace a template’s definition (shipped templates are read-only: save a copy)', tags, params: idParams, body: z.record(z.string(), z.unknown()), response: { 200: simTemplateRefSchema } } }, async (req) => {
    try {
      const t = sim().updateTemplate(req.params.id, req.body, req.principal!.actor);
      return { id: t.id, slug: t.slug };
    } catch (err) {
      simulationError(err);
    }
  });

  app.post('/api/simulations/templates/:id/archive', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Archive (hide from new campaigns) or restore a template', tags, params: idParams, body: z.object({ archived: z.boolean() }), response: { 200: simTemplateArchivedSchema } } }, async (req) => {
    if (!sim().templates.archive(req.params.id, req.body.archived)) throw new ApiError(404, 'no such template');
    auditRequest(ctx, req, 'simulations.template.archive', `template:${req.params.id}`, { archived: req.body.archived });
    return { id: req.params.id, archived: req.body.archived };
  });

  app.post(
    '/api/simulations/templates/preview',
    {
      config: { access: SIMULATION_ACCESS.read },
      schema: { summary: 'The template as a staff member would receive it (inert links), with its landing and just-in-time pages', tags, body: z.object({ id: z.number().int().positive().optional(), template: z.record(z.string(), z.unknown()).optional(), email: z.string().max(320).optional() }), response: { 200: simTemplatePreviewSchema } },
    },
    async (req) => {
      try {
        const s = sim();
        const t = req.body.template ? parseTemplate(req.body.template, 'template') : req.body.id ? s.templates.get(req.body.id)?.template : undefined;
        if (!t) throw new ApiError(400, 'give a template definition or the id of a saved one');
        const p = await s.preview(t, req.body.email);
        return { from: p.from, subject: p.subject, html: p.html, text: p.text, landing: p.landing, jit: p.jit };
      } catch (err) {
        simulationError(err);
      }
    },
  );

  app.post(
    '/api/simulations/templates/from-quarantine',
    {
      config: { access: SIMULATION_ACCESS.manage },
      schema: {
        summary: 'Turn a quarantined phish into a defanged template (links → tracking links; attachments, remote images and pixels removed; clinicians’ photos and names replaced). The read of the message is audited.',
        tags,
        body: z.object({ quarantineId: z.string().min(6).max(100), slug: z.string().max(60).optional(), save: z.boolean().default(true) }),
        response: { 200: simFromQuarantineSchema },
      },
    },
    async (req) => {
      try {
        const r = await sim().templateFromQuarantine(req.body.quarantineId, req.principal!.actor, { slug: req.body.slug, save: req.body.save, context: requestContext(req) });
        return { template: r.template, report: r.report, saved: r.saved ? { id: r.saved.id, slug: r.saved.slug } : null };
      } catch (err) {
        simulationError(err);
      }
    },
  );

  app.post('/api/simulations/audience', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Who an audience (departments, roles, sites, addresses, exclusions) selects from the directory and roster', tags, body: z.record(z.string(), z.unknown()), response: { 200: simAudienceSchema } } }, async (req) => {
    try {
      const r = sim().audience(req.body);
      return { count: r.members.length, members: r.members.slice(0, 5000), unknownEmails: r.unknownEmails };
    } catch (err) {
      simulationError(err);
    }
  });

  app.get('/api/simulations/campaigns', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Campaigns, newest first, with their headline figures', tags, response: { 200: simCampaignListSchema } } }, async () => {
    const s = sim();
    return s.campaigns.list().map((c) => {
      const r = s.results(c.id);
      return { ...campaignSummary(c), recipients: r.recipients.total, delivered: r.recipients.delivered, people: r.people, scannerRequests: r.scanners.requests };
    });
  });

  app.post('/api/simulations/campaigns', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Create a draft campaign: template, audience, sending window, pace and start', tags, body: z.record(z.string(), z.unknown()), response: { 201: simCampaignSummarySchema } } }, async (req, reply) => {
    try {
      const c = sim().createCampaign(req.body as never, req.principal!.actor);
      return reply.code(201).send(campaignSummary(c));
    } catch (err) {
      simulationError(err);
    }
  });

  app.get('/api/simulations/campaigns/:id', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'A campaign and its results: what people did, scanners and unconfirmed clicks apart, per department and per recipient', tags, params: idParams, response: { 200: simCampaignDetailSchema } } }, async (req) => {
    try {
      const s = sim();
      const c = s.campaigns.get(req.params.id);
      if (!c) throw new ApiError(404, 'no such campaign');
      return { campaign: campaignSummary(c), template: c.snapshot ?? s.templates.get(c.templateId)?.template ?? null, audience: c.audience, results: s.results(c.id) };
    } catch (err) {
      simulationError(err);
    }
  });

  app.patch('/api/simulations/campaigns/:id', { config: { access: SIMULATION_ACCESS.manage }, schema: { summary: 'Change a draft campaign', tags, params: idParams, body: z.record(z.string(), z.unknown()), response: { 200: simCampaignSummarySchema } } }, async (req) => {
    try {
      return campaignSummary(sim().updateCampaign(req.params.id, req.body as never, req.principal!.actor));
    } catch (err) {
      simulationError(err);
    }
  });

  for (const action of ['launch', 'cancel', 'finish'] as const) {
    app.post(
      `/api/simulations/campaigns/:id/${action}`,
      {
        config: { access: SIMULATION_ACCESS.manage },
        schema: { summary: { launch: 'Launch a draft: the audience and template are frozen; mail goes out from its start, in its window, at its pace', cancel: 'Stop sending (what was sent stays measured)', finish: 'Close the landing pages now' }[action], tags, params: idParams, response: { 200: simCampaignSummarySchema } },
      },
      async (req) => {
        try {
          const s = sim();
          const by = req.principal!.actor;
          const c = action === 'launch' ? s.launch(req.params.id, by) : action === 'cancel' ? s.cancel(req.params.id, by) : s.finish(req.params.id, by);
          if (action === 'launch') void s.tick();
          return campaignSummary(c);
        } catch (err) {
          simulationError(err);
        }
      },
    );
  }

  app.get('/api/simulations/campaigns/:id/hits', { config: { access: SIMULATION_ACCESS.read }, schema: { summary: 'Every request to the campaign’s links and how it was classified (person, scanner, unconfirmed) and why', tags, params: idParams, response: { 200: simHitListSchema } } }, async (req) => {
    const s = sim();
    if (!s.campaigns.get(req.params.id)) throw new ApiError(404, 'no such campaign');
    const emails = new Map(s.campaigns.targets(req.params.id).map((t) => [t.id, t.email]));
    return s.events.hitsOfCampaign(req.params.id).map((h) => ({ ...h, email: emails.get(h.targetId) ?? null, at: new Date(h.at).toISOString() }));
  });

  // ---- what staff's browsers reach -------------------------------------------------------

  const track = (req: FastifyRequest, token: string, kind: HitKind, form?: SubmittedForm) =>
    sim().track({
      token,
      kind,
      method: req.method,
      userAgent: String(req.headers['user-agent'] ?? ''),
      ip: req.ip,
      accept: String(req.headers.accept ?? ''),
      purpose: [req.headers.purpose, req.headers['sec-purpose'], req.headers['x-purpose'], req.headers['x-moz']].filter(Boolean).join(' ') || undefined,
      trustedInteraction: form?.trusted,
      fields: form?.filled,
    });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').header('content-security-policy', PAGE_CSP).send(body);
  const notFound = (reply: FastifyReply) => reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found\n');

  app.get('/sim/o/:token', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    if (registeredSimulationService(ctx.db)) track(req, req.params.token.replace(/\.gif$/, ''), 'open');
    // Always the pixel: an unknown token tells a prober nothing.
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, max-age=0').send(PIXEL);
  });

  app.get('/sim/c/:token', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    if (!registeredSimulationService(ctx.db)) return notFound(reply);
    const r = track(req, req.params.token, 'click');
    if (!r.found) return notFound(reply);
    if (req.method === 'HEAD') return html(reply, 200, '');
    return html(reply, 200, sim().landingHtml(r, `/sim/c/${req.params.token}`));
  });

  app.post('/sim/c/:token', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    if (!registeredSimulationService(ctx.db)) return notFound(reply);
    const form = isForm(req.body) ? req.body : { filled: [], step: null, trusted: false, event: null };
    const submitted = form.step === 'submit' || form.filled.length > 0;
    const r = track(req, req.params.token, submitted ? 'submit' : 'step', form);
    if (!r.found) return notFound(reply);
    return html(reply, 200, sim().jitHtml(r, submitted));
  });

  app.post('/sim/c/:token/i', { config: { access: 'public', rateLimit: PUBLIC_RATE }, schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    if (!registeredSimulationService(ctx.db)) return notFound(reply);
    const form = isForm(req.body) ? req.body : { filled: [], step: null, trusted: false, event: null };
    const r = track(req, req.params.token, 'beacon', { ...form, filled: [] });
    return r.found ? reply.code(204).header('cache-control', 'no-store').send() : notFound(reply);
  });

  app.get('/sim/assets/landing.js', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(LANDING_SCRIPT),
  );
}

function isForm(v: unknown): v is SubmittedForm {
  return !!v && typeof v === 'object' && Array.isArray((v as SubmittedForm).filled);
}

function campaignSummary(c: import('../../simulations/campaign-store.ts').Campaign): z.output<typeof simCampaignSummarySchema> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: c.id,
    name: c.name,
    templateId: c.templateId,
    status: c.status,
    perMinute: c.perMinute,
    window: c.window,
    startsAt: iso(c.startsAt),
    launchedAt: iso(c.launchedAt),
    allSentAt: iso(c.allSentAt),
    closesAt: iso(c.closesAt),
    finishedAt: iso(c.finishedAt),
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
  };
}
