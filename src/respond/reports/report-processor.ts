import type { AuditLog } from '../../audit/audit-log.ts';
import type { MedshieldConfig } from '../../config/schema.ts';
import type { Envelope, Verdict } from '../../engine/verdict.ts';
import type { Logger } from '../../gateway/log.ts';
import { newEvent, type AlertOutbox } from '../alerts/events.ts';
import { incrementCounter } from '../alerts/counters.ts';
import type { CampaignStore } from '../campaigns/campaign-store.ts';
import type { CampaignTracker } from '../campaigns/tracker.ts';
import type { MessageFeatures } from '../features/extract.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { LoggedMessage, MessageLog } from '../messages/message-log.ts';
import { buildReply, type ReplyVerdict } from './reply.ts';
import type { ReportStore, UserReport } from './report-store.ts';
import { medshieldSpoolIds, messageIdOf, readReport } from './reported-messages.ts';
import { recogniseSimulationReport } from '../../simulations/report-hook.ts';

/** What processing a report needs from the rest of the module (RespondService provides it). */
export interface ReportContext {
  db: ReportStore['db'];
  reports: ReportStore;
  log: MessageLog;
  campaigns: CampaignStore;
  tracker: CampaignTracker;
  incidents: IncidentStore;
  outbox: AlertOutbox;
  audit: AuditLog;
  logger: Logger;
  config(): MedshieldConfig;
  features(raw: Buffer, o: { images: boolean }): Promise<MessageFeatures | null>;
  /** Scans again with today's knowledge; null when no scanner runs in this process. */
  rescan(raw: Buffer, envelope: Envelope): Promise<Verdict | null>;
  /** Queues a message for delivery; null when no gateway runs in this process. */
  send(m: { raw: Buffer; mailFrom: string; rcptTo: string[] }): string | null;
  /** The campaign's incident (opened when missing); returns its id. */
  campaignIncident(campaignId: number, actor: string): number;
  /** Herd immunity: contains the campaign when enough verified people reported it. */
  checkHerdImmunity(campaignId: number): Promise<void>;
}

const SYSTEM = 'system:respond';

function inOrg(address: string, config: MedshieldConfig): boolean {
  const d = address.split('@').pop() ?? '';
  return config.org.domains.some((o) => d === o || d.endsWith(`.${o}`));
}

/**
 * One user report, start to finish: the reported message is taken out of the report
 * (forwarded as attachment, or ARF), matched to the mail the gateway delivered (by the
 * Medshield id in its Received trace, else its Message-ID), scanned again with what is known
 * now, recorded as reported, clustered (a verified report always makes or joins a
 * campaign), tied to an incident, checked for herd immunity, and answered.
 */
