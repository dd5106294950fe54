import type { AuditLog } from '../audit/audit-log.ts';
import { loadBrandPack } from '../brands/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { deriveSecret } from '../crypto/message-cipher.ts';
import type { Envelope, Verdict } from '../engine/verdict.ts';
import type { MessageObserver } from '../gateway/gateway.ts';
import { headerFromAddress } from '../gateway/header-from.ts';
import type { DeliveryRow, MessageRow } from '../gateway/journal.ts';
import type { Logger } from '../gateway/log.ts';
import type { ReceivedMessage } from '../gateway/smtp-listener.ts';
import type { Cipher } from '../gateway/spool.ts';
import { parseMessage } from '../parse/parse.ts';
import type { Db } from '../store/database.ts';
import { registrableDomain } from '../text/domains.ts';
import { incrementCounter } from './alerts/counters.ts';
import { AlertDispatcher } from './alerts/dispatcher.ts';
import { AlertOutbox, newEvent } from './alerts/events.ts';
import { CampaignStore, type Campaign } from './campaigns/campaign-store.ts';
import { CampaignTracker } from './campaigns/tracker.ts';
import { RespondError } from './errors.ts';
import { IndicatorDigester } from './features/digests.ts';
import { extractFeatures, type MessageFeatures } from './features/extract.ts';
import { incidentForVerdict } from './incidents/auto-open.ts';
import { IncidentStore, type IncidentStatus } from './incidents/incident-store.ts';
import { MessageLog } from './messages/message-log.ts';
import { PullbackRunner, type PullbackSummary } from './pullback/pullback.ts';
import type { MailboxSession } from './pullback/imap-admin.ts';
import { ReportMailboxPoller } from './reports/imap-poller.ts';
import { processReport, type ReportContext } from './reports/report-processor.ts';
import { ReportStore } from './reports/report-store.ts';
import type { RespondSettings } from './settings.ts';

const SYSTEM = 'system:respond';
const DAY = 86_400_000;

export interface RespondDeps {
  db: Db;
  cipher: Cipher;
  /** The message key: indicator digests are keyed with a secret derived from it. */
  key: Buffer;
  config: () => MedshieldConfig;
  audit: AuditLog;
  logger: Logger;
  /** Mailbox access for pull-back instead of the configured IMAP master user (tests, other stores). */
  openMailbox?: <T>(owner: string, fn: (s: MailboxSession) => Promise<T>) => Promise<T>;
  /** First retry delay of alerts (doubling); default 5 s. */
  alertRetryBaseMs?: number;
  alertPollMs?: number;
}

/** What the running gateway lends the respond module: delivery of its own messages, and the scanner. */
export interface GatewayHooks {
  enqueue(m: { raw: Buffer; mailFrom: string; rcptTo: string[]; origin: string }): string;
  kick(): void;
  scan(raw: Buffer, envelope: Envelope): Promise<Verdict>;
}

/**
 * Monitor and respond, assembled: the message log, campaigns, incidents, user reports,
 * herd immunity, pull-back and alerts over one store. The gateway process runs one with its
 * loops started (reports, the report mailbox, alert delivery, housekeeping); the console and
 * the CLI make their own over the same store to read and to act, and their changes reach the
 * gateway's through the store (the blocklist version, the alert outbox, queued pull-backs
 * run where they are started).
 */
export class RespondService implements ReportContext {
  readonly db: Db;
  readonly log: MessageLog;
  readonly campaigns: CampaignStore;
  readonly tracker: CampaignTracker;
  readonly incidents: IncidentStore;
  readonly reports: ReportStore;
  readonly outbox: AlertOutbox;
  readonly pullbacks: PullbackRunner;
  readonly audit: AuditLog;
  readonly logger: Logger;
  private readonly dispatcher: AlertDispatcher;
  private readonly poller: ReportMailboxPoller;
  private gateway: GatewayHooks | null = null;
  private reportLoop: Promise<void> | null = null;
  private reportAgain = false;
  private reportTimer: NodeJS.Timeout | null = null;
  private housekeepingTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<unknown>>();
  private started = false;
  private wellKnown: { config: MedshieldConfig; domains: Set<string> } | null = null;

