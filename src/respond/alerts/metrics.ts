import { Counter, Gauge, Registry } from 'prom-client';
import { tableExists, type Db } from '../../store/database.ts';
import { readCounters } from './counters.ts';

/**
 * Prometheus metrics of monitor and respond, read from the store at each scrape (so every
 * process reports the same numbers, and a restart resets nothing): counters kept in the
 * store (messages by verdict, reports, pulled-back copies, alerts) and gauges of the current
 * state (incidents and campaigns by status, reports waiting, alerts queued, the gateway's
 * queues when it runs in this process). prom-client writes the exposition format.
 */

const COUNTERS: { name: string; help: string }[] = [
  { name: 'medshield_messages_total', help: 'Inbound messages decided, by verdict action.' },
  { name: 'medshield_reports_total', help: 'User phishing reports processed, by channel and kind (arf, attachment, headers-only, none).' },
  { name: 'medshield_pullback_messages_total', help: 'Delivered copies pull-back looked for, by outcome (removed, not-found, error).' },
  { name: 'medshield_respond_events_total', help: 'Respond events raised (incidents, campaigns, reports, pull-backs), by type.' },
  { name: 'medshield_alerts_sent_total', help: 'Alerts delivered, by target kind (webhook, syslog).' },
  { name: 'medshield_alerts_retried_total', help: 'Alert deliveries deferred for a retry, by target kind.' },
  { name: 'medshield_alerts_failed_total', help: 'Alerts given up on, by target kind.' },
];

export function respondMetrics(db: Db, o: { gatewayQueue?: () => Record<string, number> | null } = {}): Registry {
  const registry = new Registry();
  const hasTable = (t: string) => tableExists(db, t);

  for (const c of COUNTERS) {
    // prom-client's Counter counts in this process; these count what every process did, so each
    // scrape sets them from the store (they only grow, as a counter must).
    new Counter({
      name: c.name,
      help: c.help,
      labelNames: ['action', 'channel', 'kind', 'outcome', 'type', 'target'],
      registers: [registry],
      collect() {
        this.reset();
        if (!hasTable('respond_counters')) return;
        for (const r of readCounters(db, c.name)) this.inc(r.labels, r.value);
      },
    });
  }

  const byStatus = (name: string, help: string, table: string, where = '') =>
    new Gauge({
      name,
      help,
      labelNames: ['status'],
      registers: [registry],
      collect() {
        this.reset();
        if (!hasTable(table)) return;
        for (const r of db.prepare(`SELECT status, COUNT(*) AS n FROM ${table} ${where} GROUP BY status`).all() as { status: string; n: number }[]) this.set({ status: r.status }, r.n);
      },
    });
  byStatus('medshield_incidents', 'Incidents, by status.', 'respond_incidents');
  byStatus('medshield_campaigns', 'Campaigns, by status (merged ones not counted).', 'respond_campaigns', 'WHERE merged_into IS NULL');

  new Gauge({
    name: 'medshield_reports_queued',
    help: 'User reports received and not yet processed.',
    registers: [registry],
    collect() {
      this.set(hasTable('respond_reports') ? (db.prepare("SELECT COUNT(*) FROM respond_reports WHERE state = 'queued'").pluck().get() as number) : 0);
    },
  });
  new Gauge({
    name: 'medshield_alerts_pending',
    help: 'Alerts waiting to be delivered (including those waiting for a retry).',
    registers: [registry],
    collect() {
      this.set(hasTable('respond_alert_outbox') ? (db.prepare("SELECT COUNT(*) FROM respond_alert_outbox WHERE state = 'pending'").pluck().get() as number) : 0);
    },
  });
  new Gauge({
    name: 'medshield_blocked_indicators',
    help: 'Specific indicators of contained campaigns that later mail is quarantined on.',
    registers: [registry],
    collect() {
      this.set(
        hasTable('respond_campaign_indicators')
          ? (db.prepare('SELECT COUNT(*) FROM respond_campaign_indicators i JOIN respond_campaigns c ON c.id = i.campaign_id WHERE c.blocked = 1 AND c.merged_into IS NULL AND i.specific = 1').pluck().get() as number)
          : 0,
      );
    },
  });
  if (o.gatewayQueue) {
    new Gauge({
      name: 'medshield_gateway_queue',
      help: 'The gateway’s work in progress: messages undecided or delivering, deliveries pending or retrying.',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [k, v] of Object.entries(o.gatewayQueue!() ?? {})) this.set({ queue: k }, v);
      },
    });
  }
  return registry;
}
