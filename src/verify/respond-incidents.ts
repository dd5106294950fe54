import { newEvent } from '../respond/alerts/events.ts';
import type { Campaign } from '../respond/campaigns/campaign-store.ts';
import { registeredRespondService, type RespondService } from '../respond/service.ts';
import type { Db } from '../store/database.ts';
import type { CampaignRef, IncidentRef, IncidentRequest, IncidentSink } from './incident-sink.ts';

/**
 * Sender verification's incidents and campaigns through the respond module (src/respond):
 * its campaign store says which campaign a message or address belongs to, and verification
 * failures and PHI replies to phishing become respond incidents — the campaign's own
 * incident when there is a campaign, so everything about one attack is in one place.
 *
 * `service` is looked up on each call: the gateway registers its RespondService after the
 * stores are opened, and without respond (respond.enabled false) verification still works,
 * only without campaigns and incidents.
 */
export function respondIncidents(source: Db | (() => RespondService | null | undefined)): IncidentSink {
  const service = typeof source === 'function' ? source : () => registeredRespondService(source);
  const ref = (c: Campaign | null): CampaignRef | null => (c ? { id: String(c.id), name: c.name, active: c.status === 'active' || c.status === 'contained' } : null);
  return {
    campaignOfMessage(spoolId: string): CampaignRef | null {
      const s = service();
      if (!s) return null;
      const id = s.campaigns.campaignOf(spoolId);
      const resolved = id === null ? null : s.campaigns.resolve(id);
      return resolved === null ? null : ref(s.campaigns.get(resolved));
    },

    campaignOfAddress(address: string): CampaignRef | null {
      const s = service();
      if (!s) return null;
      const a = address.trim().toLowerCase();
      for (const kind of ['sender-address', 'reply-to'] as const) {
        const ids = s.campaigns.campaignsWith(kind, s.log.digester.digest(kind, a));
        if (ids.length) return ref(s.campaigns.get(ids[0]!));
      }
      return null;
    },

    openIncident(i: IncidentRequest): IncidentRef | null {
      const s = service();
      if (!s) return null;
      const campaignId = i.campaignId !== null && s.campaigns.get(Number(i.campaignId)) ? Number(i.campaignId) : null;
      let id: number;
      let created = false;
      if (campaignId !== null) {
        id = s.campaignIncident(campaignId, i.actor);
        s.incidents.raiseSeverity(id, i.severity);
        s.incidents.event(id, { actor: i.actor, kind: 'verification', summary: i.summary });
      } else {
        const opened = s.incidents.open({ kind: 'verification', severity: i.severity, title: i.title, actor: i.actor, dedupeKey: i.dedupeKey, summary: i.summary });
        id = opened.id;
        created = opened.created;
        if (!created) s.incidents.event(id, { actor: i.actor, kind: 'verification', summary: i.summary });
      }
      s.incidents.linkMessages(id, i.spoolIds);
      if (created) s.outbox.enqueue(newEvent('incident.opened', i.severity, `incident ${id} opened: ${i.title}`, { incident: id, kind: 'verification', title: i.title }));
      s.audit.record({ actor: i.actor, action: 'verify.incident', target: `incident:${id}`, detail: { kind: i.kind, campaign: campaignId, messages: i.spoolIds.length } });
      return { id: String(id), campaignId: campaignId === null ? null : String(campaignId) };
    },

    containCampaign(campaignId: string, actor: string): void {
      const s = service();
      if (!s) return;
      // The block itself commits synchronously inside the caller's transaction; only the optional pull-back is asynchronous, and it is not asked for.
      s.containCampaign(Number(campaignId), actor, { pull: false }).catch(() => {});
    },
  };
}
