/**
 * Hostile mail in the console's safe preview, checked in a real browser: scripts, event
 * handlers, javascript: links, SVG scripts, CSS url() beacons, meta refresh, forms, base,
 * frames and remote media run nothing and load nothing. Every remote reference points at a
 * loopback beacon server that must receive no request; the page must request nothing from
 * any other origin; what the scripts would do (DOM markers, window flags, the title) must
 * not have happened; clicking the links must go nowhere.
 *
 * Then the two walls behind the server's sanitizer, with the sanitizer bypassed (the API
 * answer swapped in the browser): a document with active content is refused outright, and
 * a document with only passive remote loads is shown, but its CSP lets none of them out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/console-build.ts';
import { hostileHtmlMessage, startConsoleFixture, type ConsoleFixture, type SentMessage } from '../api/testing/console-fixture.ts';
import { startBeacon, type Beacon } from './beacon.ts';
import { launchChromium } from './chromium.ts';
import { newConsolePage, saveScreenshot, signIn } from './console-page.ts';

let browser: Browser;
let beacon: Beacon;
let f: ConsoleFixture;
let fixtureHostile: SentMessage;
let ownHostile: SentMessage;

/** What the scripts in the hostile mail would leave behind if any of them ran. */
const MARKERS = ['pwned-script', 'pwned-onerror', 'pwned-onload', 'pwned-svg', 'pwned-js-link', 'pwned-body', 'pwned-details', 'pwned-focus', 'pwned-animation'];

/**
 * A second hostile message beside the fixture's: each payload, if it ran, would add an
 * element with a marker id (visible to the test through the DOM even in an opaque-origin
 * frame), set a flag on the console's own window, and call the beacon.
 */
function markerMessage(b: string): Buffer {
  const mark = (id: string) => `var e=document.createElement('p');e.id='${id}';document.documentElement.appendChild(e);try{top.${id.replace(/-/g, '_')}=1}catch(x){};fetch('${b}/${id}')`;
  const html = `<!doctype html><html><head>
<meta http-equiv="refresh" content="1;url=${b}/meta-refresh">
<link rel="prefetch" href="${b}/prefetch"><link rel="preload" as="image" href="${b}/preload.png"><link rel="dns-prefetch" href="${b}/">
<style>@font-face { font-family: x; src: url(${b}/font.woff2); } p { font-family: x; } div.bg { background: url("${b}/css-quoted.png") }</style>
<script>${mark('pwned-script')}</script>
</head><body onload="${mark('pwned-body')}">
<p>Your Epic MyChart session expired. <a href="javascript:${mark('pwned-js-link')}" id="jslink">Restore session</a></p>
<p><a href="${b}/plain-link" id="plainlink">Open the patient portal</a> <a href="${b}/target-blank" target="_blank">in a new window</a></p>
<img src="x:broken" onerror="${mark('pwned-onerror')}">
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==" onload="${mark('pwned-onload')}" alt="dot">
<svg><script>${mark('pwned-svg')}</script><animate onbegin="${mark('pwned-animation')}" attributeName="x" dur="1s"/></svg>
<details open ontoggle="${mark('pwned-details')}"><summary>Details</summary></details>
<input autofocus onfocus="${mark('pwned-focus')}">
<div class="bg" style="background-image:url('${b}/inline-quoted.png')">Insurance card</div>
<picture><source srcset="${b}/picture.png"><img src="${b}/picture-fallback.png"></picture>
<video src="${b}/video.mp4" poster="${b}/poster2.png"></video>
<form action="${b}/form2"><button id="formbutton">Confirm identity</button></form>
<a href="${b}/area-map"><img src="${b}/map.png" usemap="#m"></a><map name="m"><area shape="rect" coords="0,0,10,10" href="${b}/area"></map>
<math><mtext><a href="${b}/mathml-link">MathML link</a></mtext></math>
<embed src="${b}/embed2"><object data="${b}/object2"></object><iframe srcdoc="<script>parent.fetch('${b}/iframe-srcdoc')</script>"></iframe>
</body></html>`;
  return Buffer.from(
    [
      'From: "Epic MyChart" <noreply@mychart-session-restore.top>',
      'To: dr.reyes@stmarys-health.org',
      'Subject: Your MyChart session expired [quarantine]',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <markers-${process.pid}-${Date.now()}@mychart-session-restore.top>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '',
    ].join('\r\n'),
  );
}

interface Watch {
  /** Requests to other origins that the browser did not stop itself (see `offOriginLoads`). */
  offOriginLoads(): Promise<string[]>;
  popups: number;
  dialogs: number;
  navigations: string[];
}

/**
 * The browser's own refusals: a load its CSP or same-origin rules stopped before it was sent.
 * (Chromium reports some CSS and SVG image requests to the DevTools protocol, so to
 * Playwright, before the CSP check fails them; those never reach the network.)
 */
const BLOCKED_IN_BROWSER = new Set(['csp', 'origin']);

