/**
 * The verification queue pages in a real browser against a whole Medshield (real scanner):
 * two requests for patient data from look-alikes of a partner clinic open tasks; an analyst
 * finds them in the queue, opens one and sees whom to verify, what was asked, the partner's
 * number of record to call and the email's own number struck through; records "verified"
 * (the message is released and the sender becomes a verified contact) and "failed" on the
 * other (an incident is opened and the email's number blocked), and finds both on the
 * contacts and blocks page. Screenshots at laptop and tablet widths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { startConsoleFixture, type ConsoleFixture, type SentMessage } from '../api/testing/console-fixture.ts';
import { launchChromium } from './chromium.ts';
import { asUser, horizontalOverflow, saveScreenshot, type ViewportName } from './console-page.ts';

let browser: Browser;
let f: ConsoleFixture;
const sent: SentMessage[] = [];

/** A request for a patient's SSN, DOB and member ID that names the partner clinic but comes from a look-alike domain and gives its own number. */
function referralRequest(o: { domain: string; phone: string; to: string }): Buffer {
  return Buffer.from(
    [
      `From: "Lakeside Cardiology Referrals" <referrals@${o.domain}>`,
      `To: ${o.to}`,
      'Subject: Referral for your patient: details needed today',
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <verify-pages-${o.domain}-${process.pid}@${o.domain}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Dear colleague,',
      '',
      'Lakeside Cardiology is scheduling the cardiology referral you sent for your patient.',
      "Please reply with the patient's date of birth, Social Security number and insurance member ID today,",
      `or call our referral desk at ${o.phone} so we can confirm the appointment.`,
      '',
      'Thank you,',
      'Referral Coordinator, Lakeside Cardiology',
      '',
    ].join('\r\n'),
  );
}

