import type { Logger } from '../../gateway/log.ts';
import { readSecret } from '../secrets.ts';
import type { RespondSettings } from '../settings.ts';
import { incrementCounter } from './counters.ts';
import { alertTargets, type AlertOutbox, type OutboxRow, type RespondEvent } from './events.ts';
import { formatSyslog5424, TcpSyslog, UdpSyslog, type SyslogSeverity, type SyslogTransport } from './syslog.ts';
import { postWebhook } from './webhook.ts';

const SYSLOG_ATTEMPTS = 10;
const MAX_DELAY_MS = 15 * 60_000;

const SEVERITY: Record<RespondEvent['severity'], SyslogSeverity> = { critical: 'critical', high: 'error', medium: 'warning', low: 'notice' };

/**
 * Delivers the alert outbox: signed webhooks and syslog messages, each retried with
 * exponential backoff (from `retryBaseMs`, doubling, at most 15 minutes apart) until sent
 * or out of attempts. Runs in the gateway process; the console and CLI only write events.
 */
export class AlertDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private syslog: { key: string; transport: SyslogTransport } | null = null;

  constructor(
    private readonly o: {
      outbox: AlertOutbox;
      settings: () => RespondSettings['alerts'];
      logger: Logger;
      retryBaseMs?: number;
      pollMs?: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.syslog?.transport.close();
    this.syslog = null;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump()
      .catch((err: Error) => this.o.logger.error('alert dispatch failed', { error: err.message }))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  /** Resolves when nothing is due now (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const poll = this.o.pollMs ?? 5000;
    const next = this.o.outbox.nextDueAt();
    const wait = next === null ? poll : Math.max(20, Math.min(poll, next - Date.now()));
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    for (let round = 0; round < 20 && !this.stopped; round++) {
      const rows = this.o.outbox.due(Date.now());
      if (rows.length === 0) return;
      const targets = new Map(alertTargets(this.o.settings()).map((t) => [t.key, t]));
      for (const row of rows) {
        const t = targets.get(row.target);
        if (!t) {
          this.o.outbox.dropTarget(row.target);
          continue;
        }
        if (t.kind === 'webhook') await this.sendWebhook(row, t.index);
        else await this.sendSyslog(row);
      }
    }
  }

  private delay(attempts: number): number {
    return Math.min((this.o.retryBaseMs ?? 5000) * 2 ** attempts, MAX_DELAY_MS);
  }

  private async sendWebhook(row: OutboxRow, index: number): Promise<void> {
    const w = this.o.settings().webhooks[index]!;
    let secret: string;
    try {
      secret = readSecret(w.secret, `respond.alerts.webhooks[${index}].secret`);
    } catch (err) {
      return this.outcome(row, 'webhook', { ok: false, permanent: false, error: (err as Error).message }, w.maxAttempts);
    }
    const r = await postWebhook({ url: w.url, secret, body: row.payload, eventId: row.eventId, eventType: row.eventType, timeoutMs: w.timeoutMs });
    this.outcome(row, 'webhook', r.ok ? { ok: true } : r, w.maxAttempts);
  }

  private async sendSyslog(row: OutboxRow): Promise<void> {
    const s = this.o.settings().syslog!;
    const key = `${s.host}:${s.port}/${s.protocol}`;
    if (!this.syslog || this.syslog.key !== key) {
      await this.syslog?.transport.close();
      this.syslog = { key, transport: s.protocol === 'tcp' ? new TcpSyslog(s.host, s.port) : new UdpSyslog(s.host, s.port) };
    }
    const e = JSON.parse(row.payload) as RespondEvent;
    const params: Record<string, string> = { event: e.type, id: e.id, severity: e.severity };
    for (const [k, v] of Object.entries(e.data)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
    const line = formatSyslog5424({
      facility: s.facility,
      severity: SEVERITY[e.severity],
      timestamp: new Date(e.at),
      appName: s.appName,
      msgId: e.type,
      structuredData: { [`medshield@${s.enterpriseId}`]: params },
      message: e.summary,
    });
    try {
      await this.syslog.transport.send(line);
      this.outcome(row, 'syslog', { ok: true }, SYSLOG_ATTEMPTS);
    } catch (err) {
      this.outcome(row, 'syslog', { ok: false, permanent: false, error: (err as Error).message }, SYSLOG_ATTEMPTS);
    }
  }

  private outcome(row: OutboxRow, kind: string, r: { ok: true } | { ok: false; permanent: boolean; error: string }, maxAttempts: number): void {
    const db = this.o.outbox.db;
    if (r.ok) {
      this.o.outbox.sent(row.id);
      incrementCounter(db, 'medshield_alerts_sent_total', { target: kind });
      return;
    }
    if (r.permanent || row.attempts + 1 >= maxAttempts) {
      this.o.outbox.failed(row.id, r.error);
      incrementCounter(db, 'medshield_alerts_failed_total', { target: kind });
      this.o.logger.error('alert given up', { target: row.target, event: row.eventType, attempts: row.attempts + 1, error: r.error });
      return;
    }
    const at = Date.now() + this.delay(row.attempts);
    this.o.outbox.retry(row.id, at, r.error);
    incrementCounter(db, 'medshield_alerts_retried_total', { target: kind });
    this.o.logger.warn('alert deferred', { target: row.target, event: row.eventType, attempts: row.attempts + 1, retryAt: new Date(at).toISOString(), error: r.error });
  }
}
