import type { CampaignIndicator } from '../campaigns/campaign-store.ts';
import { KIND_LABEL } from '../features/indicators.ts';
import { canonicalJson, uuidv5 } from './uuid5.ts';

/**
 * A campaign as a STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP's STIX
 * import, a TAXII server): the campaign, the organisation that saw it, one indicator per
 * specific indicator of the campaign (each `indicates` the campaign), the observables
 * (domain-name, url, email-addr, ipv4/ipv6-addr, file hashes, email-message) in one
 * observed-data, and callback phone numbers as a custom observable defined by an
 * extension-definition, since STIX has no phone-number object.
 *
 * Not taken from npm: there is no maintained STIX 2.1 library for JavaScript; the objects
 * are plain JSON and stix-validate.ts checks what is written here.
 */

/** The STIX 2.1 namespace for deterministic cyber-observable ids (spec 2.9). */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Medshield's own namespace for its SDO ids (stable across exports of the same campaign). */
export const MEDSHIELD_NAMESPACE = '6c1f0c8e-4f7e-5b6e-9a57-1b3c1d2e9f00';
export const PHONE_TYPE = 'x-medshield-phone-number';
export const PHONE_EXTENSION_ID = `extension-definition--${uuidv5('medshield phone-number observable v1', MEDSHIELD_NAMESPACE)}`;

export type StixObject = Record<string, unknown> & { type: string; id: string };
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface CampaignExport {
  installation: string;
  organisation: string;
  campaign: { id: number; name: string; status: string; createdAt: Date; updatedAt: Date; firstSeen: Date; lastSeen: Date };
  indicators: CampaignIndicator[];
  /** Members in brief: sender and arrival (subjects only when asked for: they may name patients). */
  messages: { from: string; at: Date; subject?: string }[];
  recipients: number;
  reporters: number;
}

const ts = (d: Date) => d.toISOString();