  constructor(private readonly deps: RespondDeps) {
    this.db = deps.db;
    this.audit = deps.audit;
    this.logger = deps.logger;
    this.log = new MessageLog(deps.db, deps.cipher, new IndicatorDigester(deriveSecret(deps.key, 'respond indicators')));
    this.campaigns = new CampaignStore(deps.db);
    this.tracker = new CampaignTracker(this.log, this.campaigns, () => this.settings().campaigns);
    this.incidents = new IncidentStore(deps.db, deps.cipher);
    this.reports = new ReportStore(deps.db, deps.cipher);
    this.outbox = new AlertOutbox(deps.db, () => this.settings().alerts);
    this.pullbacks = new PullbackRunner({
      db: deps.db,
      log: this.log,
      audit: deps.audit,
      logger: deps.logger,
      settings: () => this.settings().pullback,
      open: deps.openMailbox,
      onFinished: (s) => this.pullbackFinished(s),
    });
    this.dispatcher = new AlertDispatcher({ outbox: this.outbox, settings: () => this.settings().alerts, logger: deps.logger, retryBaseMs: deps.alertRetryBaseMs, pollMs: deps.alertPollMs });
    this.poller = new ReportMailboxPoller({ settings: () => this.settings().reports.imap, reports: this.reports, logger: deps.logger, onReports: () => this.kickReports() });
  }

  config(): MedshieldConfig {
    return this.deps.config();
  }

  settings(): RespondSettings {
    return this.deps.config().respond;
  }

  // ——— the gateway side ———

  attachGateway(h: GatewayHooks): void {
    this.gateway = h;
  }

  /** The gateway's hooks (src/gateway/gateway.ts MessageObserver). */
  readonly observer: MessageObserver = {
    takeReports: (m, at) => this.takeReports(m, at),
    beforeDisposal: (row, raw, verdict) => this.beforeDisposal(row, raw, verdict),
    deliveriesSettled: (m, d) => this.deliveriesSettled(m, d),
  };

