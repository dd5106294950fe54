import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { campaignDetailSchema, incidentDetailSchema, messageViewSchema, recipientViewSchema } from '../api/schemas/respond.ts';
import { RespondError } from './errors.ts';
import type { CampaignExport } from './export/stix.ts';
import { estimateExposure, exposureAssumptions } from './incidents/exposure.ts';
import type { DeliveryEntry } from './messages/message-log.ts';
import type { RespondService } from './service.ts';
import type { Indicator } from './features/indicators.ts';

/**
 * What the console, the API and the CLI show of campaigns and incidents, assembled from the
 * stores. Subjects (message content) are included only when asked for, and such reads are
 * audited under the asking actor.
 */

/** The wire shapes (src/api/schemas/respond.ts), server side: Dates, not ISO strings. */
export type MessageView = z.output<typeof messageViewSchema>;
export type RecipientView = z.output<typeof recipientViewSchema>;
export type CampaignDetail = z.output<typeof campaignDetailSchema>;
export type IncidentDetail = z.output<typeof incidentDetailSchema>;

function recipients(deliveries: DeliveryEntry[]): RecipientView[] {
  const by = new Map<string, RecipientView>();
  for (const d of deliveries) {
    const r = by.get(d.recipient) ?? { mailbox: d.recipient, copies: 0, delivered: 0, removed: 0, notFound: 0, stopped: 0, pending: 0 };
    r.copies++;
    if (d.state === 'delivered') r.delivered++;
    else if (d.state === 'removed') r.removed++;
    else if (d.state === 'not-found') r.notFound++;
    else if (d.state === 'pending') r.pending++;
    else r.stopped++;
    by.set(d.recipient, r);
  }
  return [...by.values()].sort((a, b) => a.mailbox.localeCompare(b.mailbox));
}

function messageViews(svc: RespondService, spoolIds: string[], o: { subjects?: { actor: string; purpose: string } }): MessageView[] {
  const msgs = svc.log.many(spoolIds);
  const out = msgs.map(({ minhash: _m, ...m }) => {
    const view: MessageView = { ...m, reporters: svc.log.reporters([m.spoolId]).map((r) => r.reporter) };
    if (o.subjects) view.subject = svc.log.sealed(m.spoolId)?.subject ?? '';
    return view;
  });
  if (o.subjects && msgs.length) {
    svc.audit.record({ actor: o.subjects.actor, action: 'respond.messages.read', target: spoolIds.length === 1 ? spoolIds[0]! : `messages:${spoolIds.length}`, detail: { purpose: o.subjects.purpose, fields: ['subject'], messages: msgs.length } });
  }
  return out;
}

export function campaignDetail(svc: RespondService, id: number, o: { subjects?: { actor: string; purpose: string } } = {}): CampaignDetail {
  const campaign = svc.campaigns.get(id);
  if (!campaign) throw new RespondError('not-found', `no campaign ${id}`);
  const spoolIds = svc.campaigns.members(campaign.id).map((m) => m.spoolId);
  const messages = messageViews(svc, spoolIds, o);
  const deliveries = svc.log.deliveries(spoolIds);
  const variants = new Map<string, { from: string; messages: number; first: Date; last: Date }>();
  const hours = new Map<string, { hour: string; delivered: number; quarantined: number; rejected: number; reported: number }>();
  for (const m of messages) {
    const v = variants.get(m.fromAddress) ?? { from: m.fromAddress, messages: 0, first: m.receivedAt, last: m.receivedAt };
    v.messages++;
    if (m.receivedAt < v.first) v.first = m.receivedAt;
    if (m.receivedAt > v.last) v.last = m.receivedAt;
    variants.set(m.fromAddress, v);
    const hour = `${m.receivedAt.toISOString().slice(0, 13)}:00Z`;
    const h = hours.get(hour) ?? { hour, delivered: 0, quarantined: 0, rejected: 0, reported: 0 };
    if (m.outcome === 'delivering') h.delivered++;
    else if (m.outcome === 'quarantined') h.quarantined++;
    else if (m.outcome === 'rejected') h.rejected++;
    else h.reported++;
    hours.set(hour, h);
  }
  return {
    campaign,
    incidentId: svc.incidents.byCampaign(campaign.id)?.id ?? null,
    indicators: svc.campaigns.indicators(campaign.id),
    messages,
    variants: [...variants.values()].sort((a, b) => b.messages - a.messages),
    recipients: recipients(deliveries),
    timeline: [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour)),
    reporters: svc.log.reporters(spoolIds),
    reports: svc.reports.list({ spoolIds, limit: 500 }).items,
    pullbacks: svc.pullbacks.list({ campaignId: campaign.id }),
    exposure: estimateExposure(deliveries, exposureAssumptions(svc.config())),
  };
}

export function incidentDetail(svc: RespondService, id: number, o: { subjects?: { actor: string; purpose: string } } = {}): IncidentDetail {
  const incident = svc.incidents.get(id);
  if (!incident) throw new RespondError('not-found', `no incident ${id}`);
  const campaign = incident.campaignId !== null ? svc.campaigns.get(incident.campaignId) : null;
  const spoolIds = [...new Set([...svc.incidents.messages(id), ...(campaign ? svc.campaigns.members(campaign.id).map((m) => m.spoolId) : [])])];
  const deliveries = svc.log.deliveries(spoolIds);
  let indicators: Indicator[];
  if (campaign) indicators = svc.campaigns.indicators(campaign.id, { specificOnly: true }).map(({ kind, value }) => ({ kind, value }));
  else {
    const seen = new Map<string, Indicator>();
    for (const s of spoolIds.slice(0, 50)) for (const i of svc.log.sealed(s)?.indicators ?? []) if (i.kind !== 'text-minhash' && i.kind !== 'image-phash') seen.set(`${i.kind}\u0000${i.value}`, i);
    indicators = [...seen.values()];
  }
  return {
    incident,
    timeline: svc.incidents.timeline(id),
    messages: messageViews(svc, spoolIds, o),
    recipients: recipients(deliveries),
    indicators,
    campaign,
    reports: svc.reports.list({ spoolIds, limit: 500 }).items,
    pullbacks: svc.pullbacks.list({ incidentId: id }),
    exposure: estimateExposure(deliveries, exposureAssumptions(svc.config())),
  };
}

/** A stable id for this installation (SDO ids in STIX exports stay the same across exports). */
export function installationId(svc: RespondService): string {
  const row = svc.db.prepare("SELECT value FROM respond_state WHERE key = 'installation.id'").pluck().get() as string | undefined;
  if (row) return row;
  const id = randomUUID();
  svc.db.prepare("INSERT OR IGNORE INTO respond_state (key, value) VALUES ('installation.id', ?)").run(id);
  return svc.db.prepare("SELECT value FROM respond_state WHERE key = 'installation.id'").pluck().get() as string;
}

export function campaignExport(svc: RespondService, id: number, o: { subjects?: { actor: string; purpose: string } } = {}): CampaignExport {
  const d = campaignDetail(svc, id, o);
  return {
    installation: installationId(svc),
    organisation: svc.config().org.name,
    campaign: d.campaign,
    indicators: d.indicators,
    messages: d.messages.map((m) => ({ from: m.fromAddress, at: m.receivedAt, ...(o.subjects ? { subject: m.subject ?? '' } : {}) })),
    recipients: d.recipients.length,
    reporters: d.reporters.length,
  };
}
