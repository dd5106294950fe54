import type { RunningGateway } from '../../gateway/server.ts';

/**
 * Waits until the gateway has decided every message, delivered what it accepted and handled
 * every queued report (end-to-end tests assert on the state after all of that).
 */
export async function settleGateway(gw: RunningGateway): Promise<void> {
  for (let i = 0; i < 400; i++) {
    await gw.core.settled();
    await gw.core.deliveries.idle();
    await gw.respond!.idle();
    const s = gw.core.journal.stats();
    if (s.undecided === 0 && s.pendingDeliveries === 0 && gw.respond!.reports.queued(1).length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the gateway did not settle');
}