  /** Starts the loops that belong in the gateway process. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.dispatcher.start();
    this.poller.start();
    this.kickReports();
    this.reportTimer = setInterval(() => this.kickReports(), 10_000);
    this.reportTimer.unref();
    const housekeeping = () => this.housekeeping();
    this.housekeepingTimer = setInterval(housekeeping, 6 * 3600_000);
    this.housekeepingTimer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.reportTimer) clearInterval(this.reportTimer);
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    await this.poller.stop();
    await this.idle();
    await this.dispatcher.stop();
  }

  /** Resolves when no report, clustering step or pull-back is in progress, and the due alerts went out (tests). */
  async idle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await Promise.allSettled([...this.pending]);
      await this.reportLoop;
      await this.pullbacks.idle();
      if (this.pending.size === 0 && !this.reportLoop && this.reports.queued(1).length === 0) break;
    }
    this.dispatcher.kick();
    await this.dispatcher.idle();
  }

  /** Fetches the report mailbox now (tests, `medshield` commands). */
  pollReportMailbox(): Promise<number> {
    return this.poller.pollOnce();
  }

  wellKnownDomains(): Set<string> {
    const config = this.deps.config();
    if (this.wellKnown?.config !== config) {
      const brands = loadBrandPack(config.brands.file);
      this.wellKnown = {
        config,
        domains: new Set<string>([
          ...config.org.domains.map(registrableDomain),
          ...config.org.partners.flatMap((p) => p.domains.map(registrableDomain)),
          ...brands.brands.flatMap((b) => b.domains),
        ]),
      };
    }
    return this.wellKnown.domains;
  }

  async features(raw: Buffer, o: { images: boolean; clientIp?: string | null; mailFrom?: string | null; signals?: Verdict['signals'] }): Promise<MessageFeatures | null> {
    try {
      const msg = await parseMessage(raw, this.deps.config().limits);
      return await extractFeatures(msg, { clientIp: o.clientIp, mailFrom: o.mailFrom, signals: o.signals, wellKnownDomains: this.wellKnownDomains(), images: o.images });
    } catch {
      return null;
    }
  }

  async rescan(raw: Buffer, envelope: Envelope): Promise<Verdict | null> {
    return this.gateway ? this.gateway.scan(raw, envelope) : null;
  }

  send(m: { raw: Buffer; mailFrom: string; rcptTo: string[] }): string | null {
    if (!this.gateway) return null;
    const id = this.gateway.enqueue({ ...m, origin: 'digest' });
    this.gateway.kick();
    return id;
  }

  private takeReports(m: ReceivedMessage, receivedAt: Date): { remaining: string[]; reportIds: number[] } | null {
    const s = this.settings();
    if (!s.enabled || s.reports.addresses.length === 0) return null;
    const addresses = new Set(s.reports.addresses);
    const hits = m.rcptTo.filter((r) => addresses.has(r.toLowerCase()));
    if (hits.length === 0) return null;
    const config = this.deps.config();
    const authenticated = m.listener === 'submission' && !!m.authUser;
    const reporter = (authenticated ? (m.authUser!.includes('@') ? m.authUser! : m.mailFrom) : headerFromAddress(m.raw) || m.mailFrom).toLowerCase();
    const domain = reporter.split('@').pop() ?? '';
    const verified = authenticated && config.org.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
    const id = this.reports.add({ channel: 'gateway', reporter, verified, raw: m.raw, receivedAt });
    setImmediate(() => this.kickReports());
    return { remaining: m.rcptTo.filter((r) => !addresses.has(r.toLowerCase())), reportIds: id === null ? [] : [id] };
  }

  private async beforeDisposal(row: MessageRow, raw: Buffer, verdict: Verdict): Promise<((outcome: 'delivering' | 'quarantined' | 'rejected', quarantineId: string | null) => void) | null> {
    const s = this.settings();
    if (!s.enabled || row.origin !== 'inbound' || verdict.unscannable) return null;
    const suspicious = verdict.score >= s.campaigns.seedScore;
    const features = await this.features(raw, { images: suspicious || this.campaignsUseImages(), clientIp: row.clientIp, mailFrom: row.mailFrom, signals: verdict.signals });
    if (!features) return null;
    return (outcome, quarantineId) => {
      try {
        this.db.transaction(() => {
          this.log.record({
            spoolId: row.spoolId,
            receivedAt: row.receivedAt,
            origin: row.origin,
            action: verdict.action,
            outcome,
            quarantineId,
            score: verdict.score,
            signals: verdict.signals.filter((x) => x.score !== 0).map((x) => ({ id: x.id, score: x.score })),
            rcptTo: row.rcptTo,
            recipients: row.rcptTo.length,
            features,
          });
          incrementCounter(this.db, 'medshield_messages_total', { action: verdict.action });
        })();
      } catch (err) {
        this.logger.error('respond: could not log a message', { spoolId: row.spoolId, error: (err as Error).message });
        return;
      }
      setImmediate(() => this.track(this.afterVerdict(row.spoolId, features, verdict)));
    };
  }

  private deliveriesSettled(m: MessageRow, d: DeliveryRow[]): void {
    if (m.origin !== 'inbound') return;
    try {
      this.log.settleDeliveries(
        m.spoolId,
        d.filter((x) => x.state === 'delivered' || x.state === 'bounced').map((x) => ({ recipient: x.recipient, state: x.state as 'delivered' | 'bounced', detail: x.detail ?? x.lastError })),
      );
    } catch (err) {
      this.logger.error('respond: could not record deliveries', { spoolId: m.spoolId, error: (err as Error).message });
    }
  }

  private campaignsUseImages(): boolean {
    return this.campaigns.fuzzyIndicators().some((i) => i.kind === 'image-phash');
  }

  private track(p: Promise<unknown>): void {
    const guarded = p.catch((err: Error) => this.logger.error('respond: follow-up failed', { error: err.message, stack: err.stack?.split('\n').slice(0, 3).join(' | ') }));
    this.pending.add(guarded);
    void guarded.finally(() => this.pending.delete(guarded));
  }

  /** After a verdict: campaigns (join, or form from a suspicious message) and automatic incidents. */
  private async afterVerdict(spoolId: string, features: MessageFeatures, verdict: Verdict): Promise<void> {
    const s = this.settings();
    const logged = this.log.get(spoolId);
    if (!logged) return;
    const seed = verdict.score >= s.campaigns.seedScore;
    const auto = incidentForVerdict({ action: verdict.action, score: verdict.score, signals: logged.signals, fromDomain: registrableDomain(logged.fromDomain) || logged.fromDomain, at: logged.receivedAt }, s.incidents);
    // Scanners in several processes cluster at once; each does so only while holding the
    // installation's clustering lock, taken without waiting: a process that does not get it
    // tries again a moment later instead of blocking (the store API is synchronous, so a lock
    // wait would stall all of that scanner's work).
    for (let attempt = 1; !this.clusterOnce(spoolId, features, logged, seed, auto); attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(20 * attempt, 500) + Math.random() * 20));
    }
    this.dispatcher.kick();
  }

  private clusterOnce(
    spoolId: string,
    features: MessageFeatures,
    logged: NonNullable<ReturnType<MessageLog['get']>>,
    seed: boolean,
    auto: ReturnType<typeof incidentForVerdict>,
  ): boolean {
    return this.db.transaction(() => {
      if (this.db.dialect === 'postgres' && !this.db.prepare("SELECT pg_try_advisory_xact_lock(hashtextextended('medshield-campaigns:' || current_schema(), 0))").pluck().get()) return false;
      const c = this.tracker.consider(spoolId, features.indicators, { seed });
      if (c.campaignId !== null) {
        const incidentId = this.campaignIncident(c.campaignId, SYSTEM);
        if (auto) this.incidents.raiseSeverity(incidentId, auto.severity);
        const added = this.incidents.linkMessages(incidentId, c.added.length ? c.added : [spoolId]);
        if (added.length && !c.formed) this.incidents.event(incidentId, { actor: SYSTEM, kind: 'messages', summary: `${added.length} more message${added.length === 1 ? '' : 's'} of the campaign (${logged.outcome === 'delivering' ? 'delivered' : logged.outcome})` });
        if (c.formed) {
          const campaign = this.campaigns.get(c.campaignId)!;
          this.outbox.enqueue(newEvent('campaign.formed', 'high', `campaign #${campaign.id} formed: ${campaign.name}`, { campaign: campaign.id, name: campaign.name, messages: c.added.length, incident: incidentId }));
        }
      } else if (auto) {
        const opened = this.incidents.open({ ...auto, actor: SYSTEM });
        this.incidents.linkMessages(opened.id, [spoolId]);
        if (opened.created) this.outbox.enqueue(newEvent('incident.opened', auto.severity, `incident ${opened.id} opened: ${auto.title}`, { incident: opened.id, kind: auto.kind, title: auto.title }));
      }
      return true;
    })();
  }

  /** The campaign's incident: an open incident of one of its messages becomes it, else a new one is opened. */
  campaignIncident(campaignId: number, actor: string): number {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new RespondError('not-found', `no campaign ${campaignId}`);
    const existing = this.incidents.byCampaign(campaign.id);
    if (existing) return existing.id;
    const members = this.campaigns.members(campaign.id).map((m) => m.spoolId);
    for (const m of members) {
      for (const inc of this.incidents.forMessage(m)) {
        if (inc.campaignId === null && inc.status !== 'resolved' && inc.status !== 'false-positive') {
          this.incidents.attachCampaign(inc.id, campaign.id);
          this.incidents.event(inc.id, { actor, kind: 'campaign', summary: `part of campaign #${campaign.id} (${campaign.name})` });
          this.incidents.linkMessages(inc.id, members);
          return inc.id;
        }
      }
    }
    const delivered = this.log.deliveries(members).some((d) => d.state === 'delivered' || d.state === 'pending');
    const opened = this.incidents.open({
      kind: 'campaign',
      severity: delivered ? 'high' : 'medium',
      title: `Campaign #${campaign.id}: ${campaign.name}`,
      actor,
      campaignId: campaign.id,
      summary: `campaign #${campaign.id} formed from ${members.length} message${members.length === 1 ? '' : 's'}`,
    });
    this.incidents.linkMessages(opened.id, members);
    if (opened.created) this.outbox.enqueue(newEvent('incident.opened', delivered ? 'high' : 'medium', `incident ${opened.id} opened for campaign #${campaign.id}`, { incident: opened.id, kind: 'campaign', campaign: campaign.id }));
    return opened.id;
  }

  // ——— reports ———

  kickReports(): void {
    if (this.reportLoop) {
      this.reportAgain = true;
      return;
    }
    this.reportLoop = this.processReports()
      .catch((err: Error) => this.logger.error('respond: report processing failed', { error: err.message }))
      .finally(() => {
        this.reportLoop = null;
        if (this.reportAgain) {
          this.reportAgain = false;
          this.kickReports();
        }
      });
  }

  private async processReports(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const queued = this.reports.queued(10);
      if (queued.length === 0) return;
      for (const r of queued) {
        try {
          await processReport(this, r);
        } catch (err) {
          this.logger.error('respond: a report could not be processed', { report: r.id, error: (err as Error).message });
          this.reports.finish(r.id, { state: 'failed', kind: 'error', error: (err as Error).message });
        }
      }
      this.dispatcher.kick();
    }
  }

  async checkHerdImmunity(campaignId: number): Promise<void> {
    const h = this.settings().herdImmunity;
    const campaign = this.campaigns.get(campaignId);
    if (!h.enabled || !campaign || campaign.blocked || campaign.status === 'closed') return;
    const members = this.campaigns.members(campaign.id).map((m) => m.spoolId);
    const reporters = this.log.reporters(members).filter((r) => r.verified);
    if (reporters.length < h.reporters) return;
    const score = Math.max(...this.log.many(members).map((m) => m.score), this.reports.maxRescanScore(members) ?? -Infinity);
    const incidentId = this.campaignIncident(campaign.id, SYSTEM);
    if (score < h.minScore) {
      const key = `herd.waiting.${campaign.id}`;
      if (!this.db.prepare('SELECT 1 FROM respond_state WHERE key = ?').get(key)) {
        this.db.prepare('INSERT INTO respond_state (key, value) VALUES (?, ?)').run(key, String(Date.now()));
        this.incidents.event(incidentId, {
          actor: SYSTEM,
          kind: 'herd-immunity',
          summary: `${reporters.length} people reported it, but the scanner scores it only ${score} (under ${h.minScore}): waiting for an analyst to contain it`,
        });
      }
      return;
    }
    this.incidents.event(incidentId, { actor: 'system:herd-immunity', kind: 'herd-immunity', summary: `${reporters.length} people reported it (${reporters.map((r) => r.reporter).join(', ')}): containing` });
    await this.containCampaign(campaign.id, 'system:herd-immunity', { pull: h.pull });
  }

  // ——— actions (API, CLI, herd immunity) ———

  /** Blocks the campaign's indicators (future matches are quarantined) and, with `pull`, removes delivered copies. */
  async containCampaign(id: number, actor: string, o: { pull?: boolean; action?: 'move' | 'delete' } = {}): Promise<{ campaign: Campaign; changed: boolean; pullbackId: number | null }> {
    const campaign = this.campaigns.get(id);
    if (!campaign) throw new RespondError('not-found', `no campaign ${id}`);
    if (campaign.status === 'closed') throw new RespondError('state', `campaign ${id} is closed; reopen it first`);
    const changed = this.db.transaction(() => {
      const changed = this.campaigns.contain(campaign.id, actor);
      const incidentId = this.campaignIncident(campaign.id, actor);
      if (changed) {
        const indicators = this.campaigns.indicators(campaign.id, { specificOnly: true });
        this.incidents.event(incidentId, { actor, kind: 'contained', summary: `contained: future mail matching ${indicators.length} indicator${indicators.length === 1 ? '' : 's'} is quarantined` });
        const inc = this.incidents.get(incidentId)!;
        if (inc.status === 'open' || inc.status === 'investigating') this.incidents.setStatus(incidentId, 'contained', actor);
        this.audit.record({ actor, action: 'respond.campaign.contain', target: `campaign:${campaign.id}`, detail: { indicators: indicators.length } });
        this.outbox.enqueue(
          newEvent('campaign.contained', 'high', `campaign #${campaign.id} contained by ${actor}: ${campaign.name}`, { campaign: campaign.id, name: campaign.name, by: actor, indicators: indicators.length, incident: incidentId }),
        );
      }
      return changed;
    })();
    let pullbackId: number | null = null;
    if (o.pull && this.pullbacks.available()) pullbackId = this.purgeCampaign(campaign.id, actor, o.action).id;
    this.dispatcher.kick();
    return { campaign: this.campaigns.get(campaign.id)!, changed, pullbackId };
  }

  /** Lifts the block (a false positive); the campaign stays on record. */
  releaseCampaign(id: number, actor: string): Campaign {
    const campaign = this.campaigns.get(id);
    if (!campaign) throw new RespondError('not-found', `no campaign ${id}`);
    this.db.transaction(() => {
      this.campaigns.setStatus(campaign.id, 'active', { blocked: false });
      const incidentId = this.campaignIncident(campaign.id, actor);
      this.incidents.event(incidentId, { actor, kind: 'released', summary: 'block lifted: matching mail is no longer quarantined for this campaign' });
      this.audit.record({ actor, action: 'respond.campaign.release', target: `campaign:${campaign.id}` });
    })();
    return this.campaigns.get(campaign.id)!;
  }

  /** "Purge campaign": removes every delivered copy of its messages from users' mailboxes. */
  purgeCampaign(id: number, actor: string, action?: 'move' | 'delete'): { id: number; done: Promise<PullbackSummary> } {
    const campaign = this.campaigns.get(id);
    if (!campaign) throw new RespondError('not-found', `no campaign ${id}`);
    const spoolIds = this.campaigns.members(campaign.id).map((m) => m.spoolId);
    const incidentId = this.campaignIncident(campaign.id, actor);
    const run = this.pullbacks.start({ spoolIds, actor, campaignId: campaign.id, incidentId, action });
    this.incidents.event(incidentId, { actor, kind: 'pullback', summary: `pull-back #${run.id} started (${action ?? this.settings().pullback.action})` });
    this.track(run.done);
    return run;
  }

  private pullbackFinished(s: PullbackSummary): void {
    const p = s.pullback;
    const summary = `pull-back #${p.id} ${p.state === 'done' ? 'finished' : `failed (${p.error})`}: ${s.removed} removed, ${s.notFound} not found, ${s.errors} errors, in ${s.mailboxes} mailbox${s.mailboxes === 1 ? '' : 'es'}`;
    if (p.incidentId !== null) this.incidents.event(p.incidentId, { actor: p.actor, kind: 'pullback', summary });
    this.outbox.enqueue(
      newEvent('pullback.completed', s.errors || p.state === 'failed' ? 'high' : 'medium', summary, {
        pullback: p.id,
        campaign: p.campaignId,
        incident: p.incidentId,
        state: p.state,
        removed: s.removed,
        notFound: s.notFound,
        errors: s.errors,
        mailboxes: s.mailboxes,
      }),
    );
    this.dispatcher.kick();
  }

  setIncidentStatus(id: number, status: IncidentStatus, actor: string) {
    return this.db.transaction(() => {
      const before = this.incidents.get(id);
      if (!before) throw new RespondError('not-found', `no incident ${id}`);
      const after = this.incidents.setStatus(id, status, actor);
      if (before.status !== after.status) {
        this.audit.record({ actor, action: 'respond.incident.status', target: `incident:${id}`, detail: { from: before.status, to: status } });
        this.outbox.enqueue(newEvent('incident.updated', after.severity, `incident ${id}: status ${before.status} → ${status} by ${actor}`, { incident: id, status, previous: before.status, by: actor }));
      }
      return after;
    })();
  }

  setIncidentOwner(id: number, owner: string | null, actor: string) {
    return this.db.transaction(() => {
      const after = this.incidents.setOwner(id, owner, actor);
      this.audit.record({ actor, action: 'respond.incident.owner', target: `incident:${id}`, detail: { owner } });
      return after;
    })();
  }

  addIncidentNote(id: number, text: string, actor: string) {
    return this.db.transaction(() => {
      const e = this.incidents.addNote(id, actor, text);
      this.audit.record({ actor, action: 'respond.incident.note', target: `incident:${id}`, detail: { chars: text.length } });
      return e;
    })();
  }

  private housekeeping(): void {
    try {
      const s = this.settings();
      const before = new Date(Date.now() - s.retentionDays * DAY);
      const messages = this.log.prune(before);
      const reports = this.reports.prune(before);
      const alerts = this.outbox.prune(new Date(Date.now() - 30 * DAY));
      if (messages || reports || alerts) this.logger.info('respond housekeeping', { messagesForgotten: messages, reportBodiesDropped: reports, alertsPruned: alerts });
    } catch (err) {
      this.logger.error('respond housekeeping failed', { error: (err as Error).message });
    }
  }
}

const services = new WeakMap<Db, RespondService>();

/** The gateway registers its service, so the console in the same process acts through it (its loops, its scanner). */
export function registerRespondService(db: Db, s: RespondService): void {
  services.set(db, s);
}

export function registeredRespondService(db: Db): RespondService | undefined {
  return services.get(db);
}
