import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../api/testing/api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from '../api/testing/console-fixture.ts';
import { validateStixBundle } from './export/stix-validate.ts';
import { CAMPAIGN_PHONE_E164, forwardAsAttachment, medstealerVariant } from './testing/medstealer.ts';

/**
 * The respond API against a whole Medshield (gateway, API, store) with the scripted scanner:
 * a campaign formed from a user report, then read, worked and exported over HTTP as the
 * console would, with each role's limits.
 */
describe('respond API', () => {
  let f: ConsoleFixture;
  let analyst: ApiClient;
  let viewer: ApiClient;
  let auditor: ApiClient;
  let campaignId: number;
  let incidentId: number;
  const staff = ['nurse.kim@stmarys-health.org', 'dr.reyes@stmarys-health.org', 'billing@stmarys-health.org'];

  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
    for (const [n, to] of staff.entries()) await f.send(medstealerVariant(n, to));
    await f.drain();
    const svc = f.gateway.respond!;
    // A report as the console's "report" action or a report button files it: verified, forwarded as attachment.
    const copy = medstealerVariant(0, staff[0]!);
    svc.reports.add({ channel: 'console', reporter: staff[0]!, verified: true, raw: forwardAsAttachment({ from: staff[0]!, to: 'report@stmarys-health.org', original: copy }) });
    svc.kickReports();
    await svc.idle();
    analyst = new ApiClient(f.baseUrl);
    viewer = new ApiClient(f.baseUrl);
    auditor = new ApiClient(f.baseUrl);
    assert.equal((await analyst.login(f.users.analyst.username, f.users.analyst.password)).status, 200);
    assert.equal((await viewer.login(f.users.viewer.username, f.users.viewer.password)).status, 200);
    assert.equal((await auditor.login(f.users.auditor.username, f.users.auditor.password)).status, 200);
  });

  after(async () => {
    await f?.stop();
  });

  it('lists the campaign and its incident; detail shows variants, recipients, indicators and exposure', async () => {
    const list = await viewer.get('/api/campaigns');
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    const c = list.body.items[0];
    campaignId = c.id;
    assert.equal(c.messages, 3);
    assert.equal(c.recipients, 3);
    assert.equal(c.delivered, 3);
    assert.equal(c.reporters, 1);
    incidentId = c.incidentId;
    assert.ok(incidentId);

    const d = await viewer.get(`/api/campaigns/${campaignId}`);
    assert.equal(d.status, 200);
    assert.equal(d.body.variants.length, 3, 'three sending addresses');
    assert.ok(d.body.indicators.some((i: { kind: string; value: string; specific: boolean }) => i.kind === 'phone' && i.value === CAMPAIGN_PHONE_E164 && i.specific));
    assert.equal(d.body.exposure.mailboxesReached, 3);
    assert.equal(d.body.exposure.recordsAtRisk, 3000);
    assert.ok(d.body.messages.every((m: Record<string, unknown>) => !('subject' in m)), 'no content without asking');
    assert.equal((await viewer.get(`/api/campaigns/${campaignId}?subjects=true`)).status, 403, 'a viewer never sees subjects');
    const withSubjects = await analyst.get(`/api/campaigns/${campaignId}?subjects=true`);
    assert.ok(withSubjects.body.messages.every((m: { subject: string }) => m.subject.length > 0));
    const ctx = f.gateway.console!.context;
    assert.ok(ctx.audit.list({ action: 'respond.messages.read' }).some((e) => e.actor === `user:${f.users.analyst.username}`), 'reading subjects is audited');

    const incidents = await viewer.get('/api/incidents?status=open');
    assert.equal(incidents.body.total, 1);
    const inc = await viewer.get(`/api/incidents/${incidentId}`);
    assert.equal(inc.body.incident.campaignId, campaignId);
    assert.ok(inc.body.timeline.some((e: { kind: string }) => e.kind === 'report'));
    assert.equal(inc.body.reports.length, 1);
  });

  it('works the incident: owner, status, notes, the exportable report', async () => {
    const patched = await analyst.request('PATCH', `/api/incidents/${incidentId}`, { owner: 'alice', status: 'investigating' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.status, 'investigating');
    assert.equal(patched.body.owner, 'alice');
    assert.equal((await analyst.request('PATCH', `/api/incidents/${incidentId}`, { status: 'nonsense' })).status, 400);
    assert.equal((await analyst.post(`/api/incidents/${incidentId}/notes`, { text: 'Nurse Kim did not call the number.' })).status, 200);
    const report = await auditor.get(`/api/incidents/${incidentId}/report`);
    assert.equal(report.status, 200);
    assert.match(report.headers.get('content-type') ?? '', /text\/markdown/);
    assert.match(report.text, /^# Incident \d+: /);
    assert.match(report.text, /Patient records at risk: 3,000 \(1,000 per mailbox\)/);
    assert.match(report.text, /Recovery cost if breached: \$900,000 – \$1,200,000/);
    assert.match(report.text, /Black-market value of the records: up to \$3,000,000/);
    assert.match(report.text, /Nurse Kim did not call the number\./);
    assert.match(report.text, /status open → investigating/);
    assert.match(report.text, /near-duplicate text \(MinHash\): 3 fingerprints/);
    const json = await auditor.get(`/api/incidents/${incidentId}/report?format=json`);
    assert.equal(json.body.incident.owner, 'alice');
  });

  it('exports STIX and MISP, contains the campaign, refuses a purge it cannot do, and counts it all in /metrics', async () => {
    const stix = await viewer.get(`/api/campaigns/${campaignId}/export?format=stix`);
    assert.equal(stix.status, 200);
    const bundle = JSON.parse(stix.text);
    assert.deepEqual(validateStixBundle(bundle), []);
    assert.ok(bundle.objects.some((o: { type: string; value?: string }) => o.type === 'x-medshield-phone-number' && o.value === CAMPAIGN_PHONE_E164));
    const misp = JSON.parse((await viewer.get(`/api/campaigns/${campaignId}/export?format=misp`)).text);
    assert.ok(misp.Event.Attribute.some((a: { type: string; value: string }) => a.type === 'phone-number' && a.value === CAMPAIGN_PHONE_E164));

    const contained = await analyst.post(`/api/campaigns/${campaignId}/contain`, { pull: true });
    assert.equal(contained.status, 200, contained.text);
    assert.equal(contained.body.campaign.blocked, true);
    assert.equal(contained.body.pullbackId, null);
    assert.equal(contained.body.pullbackAvailable, false, 'no IMAP server configured: nothing can be pulled');
    const purge = await analyst.post(`/api/campaigns/${campaignId}/purge`, {});
    assert.equal(purge.status, 503);
    assert.match(purge.body.error, /respond\.pullback\.imap/);
    assert.equal((await viewer.get(`/api/incidents/${incidentId}`)).body.incident.status, 'contained');

    const token = f.gateway.console!.context.tokens.create({ role: 'viewer', label: 'prometheus', createdBy: 'test' }).token;
    const metrics = await ApiClient.token(f.baseUrl, token).get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(metrics.text, /^medshield_campaigns\{status="contained"\} 1$/m);
    assert.match(metrics.text, /^medshield_messages_total\{action="deliver"\} 3$/m);
    assert.match(metrics.text, /^medshield_reports_total\{channel="console",kind="attachment"\} 1$/m);
    assert.match(metrics.text, /^# TYPE medshield_messages_total counter$/m);
    assert.match(metrics.text, /^medshield_blocked_indicators \d+$/m);
    assert.match(metrics.text, /^medshield_gateway_queue\{queue="undecided"\} 0$/m);
    assert.equal((await new ApiClient(f.baseUrl).get('/metrics')).status, 401);
  });
});
