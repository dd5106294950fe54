/**
 * The simulation and training pages in a real browser against a whole Medshield (scripted
 * scanner): a MyChart simulation goes to three departments through the gateway into their
 * Maildirs; one person opens the landing page and submits it (a person: the landing step
 * came seconds after the page), a link scanner sends a HEAD request for another. An analyst
 * sees the results with the person counted and the scanner apart, previews the template
 * safely, reads the training module and its quiz, and finds the clicker auto-enrolled and
 * their risk raised. Screenshots at laptop and tablet widths.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { startConsoleFixture, type ConsoleFixture } from '../api/testing/console-fixture.ts';
import { launchChromium } from './chromium.ts';
import { asUser, saveScreenshot, tabletPagesFit } from './console-page.ts';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SUBJECT = 'You have a new secure message in MyChart';

let browser: Browser;
let f: ConsoleFixture;
let campaignId: number;
let clicker: string;
let scanned: string;

async function clickLink(email: string): Promise<string> {
  const mail = f.maildir(email);
  for (const raw of mail) {
    const parsed = await simpleParser(raw);
    if (parsed.subject !== SUBJECT) continue;
    const href = /href="([^"]+\/sim\/c\/[A-Za-z0-9_-]{30})"/.exec(String(parsed.html))?.[1];
    if (href) return href;
  }
  throw new Error(`no simulation link in ${email}'s Maildir (${mail.length} messages)`);
}

describe('simulation and training pages in a browser', { timeout: 240_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    await ensureConsoleBuilt({ quiet: true });
    // People are told from scanners by the landing step here, not by waiting out the seconds after delivery.
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', config: { simulations: { classifier: { scannerWindowSeconds: 0 } } } });
    const sim = f.gateway.simulations!;
    const draft = sim.createCampaign(
      {
        name: 'November: MyChart secure message',
        template: 'mychart-credentials',
        audience: { departments: ['Cardiology', 'Emergency Medicine', 'Family Medicine'] },
        perMinute: 1000,
        window: { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
      },
      'test:security-lead',
    );
    campaignId = draft.id;
    sim.launch(campaignId, 'test:security-lead');
    await sim.tick();
    await f.drain();
    await sim.tick();
    const targets = sim.campaigns.targets(campaignId);
    assert.ok(targets.length >= 3, `the audience has people (${targets.length})`);
    assert.ok(targets.every((t) => t.deliveredAt !== null), 'every simulation was delivered');
    clicker = targets[0]!.email;
    scanned = targets[1]!.email;

    // A person: opens the landing page, reads it, then submits the form (only that it was filled in is kept).
    const link = await clickLink(clicker);
    const page = await fetch(link, { headers: { 'user-agent': CHROME, accept: 'text/html,application/xhtml+xml' } });
    assert.equal(page.status, 200);
    await sleep(1700);
    const submit = await fetch(link, {
      method: 'POST',
      headers: { 'user-agent': CHROME, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=someone&password=not-kept&step=submit',
    });
    assert.match(await submit.text(), /This was a phishing simulation/);
    // A link scanner: a HEAD request.
    assert.equal((await fetch(await clickLink(scanned), { method: 'HEAD', headers: { 'user-agent': CHROME } })).status, 200);

    const r = sim.results(campaignId);
    assert.equal(r.people.clicked, 1);
    assert.equal(r.people.submitted, 1);
    assert.ok(r.scanners.requests >= 1);
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('an analyst reads the results: people counted, scanners apart', async () => {
    await asUser(browser, f.baseUrl, f.users.analyst, async (page) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Simulations' }).click();
      await page.getByRole('heading', { level: 1, name: 'Phishing simulations' }).waitFor();
      const row = page.locator('table.data tbody tr', { hasText: 'November: MyChart secure message' });
      await row.waitFor();
      await saveScreenshot(page, 'simulations-laptop');
      await row.getByRole('link', { name: 'November: MyChart secure message' }).click();
      await page.getByRole('heading', { level: 1, name: 'November: MyChart secure message' }).waitFor();

      const stat = async (k: string) => Number(await page.getByTestId(`people-${k}`).locator('.stat-value').textContent());
      assert.equal(await stat('clicked'), 1, 'one person clicked');
      assert.equal(await stat('submitted'), 1, 'one person submitted');
      const scanners = page.getByTestId('scanner-results');
      assert.match((await scanners.textContent()) ?? '', /Scanners and link previews \(not counted\)/);
      assert.match((await scanners.locator('p').first().textContent()) ?? '', /^\s*[1-9]\d* requests? on the links of 1 recipient\b/);
      await scanners.getByText('HEAD request').waitFor();
      const recipients = page.getByTestId('sim-recipients');
      const clickerRow = recipients.locator('tr', { hasText: clicker });
      await clickerRow.locator('.badge', { hasText: 'Submitted data' }).waitFor();
      const scannedRow = recipients.locator('tr', { hasText: scanned });
      assert.equal(await scannedRow.locator('.badge', { hasText: 'Clicked' }).count(), 0, 'a scanner’s request is not a click');
      assert.ok(Number(await scannedRow.locator('td.num').textContent()) >= 1, 'but it is shown as a scanner request');
      await saveScreenshot(page, 'simulation-results-laptop');
    });
  });

  it('an analyst previews a template safely and reads a training module; the clicker is enrolled and riskier', async () => {
    await asUser(browser, f.baseUrl, f.users.analyst, async (page) => {
      await page.goto(`${f.baseUrl}/simulations/templates`);
      await page.getByRole('heading', { level: 1, name: 'Simulation templates' }).waitFor();
      await page.getByRole('button', { name: /^Preview MyChart/ }).click();
      await page.getByTestId('template-subject').filter({ hasText: SUBJECT }).waitFor();
      const frame = page.locator('iframe[data-testid="safe-preview"]');
      await frame.waitFor();
      assert.equal(await frame.getAttribute('sandbox'), '', 'the preview frame has no permissions');
      await page.frameLocator('iframe[data-testid="safe-preview"]').locator('body').getByText(/MyChart/).first().waitFor();
      assert.equal(await page.frameLocator('iframe[data-testid="safe-preview"]').locator('a[href], form, script').count(), 0, 'nothing in it can navigate, submit or run');
      await page.getByRole('button', { name: 'Landing page' }).click();
      await page.frameLocator('iframe[data-testid="safe-preview"]').locator('.ms-field').first().waitFor();
      assert.equal(await page.frameLocator('iframe[data-testid="safe-preview"]').locator('input, form, script').count(), 0, 'the landing form is shown inert');
      await saveScreenshot(page, 'simulation-template-preview-laptop');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
      await page.getByRole('heading', { level: 1, name: 'Training' }).waitFor();
      const assignments = page.getByTestId('assignments');
      const enrolled = assignments.locator('tr', { hasText: clicker });
      await enrolled.waitFor();
      assert.match((await enrolled.textContent()) ?? '', /after a simulation click/);
      await page.getByLabel('Find a person or department').fill(clicker);
      const person = page.getByTestId('people-risk').locator('tbody tr', { hasText: clicker });
      await person.waitFor();
      assert.match((await person.textContent()) ?? '', /submitted 1/);
      const risk = Number(/(\d+) ·/.exec((await person.locator('.badge').first().textContent()) ?? '')?.[1]);
      const baseline = f.gateway.simulations!.training.people().find((p) => p.email === scanned)!.risk.score;
      assert.ok(risk > baseline, `the clicker's risk (${risk}) is above someone who did nothing (${baseline})`);
      assert.ok((await page.getByTestId('departments').locator('tbody tr').count()) > 3, 'the department report');
      const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), await page.locator('section', { has: page.getByRole('heading', { name: 'People by risk' }) }).getByRole('link', { name: 'Export CSV' }).getAttribute('href'));
      assert.match(csv.split('\n')[0]!, /^email,name,department/);
      assert.ok(csv.includes(clicker));
      await page.getByLabel('Find a person or department').fill('');
      await saveScreenshot(page, 'training-laptop');

      await page.getByRole('link', { name: 'Recognising clinician and brand impersonation' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Recognising clinician and brand impersonation' }).waitFor();
      assert.ok((await page.locator('ol.quiz > li').count()) >= 2, 'the quiz');
      assert.ok((await page.locator('.quiz-answer').count()) >= 2, 'with its answers marked');
      assert.ok((await page.locator('.module-text h2').count()) > 0, 'the module text');
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.module-text img')].every((i) => i.complete && i.naturalWidth > 0));
      await saveScreenshot(page, 'training-module-laptop');
    });
  });

  it('the pages fit a tablet, and a viewer is not shown them', async () => {
    await tabletPagesFit(
      browser,
      f.baseUrl,
      f.users.analyst,
      [
        ['/simulations', 'simulations-tablet'],
        [`/simulations/${campaignId}`, 'simulation-results-tablet'],
        ['/simulations/templates', 'simulation-templates-tablet'],
        ['/training', 'training-tablet'],
        ['/training/modules/callback-scams', 'training-module-tablet'],
      ],
      async (page) => {
        await page.locator('main .panel, main table').first().waitFor();
        await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined); // only for a settled screenshot
      },
    );
    await asUser(browser, f.baseUrl, f.users.viewer, async (page) => {
      const nav = page.getByRole('navigation', { name: 'Main' });
      assert.equal(await nav.getByRole('link', { name: 'Simulations' }).count(), 0, 'results name people: not for viewers');
      assert.equal(await nav.getByRole('link', { name: 'Training' }).count(), 0);
      await page.goto(`${f.baseUrl}/training`);
      await page.getByRole('heading', { level: 1, name: 'Not available to your role' }).waitFor();
    });
  });
});