/** Records, from the moment it is called, every request that leaves the console's origin, popups, dialogs and main-frame navigations. */
function watch(context: BrowserContext, page: Page, origin: string): Watch {
  const requests: Request[] = [];
  const w: Watch = {
    popups: 0,
    dialogs: 0,
    navigations: [],
    async offOriginLoads() {
      await Promise.all(requests.map((r) => r.response().catch(() => null)));
      return requests.filter((r) => !BLOCKED_IN_BROWSER.has(r.failure()?.errorText ?? '')).map((r) => `${r.resourceType()} ${r.url()} ${r.failure()?.errorText ?? 'loaded'}`);
    },
  };
  context.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith('data:') || u.startsWith('about:') || u.startsWith(`${origin}/`))) requests.push(r);
  });
  context.on('page', () => w.popups++);
  page.on('dialog', (d) => {
    w.dialogs++;
    void d.dismiss();
  });
  page.on('framenavigated', (fr) => {
    if (fr === page.mainFrame()) w.navigations.push(fr.url());
  });
  return w;
}

/** Opens a message's safe preview as the admin; answers the preview frame once its document (and anything it would load) has settled. */
async function openPreview(page: Page, m: SentMessage) {
  await page.goto(`${f.baseUrl}/messages/${m.spoolId}`);
  await page.getByRole('button', { name: 'Show message content' }).click();
  const iframe = page.locator('iframe[data-testid="safe-preview"]');
  await iframe.waitFor();
  const frame = (await iframe.elementHandle())!.contentFrame();
  const fr = (await frame)!;
  await fr.waitForLoadState('load');
  // A screenshot makes the browser lay out and paint the frame, which is when CSS images
  // and fonts would be requested; then wait until the network has been quiet.
  await page.screenshot();
  await settle(page);
  return { iframe, frame: fr };
}

/**
 * Gives late loads a chance to be issued. On a loaded host the console's own requests may
 * never leave half a second of quiet, so this is best effort: every request that leaves the
 * origin is recorded by watch() whether or not the network ever settles.
 */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
}

