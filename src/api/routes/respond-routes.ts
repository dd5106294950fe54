import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadExistingKey } from '../../crypto/message-cipher.ts';
import { respondMetrics } from '../../respond/alerts/metrics.ts';
import { CAMPAIGN_STATUSES } from '../../respond/campaigns/campaign-store.ts';
import { RespondError } from '../../respond/errors.ts';
import { campaignMispEvent } from '../../respond/export/misp.ts';
import { campaignBundle } from '../../respond/export/stix.ts';
import { validateStixBundle } from '../../respond/export/stix-validate.ts';
import { incidentReportMarkdown } from '../../respond/incidents/incident-report.ts';
import { INCIDENT_KINDS, INCIDENT_STATUSES } from '../../respond/incidents/incident-store.ts';
import { registeredRespondService, RespondService } from '../../respond/service.ts';
import { campaignDetail, campaignExport, incidentDetail } from '../../respond/views.ts';
import { auditRequest, principalCan } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  campaignDetailSchema,
  campaignListSchema,
  campaignSchema,
  campaignStatusSchema,
  containResultSchema,
  incidentDetailSchema,
  incidentKindSchema,
  incidentListSchema,
  incidentSchema,
  incidentStatusSchema,
  mispEventSchema,
  pullbackSummarySchema,
  purgeAcceptedSchema,
  reportListSchema,
  stixBundleSchema,
  timelineEventSchema,
} from '../schemas/respond.ts';

/** True only when A and B are the same union: the schema module's enums must match the stores'. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const enumsMatch: [
  Same<(typeof INCIDENT_STATUSES)[number], z.output<typeof incidentStatusSchema>>,
  Same<(typeof INCIDENT_KINDS)[number], z.output<typeof incidentKindSchema>>,
  Same<(typeof CAMPAIGN_STATUSES)[number], z.output<typeof campaignStatusSchema>>,
] = [true, true, true];
void enumsMatch;

/**
 * Monitor and respond over HTTP: incidents (status, owner, notes, the exportable report),
 * campaigns (detail, contain, release, purge, STIX and MISP export), pull-backs, users'
 * reports, and Prometheus /metrics. Reading needs `messages.list` (metadata only); subjects
 * and the incident report need `messages.content` and are audited; acting needs
 * `messages.act`.
 */

const services = new WeakMap<ApiContext, RespondService>();

/** The gateway's own service when it runs in this process; else one over the same store (no loops, no scanner). */
function respond(ctx: ApiContext): RespondService {
  const registered = registeredRespondService(ctx.db);
  if (registered) return registered;
  let s = services.get(ctx);
  if (!s) {
    s = new RespondService({ db: ctx.db, cipher: ctx.cipher, key: loadExistingKey(ctx.dataDir), config: () => ctx.config(), audit: ctx.audit, logger: ctx.logger });
    services.set(ctx, s);
  }
  return s;
}

const STATUS: Record<RespondError['code'], number> = { 'not-found': 404, invalid: 400, unavailable: 503, state: 409 };

function run<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RespondError) throw new ApiError(STATUS[err.code], err.message);
    throw err;
  }
}

async function runAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof RespondError) throw new ApiError(STATUS[err.code], err.message);
    throw err;
  }
}

const idParam = z.object({ id: z.coerce.number().int().positive() });
const list = (values: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(values as [string, ...string[]])).optional());
const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };

/** Subjects are message content: only for roles that may read content, and each read is audited. */
function subjectsFor(req: FastifyRequest, wanted: boolean | undefined, purpose: string): { actor: string; purpose: string } | undefined {
  if (!wanted) return undefined;
  if (!principalCan(req, 'messages.content')) throw new ApiError(403, 'your role may not read message content (subjects)');
  return { actor: req.principal!.actor, purpose };
}

