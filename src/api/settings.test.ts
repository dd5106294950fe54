import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testMail } from '../gateway/testing/harness.ts';
import { SettingsStore } from './settings-store.ts';
import { startAdminFixture } from './testing/admin-fixture.ts';
import type { ApiClient } from './testing/api-client.ts';
import type { ConsoleFixture } from './testing/console-fixture.ts';

describe('settings from the console: validated with clear errors, audited, applied', () => {
  let f: ConsoleFixture;
  let admin: ApiClient;
  const put = (body: unknown) => admin.request('PUT', '/api/settings', body);

  before(async () => ({ f, admin } = await startAdminFixture()));
  after(() => f.stop());

  it('shows the settings in force: organisation, partners, thresholds, retention, exposure assumptions, brand pack', async () => {
    const r = await admin.get('/api/settings');
    assert.equal(r.status, 200);
    const v = r.body.values;
    assert.equal(v.org.name, "St Mary's Health");
    assert.deepEqual(v.org.domains, ['stmarys-health.org']);
    assert.deepEqual(v.org.partners.map((p: { name: string }) => p.name), ['Lakeside Cardiology Associates', 'Riverside University Hospital']);
    assert.deepEqual(v.policy.thresholds, { tag: 5, quarantine: 8, reject: 25 });
    assert.equal(v.quarantine.retentionDays, 30);
    assert.deepEqual(v.exposure, { recordsPerRecipient: 1000, costPerRecordLow: 300, costPerRecordHigh: 400 });
    assert.equal(v.brandPack.custom, false);
    assert.ok(r.body.brands.count > 100);
    assert.equal(r.body.liveReload, true);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['a domain that is not one', { org: { name: 'St Mary', domains: ['not a domain'], partners: [] } }, /^org\.domains\.0: not a domain name$/],
    ['a partner without domains', { org: { name: 'St Mary', domains: ['stmarys-health.org'], partners: [{ name: 'Lakeside', domains: [] }] } }, /org\.partners\.0\.domains/],
    ['thresholds out of order', { policy: { thresholds: { tag: 12, quarantine: 8, reject: 25 } } }, /^policy\.thresholds: thresholds must satisfy tag ≤ quarantine ≤ reject$/],
    ['a negative retention', { quarantine: { retentionDays: -1 } }, /^quarantine\.retentionDays: /],
    ['a low cost above the high one', { exposure: { recordsPerRecipient: 1000, costPerRecordLow: 500, costPerRecordHigh: 400 } }, /console\.exposure: costPerRecordLow must not exceed costPerRecordHigh/],
    ['a brand pack that is not JSON', { brandPackJson: '{brands: [' }, /^brandPack: /],
    ['a brand pack of the wrong shape', { brandPackJson: '{"brands": [{"name": 3}]}' }, /^brandPack\.brands\.0/],
  ];
  for (const [what, body, detail] of invalid) {
    it(`refuses ${what}, naming the setting`, async () => {
      const r = await put(body);
      assert.equal(r.status, 400, r.text);
      assert.ok(r.body.error.length > 0);
      assert.ok(
        (r.body.details as string[]).some((d) => detail.test(d)),
        `${JSON.stringify(r.body.details)} should match ${detail}`,
      );
    });
  }

  it('refuses a request body of the wrong types before anything is checked further', async () => {
    const r = await put({ policy: { thresholds: { tag: 'five', quarantine: 8, reject: 25 } } });
    assert.equal(r.status, 400);
    assert.match(r.body.details.join(' '), /body\.policy\.thresholds\.tag/);
    const nothing = await put({});
    assert.equal(nothing.status, 400);
    assert.equal(nothing.body.error, 'nothing to change');
  });

  it('left everything as it was after the refusals', async () => {
    const r = await admin.get('/api/settings');
    assert.deepEqual(r.body.values.policy.thresholds, { tag: 5, quarantine: 8, reject: 25 });
    assert.equal(r.body.changedBy, null);
    assert.equal(f.gateway.console!.context.audit.list({ action: 'settings.change' }).length, 0);
  });

  it('saves a valid change, restarts the scanner with it, audits before and after, and keeps it across restarts', async () => {
    const r = await put({
      policy: { thresholds: { tag: 4, quarantine: 9, reject: 30 } },
      org: { name: "St Mary's Health", domains: ['stmarys-health.org'], partners: [{ name: 'Lakeside Cardiology Associates', domains: ['lakesidecardio.com'] }, { name: 'Northside Labs', domains: ['northside-labs.example'] }] },
      exposure: { recordsPerRecipient: 250, costPerRecordLow: 350, costPerRecordHigh: 410 },
    });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.applied.includes('policy'));
    assert.ok(r.body.applied.includes('exposure'));
    assert.match(r.body.message, /New mail is scanned with these settings from now on/);
    assert.deepEqual(r.body.settings.values.policy.thresholds, { tag: 4, quarantine: 9, reject: 30 });
    assert.equal(r.body.settings.changedBy, 'user:admin');

    const entry = f.gateway.console!.context.audit.list({ action: 'settings.change' })[0]!;
    assert.equal(entry.actor, 'user:admin');
    assert.equal(entry.detail?.ip, '127.0.0.1');
    assert.deepEqual((entry.detail?.before as { policy: unknown }).policy, null);
    assert.deepEqual((entry.detail?.after as { policy: unknown }).policy, { thresholds: { tag: 4, quarantine: 9, reject: 30 } });

    // The dashboard's estimate uses the new assumptions at once.
    const dash = await admin.get('/api/dashboard?range=24h');
    assert.deepEqual({ ...dash.body.exposure.assumptions, spamOnlySignals: [] }, { recordsPerRecipient: 250, costPerRecordLow: 350, costPerRecordHigh: 410, spamOnlySignals: [] });

    // Mail still flows through the restarted scanner.
    const m = await f.send(testMail({ subject: 'After the change [quarantine]', to: 'nurse.kim@stmarys-health.org' }));
    assert.equal(m.verdict, 'quarantine');

    // What the next start reads: the file's configuration with the saved settings over it.
    const reopened = new SettingsStore(f.gateway.db, f.gateway.console!.settings.fileConfig, f.dataDir);
    assert.deepEqual(reopened.config().policy.thresholds, { tag: 4, quarantine: 9, reject: 30 });
    assert.deepEqual(reopened.config().org.partners.map((p) => p.name), ['Lakeside Cardiology Associates', 'Northside Labs']);
    assert.equal(reopened.config().console.exposure.recordsPerRecipient, 250);
  });

  it('replaces the brand pack with a valid one, and goes back to the shipped one', async () => {
    const pack = { brands: [{ id: 'test-health-portal', name: 'Test Health Portal', sector: 'healthcare', names: ['Test Health Portal'], domains: ['testhealthportal.example'] }] };
    const r = await put({ brandPackJson: JSON.stringify(pack) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.settings.values.brandPack.custom, true);
    assert.equal(r.body.settings.brands.count, 1);
    assert.deepEqual(r.body.settings.brands.names, ['Test Health Portal']);
    const back = await put({ brandPackJson: null });
    assert.equal(back.status, 200);
    assert.equal(back.body.settings.values.brandPack.custom, false);
    assert.ok(back.body.settings.brands.count > 100);
  });
});
