import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startConsoleFixture, type ConsoleFixture } from './testing/console-fixture.ts';

describe('the built console, served by the same process', () => {
  let f: ConsoleFixture;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medshield-console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script></head><body><div id="root"></div></body></html>');
    writeFileSync(join(dir, 'assets/app-1a2b.js'), 'console.log("console")');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: dir });
  });
  after(async () => {
    await f.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html for the console’s own paths, with a strict CSP and no caching', async () => {
    for (const path of ['/', '/messages', '/messages/0mx1aj132-12ceb3624d39a35c', '/settings?tab=policy']) {
      const r = await fetch(f.baseUrl + path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type')!, /^text\/html/);
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.match(await r.text(), /<div id="root">/);
      const csp = r.headers.get('content-security-policy')!;
      for (const part of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(part), `${part}: ${csp}`);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('serves hashed assets for a year, other files without caching, and nothing outside the folder', async () => {
    const js = await fetch(`${f.baseUrl}/assets/app-1a2b.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /^(text|application)\/javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const icon = await fetch(`${f.baseUrl}/favicon.svg`);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
    assert.equal((await fetch(`${f.baseUrl}/assets/missing.js`)).status, 404);
    for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const r = await fetch(f.baseUrl + path);
      assert.notEqual(r.status, 200, path);
    }
  });

  it('keeps unknown /api paths JSON 404s rather than the console page', async () => {
    const r = await fetch(`${f.baseUrl}/api/no-such-route`);
    assert.equal(r.status, 404);
    assert.match((await r.json()).error, /no API route GET \/api\/no-such-route/);
    const h = await fetch(`${f.baseUrl}/healthz`);
    assert.equal((await h.json()).status, 'ok');
  });
});

describe('without a built console', () => {
  let f: ConsoleFixture;
  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
  });
  after(async () => {
    await f.stop();
  });

  it('says so on the console’s paths and still serves the API', async () => {
    const r = await fetch(`${f.baseUrl}/`);
    assert.equal(r.status, 503);
    assert.match(await r.text(), /not built.*\/api/s);
    assert.equal((await fetch(`${f.baseUrl}/api/auth/session`)).status, 401);
  });
});
