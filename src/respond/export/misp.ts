import type { CampaignExport } from './stix.ts';
import { MEDSHIELD_NAMESPACE } from './stix.ts';
import { uuidv5 } from './uuid5.ts';

/**
 * A campaign as a MISP event (the JSON MISP's "add event" API and its import take), with
 * one attribute per specific indicator: domains, URLs, sender addresses, source IPs,
 * attachment SHA-256 and callback numbers (MISP has a phone-number type). Shared as
 * TLP:AMBER by default: for the organisation and the partners it chooses.
 */

const MAP: Record<string, { type: string; category: string; toIds: boolean; comment: string }> = {
  'sender-domain': { type: 'domain', category: 'Network activity', toIds: true, comment: 'sending domain' },
  'landing-domain': { type: 'domain', category: 'Network activity', toIds: true, comment: 'link (landing) domain' },
  'return-path-domain': { type: 'domain', category: 'Network activity', toIds: true, comment: 'bounce (Return-Path) domain' },
  url: { type: 'url', category: 'Network activity', toIds: true, comment: 'link in the messages' },
  'sender-address': { type: 'email-src', category: 'Payload delivery', toIds: true, comment: 'sender address' },
  'reply-to': { type: 'email-reply-to', category: 'Payload delivery', toIds: true, comment: 'reply-to address' },
  'client-ip': { type: 'ip-src', category: 'Network activity', toIds: false, comment: 'sending server' },
  'attachment-sha256': { type: 'sha256', category: 'Payload delivery', toIds: true, comment: 'attachment' },
  phone: { type: 'phone-number', category: 'Other', toIds: false, comment: 'callback number the messages ask the reader to call' },
};

export function campaignMispEvent(x: CampaignExport): { Event: Record<string, unknown> } {
  const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));
  const attributes = x.indicators
    .filter((i) => i.specific && MAP[i.kind])
    .map((i) => {
      const m = MAP[i.kind]!;
      return {
        uuid: uuidv5(`${x.installation}\u0000misp:${x.campaign.id}:${i.kind}:${i.value}`, MEDSHIELD_NAMESPACE),
        type: m.type,
        category: m.category,
        value: i.value,
        to_ids: m.toIds,
        comment: `${m.comment}; in ${i.messages} message(s)`,
        first_seen: i.firstSeen.toISOString(),
        last_seen: i.lastSeen.toISOString(),
        timestamp: unix(i.lastSeen),
        distribution: '5',
      };
    });
  return {
    Event: {
      uuid: uuidv5(`${x.installation}\u0000misp:${x.campaign.id}`, MEDSHIELD_NAMESPACE),
      info: `Medshield campaign #${x.campaign.id}: ${x.campaign.name}`,
      date: x.campaign.firstSeen.toISOString().slice(0, 10),
      threat_level_id: x.reporters > 0 || x.campaign.status === 'contained' ? '1' : '2',
      analysis: x.campaign.status === 'active' ? '1' : '2',
      distribution: '0',
      published: false,
      timestamp: unix(x.campaign.updatedAt),
      Orgc: { name: x.organisation || 'Medshield installation' },
      Tag: [{ name: 'tlp:amber' }, { name: `medshield:campaign="${x.campaign.id}"` }, { name: 'rsit:fraud="phishing"' }],
      Attribute: attributes,
    },
  };
}
