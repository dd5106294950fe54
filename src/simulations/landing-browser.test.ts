import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { simulationRoutes } from '../api/routes/simulation-routes.ts';
import type { ApiContext } from '../api/context.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { launchChromium } from '../browser/chromium.ts';
import { validateConfig } from '../config/load.ts';
import { silentLogger } from '../gateway/log.ts';
import { openDatabase } from '../store/database.ts';
import { registerSimulationService, SimulationService } from './service.ts';

/**
 * The landing page in a real browser (Debian's Chromium): its script reports a real click as
 * a person's interaction, under the page's own Content-Security-Policy; the form shows the
 * just-in-time page. The simulation routes alone, on loopback.
 */
describe('landing page in Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let s: SimulationService;
  let clock = Date.UTC(2026, 4, 5, 14, 0);

  before(async () => {
    const db = openDatabase(':memory:');
    const config = validateConfig({ org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'] }, directory: { file: fileURLToPath(new URL('../../fixtures/demo-org/directory.yaml', import.meta.url)) } });
    s = new SimulationService({ db, key: Buffer.alloc(32, 3), config: () => config, audit: new AuditLog(db), logger: silentLogger, now: () => clock });
    registerSimulationService(db, s);
    s.attachGateway({ submit: async () => ({ code: 250, message: 'ok', spoolId: 'sp' }), deliveryOf: () => 'delivered', enqueue: () => 'q', kick: () => {} });
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(simulationRoutes, { ctx: { db, config: () => config } as unknown as ApiContext });
    await app.listen({ port: 0, host: '127.0.0.1' });
    s.setFallbackBaseUrl(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a real click on the page is a person’s; the button leads to the just-in-time page', async () => {
    const c = s.createCampaign({ name: 'browser', template: 'zocdoc-appointment', audience: { emails: ['priya.raman@stmarys-health.org'] }, window: { timezone: 'UTC', days: ['tue'], start: '00:00', end: '23:59' } }, 'test');
    s.launch(c.id, 'test');
    await s.tick();
    await s.tick();
    const [target] = s.campaigns.targets(c.id);
    assert.ok(target?.deliveredAt);
    clock += 10 * 60_000;
    // Headless Chromium says so in its user agent, and would be taken for a sandbox: this one poses as a person's browser.
    const page = await browser.newPage({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' });
    try {
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && !/status of 404/.test(m.text()) && errors.push(m.text()));
      page.on('response', (res) => res.status() >= 400 && !res.url().endsWith('/favicon.ico') && errors.push(`${res.status()} ${res.url()}`));
      await page.goto(s.linkUrl(target.id, 1));
      assert.equal(await page.title(), 'Appointment details');
      clock += 20_000;
      const beacon = page.waitForResponse((r) => r.url().endsWith('/i') && r.request().method() === 'POST');
      await page.mouse.click(10, 10);
      assert.equal((await beacon).status(), 204);
      let r = s.results(c.id);
      assert.equal(r.people.clicked, 1, 'the trusted interaction made the click count');
      clock += 5_000;
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.match(await page.content(), /This was a phishing simulation/);
      r = s.results(c.id);
      assert.deepEqual([r.people.clicked, r.people.submitted, r.scanners.requests], [1, 0, 0]);
      assert.deepEqual(errors, [], 'no script or CSP errors');
      // A program dispatching a synthetic click is not trusted.
      await page.goto(s.linkUrl(target.id, 2));
      await page.evaluate(() => document.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true })));
      assert.equal(s.events.hitsOfTarget(target.id).filter((h) => h.kind === 'beacon').length, 1, 'synthetic events send nothing');
    } finally {
      await page.close();
    }
  });
});
