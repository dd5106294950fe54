import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Where the browser tests save screenshots of each page (gitignored); look at them after a change to the console. */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-output/screenshots');

export const VIEWPORTS = {
  laptop: { width: 1366, height: 900 },
  tablet: { width: 768, height: 1024 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function newConsolePage(browser: Browser, viewport: ViewportName = 'laptop'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], reducedMotion: 'reduce', locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the login form, as a person would, and waits for the console to open. */
export async function signIn(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/**
 * A screenshot of the whole page. The viewport is stretched to the page's height rather
 * than using Playwright's fullPage mode, which can leave the sandboxed preview frame (a
 * separate renderer process) blank.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize()!;
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 6000) });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  try {
    await page.screenshot({ path: file, animations: 'disabled' });
  } finally {
    await page.setViewportSize(size);
  }
  return file;
}

/** Whether the page is wider than the window (a layout that needs sideways scrolling); tables scroll in their own box. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Runs `use` on a console page signed in as `user`; the browser context is closed afterwards whatever happens. */
export async function asUser<T>(browser: Browser, baseUrl: string, user: { username: string; password: string }, use: (page: Page) => Promise<T>, viewport: ViewportName = 'laptop'): Promise<T> {
  const { context, page } = await newConsolePage(browser, viewport);
  try {
    await signIn(page, baseUrl, user);
    return await use(page);
  } finally {
    await context.close();
  }
}

/**
 * Opens each page at tablet width as `user`, waits for `ready`, checks that the page needs no
 * sideways scrolling and saves its screenshot under the name given with it.
 */
export async function tabletPagesFit(browser: Browser, baseUrl: string, user: { username: string; password: string }, pages: ReadonlyArray<readonly [path: string, screenshot: string]>, ready: (page: Page) => Promise<void>): Promise<void> {
  await asUser(
    browser,
    baseUrl,
    user,
    async (page) => {
      for (const [path, name] of pages) {
        await page.goto(`${baseUrl}${path}`);
        await ready(page);
        assert.equal(await horizontalOverflow(page), 0, `${path} fits a tablet`);
        await saveScreenshot(page, name);
      }
    },
    'tablet',
  );
}