/** The id of a cyber-observable from its id-contributing properties (spec 2.9: UUIDv5 over canonical JSON). */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidv5(canonicalJson(contributing), SCO_NAMESPACE)}`;
}

function isIpv6(v: string): boolean {
  return v.includes(':');
}

export function campaignBundle(x: CampaignExport): StixBundle {
  const sdoId = (type: string, name: string) => `${type}--${uuidv5(`${x.installation}\u0000${name}`, MEDSHIELD_NAMESPACE)}`;
  const created = ts(x.campaign.createdAt);
  const modified = ts(x.campaign.updatedAt > x.campaign.createdAt ? x.campaign.updatedAt : x.campaign.createdAt);
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: sdoId('identity', 'organisation'),
    created,
    modified: created,
    name: x.organisation || 'Medshield installation',
    identity_class: 'organization',
    sectors: ['healthcare'],
  };
  const extension: StixObject = {
    type: 'extension-definition',
    spec_version: '2.1',
    id: PHONE_EXTENSION_ID,
    created_by_ref: identity.id,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'Medshield phone number',
    description: 'A telephone number, E.164, that a message asks its reader to call (callback phishing). STIX 2.1 has no phone-number observable.',
    schema: 'An object of type x-medshield-phone-number with one required property, value: the number in E.164 form (e.g. +18885550147).',
    version: '1.0.0',
    extension_types: ['new-sco'],
  };
  const campaign: StixObject = {
    type: 'campaign',
    spec_version: '2.1',
    id: sdoId('campaign', `campaign:${x.campaign.id}`),
    created_by_ref: identity.id,
    created,
    modified,
    name: x.campaign.name,
    description: `Medshield campaign #${x.campaign.id} (${x.campaign.status}): ${x.messages.length} message(s) to ${x.recipients} mailbox(es), reported by ${x.reporters} person(s).`,
    first_seen: ts(x.campaign.firstSeen),
    last_seen: ts(x.campaign.lastSeen),
    labels: ['phishing'],
  };
  const objects: StixObject[] = [identity, extension, campaign];
  const seen = new Set<string>(objects.map((o) => o.id));
  const add = (o: StixObject) => {
    if (!seen.has(o.id)) {
      seen.add(o.id);
      objects.push(o);
    }
    return o.id;
  };
  const observables: string[] = [];

  for (const i of x.indicators.filter((k) => k.specific)) {
    let sco: StixObject | null = null;
    let pattern = '';
    const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    switch (i.kind) {
      case 'sender-domain':
      case 'landing-domain':
      case 'return-path-domain':
        sco = { type: 'domain-name', spec_version: '2.1', id: scoId('domain-name', { value: i.value }), value: i.value };
        pattern = `[domain-name:value = ${q(i.value)}]`;
        break;
      case 'url':
        sco = { type: 'url', spec_version: '2.1', id: scoId('url', { value: i.value }), value: i.value };
        pattern = `[url:value = ${q(i.value)}]`;
        break;
      case 'sender-address':
      case 'reply-to':
        sco = { type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: i.value }), value: i.value };
        pattern = `[email-addr:value = ${q(i.value)}]`;
        break;
      case 'client-ip': {
        const type = isIpv6(i.value) ? 'ipv6-addr' : 'ipv4-addr';
        sco = { type, spec_version: '2.1', id: scoId(type, { value: i.value }), value: i.value };
        pattern = `[${type}:value = ${q(i.value)}]`;
        break;
      }
      case 'attachment-sha256':
        sco = { type: 'file', spec_version: '2.1', id: scoId('file', { hashes: { 'SHA-256': i.value } }), hashes: { 'SHA-256': i.value } };
        pattern = `[file:hashes.'SHA-256' = ${q(i.value)}]`;
        break;
      case 'phone':
        sco = { type: PHONE_TYPE, spec_version: '2.1', id: scoId(PHONE_TYPE, { value: i.value }), value: i.value, extensions: { [PHONE_EXTENSION_ID]: { extension_type: 'new-sco' } } };
        pattern = `[${PHONE_TYPE}:value = ${q(i.value)}]`;
        break;
      default:
        // Fingerprints (SimHash, perceptual hashes) and matched faces have no STIX observable; they stay in Medshield.
        continue;
    }
    observables.push(add(sco));
    const indicator: StixObject = {
      type: 'indicator',
      spec_version: '2.1',
      id: sdoId('indicator', `campaign:${x.campaign.id}:${i.kind}:${i.value}`),
      created_by_ref: identity.id,
      created,
      modified,
      name: `${KIND_LABEL[i.kind]}: ${i.value}`,
      indicator_types: ['malicious-activity'],
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: ts(i.firstSeen),
    };
    add(indicator);
    add({
      type: 'relationship',
      spec_version: '2.1',
      id: sdoId('relationship', `campaign:${x.campaign.id}:${i.kind}:${i.value}:indicates`),
      created_by_ref: identity.id,
      created,
      modified,
      relationship_type: 'indicates',
      source_ref: indicator.id,
      target_ref: campaign.id,
    });
  }

  // The messages, one email-message per sender (STIX derives its id from sender, subject and body only).
  const bySender = new Map<string, { from: string; at: Date; subject?: string }>();
  for (const m of x.messages) {
    const key = `${m.from}\u0000${m.subject ?? ''}`;
    if (m.from && !bySender.has(key)) bySender.set(key, m);
  }
  for (const m of bySender.values()) {
    const fromRef = add({ type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: m.from }), value: m.from });
    const contributing: Record<string, unknown> = { from_ref: fromRef, ...(m.subject !== undefined ? { subject: m.subject } : {}) };
    observables.push(
      add({ type: 'email-message', spec_version: '2.1', id: scoId('email-message', contributing), is_multipart: false, date: ts(m.at), from_ref: fromRef, ...(m.subject !== undefined ? { subject: m.subject } : {}) }),
    );
  }
  if (observables.length) {
    const observed: StixObject = {
      type: 'observed-data',
      spec_version: '2.1',
      id: sdoId('observed-data', `campaign:${x.campaign.id}:observed`),
      created_by_ref: identity.id,
      created,
      modified,
      first_observed: ts(x.campaign.firstSeen),
      last_observed: ts(x.campaign.lastSeen),
      number_observed: Math.max(1, x.messages.length),
      object_refs: [...new Set(observables)],
    };
    add(observed);
    add({
      type: 'relationship',
      spec_version: '2.1',
      id: sdoId('relationship', `campaign:${x.campaign.id}:observed:related-to`),
      created_by_ref: identity.id,
      created,
      modified,
      relationship_type: 'related-to',
      source_ref: observed.id,
      target_ref: campaign.id,
    });
  }
  return { type: 'bundle', id: `bundle--${uuidv5(`${x.installation}\u0000campaign:${x.campaign.id}\u0000${modified}`, MEDSHIELD_NAMESPACE)}`, objects };
}