describe('safe preview of hostile mail, in a browser', { timeout: 180_000 }, () => {
  before(async () => {
    browser = await launchChromium();
    beacon = await startBeacon();
    await ensureConsoleBuilt({ quiet: true });
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', beaconUrl: beacon.url });
    fixtureHostile = await f.send(hostileHtmlMessage(beacon.url, { subject: 'Action required: your password expires today [quarantine]' }), { file: 'hostile-html' });
    ownHostile = await f.send(markerMessage(beacon.url), { file: 'markers' });
    await f.drain();
    for (const m of [fixtureHostile, ownHostile]) assert.ok(m.quarantineId, `${m.file} is quarantined (verdict ${m.verdict})`);
    assert.equal(beacon.hits.length, 0, 'nothing fetched the beacon while the mail was scanned');
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
    await beacon?.close();
  });

  for (const which of ['fixture', 'markers'] as const) {
    it(`${which === 'fixture' ? 'the fixture’s hostile HTML' : 'script payloads with DOM markers'}: nothing runs, nothing loads, links go nowhere`, async () => {
      const m = which === 'fixture' ? fixtureHostile : ownHostile;
      const { context, page } = await newConsolePage(browser);
      try {
        await signIn(page, f.baseUrl, f.users.admin);
        const w = watch(context, page, f.baseUrl);
        const { iframe, frame } = await openPreview(page, m);
        const detailUrl = page.url();
        const navigationsBefore = w.navigations.length;

        // The frame: sandboxed with no permissions at all, our CSP first in its head.
        assert.equal(await iframe.getAttribute('sandbox'), '');
        const srcdoc = (await iframe.getAttribute('srcdoc')) ?? '';
        assert.match(srcdoc, /^<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">/i);
        assert.equal(frame.url(), 'about:srcdoc');

        // The text is there; nothing active survived into the document.
        const body = (await frame.locator('body').textContent()) ?? '';
        assert.match(body, which === 'fixture' ? /password expires today/ : /MyChart session expired/);
        const frameDoc = page.frameLocator('iframe[data-testid="safe-preview"]');
        for (const sel of ['script', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'a', 'area', 'base', 'link', 'meta[http-equiv="refresh"]', 'video', 'audio', 'svg', 'picture', 'source', '[onload]', '[onerror]', '[style*="url("]']) {
          assert.equal(await frameDoc.locator(sel).count(), 0, `no ${sel} in the preview`);
        }
        // Links are shown as text with their real target.
        const links = frameDoc.locator('span.ms-link');
        assert.ok((await links.count()) >= 2, 'links are shown');
        assert.ok((await links.evaluateAll((els) => els.map((e) => e.getAttribute('data-href') ?? ''))).some((h) => h.startsWith(beacon.url)), 'the link targets are shown');

        // Nothing a script would have done happened.
        for (const id of MARKERS) assert.equal(await frameDoc.locator(`#${id}`).count(), 0, `${id} ran`);
        const flags = await page.evaluate((names) => names.filter((n) => (window as unknown as Record<string, unknown>)[n] !== undefined), MARKERS.map((id) => id.replace(/-/g, '_')));
        assert.deepEqual(flags, [], 'no script set a flag on the console window');
        assert.notEqual(await page.title(), 'PWNED');

        // Clicking every link (and where the form button was) goes nowhere.
        const n = await links.count();
        for (let i = 0; i < n; i++) await links.nth(i).click();
        await frameDoc.getByText(which === 'fixture' ? 'Verify' : 'Confirm identity').first().click().catch(() => undefined);
        await page.screenshot();
        await settle(page);
        assert.equal(page.url(), detailUrl, 'the console did not navigate');
        assert.equal(frame.url(), 'about:srcdoc', 'the preview did not navigate');
        assert.equal(w.popups, 0, 'no window opened');
        assert.equal(w.dialogs, 0, 'no dialog opened');
        assert.deepEqual(w.navigations.slice(navigationsBefore), [], 'no navigation of the console');

        // And nothing left the origin.
        assert.deepEqual(await w.offOriginLoads(), [], 'the page loaded nothing from another origin');
        assert.deepEqual(beacon.hits, [], 'the beacon received nothing');
        await saveScreenshot(page, `preview-hostile-${which}`);
      } finally {
        await context.close();
      }
    });
  }

  it('with the server’s sanitizer bypassed, a document with active content is refused, not shown', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.admin);
      const raw = markerMessage(beacon.url).toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
      await page.route(`**/api/messages/${ownHostile.spoolId}/content`, async (route) => {
        const res = await route.fetch();
        const json = (await res.json()) as { preview: { document: string } };
        json.preview.document = raw;
        await route.fulfill({ response: res, json });
      });
      const w = watch(context, page, f.baseUrl);
      await page.goto(`${f.baseUrl}/messages/${ownHostile.spoolId}`);
      await page.getByRole('button', { name: 'Show message content' }).click();
      const refused = page.getByTestId('preview-refused');
      await refused.waitFor();
      const text = (await refused.textContent()) ?? '';
      for (const what of ['<script>', '<form>', '<a>', '<iframe>', 'onload handler', 'javascript: URL', '<meta http-equiv="refresh">']) assert.ok(text.includes(what), `names ${what}: ${text}`);
      assert.equal(await page.locator('iframe').count(), 0);
      await settle(page);
      assert.deepEqual(await w.offOriginLoads(), []);
      assert.deepEqual(beacon.hits, []);
    } finally {
      await context.close();
    }
  });

  it('with the server’s sanitizer bypassed, the frame’s CSP still lets no remote load out', async () => {
    const { context, page } = await newConsolePage(browser);
    try {
      await signIn(page, f.baseUrl, f.users.admin);
      const b = beacon.url;
      // Passive content only (the console refuses active content itself): every way HTML and CSS fetch a URL without script.
      const passive = `<!doctype html><html><head><style>@import url(${b}/import.css); @font-face { font-family: x; src: url(${b}/font.woff2); } body { font-family: x; background: url(${b}/body-bg.png); } .c::after { content: url(${b}/content.png); }</style></head><body>
<h1>Passive loads</h1><p class="c">text</p>
<img src="${b}/img.png" alt="remote"><img srcset="${b}/srcset.png 2x" alt="srcset">
<picture><source srcset="${b}/source.png"><img src="${b}/picture.png" alt="picture"></picture>
<video poster="${b}/poster.png" src="${b}/video.mp4"></video><audio src="${b}/audio.mp3" autoplay></audio>
<svg width="10" height="10"><image href="${b}/svg-image.png" width="10" height="10"/><use href="${b}/sprite.svg#a"/></svg>
<table background="${b}/table-bg.png"><tr><td background="${b}/td-bg.png">cell</td></tr></table>
<div style="background-image: url(${b}/inline.png); cursor: url(${b}/cursor.cur), auto; list-style: url(${b}/bullet.png)">styled</div>
</body></html>`;
      await page.route(`**/api/messages/${fixtureHostile.spoolId}/content`, async (route) => {
        const res = await route.fetch();
        const json = (await res.json()) as { preview: { document: string } };
        json.preview.document = passive;
        await route.fulfill({ response: res, json });
      });
      const w = watch(context, page, f.baseUrl);
      // The console's own CSP header is inherited by the frame as well; the preview's policy
      // ("img-src data:", no 'self') must be in force by itself, so its refusals are counted.
      const ownPolicyRefusals: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy directive: "(img-src data:|default-src 'none')"/.test(msg.text())) ownPolicyRefusals.push(msg.text());
      });
      const { iframe } = await openPreview(page, fixtureHostile);
      await page.frameLocator('iframe[data-testid="safe-preview"]').getByText('Passive loads').waitFor();
      assert.equal(await iframe.getAttribute('sandbox'), '');
      await iframe.hover();
      await page.mouse.wheel(0, 200);
      await page.screenshot();
      await settle(page);
      assert.deepEqual(await w.offOriginLoads(), [], 'the page loaded nothing from another origin');
      assert.deepEqual(beacon.hits, [], 'the beacon received nothing');
      for (const what of ['img.png', 'body-bg.png', 'font.woff2', 'video.mp4']) assert.ok(ownPolicyRefusals.some((t) => t.includes(what)), `the preview's own CSP refused ${what}`);
    } finally {
      await context.close();
    }
  });
});
