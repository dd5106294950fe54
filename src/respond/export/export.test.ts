import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CampaignIndicator } from '../campaigns/campaign-store.ts';
import { campaignMispEvent } from './misp.ts';
import { campaignBundle, PHONE_TYPE, scoId, type CampaignExport, type StixObject } from './stix.ts';
import { validateStixBundle } from './stix-validate.ts';
import { uuidv5 } from './uuid5.ts';

const at = new Date('2026-11-03T10:00:00Z');
const ind = (kind: CampaignIndicator['kind'], value: string, specific = true): CampaignIndicator => ({ campaignId: 7, kind, value, digest: 'd', messages: 3, specific, firstSeen: at, lastSeen: new Date(at.getTime() + 3600_000) });

const input: CampaignExport = {
  installation: '5b0e2d7e-1111-4a4a-8b8b-000000000001',
  organisation: 'St Mary’s Health',
  campaign: { id: 7, name: 'call +18885550147 · mychart-confirm-portal.com', status: 'contained', createdAt: at, updatedAt: new Date(at.getTime() + 7200_000), firstSeen: at, lastSeen: new Date(at.getTime() + 3600_000) },
  indicators: [
    ind('phone', '+18885550147'),
    ind('landing-domain', 'mychart-confirm-portal.com'),
    ind('url', 'https://bit.ly/3xYz'),
    ind('sender-address', 'noreply@zocdoc-appointments.net'),
    ind('sender-domain', 'zocdoc-appointments.net'),
    ind('client-ip', '203.0.113.7'),
    ind('client-ip', '2001:db8::7'),
    ind('attachment-sha256', 'a'.repeat(64)),
    ind('text-minhash', 'f'.repeat(512)),
    ind('sender-domain', 'one-off.example.com', false),
  ],
  messages: [
    { from: 'noreply@zocdoc-appointments.net', at },
    { from: 'noreply@zocdoc-appointments.net', at: new Date(at.getTime() + 60_000) },
    { from: 'noreply@patient-notices-center.com', at: new Date(at.getTime() + 120_000) },
  ],
  recipients: 10,
  reporters: 3,
};

describe('STIX 2.1 export', () => {
  it('builds a valid bundle: campaign, indicators that indicate it, observables, the phone-number extension', () => {
    const b = campaignBundle(input);
    assert.deepEqual(validateStixBundle(b), []);
    const of = (t: string) => b.objects.filter((o) => o.type === t);
    const campaign = of('campaign')[0]!;
    assert.equal(of('indicator').length, 8, 'one per specific indicator with a STIX observable (not the text fingerprint, not the non-specific domain)');
    const patterns = of('indicator').map((i) => i.pattern).sort();
    assert.ok(patterns.includes("[x-medshield-phone-number:value = '+18885550147']"));
    assert.ok(patterns.includes("[file:hashes.'SHA-256' = '" + 'a'.repeat(64) + "']"));
    assert.ok(patterns.includes("[ipv6-addr:value = '2001:db8::7']"));
    for (const i of of('indicator')) assert.ok(b.objects.some((r) => r.type === 'relationship' && r.relationship_type === 'indicates' && r.source_ref === i.id && r.target_ref === campaign.id));
    const phone = of(PHONE_TYPE)[0]!;
    assert.equal(phone.id, scoId(PHONE_TYPE, { value: '+18885550147' }));
    assert.deepEqual(Object.values(phone.extensions as object)[0], { extension_type: 'new-sco' });
    assert.equal(of('email-message').length, 2, 'one per sender: STIX derives an email-message id from sender, subject and body');
    // Known answers: RFC 9562's UUIDv5 example, and ids computed independently (Python's uuid.uuid5 over the canonical JSON).
    assert.equal(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    assert.equal(scoId('domain-name', { value: 'example.com' }), 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
    assert.equal(scoId('file', { hashes: { 'SHA-256': 'a'.repeat(64) } }), 'file--75cb38d5-2055-5354-b75a-8299a2d670b5');
    assert.equal(JSON.stringify(campaignBundle(input)), JSON.stringify(b), 'the same campaign exports to the same bundle');
  });

  it('finds broken references, missing properties, wrong ids and bad patterns', () => {
    const b = campaignBundle(input);
    const clone = () => JSON.parse(JSON.stringify(b)) as typeof b;
    const find = (x: typeof b, t: string) => x.objects.find((o) => o.type === t) as StixObject;

    let x = clone();
    find(x, 'relationship').target_ref = 'campaign--00000000-0000-4000-8000-000000000000';
    assert.match(validateStixBundle(x).join('\n'), /target_ref names campaign--0+-0000-4000-8000-0+, which is not in the bundle/);

    x = clone();
    delete find(x, 'indicator').valid_from;
    assert.match(validateStixBundle(x).join('\n'), /required property valid_from is missing/);

    x = clone();
    find(x, 'domain-name').value = 'other.example';
    assert.match(validateStixBundle(x).join('\n'), /not the deterministic id/);

    x = clone();
    find(x, 'indicator').pattern = "[domain-name:value = 'a' OR";
    assert.match(validateStixBundle(x).join('\n'), /not a single STIX comparison/);

    x = clone();
    x.objects = x.objects.filter((o) => o.type !== 'extension-definition');
    assert.match(validateStixBundle(x).join('\n'), /uses extension-definition--.*which is not in the bundle/);

    x = clone();
    find(x, 'campaign').modified = '2020-01-01T00:00:00.000Z';
    assert.match(validateStixBundle(x).join('\n'), /modified is before created/);

    x = clone();
    x.objects.push({ ...find(x, 'identity') });
    assert.match(validateStixBundle(x).join('\n'), /the id is used twice/);
  });
});

describe('MISP export', () => {
  it('gives one attribute per specific indicator MISP has a type for, phone numbers included', () => {
    const e = campaignMispEvent(input).Event as { info: string; Attribute: { type: string; category: string; value: string; to_ids: boolean }[]; Tag: { name: string }[]; threat_level_id: string };
    assert.match(e.info, /^Medshield campaign #7: /);
    const byType = (t: string) => e.Attribute.filter((a) => a.type === t).map((a) => a.value).sort();
    assert.deepEqual(byType('phone-number'), ['+18885550147']);
    assert.deepEqual(byType('domain'), ['mychart-confirm-portal.com', 'zocdoc-appointments.net']);
    assert.deepEqual(byType('url'), ['https://bit.ly/3xYz']);
    assert.deepEqual(byType('email-src'), ['noreply@zocdoc-appointments.net']);
    assert.deepEqual(byType('sha256'), ['a'.repeat(64)]);
    assert.deepEqual(byType('ip-src'), ['2001:db8::7', '203.0.113.7']);
    assert.equal(e.Attribute.length, 8);
    assert.ok(e.Tag.some((t) => t.name === 'tlp:amber'));
    assert.equal(e.threat_level_id, '1');
    assert.ok(e.Attribute.every((a) => /^[a-z-]+$/.test(a.category.toLowerCase().replace(/ /g, '-'))));
  });
});
