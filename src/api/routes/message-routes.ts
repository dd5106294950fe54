import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Signal } from '../../analyzers/analyzer.ts';
import { parseMessage } from '../../parse/parse.ts';
import { auditRequest, principalCan, requestContext } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { IndexedMessage } from '../message-index.ts';
import { photoEvidence } from '../photo-evidence.ts';
import { presentMessage } from '../present.ts';
import { buildPreview, PREVIEW_DOCUMENT_CSP } from '../safe-preview.ts';
import type { ParsedMessage } from '../../parse/message.ts';
import { binaryBodySchema, deliveryStatusSchema, messageContentSchema, messageDetailSchema, messageListSchema, messageQuerySchema, type MessageDetail } from '../schemas.ts';
import { signalCatalog } from '../signal-catalog.ts';

export const idParam = z.object({ id: z.string().regex(/^[0-9a-z-]{6,64}$/, 'a message id') });

/** A message by its console id (the gateway's spool id) or its quarantine id. */
export function findMessage(ctx: ApiContext, id: string, withContent: boolean): IndexedMessage {
  ctx.index.catchUp();
  const m = ctx.index.get(id, withContent) ?? ctx.index.byQuarantineId(id, withContent);
  if (!m) throw new ApiError(404, `no message with id '${id}'`);
  return m;
}

function deliveriesOf(ctx: ApiContext, spoolId: string) {
  return (ctx.gateway?.journal.deliveriesOf(spoolId) ?? []).map((d) => ({ recipient: d.recipient, state: d.state, attempts: d.attempts, detail: d.detail, lastError: d.lastError }));
}

