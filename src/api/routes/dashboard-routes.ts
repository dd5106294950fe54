import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditRequest, principalCan } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { campaigns, exposure, quarantineSummary, topSignals, totals, volumeSeries, type Bucket } from '../dashboard.ts';
import { presentFeedItem } from '../present.ts';
import { dashboardSchema, feedItemSchema } from '../schemas.ts';
import { signalCatalog } from '../signal-catalog.ts';

const RANGES: Record<string, { ms: number; bucket: Bucket }> = {
  '24h': { ms: 24 * 3600_000, bucket: 'hour' },
  '7d': { ms: 7 * 86_400_000, bucket: 'day' },
  '30d': { ms: 30 * 86_400_000, bucket: 'day' },
  '90d': { ms: 90 * 86_400_000, bucket: 'day' },
};

const HEARTBEAT_MS = 15_000;

export async function dashboardRoutes(base: FastifyInstance, { ctx }: { ctx: ApiContext }): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/dashboard',
    {
      config: { access: 'dashboard.read' },
      schema: {
        summary: 'Volume and verdicts over time, top signals, campaigns, quarantine size and the exposure avoided (with its assumptions)',
        tags: ['dashboard'],
        querystring: z.object({ range: z.enum(['24h', '7d', '30d', '90d']).default('7d'), tz: z.coerce.number().int().min(-840).max(840).default(0) }),
        response: { 200: dashboardSchema },
      },
    },
    async (req) => {
      ctx.index.catchUp();
      const r = RANGES[req.query.range]!;
      const until = new Date();
      const since = new Date(until.getTime() - r.ms);
      const catalog = await signalCatalog();
      const cfg = ctx.config();
      const withSubjects = principalCan(req, 'messages.content');
      const campaignList = campaigns(ctx.db, ctx.index, since, until, withSubjects);
      // Campaign subjects are message content: reading them is recorded like any other content read.
      if (withSubjects && campaignList.some((c) => c.subject)) auditRequest(ctx, req, 'dashboard.campaigns', 'messages', { range: req.query.range, campaigns: campaignList.length });
      return {
        range: { since: since.toISOString(), until: until.toISOString(), bucket: r.bucket },
        totals: totals(ctx.db, since, until),
        series: volumeSeries(ctx.db, { since, until, bucket: r.bucket, tzOffsetMinutes: req.query.tz }),
        topSignals: topSignals(ctx.db, since, until).map((s) => ({ ...s, description: catalog.get(s.id)?.description ?? '' })),
        campaigns: campaignList,
        quarantine: quarantineSummary(ctx.db),
        exposure: exposure(ctx.db, since, until, cfg.console.exposure),
        gateway: ctx.gateway?.status() ?? null,
      };
    },
  );

  app.get(
    '/api/feed',
    {
      config: { access: 'feed.read' },
      schema: {
        summary: 'Server-sent events: one `verdict` event per message as the gateway decides it (sender, recipients, verdict, score, top signals; never content)',
        tags: ['dashboard'],
        produces: ['text/event-stream'],
        response: { 200: feedItemSchema.describe('the data of each `verdict` event') },
      },
    },
    (req, reply) => {
      ctx.index.catchUp();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      const send = (m: Parameters<typeof presentFeedItem>[0]) => res.write(`event: verdict\nid: ${m.spoolId}\ndata: ${JSON.stringify(presentFeedItem(m))}\n\n`);
      res.write('retry: 3000\n\n');
      for (const m of ctx.feed.backlog()) send(m);
      const unsubscribe = ctx.feed.subscribe(send);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      req.raw.on('close', end);
      res.on('error', end);
    },
  );
}
