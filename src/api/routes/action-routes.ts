import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QuarantineError } from '../../quarantine/quarantine-store.ts';
import { auditRequest, requestContext } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { FeedbackKind } from '../feedback-store.ts';
import { actionResultSchema, bulkActionSchema, bulkResultSchema } from '../schemas.ts';
import { findMessage, idParam } from './message-routes.ts';

type ActionResult = { ok: boolean; message: string; delivery?: string };

function release(ctx: ApiContext, req: FastifyRequest, id: string): ActionResult {
  const gateway = ctx.gateway;
  if (!gateway) throw new ApiError(503, 'no gateway runs in this process to deliver released mail');
  const m = findMessage(ctx, id, false);
  if (!m.quarantineId) throw new ApiError(409, 'this message was not quarantined; there is nothing to release');
  const qid = m.quarantineId;
  const r = ctx.quarantine.release(qid, req.principal!.actor, (o) => gateway.enqueue({ ...o, origin: `release:${qid}` }), requestContext(req));
  if (r.alreadyReleased) return { ok: true, message: `already released on ${r.releasedAt.toISOString()} by ${r.releasedBy}; nothing was sent again`, delivery: r.delivery };
  gateway.kick();
  return { ok: true, message: `released to ${m.recipients.join(', ')}; delivering now`, delivery: r.delivery };
}

function remove(ctx: ApiContext, req: FastifyRequest, id: string): ActionResult {
  const m = findMessage(ctx, id, false);
  if (!m.quarantineId) throw new ApiError(409, 'this message was not quarantined; Medshield holds no content of it to delete');
  ctx.quarantine.delete(m.quarantineId, req.principal!.actor, requestContext(req));
  return { ok: true, message: 'deleted: the content is gone for good; its record and audit trail stay' };
}

function feedback(ctx: ApiContext, req: FastifyRequest, id: string, kind: FeedbackKind, note: string): ActionResult {
  const m = findMessage(ctx, id, false);
  const actor = req.principal!.actor;
  const held = m.quarantineId ? ctx.quarantine.get(m.quarantineId) : undefined;
  // The sample is a copy of the message kept for retraining: the read is audited like any other.
  const content = held?.bodyPresent ? () => ctx.quarantine.readMessage(held.id, actor, requestContext(req, { purpose: 'training-sample' })) : null;
  const { sampleKept } = ctx.db.transaction(() => {
    const r = ctx.feedback.record({ spoolId: m.spoolId, quarantineId: m.quarantineId, kind, fromAddress: m.from, actor, note }, content);
    auditRequest(ctx, req, 'message.feedback', m.quarantineId ?? m.spoolId, { spoolId: m.spoolId, kind, verdict: m.action, sender: m.from, trainingSample: r.sampleKept });
    return r;
  })();
  const sender = m.from || 'the sender';
  const learning = sampleKept ? 'kept as a labelled sample for retraining (medshield feedback export)' : 'no retraining sample: Medshield does not keep the content of delivered mail';
  return {
    ok: true,
    message: kind === 'phish' ? `confirmed as phishing; ${sender} is now on record as reported; ${learning}` : `marked a false positive; ${sender} is now on record as legitimate; ${learning}`,
  };
}

function messageOf(err: unknown): string {
  return err instanceof ApiError || err instanceof QuarantineError ? err.message : 'internal error';
}

export async function actionRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['actions'];

  app.post(
    '/api/messages/:id/release',
    { config: { access: 'messages.act' }, schema: { summary: 'Release a held or quarantined message to its recipients (once; audited)', tags, params: idParam, response: { 200: actionResultSchema } } },
    async (req) => release(ctx, req, req.params.id),
  );

  app.post(
    '/api/messages/:id/delete',
    { config: { access: 'messages.act' }, schema: { summary: 'Delete a quarantined message’s content for good (the record and audit trail stay)', tags, params: idParam, response: { 200: actionResultSchema } } },
    async (req) => remove(ctx, req, req.params.id),
  );

  app.post(
    '/api/messages/:id/feedback',
    {
      config: { access: 'messages.act' },
      schema: {
        summary: 'Confirm phishing or mark a false positive: recorded, and fed to the sender profiles the analyzers read',
        tags,
        params: idParam,
        body: z.object({ kind: z.enum(['phish', 'not-phish']), note: z.string().max(2000).default('') }),
        response: { 200: actionResultSchema },
      },
    },
    async (req) => feedback(ctx, req, req.params.id, req.body.kind, req.body.note),
  );

  app.post(
    '/api/messages/bulk',
    { config: { access: 'messages.act' }, schema: { summary: 'One action on many messages; each succeeds or fails on its own', tags, body: bulkActionSchema, response: { 200: bulkResultSchema } } },
    async (req) => {
      const results = [...new Set(req.body.ids)].map((id) => {
        try {
          const a = req.body.action;
          const r = a === 'release' ? release(ctx, req, id) : a === 'delete' ? remove(ctx, req, id) : feedback(ctx, req, id, a, req.body.note ?? '');
          return { id, ok: r.ok, message: r.message };
        } catch (err) {
          if (!(err instanceof ApiError || err instanceof QuarantineError)) ctx.logger.error('bulk action failed', { id, error: (err as Error).message });
          return { id, ok: false, message: messageOf(err) };
        }
      });
      const succeeded = results.filter((r) => r.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
  );
}
