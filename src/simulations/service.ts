import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { deriveSecret } from '../crypto/message-cipher.ts';
import type { Directory } from '../directory/directory.ts';
import type { Logger } from '../gateway/log.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import type { QuarantineStore } from '../quarantine/quarantine-store.ts';
import type { Db } from '../store/database.ts';
import { TrainingService } from '../training/service.ts';
import { audienceSchema, selectAudience, type Audience, type AudienceInput } from './audience.ts';
import { bypassHeaderFor } from './bypass-header.ts';
import { CampaignError, CampaignStore, type Campaign, type Target } from './campaign-store.ts';
import { defangMessage, type DefangReport } from './defang.ts';
import { EventStore, type EventKind } from './event-store.ts';
import { SimulationGate } from './gateway-gate.ts';
import { closedPage, jitPage, landingPage } from './landing-pages.ts';
import { campaignResults, type CampaignResults } from './metrics.ts';
import { directoryLoader, peopleSource } from './people-source.ts';
import { landingStrings, placeholderValues, redFlags, renderMessage, type PeopleSource, type RenderedMessage } from './render.ts';
import { allowance, windowOpen } from './send-window.ts';
import { sendingWindowSchema, type SimulationSettings } from './settings.ts';
import { linkNumbers, parseTemplate, TemplateError, type SimulationTemplate } from './template.ts';
import { TemplateStore, type StoredTemplate } from './template-store.ts';
import { LinkSigner } from './tokens.ts';
import { Tracker, type TrackRequest, type TrackResult } from './tracking.ts';

/** How the service hands a message to the gateway's submission path, and learns its fate. */
export interface SimulationGatewayLink {
  /** Submits a message as an authenticated sender would; resolves with the SMTP reply (and the spool id when accepted). */
  submit(m: { raw: Buffer; mailFrom: string; rcptTo: string[] }): Promise<{ code: number; message: string; spoolId: string | null }>;
  /** What became of a message for one recipient; null when the gateway no longer knows it. */
  deliveryOf(spoolId: string, recipient: string): 'delivered' | 'bounced' | 'pending' | null;
  /** Queues our own mail (training notices) without scanning. */
  enqueue(m: OutboundMessage): string;
  kick(): void;
}

export interface SimulationDeps {
  db: Db;
  /** The installation's message key: link and bypass keys are derived from it. */
  key: Buffer;
  config: () => MedshieldConfig;
  audit: AuditLog;
  logger: Logger;
  now?: () => number;
  /** The store's file (a directory imported there is read from the store). */
  dbPath?: string;
  directory?: () => Directory | null;
  quarantine?: QuarantineStore;
}

export const campaignInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    template: z.union([z.number().int().positive(), z.string().min(3).max(60)]),
    audience: audienceSchema.prefault({}),
    window: sendingWindowSchema.optional(),
    perMinute: z.number().int().min(1).max(10_000).optional(),
    /** When sending may begin (ISO time or epoch ms); default now. */
    startsAt: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
  })
  .strict();
export type CampaignInput = z.input<typeof campaignInputSchema>;
/** A change to a draft: only the fields given. No defaults here — a missing audience must not become "all staff". */
const campaignUpdateSchema = campaignInputSchema.extend({ audience: audienceSchema.optional() }).partial();

const MAX_ATTEMPTS = 3;

/**
 * Phishing simulations: templates, campaigns to directory staff sent through the gateway's
 * submission path in sending windows at a set pace, the signed links and their landing
 * pages, scanner-proof outcomes, replies and reports, auto-enrolment in training.
 */
