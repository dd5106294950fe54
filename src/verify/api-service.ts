import type { ApiContext } from '../api/context.ts';
import { enqueueDelivery } from '../gateway/outbound-queue.ts';
import { respondIncidents } from './respond-incidents.ts';
import { VerifyService } from './service.ts';

const services = new WeakMap<ApiContext, VerifyService>();

/**
 * The verification service over the console's context: the gateway's queue when it runs
 * in this process, else the store's queue that the next gateway start (or a running one's
 * poll) delivers from.
 */
export function verifyServiceFor(ctx: ApiContext): VerifyService {
  let s = services.get(ctx);
  if (!s) {
    s = new VerifyService({
      db: ctx.db,
      cipher: ctx.cipher,
      audit: ctx.audit,
      quarantine: ctx.quarantine,
      config: () => ctx.config(),
      incidents: respondIncidents(ctx.db),
      enqueue: (m) => (ctx.gateway ? ctx.gateway.enqueue(m) : enqueueDelivery(ctx.db, ctx.dataDir, m)),
      kick: () => ctx.gateway?.kick(),
      logger: ctx.logger,
    });
    services.set(ctx, s);
  }
  return s;
}
