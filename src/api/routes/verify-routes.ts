import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyServiceFor } from '../../verify/api-service.ts';
import { presentBlock, presentContact, presentTask, presentTaskDetail } from '../../verify/present.ts';
import { TaskError, type TaskKind, type TaskOutcome, type TaskStatus } from '../../verify/store/tasks.ts';
import { principalCan, requestContext } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  addContactSchema,
  assignResultSchema,
  assignSchema,
  blockedListSchema,
  completeResultSchema,
  completeSchema,
  contactListSchema,
  contactSchema,
  listAllQuerySchema,
  okMessageSchema,
  taskDetailSchema,
  taskKindSchema,
  taskListSchema,
  taskOutcomeSchema,
  taskQuerySchema,
  taskStatusSchema,
} from '../schemas/verify.ts';

/** True only when A and B are the same union: the schema module's enums must match the store's. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const enumsMatch: [Same<TaskStatus, z.output<typeof taskStatusSchema>>, Same<TaskOutcome, z.output<typeof taskOutcomeSchema>>, Same<TaskKind, z.output<typeof taskKindSchema>>] = [true, true, true];
void enumsMatch;

const taskId = z.object({ id: z.coerce.number().int().min(1) });
const STATUS: Record<TaskError['code'], number> = { 'not-found': 404, state: 409, invalid: 400 };

/** Task errors carry their own HTTP meaning. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TaskError) throw new ApiError(STATUS[err.code], err.message);
    throw err;
  }
}

/**
 * The sender verification queue: tasks (who must be verified, the numbers on record to
 * call, the numbers from the mail that must not be called), completing them (verified,
 * failed, unreachable — with an attestation), owners and escalation, verified contacts and
 * the numbers and addresses blocked after failed verifications. Listing shows no message
 * content; a task's subject and attestation are shown only to roles that read content, and
 * each such read is audited.
 */
export async function verifyRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['verification'];
  const svc = () => verifyServiceFor(ctx);

  app.get(
    '/api/verify/tasks',
    { config: { access: 'messages.list' }, schema: { summary: 'Verification tasks: open first, by due time', tags, querystring: taskQuerySchema, response: { 200: taskListSchema } } },
    async (req) => {
      const q = req.query;
      const filter = { status: q.status, kind: q.kind, owner: q.owner, overdueAt: q.overdue === 'true' ? new Date() : undefined };
      const s = svc();
      const now = new Date();
      return {
        items: s.tasks.list({ ...filter, limit: q.limit, offset: q.offset }).map((t) => presentTask(t, now)),
        total: s.tasks.count(filter),
        counts: s.tasks.counts(now),
      };
    },
  );

  app.get(
    '/api/verify/tasks/:id',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'One task: the protocol to follow, numbers on record, unverified numbers from the mail, and its trail (subject and attestation for content roles; audited)', tags, params: taskId, response: { 200: taskDetailSchema } },
    },
    async (req) =>
      guard(() => {
        const s = svc();
        const t = s.tasks.mustGet(req.params.id);
        const content = principalCan(req, 'messages.content');
        const actor = req.principal!.actor;
        return presentTaskDetail(t, {
          events: s.tasks.events(t.id),
          quarantine: ctx.quarantine,
          subject: content ? s.subject(t.id, actor, requestContext(req)) : null,
          attestation: content ? s.attestation(t.id, actor, requestContext(req)) || null : null,
        });
      }),
  );

  app.post(
    '/api/verify/tasks/:id/complete',
    {
      config: { access: 'messages.act' },
      schema: {
        summary: 'Record the outcome of the call: verified releases the message and makes the party a verified contact; failed opens an incident and blocks the numbers and addresses; unreachable keeps inbound mail held and returns outbound mail to its sender',
        tags,
        params: taskId,
        body: completeSchema,
        response: { 200: completeResultSchema },
      },
    },
    async (req) =>
      guard(() => {
        const r = svc().complete(req.params.id, {
          outcome: req.body.outcome,
          attestation: req.body.attestation,
          phoneUsed: req.body.phoneUsed,
          actor: req.principal!.actor,
          context: requestContext(req),
        });
        return { ok: true, message: r.message, blocked: r.blocked, incidentId: r.incidentId, task: presentTask(r.task) };
      }),
  );

  app.post(
    '/api/verify/tasks/:id/assign',
    { config: { access: 'messages.act' }, schema: { summary: 'Give an open task to another owner', tags, params: taskId, body: assignSchema, response: { 200: assignResultSchema } } },
    async (req) =>
      guard(() => {
        const t = svc().assign(req.params.id, req.body.owner, req.principal!.actor, requestContext(req));
        return { id: t.id, owner: t.owner };
      }),
  );

  app.get(
    '/api/verify/contacts',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'Verified contacts (senders and recipients verified by phone), active unless asked for all', tags, querystring: listAllQuerySchema, response: { 200: contactListSchema } },
    },
    async (req) => ({ items: svc().contacts.list({ includeInactive: req.query.all === 'true' }).map((c) => presentContact(c)) }),
  );

  app.post(
    '/api/verify/contacts',
    { config: { access: 'messages.act' }, schema: { summary: 'Record a contact verified by a call to a number on record outside a task (audited)', tags, body: addContactSchema, response: { 200: contactSchema } } },
    async (req) => guard(() => presentContact(svc().addContact({ ...req.body, actor: req.principal!.actor, context: requestContext(req) }))),
  );

  app.delete(
    '/api/verify/contacts/:address',
    { config: { access: 'messages.act' }, schema: { summary: 'Revoke a verified contact at once', tags, params: z.object({ address: z.string().email() }), response: { 200: okMessageSchema } } },
    async (req) => {
      const done = svc().revokeContact(req.params.address, req.principal!.actor, requestContext(req));
      if (!done) throw new ApiError(404, `${req.params.address} is not an active verified contact`);
      return { ok: true, message: `${req.params.address} is no longer a verified contact` };
    },
  );

  app.get(
    '/api/verify/blocked',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'Numbers and addresses blocked after failed verifications', tags, querystring: listAllQuerySchema, response: { 200: blockedListSchema } },
    },
    async (req) => ({ items: svc().blocklist.list({ includeLifted: req.query.all === 'true' }).map(presentBlock) }),
  );

  app.delete(
    '/api/verify/blocked/:id',
    { config: { access: 'messages.act' }, schema: { summary: 'Lift a block (the record stays)', tags, params: taskId, response: { 200: okMessageSchema } } },
    async (req) => {
      const done = svc().liftBlock(req.params.id, req.principal!.actor, requestContext(req));
      if (!done) throw new ApiError(404, `no active block #${req.params.id}`);
      return { ok: true, message: `block #${req.params.id} lifted` };
    },
  );
}
