import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditActions, auditCsv, queryAudit, type AuditQuery } from '../audit-query.ts';
import { auditRequest } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { auditEntrySchema, auditListSchema, auditQuerySchema } from '../schemas.ts';

function toQuery(q: z.output<typeof auditQuerySchema>): AuditQuery {
  return { actor: q.actor, action: q.action, target: q.target, since: q.since ? new Date(q.since) : undefined, until: q.until ? new Date(q.until) : undefined, beforeId: q.beforeId, limit: q.limit };
}

export async function auditRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];

  app.get(
    '/api/audit',
    { config: { access: 'audit.read' }, schema: { summary: 'The audit log, newest first: who did what to which record, when and from where', tags, querystring: auditQuerySchema, response: { 200: auditListSchema } } },
    async (req) => ({ items: queryAudit(ctx.db, toQuery(req.query)), actions: auditActions(ctx.db), chain: null }),
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access: 'audit.read' },
      schema: {
        summary: 'Check the hash chain of the whole audit log (edited or removed entries break it)',
        tags,
        response: { 200: z.object({ ok: z.boolean(), checked: z.number(), head: z.string(), firstBroken: z.object({ id: z.number(), reason: z.string() }).optional() }) },
      },
    },
    async () => ctx.audit.verify(),
  );

  app.get(
    '/api/audit/export',
    {
      config: { access: 'audit.read' },
      schema: {
        summary: 'Export the filtered audit log as CSV or JSON (the export is itself audited)',
        tags,
        querystring: auditQuerySchema.extend({ format: z.enum(['csv', 'json']).default('csv'), limit: z.coerce.number().int().min(1).max(100_000).default(100_000) }),
        produces: ['text/csv', 'application/json'],
        response: { 200: { description: 'The audit entries, oldest first, as a download', content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.array(auditEntrySchema) } } } },
      },
    },
    async (req, reply) => {
      const rows = queryAudit(ctx.db, toQuery(req.query));
      const { format, ...filter } = req.query;
      auditRequest(ctx, req, 'audit.export', 'audit_log', { format, rows: rows.length, filter: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="medshield-audit-${stamp}.${format}"`);
      if (format === 'json') return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(rows, null, 2));
      return reply.header('content-type', 'text/csv; charset=utf-8').send(auditCsv(rows));
    },
  );
}