export async function respondRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['respond'];
  const actor = (req: FastifyRequest) => req.principal!.actor;

  app.get(
    '/api/incidents',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'Incidents, most recently changed first', tags, querystring: z.object({ status: list(INCIDENT_STATUSES), kind: list(INCIDENT_KINDS), owner: z.string().optional(), campaign: z.coerce.number().int().optional(), ...page }), response: { 200: incidentListSchema } },
    },
    async (req) => {
      const q = req.query;
      const svc = respond(ctx);
      const r = svc.incidents.list({ status: q.status as never, kind: q.kind as never, owner: q.owner, campaignId: q.campaign, limit: q.limit, offset: q.offset });
      return { total: r.total, counts: svc.incidents.counts(), items: r.items.map((i) => ({ ...i, messages: svc.incidents.messages(i.id).length })) };
    },
  );

  app.get(
    '/api/incidents/:id',
    { config: { access: 'messages.list' }, schema: { summary: 'An incident: timeline, messages, recipients, indicators, reports, pull-backs and breach exposure', tags, params: idParam, querystring: z.object({ subjects: z.coerce.boolean().optional() }), response: { 200: incidentDetailSchema } } },
    async (req) => run(() => incidentDetail(respond(ctx), req.params.id, { subjects: subjectsFor(req, req.query.subjects, `incident ${req.params.id}`) })),
  );

  app.patch(
    '/api/incidents/:id',
    {
      config: { access: 'messages.act' },
      schema: { summary: 'Change an incident’s status or owner (recorded in its timeline and the audit log)', tags, params: idParam, body: z.object({ status: z.enum(INCIDENT_STATUSES).optional(), owner: z.string().trim().min(1).max(100).nullable().optional() }).strict(), response: { 200: incidentSchema } },
    },
    async (req) =>
      run(() => {
        const svc = respond(ctx);
        if (!svc.incidents.get(req.params.id)) throw new RespondError('not-found', `no incident ${req.params.id}`);
        if (req.body.owner !== undefined) svc.setIncidentOwner(req.params.id, req.body.owner, actor(req));
        if (req.body.status !== undefined) svc.setIncidentStatus(req.params.id, req.body.status, actor(req));
        return svc.incidents.get(req.params.id)!;
      }),
  );

  app.post(
    '/api/incidents/:id/notes',
    { config: { access: 'messages.act' }, schema: { summary: 'Add a note to an incident’s timeline (stored encrypted)', tags, params: idParam, body: z.object({ text: z.string().trim().min(1).max(10_000) }).strict(), response: { 200: timelineEventSchema } } },
    async (req) => run(() => respond(ctx).addIncidentNote(req.params.id, req.body.text, actor(req))),
  );

  app.get(
    '/api/incidents/:id/report',
    {
      config: { access: 'messages.content' },
      schema: { summary: 'The incident report (Markdown or JSON), with subjects and breach exposure; audited', tags, params: idParam, querystring: z.object({ format: z.enum(['markdown', 'json']).default('markdown') }),
        response: { 200: { description: 'The report, as a download', content: { 'text/markdown': { schema: z.string() }, 'application/json': { schema: incidentDetailSchema } } } },
      },
    },
    async (req, reply) =>
      run(() => {
        const svc = respond(ctx);
        const detail = incidentDetail(svc, req.params.id, { subjects: { actor: actor(req), purpose: `incident ${req.params.id} report` } });
        auditRequest(ctx, req, 'respond.incident.report', `incident:${req.params.id}`, { format: req.query.format });
        const name = `medshield-incident-${req.params.id}`;
        if (req.query.format === 'json') return reply.header('content-disposition', `attachment; filename="${name}.json"`).send(detail);
        return reply
          .type('text/markdown; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.md"`)
          .send(incidentReportMarkdown(detail, { organisation: svc.config().org.name, generatedBy: actor(req) }));
      }),
  );

  app.get(
    '/api/campaigns',
    { config: { access: 'messages.list' }, schema: { summary: 'Campaigns, most recently active first', tags, querystring: z.object({ status: list(CAMPAIGN_STATUSES), ...page }), response: { 200: campaignListSchema } } },
    async (req) => {
      const svc = respond(ctx);
      const r = svc.campaigns.list({ status: req.query.status as never, limit: req.query.limit, offset: req.query.offset });
      return {
        total: r.total,
        items: r.items.map((c) => {
          const members = svc.campaigns.members(c.id).map((m) => m.spoolId);
          const deliveries = svc.log.deliveries(members);
          return {
            ...c,
            messages: members.length,
            recipients: new Set(deliveries.map((d) => d.recipient)).size,
            delivered: deliveries.filter((d) => d.state === 'delivered' || d.state === 'pending').length,
            reporters: svc.log.reporters(members).length,
            incidentId: svc.incidents.byCampaign(c.id)?.id ?? null,
          };
        }),
      };
    },
  );

  app.get(
    '/api/campaigns/:id',
    { config: { access: 'messages.list' }, schema: { summary: 'A campaign: timeline, variants, recipients, indicators, reports, pull-backs, exposure', tags, params: idParam, querystring: z.object({ subjects: z.coerce.boolean().optional() }), response: { 200: campaignDetailSchema } } },
    async (req) => run(() => campaignDetail(respond(ctx), req.params.id, { subjects: subjectsFor(req, req.query.subjects, `campaign ${req.params.id}`) })),
  );

  app.patch(
    '/api/campaigns/:id',
    {
      config: { access: 'messages.act' },
      schema: { summary: 'Rename a campaign, or close / reopen it (closing lifts its block)', tags, params: idParam, body: z.object({ name: z.string().trim().min(1).max(200).optional(), status: z.enum(['active', 'closed']).optional() }).strict(), response: { 200: campaignSchema } },
    },
    async (req) =>
      run(() => {
        const svc = respond(ctx);
        const c = svc.campaigns.get(req.params.id);
        if (!c) throw new RespondError('not-found', `no campaign ${req.params.id}`);
        if (req.body.name) svc.campaigns.rename(c.id, req.body.name, Date.now(), true);
        if (req.body.status) svc.campaigns.setStatus(c.id, req.body.status, req.body.status === 'closed' ? { blocked: false } : {});
        auditRequest(ctx, req, 'respond.campaign.update', `campaign:${c.id}`, { ...req.body });
        return svc.campaigns.get(c.id)!;
      }),
  );

  app.post(
    '/api/campaigns/:id/contain',
    {
      config: { access: 'messages.act' },
      schema: { summary: 'Contain a campaign: quarantine future matches of its indicators, and (pull) remove delivered copies', tags, params: idParam, body: z.object({ pull: z.boolean().default(true), action: z.enum(['move', 'delete']).optional() }).strict().default({ pull: true }), response: { 200: containResultSchema } },
    },
    async (req) =>
      runAsync(async () => {
        const svc = respond(ctx);
        const r = await svc.containCampaign(req.params.id, actor(req), { pull: req.body.pull && svc.pullbacks.available(), action: req.body.action });
        return { campaign: r.campaign, changed: r.changed, pullbackId: r.pullbackId, pullbackAvailable: svc.pullbacks.available() };
      }),
  );

  app.post(
    '/api/campaigns/:id/release',
    { config: { access: 'messages.act' }, schema: { summary: 'Lift a campaign’s block (a false positive); matching mail is no longer quarantined for it', tags, params: idParam, response: { 200: campaignSchema } } },
    async (req) => run(() => respond(ctx).releaseCampaign(req.params.id, actor(req))),
  );

  app.post(
    '/api/campaigns/:id/purge',
    {
      config: { access: 'messages.act' },
      schema: { summary: 'Purge a campaign: remove every delivered copy from users’ mailboxes over IMAP (runs in the background)', tags, params: idParam, body: z.object({ action: z.enum(['move', 'delete']).optional() }).strict().default({}), response: { 202: purgeAcceptedSchema } },
    },
    async (req, reply) =>
      run(() => {
        const r = respond(ctx).purgeCampaign(req.params.id, actor(req), req.body.action);
        return reply.code(202).send({ pullbackId: r.id, status: `/api/pullbacks/${r.id}` });
      }),
  );

  app.get(
    '/api/campaigns/:id/export',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'The campaign’s indicators as a STIX 2.1 bundle or a MISP event', tags, params: idParam, querystring: z.object({ format: z.enum(['stix', 'misp']).default('stix') }),
        response: { 200: { description: 'The export, as a download', content: { 'application/stix+json': { schema: stixBundleSchema }, 'application/json': { schema: mispEventSchema } } } },
      },
    },
    async (req, reply) =>
      run(() => {
        const svc = respond(ctx);
        const x = campaignExport(svc, req.params.id);
        auditRequest(ctx, req, 'respond.campaign.export', `campaign:${req.params.id}`, { format: req.query.format });
        const stix = req.query.format === 'stix' ? campaignBundle(x) : null;
        if (stix) {
          const problems = validateStixBundle(stix);
          if (problems.length) throw new Error(`the STIX bundle failed its own check: ${problems.slice(0, 3).join('; ')}`);
        }
        // The bundle's interfaces have no index signature; parsing gives it the schema's (open) type, keys intact.
        const body = stix ? stixBundleSchema.parse(stix) : campaignMispEvent(x);
        return reply
          .type(req.query.format === 'stix' ? 'application/stix+json;version=2.1' : 'application/json')
          .header('content-disposition', `attachment; filename="medshield-campaign-${req.params.id}.${req.query.format}.json"`)
          .send(body);
      }),
  );

  app.get(
    '/api/pullbacks/:id',
    { config: { access: 'messages.list' }, schema: { summary: 'A pull-back: state and, per mailbox and message, what was removed or not found', tags, params: idParam, response: { 200: pullbackSummarySchema } } },
    async (req) =>
      run(() => {
        const s = respond(ctx).pullbacks.summary(req.params.id);
        if (!s) throw new RespondError('not-found', `no pull-back ${req.params.id}`);
        return s;
      }),
  );

  app.get(
    '/api/reports',
    { config: { access: 'messages.list' }, schema: { summary: 'Users’ phishing reports, newest first', tags, querystring: z.object({ campaign: z.coerce.number().int().optional(), ...page }), response: { 200: reportListSchema } } },
    async (req) => respond(ctx).reports.list({ campaignId: req.query.campaign, limit: req.query.limit, offset: req.query.offset }),
  );

  let registry: ReturnType<typeof respondMetrics> | null = null;
  app.get(
    '/metrics',
    { config: { access: 'dashboard.read' }, schema: { summary: 'Prometheus metrics (scrape with an API token as bearer)', tags: ['monitoring'], response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } } } },
    async (_req, reply) => {
      registry ??= respondMetrics(ctx.db, { gatewayQueue: ctx.gateway ? () => ctx.gateway!.journal.stats() : undefined });
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
