import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayCore, Disposition } from './gateway.ts';
import type { Role } from './roles.ts';

/**
 * Per-process Prometheus metrics, labelled with the process's role: what this process did
 * (accepted, scanned, delivered), how long scans took, and the queues it sees. Installation-
 * wide numbers (verdicts, incidents, alerts) come from the store at /metrics of the console.
 */
export function roleMetrics(core: GatewayCore, o: { role: Role; queueDepth: () => Promise<number | null>; journalStats: () => Record<string, number> }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role: o.role });
  collectDefaultMetrics({ register: registry, prefix: 'medshield_process_' });
  const accepted = new Counter({ name: 'medshield_accepted_total', help: 'Messages this process accepted over SMTP (answered 250).', labelNames: ['listener'], registers: [registry] });
  const decided = new Counter({ name: 'medshield_decided_total', help: 'Messages this process scanned and decided, by outcome.', labelNames: ['outcome'], registers: [registry] });
  const scanSeconds = new Histogram({
    name: 'medshield_scan_seconds',
    help: 'Scan time per message in this process (worker time, excluding queueing).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const settled = new Counter({ name: 'medshield_deliveries_settled_total', help: 'Messages whose every recipient this process delivered or bounced.', labelNames: ['result'], registers: [registry] });
  new Gauge({
    name: 'medshield_scan_queue_depth',
    help: 'Messages waiting for a scanner or being scanned (shared queue: the whole installation).',
    registers: [registry],
    async collect() {
      const d = await o.queueDepth();
      if (d !== null) this.set(d);
    },
  });
  new Gauge({
    name: 'medshield_journal_messages',
    help: 'Messages in the journal by state (undecided, delivering), and deliveries pending or retrying.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(o.journalStats())) this.set({ state }, n);
    },
  });
  core.on('accepted', (e: { listener: string }) => accepted.inc({ listener: e.listener }));
  core.on('disposed', (d: Disposition & { ms?: number }) => {
    decided.inc({ outcome: d.outcome });
    if (typeof d.ms === 'number') scanSeconds.observe(d.ms / 1000);
  });
  core.on('settled', (e: { result: string }) => settled.inc({ result: e.result }));
  return registry;
}