export async function messageRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['messages'];

  app.get(
    '/api/messages',
    {
      config: { access: 'messages.list' },
      schema: {
        summary: 'Search scanned mail, newest first. Subjects are shown and searchable only with content access (the search is then audited).',
        tags,
        querystring: messageQuerySchema,
        response: { 200: messageListSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const withContent = principalCan(req, 'messages.content');
      if (q.subject && !withContent) throw new ApiError(403, `your role (${req.principal!.role}) may not search message subjects`);
      ctx.index.catchUp();
      const r = ctx.index.search(
        {
          q: q.q,
          from: q.from,
          recipient: q.recipient,
          subject: q.subject,
          action: q.verdict,
          disposition: q.disposition,
          status: q.status,
          signal: q.signal,
          since: q.since ? new Date(q.since) : undefined,
          until: q.until ? new Date(q.until) : undefined,
          limit: q.limit,
          offset: q.offset,
        },
        withContent,
      );
      if (withContent && r.items.length > 0) {
        const filter = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
        auditRequest(ctx, req, 'messages.search', 'messages', { filter, returned: r.items.length });
      }
      const fb = ctx.feedback.latest(r.items.map((m) => m.spoolId));
      return { items: r.items.map((m) => presentMessage(m, fb.get(m.spoolId) ?? null, withContent)), total: r.total, truncated: r.truncated, contentVisible: withContent };
    },
  );

  app.get(
    '/api/messages/:id',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'One message: envelope, verdict, every signal (with evidence given content access), authentication, quarantine state, history', tags, params: idParam, response: { 200: messageDetailSchema } },
    },
    async (req) => detail(ctx, req, req.params.id),
  );

  app.get(
    '/api/messages/:id/deliveries',
    {
      config: { access: 'messages.list' },
      schema: {
        summary: 'Where a message and its release stand: quarantine status and per-recipient delivery states (metadata only; not a content read, so polling it is not audited)',
        tags,
        params: idParam,
        response: { 200: deliveryStatusSchema },
      },
    },
    async (req) => {
      const m = findMessage(ctx, req.params.id, false);
      const q = m.quarantineId ? ctx.quarantine.get(m.quarantineId) : undefined;
      return {
        id: m.spoolId,
        disposition: m.disposition,
        status: q?.status ?? null,
        statusAt: q?.statusAt?.toISOString() ?? null,
        statusBy: q?.statusBy ?? null,
        deliveries: deliveriesOf(ctx, m.spoolId),
        releaseDelivery: q?.releaseDelivery ? { id: q.releaseDelivery, deliveries: deliveriesOf(ctx, q.releaseDelivery) } : null,
      };
    },
  );

  app.get(
    '/api/messages/:id/content',
    {
      config: { access: 'messages.content' },
      schema: {
        summary: 'A quarantined message’s headers, attachments, links and safe preview (sanitized HTML for a sandboxed iframe). Audited as a content read.',
        tags,
        params: idParam,
        response: { 200: messageContentSchema },
      },
    },
    async (req) => {
      const { m, msg } = await readContent(ctx, req, req.params.id, 'content');
      const preview = buildPreview(msg);
      let directory = null;
      try {
        directory = ctx.directory.load();
      } catch (err) {
        ctx.logger.warn('directory could not be read for photo evidence', { error: (err as Error).message });
      }
      return {
        headers: msg.headers.map((h) => ({ name: h.key, value: h.value.length > 4000 ? `${h.value.slice(0, 4000)}…` : h.value })),
        preview: { document: preview.document, kind: preview.kind, ...preview.stats },
        attachments: msg.attachments.filter((a) => a.disposition === 'attachment' || !a.contentId).map((a) => ({ filename: a.filename, declaredType: a.declaredType, sniffedType: a.sniffedType, size: a.size })),
        links: msg.links.slice(0, 200).map((l) => ({ href: l.href.slice(0, 2000), text: l.text.slice(0, 300), host: l.host })),
        photoMatches: photoEvidence((m.content?.verdict?.signals ?? []) as Signal[], msg, directory),
        defects: msg.defects.slice(0, 50),
      };
    },
  );

  app.get(
    '/api/messages/:id/preview',
    {
      config: { access: 'messages.content' },
      schema: {
        summary:
          'The safe preview as an HTML document for <iframe sandbox src=…>: sanitized on the server, served with a CSP that forbids scripts, forms and every load but data: images. Audited as a content read.',
        tags,
        params: idParam,
        produces: ['text/html'],
        response: { 200: { description: 'The sanitized preview document', content: { 'text/html': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const { msg } = await readContent(ctx, req, req.params.id, 'preview');
      return reply
        .header('content-security-policy', PREVIEW_DOCUMENT_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(buildPreview(msg).document);
    },
  );

  app.get(
    '/api/messages/:id/raw',
    { config: { access: 'messages.raw' }, schema: {
        summary: 'Download the original message (.eml). Admins only; audited.',
        tags,
        params: idParam,
        produces: ['message/rfc822'],
        response: { 200: { description: 'The original message, byte for byte (RFC 5322)', content: { 'message/rfc822': { schema: binaryBodySchema } } } },
      },
    },
    async (req, reply) => {
      const m = findMessage(ctx, req.params.id, false);
      if (!m.quarantineId) throw new ApiError(404, 'only held and quarantined mail is kept; this message’s content is not on record');
      const raw = ctx.quarantine.readMessage(m.quarantineId, req.principal!.actor, requestContext(req, { purpose: 'download' }));
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="medshield-${m.quarantineId}.eml"`)
        .header('cache-control', 'no-store')
        .send(raw);
    },
  );

  app.get(
    '/api/signals',
    {
      config: { access: 'messages.list' },
      schema: { summary: 'Every signal with its analyzer, default weight and meaning', tags, response: { 200: z.object({ items: z.array(z.object({ id: z.string(), analyzer: z.string(), weight: z.number(), description: z.string() })) }) } },
    },
    async () => ({ items: [...(await signalCatalog()).values()].sort((a, b) => a.id.localeCompare(b.id)) }),
  );
}

/** A held message's content, parsed; the read is audited with its purpose before anything is returned. */
async function readContent(ctx: ApiContext, req: FastifyRequest, id: string, purpose: string): Promise<{ m: IndexedMessage; msg: ParsedMessage }> {
  const m = findMessage(ctx, id, true);
  if (!m.quarantineId) throw new ApiError(404, 'Medshield keeps the content of held and quarantined mail only; this message was delivered (or rejected), so only its verdict is on record');
  const raw = ctx.quarantine.readMessage(m.quarantineId, req.principal!.actor, requestContext(req, { purpose }));
  return { m, msg: await parseMessage(raw, ctx.config().limits) };
}

async function detail(ctx: ApiContext, req: FastifyRequest, id: string): Promise<MessageDetail> {
  const withContent = principalCan(req, 'messages.content');
  const m = findMessage(ctx, id, true);
  const verdict = m.content?.verdict ?? null;
  const catalog = await signalCatalog();
  const q = m.quarantineId ? ctx.quarantine.get(m.quarantineId) : undefined;
  // A record rebuilt from the quarantine has no full verdict, but the quarantine kept its signals with their evidence.
  const recorded = verdict?.signals ?? (m.hasContent ? q?.signals : undefined);
  const signals = (recorded ?? m.signals.map((s) => ({ ...s, evidence: '', analyzer: catalog.get(s.id)?.analyzer ?? '' })))
    .filter((s) => s.score !== 0 || s.id === 'UNSCANNABLE' || verdict)
    .sort((a, b) => b.score - a.score)
    .map((s) => ({
      id: s.id,
      score: s.score,
      analyzer: s.analyzer,
      ...(withContent ? { evidence: s.evidence } : {}),
      description: catalog.get(s.id)?.description ?? '',
    }));
  const history = withContent
    ? [...ctx.audit.list({ target: m.spoolId, limit: 500 }), ...(m.quarantineId ? ctx.audit.list({ target: m.quarantineId, limit: 500 }) : [])]
        .sort((a, b) => a.id - b.id)
        .map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, detail: h.detail }))
    : [];
  if (withContent) auditRequest(ctx, req, 'message.view', m.quarantineId ?? m.spoolId, { spoolId: m.spoolId });
  const fb = ctx.feedback.list(m.spoolId);
  return {
    message: presentMessage({ ...m, content: withContent ? m.content : null }, fb.at(-1)?.kind ?? null, withContent),
    envelope: { clientIp: m.clientIp, mailFrom: m.mailFrom, recipients: m.recipients },
    ...(withContent ? { messageId: m.content?.messageId ?? '' } : {}),
    rules: verdict?.rules ?? [],
    signals,
    auth: verdict ? { ...verdict.auth } : null,
    quarantine: q
      ? {
          id: q.id,
          status: q.status,
          reason: q.reason,
          statusAt: q.statusAt?.toISOString() ?? null,
          statusBy: q.statusBy,
          contentStored: q.bodyPresent,
          releaseRequests: q.releaseRequests.map((r) => ({ recipient: r.recipient, requestedAt: r.requestedAt.toISOString(), state: r.state })),
          releaseDelivery: q.releaseDelivery ? { id: q.releaseDelivery, deliveries: deliveriesOf(ctx, q.releaseDelivery) } : null,
        }
      : null,
    deliveries: deliveriesOf(ctx, m.spoolId),
    feedback: fb.map((f) => ({ kind: f.kind, actor: f.actor, at: f.at.toISOString(), note: withContent ? f.note : '' })),
    history,
    contentVisible: withContent,
    evidenceRetained: m.hasContent,
  };
}