export async function processReport(ctx: ReportContext, report: UserReport): Promise<void> {
  const config = ctx.config();
  const settings = config.respond;
  const raw = ctx.reports.raw(report.id);
  if (!raw) {
    ctx.reports.finish(report.id, { state: 'failed', kind: 'none', error: 'report body missing' });
    return;
  }
  ctx.audit.record({ actor: SYSTEM, action: 'respond.report.read', target: `report:${report.id}`, detail: { purpose: 'processing', bytes: raw.length } });
  const contents = readReport(raw);

  // Reports from a polled mailbox name their reporter inside (the From of the report).
  let reporter = report.reporter;
  let verified = report.verified;
  if (report.channel === 'imap' && contents.from) {
    reporter = contents.from;
    verified = !!settings.reports.imap?.trustReporters && inOrg(reporter, config);
    ctx.reports.setReporter(report.id, reporter, verified);
  } else if (report.channel === 'gateway' && !verified && inOrg(reporter, config)) {
    // Reports that came in over MX: the report itself must authenticate as the organisation's mail.
    const outer = await ctx.rescan(raw, {});
    verified = outer?.auth.dmarc?.result === 'pass' && inOrg(outer.auth.dmarc.domain, config);
    if (verified) ctx.reports.setReporter(report.id, reporter, true);
  }
  incrementCounter(ctx.db, 'medshield_reports_total', { channel: report.channel, kind: contents.kind });

  const replyTo = reporter && inOrg(reporter, config) && settings.reports.reply ? reporter : null;
  const sendReply = async (verdict: ReplyVerdict): Promise<string | null> => {
    if (!replyTo) return null;
    const from = settings.reports.from ?? `security@${config.org.domains[0] ?? config.gateway.hostname}`;
    const rawReply = await buildReply({ from, to: replyTo, verdict, organisation: config.org.name, inReplyTo: messageIdOf(raw) ? `<${messageIdOf(raw)}>` : undefined });
    return ctx.send({ raw: rawReply, mailFrom: from, rcptTo: [replyTo] });
  };

  if (contents.originals.length === 0) {
    const problem = contents.problems[0] ?? 'no reported message in it';
    const replySpoolId = await sendReply({ kind: 'unusable', problem });
    ctx.reports.finish(report.id, { state: 'unusable', kind: contents.kind, error: problem, replySpoolId });
    ctx.outbox.enqueue(newEvent('report.received', 'low', `report ${report.id} from ${reporter}: unusable (${problem})`, { report: report.id, reporter, verified, usable: false }));
    return;
  }

  // A report normally carries one message; a few at most are followed.
  let best: { verdict: Verdict | null; message: LoggedMessage | null; campaignId: number | null; incidentId: number | null } | null = null;
  let simulation: string | null = null;
  for (const [n, original] of contents.originals.slice(0, 5).entries()) {
    // Medshield's own simulations are recognised by their Message-ID or signed links (src/simulations), then by the header.
    // Training simulations (src/simulations) recognise their own mail; such a report is credited, never clustered.
    const sim = recogniseSimulationReport(ctx.db, original.raw, reporter, report.id);
    if (sim) {
      simulation = sim;
      ctx.reports.creditSimulation(sim, reporter, report.id);
      continue;
    }
    let matches = medshieldSpoolIds(original.raw).map((id) => ctx.log.get(id)).filter((m): m is LoggedMessage => !!m);
    if (matches.length === 0) {
      const mid = messageIdOf(original.raw);
      if (mid) matches = ctx.log.byMessageId(mid).filter((m) => m.origin === 'inbound');
    }
    const verdict = original.headersOnly ? null : await ctx.rescan(original.raw, {});
    let target: LoggedMessage | null = matches[0] ?? null;
    if (!target && !original.headersOnly) {
      // Mail the gateway never saw (delivered before Medshield, or around it): logged from the report itself.
      const features = await ctx.features(original.raw, { images: true });
      if (features) {
        const spoolId = `report-${report.id}-${n}`;
        ctx.log.record({
          spoolId,
          receivedAt: report.receivedAt,
          origin: 'reported',
          action: verdict?.action ?? 'unknown',
          outcome: 'reported',
          quarantineId: null,
          score: verdict?.score ?? 0,
          signals: (verdict?.signals ?? []).filter((s) => s.score !== 0).map((s) => ({ id: s.id, score: s.score })),
          rcptTo: [],
          recipients: 0,
          features,
        });
        target = ctx.log.get(spoolId);
      }
    }
    if (!target) continue;
    ctx.log.addReport(target.spoolId, reporter, verified, report.id);
    const seed = verified || (verdict?.score ?? target.score) >= settings.campaigns.seedScore;
    const indicators = ctx.log.sealed(target.spoolId)?.indicators ?? [];
    const c = ctx.tracker.consider(target.spoolId, indicators, { seed, force: verified });
    let incidentId: number | null = null;
    if (c.campaignId !== null) {
      incidentId = ctx.campaignIncident(c.campaignId, SYSTEM);
      ctx.incidents.linkMessages(incidentId, c.added.length ? c.added : [target.spoolId]);
      ctx.incidents.event(incidentId, { actor: SYSTEM, kind: 'report', summary: `reported by ${reporter}${verified ? '' : ' (unverified)'} (report ${report.id}); rescan: ${verdict ? `${verdict.action}, score ${verdict.score}` : 'headers only'}` });
      if (c.formed) {
        const campaign = ctx.campaigns.get(c.campaignId)!;
        ctx.outbox.enqueue(newEvent('campaign.formed', 'high', `campaign #${campaign.id} formed from a user report: ${campaign.name}`, { campaign: campaign.id, name: campaign.name, messages: c.added.length, incident: incidentId }));
      }
    } else {
      const opened = ctx.incidents.open({
        kind: 'report',
        severity: verdict && verdict.score >= settings.campaigns.seedScore ? 'medium' : 'low',
        title: `User report: message from ${target.fromDomain || 'an unknown sender'}`,
        actor: SYSTEM,
        dedupeKey: `report:${target.spoolId}`,
      });
      incidentId = opened.id;
      ctx.incidents.linkMessages(incidentId, [target.spoolId]);
      ctx.incidents.event(incidentId, { actor: SYSTEM, kind: 'report', summary: `reported by ${reporter}${verified ? '' : ' (unverified)'} (report ${report.id})` });
      if (opened.created) ctx.outbox.enqueue(newEvent('incident.opened', 'low', `incident ${incidentId} opened: user report`, { incident: incidentId, kind: 'report' }));
    }
    if (!best || (verdict?.score ?? -Infinity) > (best.verdict?.score ?? -Infinity)) best = { verdict, message: target, campaignId: c.campaignId, incidentId };
  }

  if (best?.campaignId != null) await ctx.checkHerdImmunity(best.campaignId);

  let replyVerdict: ReplyVerdict;
  if (!best && simulation) replyVerdict = { kind: 'simulation', simulation };
  else if (!best) replyVerdict = { kind: 'unusable', problem: 'the reported message could not be read' };
  else {
    const v = best.verdict;
    const campaign = best.campaignId !== null ? ctx.campaigns.get(best.campaignId) : null;
    const members = campaign ? ctx.campaigns.members(campaign.id).map((m) => m.spoolId) : [];
    const info = campaign ? { id: campaign.id, reporters: ctx.log.reporters(members).length, contained: campaign.blocked } : null;
    const score = v?.score ?? best.message?.score ?? 0;
    const signals = v?.signals ?? [];
    if (campaign?.blocked || (v && (v.action === 'quarantine' || v.action === 'reject'))) replyVerdict = { kind: 'phishing', score, signals, campaign: info };
    else if (score >= settings.campaigns.seedScore || info) replyVerdict = { kind: 'suspicious', score, signals, campaign: info };
    else replyVerdict = { kind: 'clean', score };
  }
  const replySpoolId = await sendReply(replyVerdict);
  ctx.reports.finish(report.id, {
    state: best || simulation ? 'done' : 'unusable',
    kind: contents.kind,
    spoolId: best?.message?.spoolId ?? null,
    campaignId: best?.campaignId ?? null,
    incidentId: best?.incidentId ?? null,
    verdictAction: best?.verdict?.action ?? null,
    verdictScore: best?.verdict?.score ?? null,
    simulation,
    replySpoolId,
  });
  ctx.outbox.enqueue(
    newEvent('report.received', best?.campaignId != null ? 'medium' : 'low', `report ${report.id} from ${reporter}: ${replyVerdict.kind}${best?.campaignId != null ? `, campaign #${best.campaignId}` : ''}`, {
      report: report.id,
      reporter,
      verified,
      verdict: replyVerdict.kind,
      campaign: best?.campaignId ?? null,
      incident: best?.incidentId ?? null,
      simulation,
    }),
  );
  ctx.logger.info('user report processed', { report: report.id, channel: report.channel, kind: contents.kind, verified, verdict: replyVerdict.kind, campaign: best?.campaignId ?? null, reply: replySpoolId });
}