export class SimulationService {
  readonly templates: TemplateStore;
  readonly campaigns: CampaignStore;
  readonly events: EventStore;
  readonly signer: LinkSigner;
  readonly gate: SimulationGate;
  readonly tracker: Tracker;
  readonly training: TrainingService;
  readonly now: () => number;
  private readonly bypassSecret: Buffer;
  private readonly directory: () => Directory | null;
  private readonly people = new WeakMap<Directory, PeopleSource>();
  private gateway: SimulationGatewayLink | null = null;
  private fallbackBaseUrl: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly d: SimulationDeps) {
    this.now = d.now ?? Date.now;
    this.signer = new LinkSigner(deriveSecret(d.key, 'simulation links'));
    this.bypassSecret = deriveSecret(d.key, 'simulation bypass');
    this.templates = new TemplateStore(d.db);
    this.campaigns = new CampaignStore(d.db);
    this.events = new EventStore(d.db);
    this.directory = d.directory ?? directoryLoader(d.db, d.config, d.dbPath);
    this.templates.syncShipped(this.now());
    this.training = new TrainingService({
      db: d.db,
      config: d.config,
      directory: this.directory,
      signer: this.signer,
      baseUrl: () => this.baseUrl(),
      audit: d.audit,
      logger: d.logger,
      now: this.now,
      outcomes: (since) => this.events.outcomesByEmail(since),
    });
    this.gate = new SimulationGate({
      db: d.db,
      secret: this.bypassSecret,
      campaigns: this.campaigns,
      events: this.events,
      maxAgeSeconds: () => this.settings.bypass.maxAgeSeconds,
      senderDomain: () => this.senderDomain(),
      now: this.now,
      logger: d.logger,
    });
    this.tracker = new Tracker({
      campaigns: this.campaigns,
      events: this.events,
      signer: this.signer,
      classifier: () => this.settings.classifier,
      now: this.now,
      onOutcome: (target, campaign, kinds) => this.enrol(target, campaign, kinds),
    });
  }

  get settings(): SimulationSettings {
    return this.d.config().simulations;
  }

  senderDomain(): string {
    const c = this.d.config();
    return this.settings.senderDomain ?? `sim.${c.org.domains[0] ?? 'medshield.invalid'}`;
  }

  /** Where staff's browsers reach the landing pages: simulations.baseUrl, else what the server listens on. */
  baseUrl(): string {
    return this.settings.baseUrl ?? this.fallbackBaseUrl ?? `http://${this.d.config().gateway.hostname}:8080`;
  }

  setFallbackBaseUrl(url: string): void {
    this.fallbackBaseUrl = url.replace(/\/+$/, '');
  }

  attachGateway(g: SimulationGatewayLink): void {
    this.gateway = g;
    this.training.attachGateway(g);
  }

  start(): void {
    const ms = this.settings.tickSeconds * 1000;
    this.timer = setInterval(() => void this.tick(), ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One scheduler pass: due mail sent, deliveries noted, campaigns closed, training mail queued. One at a time. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await this.sendDue();
        this.noteDeliveries();
        this.closeCampaigns();
        this.gate.purgeNonces();
        await this.training.tick();
      } catch (err) {
        this.d.logger.error('simulation scheduler failed', { error: (err as Error).message });
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  // ---- templates -----------------------------------------------------------------------

  createTemplate(input: unknown, by: string, source = 'custom'): StoredTemplate {
    const t = parseTemplate(input, 'template');
    this.checkModule(t);
    const stored = this.templates.create(t, { source, by, now: this.now() });
    this.d.audit.record({ actor: by, action: 'simulations.template.create', target: `template:${stored.id}`, detail: { slug: t.slug, source } });
    return stored;
  }

  updateTemplate(id: number, input: unknown, by: string): StoredTemplate {
    const t = parseTemplate(input, 'template');
    this.checkModule(t);
    const stored = this.templates.update(id, t, this.now());
    this.d.audit.record({ actor: by, action: 'simulations.template.update', target: `template:${id}`, detail: { slug: t.slug } });
    return stored;
  }

  private checkModule(t: SimulationTemplate): void {
    if (t.module && !this.training.modules.get(t.module)) throw new TemplateError(`module: no training module '${t.module}' (known: ${this.training.modules.modules.map((m) => m.id).join(', ')})`);
  }

  /** The template as one staff member (or a sample person) would receive it, with inert links. */
  async preview(template: SimulationTemplate, email?: string): Promise<RenderedMessage & { landing: string; jit: string }> {
    const member = email ? this.training.staff.get(email) : undefined;
    const recipient = member ?? { email: email ?? `alex.morgan@${this.d.config().org.domains[0] ?? 'example.org'}`, name: 'Alex Morgan', department: 'Cardiology' };
    const input = this.renderInput(template, recipient, 0, (n) => `${this.baseUrl()}/sim/preview#link-${n}`, null);
    const rendered = await renderMessage({ ...input, messageId: '<preview@medshield.invalid>' });
    const module = this.moduleFor(template);
    return {
      ...rendered,
      landing: landingPage(template, landingStrings(template, rendered.values), '#'),
      jit: jitPage({ org: this.d.config().org.name, flags: redFlags(template, rendered.values), moduleTitle: module?.title ?? null, moduleMinutes: module?.minutes ?? null, trainingUrl: module ? '#' : null, submitted: template.landing.kind === 'credentials', reportAddress: this.reportAddress() }),
    };
  }

  /** A quarantined phish made safe as a new (custom) template; the read is audited. */
  async templateFromQuarantine(quarantineId: string, by: string, o: { slug?: string; save?: boolean; context?: Record<string, unknown> } = {}): Promise<{ template: SimulationTemplate; report: DefangReport; saved: StoredTemplate | null }> {
    const q = this.d.quarantine;
    if (!q) throw new TemplateError('the quarantine is not available here');
    const id = q.resolveId(quarantineId);
    const raw = q.readMessage(id, by, { ...o.context, purpose: 'phishing simulation template' });
    const slug = o.slug ?? `real-phish-${id.replace(/[^a-z0-9]/gi, '').slice(-10).toLowerCase()}`;
    const config = this.d.config();
    const { template: input, report } = await defangMessage(raw, { directory: this.directory(), slug, orgDomains: config.org.domains });
    const template = parseTemplate(input, 'defanged template');
    const saved = o.save === false ? null : this.createTemplate(template, by, `quarantine:${id}`);
    return { template, report, saved };
  }

  // ---- campaigns -----------------------------------------------------------------------

  private templateOf(ref: number | string): StoredTemplate {
    const t = this.templates.get(ref);
    if (!t || t.archived) throw new CampaignError('invalid', `no template ${JSON.stringify(ref)}`);
    return t;
  }

  createCampaign(input: CampaignInput, by: string): Campaign {
    const c = campaignInputSchema.parse(input);
    const t = this.templateOf(c.template);
    const campaign = this.campaigns.create({
      name: c.name,
      templateId: t.id,
      audience: c.audience,
      window: c.window ?? this.settings.window,
      perMinute: c.perMinute ?? this.settings.perMinute,
      startsAt: c.startsAt === undefined ? this.now() : typeof c.startsAt === 'number' ? c.startsAt : Date.parse(c.startsAt),
      createdBy: by,
      now: this.now(),
    });
    this.d.audit.record({ actor: by, action: 'simulations.campaign.create', target: `campaign:${campaign.id}`, detail: { name: c.name, template: t.slug } });
    return campaign;
  }

  updateCampaign(id: number, input: Partial<CampaignInput>, by: string): Campaign {
    const c = campaignUpdateSchema.parse(input);
    const campaign = this.campaigns.update(id, {
      name: c.name,
      templateId: c.template !== undefined ? this.templateOf(c.template).id : undefined,
      audience: c.audience,
      window: c.window,
      perMinute: c.perMinute,
      startsAt: c.startsAt === undefined ? undefined : typeof c.startsAt === 'number' ? c.startsAt : Date.parse(c.startsAt),
    });
    this.d.audit.record({ actor: by, action: 'simulations.campaign.update', target: `campaign:${id}` });
    return campaign;
  }

  audience(a: AudienceInput): { members: { email: string; name: string; department: string; role: string; site: string }[]; unknownEmails: string[] } {
    return selectAudience(this.training.staff.all(), audienceSchema.parse(a));
  }

  /** Freezes template and audience and schedules the campaign; sending starts at startsAt, in the window. */
  launch(id: number, by: string): Campaign {
    const cur = this.campaigns.get(id);
    if (!cur) throw new CampaignError('not-found', `no campaign ${id}`);
    const t = this.templateOf(cur.templateId);
    const { members, unknownEmails } = selectAudience(this.training.staff.all(), cur.audience);
    if (unknownEmails.length) throw new CampaignError('invalid', `not staff in the directory or roster: ${unknownEmails.slice(0, 5).join(', ')}${unknownEmails.length > 5 ? ', …' : ''}`);
    const launched = this.campaigns.launch(id, { snapshot: t.template, members, now: this.now() });
    this.d.audit.record({ actor: by, action: 'simulations.campaign.launch', target: `campaign:${id}`, detail: { template: t.slug, recipients: members.length, startsAt: new Date(launched.startsAt).toISOString() } });
    this.d.logger.info('simulation campaign launched', { campaign: id, recipients: members.length });
    return launched;
  }

  cancel(id: number, by: string): Campaign {
    const c = this.campaigns.cancel(id, this.now());
    this.d.audit.record({ actor: by, action: 'simulations.campaign.cancel', target: `campaign:${id}` });
    return c;
  }

  /** Closes the landing pages now (later clicks are recorded, not counted). */
  finish(id: number, by: string): Campaign {
    const c = this.campaigns.get(id);
    if (!c) throw new CampaignError('not-found', `no campaign ${id}`);
    if (c.status !== 'sent' && c.status !== 'sending') throw new CampaignError('state', `campaign ${id} is ${c.status}: only a campaign that was sent can be finished`);
    if (c.status === 'sending') this.campaigns.cancel(id, this.now());
    else this.campaigns.setStatus(id, 'finished', { at: this.now() });
    this.d.audit.record({ actor: by, action: 'simulations.campaign.finish', target: `campaign:${id}` });
    return this.campaigns.get(id)!;
  }

  results(id: number): CampaignResults {
    const c = this.campaigns.get(id);
    if (!c) throw new CampaignError('not-found', `no campaign ${id}`);
    return campaignResults(c, this.campaigns.targets(id), this.events, this.events.hitsOfCampaign(id));
  }

  // ---- sending -------------------------------------------------------------------------

  private peopleNow(): PeopleSource {
    const dir = this.directory();
    if (!dir) return peopleSource(null, this.d.config().org.domains);
    let p = this.people.get(dir);
    if (!p) this.people.set(dir, (p = peopleSource(dir, this.d.config().org.domains)));
    return p;
  }

  private renderInput(template: SimulationTemplate, recipient: { email: string; name: string; department: string }, seed: number, link: (n: number) => string, pixelUrl: string | null) {
    const c = this.d.config();
    return { template, recipient, seed, org: c.org.name, senderDomain: this.senderDomain(), callback: this.settings.callbackNumber, link, pixelUrl, people: this.peopleNow(), now: this.now() };
  }

  linkUrl(targetId: number, n: number): string {
    return `${this.baseUrl()}/sim/c/${this.signer.sign({ kind: 'click', id: targetId, extra: n })}`;
  }

  pixelUrl(targetId: number): string {
    return `${this.baseUrl()}/sim/o/${this.signer.sign({ kind: 'open', id: targetId, extra: 0 })}`;
  }

  /** Composes one recipient's message with its signed bypass header (exported for the tests of the header). */
  async compose(target: Target, template: SimulationTemplate): Promise<{ raw: Buffer; mailFrom: string; messageId: string }> {
    const input = this.renderInput(template, target, target.id, (n) => this.linkUrl(target.id, n), this.pixelUrl(target.id));
    const rendered = await renderMessage({ ...input, messageId: target.messageId ?? undefined });
    const header = bypassHeaderFor(this.bypassSecret, { raw: rendered.raw, targetId: target.id, rcptTo: [target.email], now: this.now() });
    const mailFrom = `${template.from.local}@${template.from.domain ?? this.senderDomain()}`;
    return { raw: Buffer.concat([Buffer.from(`${header}\r\n`), rendered.raw]), mailFrom, messageId: rendered.messageId };
  }

  private async sendDue(): Promise<void> {
    const g = this.gateway;
    if (!g || !this.settings.enabled) return;
    const now = this.now();
    for (const campaign of this.campaigns.active(now)) {
      if (campaign.status === 'scheduled') this.campaigns.setStatus(campaign.id, 'sending', { at: now });
      const template = campaign.snapshot;
      if (!template) continue;
      if (!windowOpen(campaign.window, now)) continue;
      const room = allowance(campaign.perMinute, this.campaigns.sentSince(campaign.id, now - 60_000));
      for (const target of this.campaigns.nextPending(campaign.id, room)) {
        try {
          const m = await this.compose(target, template);
          this.campaigns.prepareSend(target.id, m.messageId);
          const reply = await g.submit({ raw: m.raw, mailFrom: m.mailFrom, rcptTo: [target.email] });
          if (reply.code >= 200 && reply.code < 300) this.campaigns.markSent(target.id, reply.spoolId, this.now());
          else this.campaigns.markFailed(target.id, `${reply.code} ${reply.message}`, target.attempts + 1 >= MAX_ATTEMPTS);
        } catch (err) {
          this.campaigns.markFailed(target.id, (err as Error).message, target.attempts + 1 >= MAX_ATTEMPTS);
          this.d.logger.error('simulation message not sent', { campaign: campaign.id, target: target.id, error: (err as Error).message });
        }
      }
      if (this.campaigns.pendingCount(campaign.id) === 0) {
        const at = this.now();
        this.campaigns.setStatus(campaign.id, 'sent', { at, closesAt: at + this.settings.landingDays * 86_400_000 });
        this.d.logger.info('simulation campaign sent', { campaign: campaign.id });
      }
    }
  }

  /** Notes when each message reached its mailbox: the scanner classifier measures from then. */
  noteDeliveries(): void {
    const g = this.gateway;
    if (!g) return;
    for (const t of this.campaigns.awaitingDelivery()) {
      const state = g.deliveryOf(t.spoolId!, t.email);
      if (state === 'delivered') this.campaigns.markDelivered(t.id, this.now());
      else if (state === 'bounced') this.campaigns.markBounced(t.id, 'bounced by the mail store');
    }
  }

  private closeCampaigns(): void {
    const now = this.now();
    for (const c of this.campaigns.sentAndOpen()) if (c.closesAt !== null && now > c.closesAt) this.campaigns.setStatus(c.id, 'finished', { at: now });
  }

  // ---- landing pages -------------------------------------------------------------------

  track(r: TrackRequest): TrackResult {
    return this.tracker.track(r);
  }

  private moduleFor(t: SimulationTemplate) {
    return (t.module && this.training.modules.get(t.module)) || this.training.modules.forTactic(t.tactic);
  }

  private reportAddress(): string | null {
    return this.d.config().respond.reports.addresses[0] ?? null;
  }

  private valuesFor(t: Target, template: SimulationTemplate): Record<string, string> {
    return placeholderValues(this.renderInput(template, t, t.id, () => '#', null));
  }

  /** The landing page for a click (the page's form posts back to the same link). */
  landingHtml(r: Extract<TrackResult, { found: true }>, action: string): string {
    const template = r.campaign.snapshot;
    if (r.closed || !template) return closedPage();
    return landingPage(template, landingStrings(template, this.valuesFor(r.target, template)), action);
  }

  /** The just-in-time page after the landing step: the simulation revealed, its red flags, the training. */
  jitHtml(r: Extract<TrackResult, { found: true }>, submitted: boolean): string {
    const template = r.campaign.snapshot;
    if (r.closed || !template) return closedPage();
    const module = this.moduleFor(template);
    return jitPage({
      org: this.d.config().org.name,
      flags: redFlags(template, this.valuesFor(r.target, template)),
      moduleTitle: module?.title ?? null,
      moduleMinutes: module?.minutes ?? null,
      trainingUrl: module && this.d.config().training.enabled ? this.training.learnerUrl(r.target.email, module.id) : null,
      submitted,
      reportAddress: this.reportAddress(),
    });
  }

  private enrol(target: Target, campaign: Campaign, kinds: EventKind[]): void {
    const template = campaign.snapshot;
    if (!template) return;
    try {
      const a = this.training.enrolAfterSimulation({ email: target.email, tactic: template.tactic, module: template.module, campaignId: campaign.id, targetId: target.id });
      if (a) this.d.logger.info('enrolled in training after a simulation', { campaign: campaign.id, target: target.id, module: a.module, outcome: kinds.join(',') });
    } catch (err) {
      this.d.logger.error('auto-enrolment failed', { campaign: campaign.id, target: target.id, error: (err as Error).message });
    }
  }

  // ---- reports -------------------------------------------------------------------------

  /**
   * A reported message that is one of our simulations (by its Message-ID, else by a signed
   * link in it): the report is credited as the recipient's "reported" outcome. Returns the
   * simulation's name (`campaign-<id>`) or null when it is not a simulation.
   */
  recogniseReport(raw: Buffer, reporter: string | null, reportId?: number): string | null {
    const target = this.findSimulation(raw);
    if (!target) return null;
    const who = reporter?.toLowerCase() ?? null;
    if (!who || who === target.email) this.events.addEvent(target.id, 'reported', this.now(), { reporter: who, report: reportId ?? null });
    this.d.logger.info('phishing simulation reported', { campaign: target.campaignId, target: target.id, byRecipient: !who || who === target.email });
    return `campaign-${target.campaignId}`;
  }

  private findSimulation(raw: Buffer): Target | undefined {
    const head = raw.subarray(0, 64 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const mid = /^Message-ID:[ \t]*(<[^<>\s]+>)/im.exec(head)?.[1];
    const byId = mid ? this.campaigns.byMessageId(mid) : undefined;
    if (byId) return byId;
    // Quoted-printable soft breaks may split a link.
    const text = raw.subarray(0, 4 * 1024 * 1024).toString('latin1').replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
    for (const m of text.matchAll(/\/sim\/[co]\/([A-Za-z0-9_-]{30})/g)) {
      const c = this.signer.verify(m[1]!, m[0].includes('/o/') ? 'open' : 'click');
      const t = c ? this.campaigns.target(c.id) : undefined;
      if (t) return t;
    }
    return undefined;
  }
}

const services = new WeakMap<Db, SimulationService>();

/** The gateway registers its service, so the console and the report pipeline in the same process use it. */
export function registerSimulationService(db: Db, s: SimulationService): void {
  services.set(db, s);
}

export function registeredSimulationService(db: Db): SimulationService | undefined {
  return services.get(db);
}

export { CampaignError, TemplateError, type Audience };
