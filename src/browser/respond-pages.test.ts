/**
 * The incident and campaign pages in a real browser against a whole Medshield (scripted
 * scanner): a MedStealer-style callback campaign reaches three mailboxes and one of them
 * reports it, so a campaign and its incident form. An analyst opens the incident, takes it
 * into investigation and adds a note (both appear in its timeline), opens the campaign (its
 * timeline, variants, recipients, indicators and exposure; the STIX and MISP exports),
 * contains it, and is told plainly why its copies cannot be purged without a mail store.
 * Screenshots at laptop and tablet widths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { startConsoleFixture, type ConsoleFixture } from '../api/testing/console-fixture.ts';
import { forwardAsAttachment, medstealerVariant } from '../respond/testing/medstealer.ts';
import { launchChromium } from './chromium.ts';
import { asUser, saveScreenshot, tabletPagesFit } from './console-page.ts';

let browser: Browser;
let f: ConsoleFixture;
let campaignId: number;
let incidentId: number;
const staff = ['nurse.kim@stmarys-health.org', 'dr.reyes@stmarys-health.org', 'billing@stmarys-health.org'];

describe('incident and campaign pages in a browser', { timeout: 240_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    await ensureConsoleBuilt({ quiet: true });
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none' });
    for (const [n, to] of staff.entries()) await f.send(medstealerVariant(n, to));
    await f.drain();
    // A verified staff member reports it, as the report button would.
    const svc = f.gateway.respond!;
    svc.reports.add({ channel: 'console', reporter: staff[0]!, verified: true, raw: forwardAsAttachment({ from: staff[0]!, to: 'report@stmarys-health.org', original: medstealerVariant(0, staff[0]!) }) });
    svc.kickReports();
    await svc.idle();
    const campaigns = svc.campaigns.list({});
    assert.equal(campaigns.total, 1, 'the report formed one campaign');
    campaignId = campaigns.items[0]!.id;
    incidentId = svc.incidents.byCampaign(campaignId)!.id;
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('an analyst works the incident: status, owner and a note appear in its timeline', async () => {
    await asUser(browser, f.baseUrl, f.users.analyst, async (page) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
      const row = page.locator('table.data tbody tr', { hasText: `#${incidentId} ` });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /campaign #\d+/);
      await saveScreenshot(page, 'incidents-laptop');

      await row.getByRole('link', { name: new RegExp(`^#${incidentId} `) }).click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`^#${incidentId} `) }).waitFor();
      const exposure = page.locator('section.exposure');
      assert.match((await exposure.textContent()) ?? '', /3\s*mailboxes reached/);
      assert.match((await exposure.textContent()) ?? '', /3,000\s*patient records at risk/);
      assert.match((await exposure.textContent()) ?? '', /\$900,000–\$1,200,000/);
      const recipients = page.locator('section', { has: page.getByRole('heading', { name: /^Recipients/ }) });
      for (const s of staff) await recipients.getByText(s.split('@')[0]!, { exact: false }).first().waitFor();
      const indicators = page.locator('section', { has: page.getByRole('heading', { name: /^Indicators/ }) });
      await indicators.getByText('+18885550147').waitFor();
      assert.equal(await page.locator('section', { has: page.getByRole('heading', { name: /^Messages/ }) }).locator('tbody tr').count(), 3);

      await page.getByLabel('Status', { exact: true }).selectOption('investigating');
      await page.getByLabel('Owner', { exact: true }).fill('analyst');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Incident updated.' }).waitFor();
      await page.locator('.message-summary .badge', { hasText: 'Investigating' }).waitFor();
      await page.getByLabel('Note (stored encrypted; may name patients)').fill('Nurse Kim did not call the number; passwords not affected.');
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor();
      const timeline = page.getByTestId('incident-timeline');
      await timeline.getByText('Nurse Kim did not call the number; passwords not affected.').waitFor();
      assert.match((await timeline.textContent()) ?? '', /investigating/);
      const stored = f.gateway.respond!.incidents.get(incidentId)!;
      assert.equal(stored.status, 'investigating');
      assert.equal(stored.owner, 'analyst');
      const report = await page.evaluate(async (href) => (await fetch(href!)).text(), await page.getByRole('link', { name: 'Incident report (Markdown)' }).getAttribute('href'));
      assert.match(report, /Nurse Kim did not call the number/);
      await saveScreenshot(page, 'incident-detail-laptop');
    });
  });

  it('an analyst views the campaign, exports its indicators and contains it', async () => {
    await asUser(browser, f.baseUrl, f.users.analyst, async (page) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
      await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
      const row = page.locator('table.data tbody tr', { hasText: `#${campaignId} ` });
      assert.deepEqual((await row.locator('td.num').allTextContents()).map(Number), [3, 3, 3, 1], 'messages, mailboxes, delivered copies, reporters');
      await saveScreenshot(page, 'campaigns-laptop');

      await row.getByRole('link', { name: new RegExp(`^#${campaignId} `) }).click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`^#${campaignId} `) }).waitFor();
      assert.ok((await page.getByTestId('campaign-timeline').locator('tbody tr').count()) >= 1, 'the timeline has hours');
      const variants = page.locator('section', { has: page.getByRole('heading', { name: /^Variants/ }) });
      assert.equal(await variants.locator('tbody tr').count(), 3, 'three senders');
      const indicators = page.locator('section', { has: page.getByRole('heading', { name: /^Indicators/ }) });
      await indicators.getByText('Callback number').first().waitFor();
      await indicators.getByText('mychart-confirm-portal.com').first().waitFor();
      const messages = page.locator('section', { has: page.getByRole('heading', { name: /^Messages/ }) });
      await messages.getByText('Your Appointment is Ready!').waitFor();

      const stix = await page.evaluate(async (href) => (await fetch(href!)).json(), await page.getByRole('link', { name: 'STIX 2.1 bundle' }).getAttribute('href'));
      assert.equal(stix.type, 'bundle');
      assert.ok(stix.objects.some((o: { type: string }) => o.type === 'indicator' || o.type === 'domain-name'));
      const misp = await page.evaluate(async (href) => (await fetch(href!)).json(), await page.getByRole('link', { name: 'MISP event' }).getAttribute('href'));
      assert.ok(misp.Event, 'a MISP event');
      await saveScreenshot(page, 'campaign-detail-laptop');

      await page.getByRole('button', { name: 'Contain campaign' }).click();
      await page.getByRole('button', { name: 'Yes, contain it' }).click();
      await page.getByRole('status').filter({ hasText: 'Campaign contained' }).waitFor();
      await page.locator('.message-summary .badge', { hasText: 'Indicators blocked' }).waitFor();
      assert.equal(f.gateway.respond!.campaigns.get(campaignId)!.blocked, true);

      // No mail store is connected here: the purge is refused with the reason.
      await page.getByRole('button', { name: /^Purge delivered copies/ }).click();
      await page.getByRole('button', { name: 'Yes, purge mailboxes' }).click();
      await page.getByRole('alert').filter({ hasText: 'That did not work.' }).waitFor();
      await saveScreenshot(page, 'campaign-contained-laptop');
    });
  });

  it('the pages fit a tablet, and a viewer sees them without content or actions', async () => {
    await tabletPagesFit(
      browser,
      f.baseUrl,
      f.users.analyst,
      [
        ['/incidents?status=all', 'incidents-tablet'],
        [`/incidents/${incidentId}`, 'incident-detail-tablet'],
        ['/campaigns', 'campaigns-tablet'],
        [`/campaigns/${campaignId}`, 'campaign-detail-tablet'],
      ],
      (page) => page.locator('table.data tbody tr').first().waitFor(),
    );
    await asUser(browser, f.baseUrl, f.users.viewer, async (page) => {
      await page.goto(`${f.baseUrl}/campaigns/${campaignId}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^#${campaignId} `) }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Contain campaign' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Purge/ }).count(), 0);
      assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Your Appointment is Ready!/, 'no subjects for a viewer');
      await page.goto(`${f.baseUrl}/incidents/${incidentId}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^#${incidentId} `) }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Add note' }).count(), 0);
    });
  });
});