async function taskIdFor(page: Page, address: string): Promise<number> {
  const row = page.locator('table.data tbody tr', { hasText: address });
  await row.waitFor();
  const href = await row.getByRole('link', { name: /Task #\d+/ }).getAttribute('href');
  return Number(/\/verify\/(\d+)$/.exec(href ?? '')?.[1]);
}

describe('verification queue pages in a browser', { timeout: 240_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    await ensureConsoleBuilt({ quiet: true });
    f = await startConsoleFixture({ mail: 'none' });
    sent.push(await f.send(referralRequest({ domain: 'lakeside-cardio-referrals.com', phone: '(888) 555-0123', to: 'dr.reyes@stmarys-health.org' })));
    sent.push(await f.send(referralRequest({ domain: 'lakesidecardiology-desk.com', phone: '(888) 555-0124', to: 'nurse.kim@stmarys-health.org' })));
    await f.drain();
    for (const m of sent) assert.ok(m.quarantineId, `the request is held for verification (verdict ${m.verdict})`);
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('an analyst works the queue: number of record shown, email number struck through; verified releases, failed blocks and opens an incident', async () => {
    await asUser(browser, f.baseUrl, f.users.analyst, async (page) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verification' }).click();
      await page.getByRole('heading', { level: 1, name: 'Verification queue' }).waitFor();
      const openStat = page.locator('.stat', { hasText: 'Open' }).first().locator('.stat-value');
      assert.equal(Number(await openStat.textContent()), 2);
      const first = await taskIdFor(page, 'referrals@lakeside-cardio-referrals.com');
      const second = await taskIdFor(page, 'referrals@lakesidecardiology-desk.com');
      await saveScreenshot(page, 'verify-queue-laptop');

      // The task: who, what, the number to call, and the email's number struck through.
      await page.getByRole('link', { name: `Task #${first}` }).click();
      await page.getByRole('heading', { level: 1, name: /Verify referrals@/ }).waitFor();
      const who = page.locator('section', { has: page.getByRole('heading', { name: 'Who must be verified' }) });
      assert.match((await who.textContent()) ?? '', /Lakeside Cardiology/);
      const asked = page.locator('section', { has: page.getByRole('heading', { name: 'What was asked' }) });
      assert.match((await asked.textContent()) ?? '', /SSN, date of birth/);
      assert.match((await asked.textContent()) ?? '', /Referral for your patient/, 'content roles see the subject');
      const record = page.getByTestId('number-of-record');
      assert.equal(await record.count(), 1);
      assert.equal((await record.textContent())?.trim(), '(781) 555-0150');
      assert.equal(await record.getAttribute('href'), 'tel:+17815550150');
      const struck = page.getByTestId('unverified-number');
      assert.equal((await struck.textContent())?.trim(), '(888) 555-0123');
      assert.equal(await struck.evaluate((el) => el.tagName), 'DEL', 'the email’s number is struck through');
      assert.match(await struck.evaluate((el) => getComputedStyle(el).textDecorationLine), /line-through/);
      const fontSize = async (sel: string) => page.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok((await fontSize('.record-number')) > (await fontSize('.unverified-number')), 'the number of record is the prominent one');
      // The email's number is not offered as the number called.
      const options = await page.getByLabel('Number you called').locator('option').allTextContents();
      assert.ok(!options.some((o) => o.includes('555-0123')), options.join(' | '));
      await saveScreenshot(page, 'verify-task-laptop');

      // Keyboard: choose the outcome with the arrow keys, as a radio group works.
      await page.getByRole('radio', { name: /Verified/ }).focus();
      await page.keyboard.press('Space');
      assert.equal(await page.getByRole('button', { name: 'Record outcome' }).isDisabled(), true, 'no outcome without an attestation');
      await page.getByLabel('Attestation: what was confirmed, and by whom').fill('Called Lakeside Cardiology on the partner number of record; their referral coordinator confirmed the request.');
      await page.getByRole('button', { name: 'Record outcome' }).click();
      await page.getByRole('status').filter({ hasText: 'Recorded: verified' }).waitFor();
      await page.locator('section', { has: page.getByRole('heading', { name: 'Outcome' }) }).getByText('user:analyst').waitFor();
      await f.drain();
      assert.equal(f.maildir('dr.reyes@stmarys-health.org').filter((m) => m.toString('latin1').includes('Referral for your patient')).length, 1, 'verified: the message is released to its recipient');

      // The second: failed.
      await page.goto(`${f.baseUrl}/verify/${second}`);
      await page.getByRole('heading', { level: 1, name: /Verify referrals@/ }).waitFor();
      await page.getByRole('radio', { name: /Failed/ }).check();
      await page.getByLabel('Attestation: what was confirmed, and by whom').fill('Lakeside Cardiology, called on the number of record, sent no such request.');
      await page.getByRole('button', { name: 'Record outcome' }).click();
      const notice = page.getByRole('status').filter({ hasText: 'Recorded: failed' });
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /555-0124/, 'the email’s number is blocked');
      await notice.getByRole('link', { name: /Open incident #\d+/ }).waitFor();
      await saveScreenshot(page, 'verify-task-failed-laptop');

      // Queue, contacts and blocks afterwards.
      await page.goto(`${f.baseUrl}/verify?status=all`);
      await page.locator('table.data tbody tr', { hasText: 'lakeside-cardio-referrals.com' }).locator('.badge', { hasText: /^Verified$/ }).waitFor();
      await page.locator('table.data tbody tr', { hasText: 'lakesidecardiology-desk.com' }).locator('.badge', { hasText: /^Failed$/ }).waitFor();
      await page.getByRole('link', { name: 'Verified contacts and blocked numbers' }).click();
      await page.getByRole('heading', { level: 1, name: 'Verified contacts and blocked numbers' }).waitFor();
      const contacts = page.locator('section', { has: page.getByRole('heading', { name: 'Verified contacts' }) });
      await contacts.locator('tbody tr', { hasText: /555-?0150/ }).waitFor();
      assert.match((await contacts.textContent()) ?? '', /referrals@.*lakeside-cardio-referrals\.com/s);
      const blocks = page.locator('section', { has: page.getByRole('heading', { name: 'Blocked numbers and addresses' }) });
      await blocks.getByText('(888) 555-0124').waitFor();
      await saveScreenshot(page, 'verify-contacts-laptop');
    });
  });

  it('a viewer sees the queue but cannot act; pages fit a tablet', async () => {
    for (const [viewport, user] of [
      ['tablet', f.users.analyst],
      ['laptop', f.users.viewer],
    ] as [ViewportName, typeof f.users.viewer][]) {
      await asUser(browser, f.baseUrl, user, async (page) => {
        await page.goto(`${f.baseUrl}/verify?status=all`);
        await page.getByRole('heading', { level: 1, name: 'Verification queue' }).waitFor();
        await page.locator('table.data tbody tr').first().waitFor();
        if (viewport === 'tablet') {
          assert.equal(await horizontalOverflow(page), 0, 'the queue fits a tablet');
          await saveScreenshot(page, 'verify-queue-tablet');
        }
        const id = await taskIdFor(page, 'lakeside-cardio-referrals.com');
        await page.goto(`${f.baseUrl}/verify/${id}`);
        await page.getByRole('heading', { level: 1, name: /Verify referrals@/ }).waitFor();
        if (viewport === 'tablet') {
          assert.equal(await horizontalOverflow(page), 0, 'the task fits a tablet');
          await saveScreenshot(page, 'verify-task-tablet');
          await page.goto(`${f.baseUrl}/verify/contacts`);
          await page.getByRole('heading', { level: 1, name: 'Verified contacts and blocked numbers' }).waitFor();
          assert.equal(await horizontalOverflow(page), 0, 'contacts fit a tablet');
          await saveScreenshot(page, 'verify-contacts-tablet');
        } else {
          assert.equal(await page.getByRole('button', { name: 'Record outcome' }).count(), 0, 'a viewer cannot complete a task');
          assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Referral for your patient/, 'a viewer never sees the subject');
        }
      }, viewport);
    }
  });
});
