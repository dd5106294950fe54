/**
 * The console in a real browser (Debian's Chromium via playwright-core) against a whole
 * Medshield on loopback: real scanner, demo mail, one account per role. An analyst signs
 * in, reads the dashboard, filters the quarantine, opens a message, releases it and sees it
 * delivered (in the recipient's Maildir); an auditor finds every step in the audit log; a
 * viewer sees no content anywhere; an admin's invalid settings are refused with clear errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { startConsoleFixture, type ConsoleFixture, type SentMessage } from '../api/testing/console-fixture.ts';
import { currentTotp } from '../users/totp.ts';
import { launchChromium } from './chromium.ts';
import { horizontalOverflow, newConsolePage, saveScreenshot, signIn, VIEWPORTS, type ViewportName } from './console-page.ts';

let browser: Browser;
let f: ConsoleFixture;

const num = (s: string | null) => Number((s ?? '').replace(/[^0-9.-]/g, ''));

function inbox(recipient: string): string[] {
  return f.maildir(recipient).map((b) => b.toString('latin1'));
}

async function resultCount(page: Page, n: number): Promise<void> {
  await page.locator('.result-count', { hasText: new RegExp(`^${n} messages?`) }).waitFor();
}

describe('console in a browser', { timeout: 240_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    await ensureConsoleBuilt({ quiet: true });
    f = await startConsoleFixture();
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('an analyst signs in, reads the dashboard, filters the quarantine, opens a message, releases it and it is delivered', async () => {
    const photo = f.photoMatch!;
    assert.ok(photo.quarantineId, `the photo-match phish should be quarantined (verdict ${photo.verdict})`);
    const recipient = photo.to[0]!;
    assert.ok(!inbox(recipient).some((m) => m.includes(photo.subject)), 'quarantined mail is not in the inbox before its release');

    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.analyst);

      // Dashboard with the fixture's data.
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      const inbound = f.messages.filter((m) => m.spoolId).length;
      assert.equal(num(await page.locator('.stat', { hasText: 'Inbound messages' }).locator('.stat-value').textContent()), inbound);
      const held = f.messages.filter((m) => m.quarantineId);
      assert.equal(num(await page.locator('.stat', { hasText: 'In quarantine now' }).locator('.stat-value').textContent()), held.length);
      assert.ok((await page.locator('figure.chart svg rect').count()) > 0, 'the volume chart draws bars');
      const exposure = await page.locator('section.exposure').textContent();
      assert.match(exposure ?? '', /1,000 patient records/);
      assert.match(exposure ?? '', /\$300–\$400/);
      assert.ok((await page.locator('.bar-list li').count()) > 0, 'top signals are listed');

      // The quarantine, then filtered by recipient.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quarantine' }).click();
      await page.getByRole('heading', { level: 1, name: 'Quarantine' }).waitFor();
      await resultCount(page, held.length);
      await page.getByLabel('Recipient').fill(recipient);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const forRecipient = held.filter((m) => m.to.includes(recipient));
      await resultCount(page, forRecipient.length);
      assert.match(page.url(), /\/quarantine\?recipient=/);
      const rows = page.locator('table.messages-table tbody tr');
      assert.equal(await rows.count(), forRecipient.length);
      for (const text of await rows.allTextContents()) assert.ok(text.includes(recipient), `every row is for ${recipient}: ${text}`);

      // Open it: verdict, signals with evidence, the photo match side by side, the safe preview.
      await page.getByRole('link', { name: photo.subject }).click();
      await page.getByRole('heading', { level: 1, name: photo.subject }).waitFor();
      assert.match(page.url(), new RegExp(`/messages/${photo.spoolId}$`));
      const why = page.locator('section', { has: page.getByRole('heading', { name: 'Why Medshield decided this' }) });
      await why.getByText('DIRECTORY_PHOTO_FAKE_NAME').waitFor();
      assert.match((await why.textContent()) ?? '', /Evidence:.*Elizabeth Carter/s);
      await page.getByRole('button', { name: 'Show message content' }).click();
      await page.locator('iframe[data-testid="safe-preview"]').waitFor();
      const pair = page.locator('.photo-match img');
      assert.equal(await pair.count(), 2, 'directory photo and mail image side by side');
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.photo-match img')].every((i) => i.complete && i.naturalWidth > 0));
      assert.match((await page.locator('.photo-match').textContent()) ?? '', /Dr\. Elizabeth Carter/);
      await page.frameLocator('iframe[data-testid="safe-preview"]').getByText('Dr. Sarah Mitchell, MD has an opening').waitFor();

      // Release, and watch it reach the mailbox.
      await page.getByRole('button', { name: 'Release to recipients' }).click();
      await page.getByRole('button', { name: 'Yes, release to recipients' }).click();
      await page.getByRole('status').filter({ hasText: `released to ${recipient}` }).waitFor();
      await page.locator('.badge.delivery-delivered').waitFor();
      await f.drain();
      const delivered = inbox(recipient).filter((m) => m.includes(photo.subject));
      assert.equal(delivered.length, 1, 'the released message is in the recipient’s Maildir, once');
      assert.match((await page.locator('.message-summary').textContent()) ?? '', /Released/);
      assert.equal(await page.getByRole('button', { name: 'Release to recipients' }).count(), 0, 'a released message offers no second release');
    } finally {
      await context.close();
    }
  });

  it('an auditor finds the view, the content read and the release in the audit log, and exports it', async () => {
    const photo = f.photoMatch!;
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.auditor);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      await page.getByLabel('Target (exact)').fill(photo.quarantineId!);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const table = page.locator('table.audit-table tbody');
      await table.getByText('quarantine.release').waitFor();
      const rows = await table.locator('tr').allTextContents();
      const by = (action: string) => rows.filter((r) => r.includes(action) && r.includes('user:analyst'));
      assert.equal(by('quarantine.release').length, 1, 'one release, by the analyst');
      assert.ok(by('quarantine.read').length >= 1, 'the content read (safe preview) is audited');
      assert.ok(by('message.view').length >= 1, 'opening the message is audited');
      assert.ok(rows.some((r) => r.includes('quarantine.add') && r.includes('gateway')), 'the quarantining itself is on record');
      assert.ok(rows.every((r) => r.includes(photo.quarantineId!)), 'only entries for this target');

      const csvHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      assert.match(csvHref ?? '', new RegExp(`target=${photo.quarantineId}`));
      const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), csvHref);
      assert.match(csv, /quarantine\.release/);
      const json = await page.evaluate(async (href) => (await fetch(href!)).json(), await page.getByRole('link', { name: 'Export JSON' }).getAttribute('href'));
      assert.ok(Array.isArray(json) && json.some((e: { action: string; actor: string }) => e.action === 'quarantine.release' && e.actor === 'user:analyst'));

      await page.getByRole('button', { name: 'Verify integrity' }).click();
      await page.getByRole('status').filter({ hasText: 'Intact' }).waitFor();

      // The export is itself audited.
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Action').selectOption('audit.export');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.locator('table.audit-table tbody tr', { hasText: 'user:auditor' }).first().waitFor();
      assert.equal(await page.getByRole('button', { name: 'Release to recipients' }).count(), 0);
    } finally {
      await context.close();
    }
  });

  it('bulk actions: an analyst confirms two quarantined messages as phish', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.analyst);
      await page.goto(`${f.baseUrl}/quarantine`);
      const held = f.messages.filter((m) => m.quarantineId && m !== f.photoMatch);
      await resultCount(page, held.length);
      const pick = held.slice(0, 2);
      for (const m of pick) await page.getByRole('checkbox', { name: `Select: ${m.subject}`, exact: true }).check();
      await page.getByRole('group', { name: 'Actions on the selected messages' }).getByRole('button', { name: 'Confirm phish' }).click();
      await page.getByRole('button', { name: 'Confirm phish 2' }).click();
      await page.getByRole('status').filter({ hasText: 'Confirm phish: 2 done.' }).waitFor();
      for (const m of pick) await page.locator('tr', { has: page.getByRole('checkbox', { name: `Select: ${m.subject}`, exact: true }) }).getByText('Confirmed phish').waitFor();
    } finally {
      await context.close();
    }
  });

  it('messages: search by verdict, signal, sender and date', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.auditor);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
      await page.locator('table.messages-table tbody tr').first().waitFor();

      const rejected = f.messages.filter((m) => m.verdict === 'reject');
      assert.ok(rejected.length > 0);
      await page.getByRole('checkbox', { name: 'Rejected' }).check();
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await resultCount(page, rejected.length);
      for (const m of rejected) await page.getByRole('link', { name: m.subject, exact: true }).waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();

      await page.getByLabel('Signal').fill('directory_photo_fake_name');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await resultCount(page, 1);
      await page.getByRole('link', { name: f.photoMatch!.subject }).waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();

      const hostile = f.hostile!;
      await page.getByLabel('Sender').fill(hostile.from.split('@')[1]!);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await resultCount(page, f.messages.filter((m) => m.spoolId && m.from.endsWith(hostile.from.split('@')[1]!)).length);
      await page.getByRole('link', { name: hostile.subject }).waitFor();

      // Received from tomorrow: nothing.
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
      await page.getByLabel('Received from').fill(tomorrow);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await resultCount(page, 0);
      await page.getByText('No messages match these filters.').waitFor();
    } finally {
      await context.close();
    }
  });

  it('the live feed shows a verdict as it happens', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.analyst);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Live feed' }).click();
      await page.locator('.conn-live').waitFor();
      const sender = 'live-feed-check@lakesidecardio.com';
      await f.send(
        Buffer.from(
          [`From: Lakeside Cardiology <${sender}>`, 'To: dr.reyes@stmarys-health.org', 'Subject: Echo slots next week', `Date: ${new Date().toUTCString()}`, `Message-ID: <live-${Date.now()}@lakesidecardio.com>`, '', 'We have two echo slots free on Tuesday.', ''].join(
            '\r\n',
          ),
        ),
        { kind: 'legitimate' },
      );
      const row = page.locator('table.feed-table tbody tr', { hasText: sender });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /dr\.reyes@stmarys-health\.org/);
    } finally {
      await context.close();
    }
  });

  it('a viewer sees counts and metadata but no message content anywhere', async () => {
    const { context, page } = await newConsolePage(browser);
    const subjects = f.messages.map((m) => m.subject).filter((s) => s.length > 8);
    const noSubjects = async (where: string) => {
      const text = (await page.locator('body').textContent()) ?? '';
      for (const s of subjects) assert.ok(!text.includes(s), `${where} shows the subject “${s}” to a viewer`);
    };
    try {
      await signIn(page, f.baseUrl, f.users.viewer);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.locator('.stat-value').first().waitFor();
      await noSubjects('the dashboard');
      const nav = (await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '';
      assert.ok(!nav.includes('Audit log') && !nav.includes('Users'), 'no audit log or user management for a viewer');

      await page.goto(`${f.baseUrl}/messages`);
      await page.locator('table.messages-table tbody tr').first().waitFor();
      await page.getByRole('status').filter({ hasText: 'not subjects or message content' }).waitFor();
      assert.equal(await page.getByRole('columnheader', { name: /Subject/ }).count(), 0);
      assert.equal(await page.getByLabel('Subject').count(), 0, 'no subject search for a viewer');
      await noSubjects('the message list');

      const target = f.hostile as SentMessage;
      await page.goto(`${f.baseUrl}/messages/${target.spoolId}`);
      await page.getByRole('heading', { level: 1, name: /^Message from / }).waitFor();
      await page.getByRole('heading', { name: 'Why Medshield decided this' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Show message content' }).count(), 0);
      assert.equal(await page.getByText('Evidence:').count(), 0, 'no evidence quoted from the mail');
      assert.equal(await page.locator('iframe').count(), 0);
      assert.equal(await page.getByRole('heading', { name: 'Actions' }).count(), 0, 'a viewer cannot act');
      await noSubjects('the message page');
      const status = await page.evaluate(async (id) => (await fetch(`/api/messages/${id}/content`)).status, target.spoolId);
      assert.equal(status, 403, 'the API refuses the content to a viewer too');

      await page.goto(`${f.baseUrl}/live`);
      await page.locator('table.feed-table tbody tr.feed-row').first().waitFor();
      await noSubjects('the live feed');
    } finally {
      await context.close();
    }
  });

  it('settings: invalid values are refused with clear errors next to the field; a valid change is saved and audited', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.admin);
      await page.goto(`${f.baseUrl}/settings`);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

      // Checked in the browser: thresholds out of order.
      const quarantineAt = page.getByLabel('Quarantine at');
      await quarantineAt.fill('2');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Must be at least the tag threshold.').waitFor();
      assert.equal(await quarantineAt.getAttribute('aria-invalid'), 'true');
      assert.ok(await quarantineAt.evaluate((el) => el === document.activeElement), 'focus moves to the first invalid field');
      await page.getByRole('button', { name: 'Undo changes' }).click();

      // Checked on the server: a brand pack that is not one.
      await page.getByLabel('Replace with a brand pack (JSON)').setInputFiles({ name: 'brands.json', mimeType: 'application/json', buffer: Buffer.from('{"brands": 5}') });
      await page.getByRole('button', { name: 'Save settings' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'The settings were not saved.' });
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /brandPack/);
      await page.locator('fieldset', { hasText: 'Brand pack' }).locator('.section-errors').waitFor();
      await page.getByLabel('Replace with a brand pack (JSON)').setInputFiles([]);

      // A valid change.
      await page.getByLabel('Keep quarantined mail for (days)').fill('45');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await page.reload();
      assert.equal(await page.getByLabel('Keep quarantined mail for (days)').inputValue(), '45');

      await page.goto(`${f.baseUrl}/audit`);
      await page.getByLabel('Action').selectOption('settings.change');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const row = page.locator('table.audit-table tbody tr', { hasText: 'settings.change' }).first();
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /user:admin/);
      assert.match((await row.textContent()) ?? '', /retentionDays/);
    } finally {
      await context.close();
    }
  });

  it('accounts: an admin adds a user and an API token; the user chooses a password at first sign-in, turns on two-factor and signs in with a code', async () => {
    const admin = await newConsolePage(browser);
    let oneTime: string;
    try {
      await signIn(admin.page, f.baseUrl, f.users.admin);
      await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & tokens' }).click();
      await admin.page.getByLabel('New account name').fill('nurse.lee');
      await admin.page.getByLabel('Role', { exact: true }).first().selectOption('analyst');
      await admin.page.getByRole('button', { name: 'Add account' }).click();
      oneTime = ((await admin.page.getByTestId('one-time-secret').textContent()) ?? '').trim();
      assert.ok(oneTime.length >= 20, 'a one-time password is shown once');
      await admin.page.getByRole('button', { name: 'I have saved it' }).click();
      await admin.page.locator('tr', { hasText: 'nurse.lee' }).getByText('one-time password').waitFor();

      await admin.page.getByLabel('Label').fill('SIEM export');
      await admin.page.getByRole('button', { name: 'Create token' }).click();
      const token = ((await admin.page.getByTestId('one-time-secret').textContent()) ?? '').trim();
      const res = await fetch(`${f.baseUrl}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, 'the new token works as a Bearer token');
      assert.equal((await fetch(`${f.baseUrl}/api/users`, { headers: { authorization: `Bearer ${token}` } })).status, 403, 'with its role (viewer) only');
      await admin.page.locator('tr', { hasText: 'SIEM export' }).getByRole('button', { name: 'Revoke' }).click();
      await admin.page.locator('tr', { hasText: 'SIEM export' }).getByText(/revoked/).waitFor();
      assert.equal((await fetch(`${f.baseUrl}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } })).status, 401, 'a revoked token is refused');
    } finally {
      await admin.context.close();
    }

    const { context, page } = await newConsolePage(browser);
    try {
      await page.goto(`${f.baseUrl}/`);
      await page.getByLabel('User name').fill('nurse.lee');
      await page.getByLabel('Password').fill(oneTime);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
      const password = 'correct horse battery staple 42';
      await page.getByLabel('Current password').fill(oneTime);
      await page.getByLabel('New password', { exact: true }).fill(password);
      await page.getByLabel('New password again').fill(password);
      await page.getByRole('button', { name: 'Set password and continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

      await page.getByRole('link', { name: 'Account' }).click();
      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const secret = ((await page.locator('code.secret').textContent()) ?? '').trim();
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      await page.getByLabel('Code from the app').fill(currentTotp(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByRole('status').filter({ hasText: 'Two-factor sign-in is on.' }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('User name').fill('nurse.lee');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const code = page.getByLabel('Authentication code');
      await code.waitFor();
      assert.ok(await code.evaluate((el) => el === document.activeElement), 'the code field takes focus');
      await code.fill('000000');
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
      // The step after the one used to turn it on (a used step is never accepted twice).
      await code.fill(currentTotp(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('directory: search finds a clinician with their photo; an import with bad rows is refused whole with every bad row named', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click();
      const count = page.locator('.result-count');
      await count.filter({ hasText: /^\d+ people/ }).waitFor();
      const before = (await count.textContent()) ?? '';
      await page.getByLabel('Search by name, NPI, email, specialty or organisation').fill('Carter');
      await page.getByRole('button', { name: 'Search' }).click();
      await count.filter({ hasText: '1 person matching “Carter”' }).waitFor();
      const photo = page.getByRole('img', { name: 'Photo of Dr. Elizabeth Carter, MD' });
      await photo.waitFor();
      assert.ok(await photo.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), 'the directory photo loads');

      const csv = [
        'npi,first_name,last_name,credentials,specialty,email,phone,organization,photo,nicknames,prefix',
        '3414771659,Alan,Brooks,MD,Cardiology,alan.brooks@lakesidecardio.com,(781) 555-0151,Lakeside Cardiology,,,Dr.',
        '12345,Bad,Npi,MD,Cardiology,bad.npi@lakesidecardio.com,,Lakeside Cardiology,,,Dr.',
        '3414850842,,,MD,Cardiology,not-an-email,,Lakeside Cardiology,,,Dr.',
      ].join('\n');
      await page.getByLabel('File').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Import' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Nothing was imported.' });
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      assert.match(text, /row 2, npi: NPI '12345' is not 10 digits/, `names the bad NPI: ${text}`);
      assert.match(text, /row 3, last_name: empty/, `names the row without a name: ${text}`);
      assert.match(text, /row 3, email: 'not-an-email'/, `names the bad address: ${text}`);
      await page.getByLabel('Search by name, NPI, email, specialty or organisation').fill('');
      await page.getByRole('button', { name: 'Search' }).click();
      await count.filter({ hasText: before }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('keyboard: sign in without a mouse, skip link first, focus visible', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await page.goto(`${f.baseUrl}/`);
      await page.getByLabel('User name').waitFor();
      assert.ok(await page.getByLabel('User name').evaluate((el) => el === document.activeElement), 'the user name field has focus on load');
      await page.keyboard.type(f.users.admin.username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(f.users.admin.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return { text: el.textContent, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: el.getBoundingClientRect().top >= 0 };
      });
      assert.equal(focused.text, 'Skip to main content');
      assert.ok(focused.visible, 'the skip link shows when focused');
      assert.notEqual(focused.outline, 'none', 'focus is visible');
      assert.ok(focused.width >= 2);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      // Every form control on the messages page has a label.
      await page.goto(`${f.baseUrl}/messages`);
      await page.locator('table.messages-table').waitFor();
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')].filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))).map((el) => el.outerHTML),
      );
      assert.deepEqual(unlabelled, []);
    } finally {
      await context.close();
    }
  });

  it('screenshots of every main page at laptop and tablet width, none wider than the window', async () => {
    const photo = f.photoMatch!;
    const pages: { name: string; path: string; ready: (p: Page) => Promise<void> }[] = [
      { name: 'dashboard', path: '/', ready: (p) => p.locator('figure.chart svg rect').first().waitFor() },
      { name: 'live-feed', path: '/live', ready: (p) => p.locator('tr.feed-row').first().waitFor() },
      { name: 'messages', path: '/messages', ready: (p) => p.locator('table.messages-table tbody tr').first().waitFor() },
      { name: 'quarantine', path: '/quarantine?status=any', ready: (p) => p.locator('table.messages-table tbody tr').first().waitFor() },
      {
        name: 'message-detail-preview',
        path: `/messages/${photo.spoolId}`,
        ready: async (p) => {
          await p.getByRole('button', { name: 'Show message content' }).click();
          await p.frameLocator('iframe[data-testid="safe-preview"]').getByText('Zocdoc Patient Services').waitFor();
          await p.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.photo-match img')].every((i) => i.complete && i.naturalWidth > 0));
        },
      },
      { name: 'directory', path: '/directory', ready: (p) => p.locator('img.avatar').first().waitFor() },
      { name: 'settings', path: '/settings', ready: (p) => p.getByLabel('Reject at').waitFor() },
      { name: 'audit', path: '/audit', ready: (p) => p.locator('table.audit-table tbody tr').first().waitFor() },
      { name: 'users', path: '/users', ready: (p) => p.locator('table.data tbody tr').first().waitFor() },
    ];
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      const { context, page } = await newConsolePage(browser, viewport);
      try {
        await signIn(page, f.baseUrl, f.users.admin);
        for (const p of pages) {
          await page.goto(`${f.baseUrl}${p.path}`);
          await p.ready(page);
          await page.evaluate(() => document.fonts.ready);
          assert.ok((await horizontalOverflow(page)) <= 0, `${p.name} at ${viewport} width needs sideways scrolling`);
          await saveScreenshot(page, `${p.name}-${viewport}`);
        }
      } finally {
        await context.close();
      }
    }
    const { context, page } = await newConsolePage(browser);
    try {
      await page.goto(`${f.baseUrl}/`);
      await page.getByLabel('User name').waitFor();
      await saveScreenshot(page, 'login-laptop');
    } finally {
      await context.close();
    }
  });
});
