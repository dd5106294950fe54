import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadTlsIdentity } from '../gateway/tls-identity.ts';
import { currentTotp } from '../users/totp.ts';
import { ApiClient } from './testing/api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from './testing/console-fixture.ts';

function auditRows(f: ConsoleFixture, action: string) {
  return f.gateway.console!.context.audit.list({ action, limit: 1000 });
}

describe('console sign-in, sessions, CSRF and API tokens', () => {
  let f: ConsoleFixture;
  before(async () => {
    f = await startConsoleFixture({
      scanner: 'scripted',
      mail: 'none',
      consoleDir: null,
      config: { console: { trustProxy: true, login: { maxFailures: 3, lockoutMinutes: 15, perIpPerMinute: 1000 } } },
    });
  });
  after(async () => {
    await f.stop();
  });

  it('signs in with a session cookie that is HttpOnly and SameSite=Strict, and answers who is signed in', async () => {
    const c = new ApiClient(f.baseUrl);
    const r = await c.login('analyst', f.users.analyst.password);
    assert.equal(r.status, 200, r.text);
    const cookie = r.headers.getSetCookie().find((h) => h.startsWith('medshield_session='))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/i, 'plain HTTP: a Secure cookie would never come back');
    assert.equal(r.body.user.role, 'analyst');
    assert.ok(r.body.csrfToken.length >= 32);
    assert.ok(r.body.permissions.includes('messages.act'));
    const s = await c.get('/api/auth/session');
    assert.equal(s.status, 200);
    assert.equal(s.body.user.name, 'analyst');
    assert.equal(s.body.csrfToken, r.body.csrfToken);
    // The login is audited with the client address.
    const entry = auditRows(f, 'auth.login').find((e) => e.actor === 'user:analyst')!;
    assert.equal(entry.detail?.ip, '127.0.0.1');
  });

  it('marks the cookie Secure (with the __Host- prefix) when the request came over TLS', async () => {
    const c = new ApiClient(f.baseUrl);
    // trustProxy is on in this fixture: the TLS-terminating proxy says the client used HTTPS.
    const r = await c.request('POST', '/api/auth/login', { username: 'viewer', password: f.users.viewer.password }, { 'x-forwarded-proto': 'https' });
    assert.equal(r.status, 200, r.text);
    const cookie = r.headers.getSetCookie().find((h) => h.startsWith('__Host-medshield_session='));
    assert.ok(cookie, r.headers.getSetCookie().join(' | '));
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.equal(r.headers.get('strict-transport-security'), 'max-age=31536000');
  });

  it('refuses wrong passwords and unknown users alike, and audits each failure with the address', async () => {
    const before = auditRows(f, 'auth.login-failed').length;
    const c = new ApiClient(f.baseUrl);
    const wrong = await c.login('auditor', 'not-the-password');
    const unknown = await c.login('nobody-here', 'whatever-password');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.error, unknown.body.error, 'the answer does not tell which accounts exist');
    assert.equal(c.cookie, null);
    const rows = auditRows(f, 'auth.login-failed');
    assert.equal(rows.length, before + 2);
    assert.ok(rows.some((e) => e.target === 'user:auditor' && e.detail?.reason === 'bad-credentials' && e.detail?.ip === '127.0.0.1'));
    assert.ok(rows.some((e) => e.target === 'user:nobody-here'));
  });

  it('locks an account after repeated failures, refusing even the right password until it is unlocked', async () => {
    const { users } = f.gateway.console!.context;
    await users.add('locky', 'viewer', 'test');
    const { password: otp } = await users.resetPassword('locky');
    await users.changePassword('locky', otp, 'locky-long-password-1');
    const c = new ApiClient(f.baseUrl);
    assert.equal((await c.login('locky', 'bad-1')).status, 401);
    assert.equal((await c.login('locky', 'bad-2')).status, 401);
    const third = await c.login('locky', 'bad-3');
    assert.equal(third.status, 423);
    assert.match(third.body.error, /locked until/);
    const right = await c.login('locky', 'locky-long-password-1');
    assert.equal(right.status, 423, 'a correct guess during the lockout is refused too');
    const admin = new ApiClient(f.baseUrl);
    await admin.login('admin', f.users.admin.password);
    assert.equal((await admin.post('/api/users/locky/unlock')).status, 200);
    assert.equal((await c.login('locky', 'locky-long-password-1')).status, 200);
    assert.ok(auditRows(f, 'users.unlock').some((e) => e.target === 'user:locky' && e.actor === 'user:admin'));
  });

  it('makes a new account change its one-time password before it can do anything else', async () => {
    const admin = new ApiClient(f.baseUrl);
    await admin.login('admin', f.users.admin.password);
    const created = await admin.post('/api/users', { name: 'newbie', role: 'analyst' });
    assert.equal(created.status, 200, created.text);
    const otp = created.body.password as string;
    assert.match(otp, /^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    assert.equal(created.body.user.mustChangePassword, true);

    const c = new ApiClient(f.baseUrl);
    const login = await c.login('newbie', otp);
    assert.equal(login.status, 200);
    assert.equal(login.body.user.mustChangePassword, true);
    assert.deepEqual(login.body.permissions, []);
    const blocked = await c.get('/api/messages');
    assert.equal(blocked.status, 403);
    assert.match(blocked.body.error, /one-time password/);
    const weak = await c.post('/api/auth/password', { current: otp, next: 'short' });
    assert.equal(weak.status, 400);
    assert.match(weak.body.error, /at least 12 characters/);
    const changed = await c.post('/api/auth/password', { current: otp, next: 'newbie-chosen-password' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.user.mustChangePassword, false);
    assert.equal((await c.get('/api/messages')).status, 200);
    // The one-time password is spent.
    assert.equal((await new ApiClient(f.baseUrl).login('newbie', otp)).status, 401);
  });

  it('asks for a TOTP code once enrolled, accepts each code once, and counts wrong codes toward the lockout', async () => {
    const { users } = f.gateway.console!.context;
    await users.add('twofa', 'auditor', 'test');
    const { password: otp } = await users.resetPassword('twofa');
    await users.changePassword('twofa', otp, 'twofa-long-password-1');
    const c = new ApiClient(f.baseUrl);
    await c.login('twofa', 'twofa-long-password-1');
    const setup = await c.post('/api/auth/totp/setup');
    assert.equal(setup.status, 200, setup.text);
    assert.match(setup.body.uri, /^otpauth:\/\/totp\//);
    assert.match(setup.body.qrSvg, /^<svg/);
    const secret = setup.body.secret as string;
    assert.equal((await c.post('/api/auth/totp/enable', { code: '000000' === currentTotp(secret) ? '111111' : '000000' })).status, 400);
    const enabled = await c.post('/api/auth/totp/enable', { code: currentTotp(secret) });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(enabled.body.user.totpEnabled, true);

    const d = new ApiClient(f.baseUrl);
    const noCode = await d.login('twofa', 'twofa-long-password-1');
    assert.equal(noCode.status, 401);
    assert.equal(noCode.body.error, 'totp-required');
    assert.equal(d.cookie, null, 'no session before the second factor');
    // The enrolment used the current step; the next step's code signs in, and only once.
    const next = currentTotp(secret, Date.now() + 30_000);
    assert.equal((await d.login('twofa', 'twofa-long-password-1', next)).status, 200);
    const replay = await new ApiClient(f.baseUrl).login('twofa', 'twofa-long-password-1', next);
    assert.equal(replay.status, 401);
    assert.match(replay.body.error, /not valid|already used/);
    assert.ok(auditRows(f, 'auth.login-failed').some((e) => e.target === 'user:twofa' && e.detail?.reason === 'totp-invalid'));
    assert.ok(auditRows(f, 'auth.totp-enable').some((e) => e.actor === 'user:twofa'));
  });

  it('refuses a state-changing request from a session without the right CSRF token', async () => {
    const c = new ApiClient(f.baseUrl);
    await c.login('admin', f.users.admin.password);
    c.sendCsrf = false;
    const none = await c.request('PUT', '/api/settings', { exposure: { recordsPerRecipient: 5, costPerRecordLow: 300, costPerRecordHigh: 400 } });
    assert.equal(none.status, 403);
    assert.match(none.body.error, /CSRF/);
    const wrong = await c.request('PUT', '/api/settings', { exposure: { recordsPerRecipient: 5, costPerRecordLow: 300, costPerRecordHigh: 400 } }, { 'x-csrf-token': 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    // Reads need no token; the refused writes changed nothing.
    const settings = await c.get('/api/settings');
    assert.equal(settings.status, 200);
    assert.notEqual(settings.body.values.exposure.recordsPerRecipient, 5);
    c.sendCsrf = true;
    assert.equal((await c.post('/api/auth/logout')).status, 200);
    assert.equal((await c.get('/api/auth/session')).status, 401, 'the session ended');
  });

  it('takes the sign-in only as JSON, so a cross-site form cannot sign a browser in', async () => {
    const r = await new ApiClient(f.baseUrl).request('POST', '/api/auth/login', `{"username":"admin","password":"${f.users.admin.password}"}`, { 'content-type': 'text/plain' });
    assert.ok(r.status === 400 || r.status === 415, `${r.status} ${r.text}`);
    assert.equal(r.headers.getSetCookie().length, 0);
  });

  it('accepts API tokens as Authorization: Bearer with their role, stores only a hash, and stops them when revoked', async () => {
    const admin = new ApiClient(f.baseUrl);
    await admin.login('admin', f.users.admin.password);
    const created = await admin.post('/api/tokens', { role: 'viewer', label: 'wallboard' });
    assert.equal(created.status, 200, created.text);
    const token = created.body.token as string;
    assert.match(token, /^msk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const db = f.gateway.db;
    const row = db.prepare('SELECT * FROM users_tokens WHERE id = ?').get(created.body.info.id) as Record<string, unknown>;
    // The secret is everything after `msk_<id>_`; it may itself contain underscores.
    const secret = token.slice('msk_'.length + 8 + 1);
    assert.ok(!JSON.stringify(row).includes(secret), 'the secret part is not stored');
    assert.equal(row.token_hash, (await import('node:crypto')).createHash('sha256').update(token).digest('hex'));

    const bot = ApiClient.token(f.baseUrl, token);
    assert.equal((await bot.get('/api/dashboard')).status, 200);
    // No CSRF token needed (a browser never sends a bearer token by itself), but the role still applies.
    assert.equal((await bot.request('PUT', '/api/settings', { exposure: { recordsPerRecipient: 1, costPerRecordLow: 1, costPerRecordHigh: 2 } })).status, 403);
    // A token is not a person: it cannot change passwords or enrol a second factor.
    assert.equal((await bot.post('/api/auth/totp/setup')).status, 403);
    assert.equal((await ApiClient.token(f.baseUrl, `${token.slice(0, -1)}x`).get('/api/dashboard')).status, 401);
    assert.equal((await admin.request('DELETE', `/api/tokens/${created.body.info.id}`)).status, 200);
    const revoked = await bot.get('/api/dashboard');
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.error, /API token/);
    const audit = auditRows(f, 'tokens.create').find((e) => e.target === `token:${created.body.info.id}`)!;
    assert.equal(audit.actor, 'user:admin');
    assert.ok(!JSON.stringify(audit.detail).includes(token), 'the token itself is never logged');
  });

  it('ends the sessions of an account that is disabled', async () => {
    const { users } = f.gateway.console!.context;
    await users.add('leaver', 'analyst', 'test');
    const { password: otp } = await users.resetPassword('leaver');
    await users.changePassword('leaver', otp, 'leaver-long-password-1');
    const c = new ApiClient(f.baseUrl);
    await c.login('leaver', 'leaver-long-password-1');
    assert.equal((await c.get('/api/messages')).status, 200);
    const admin = new ApiClient(f.baseUrl);
    await admin.login('admin', f.users.admin.password);
    assert.equal((await admin.request('PATCH', '/api/users/leaver', { disabled: true })).status, 200);
    assert.equal((await c.get('/api/messages')).status, 401);
    const again = await c.login('leaver', 'leaver-long-password-1');
    assert.equal(again.status, 401);
    assert.match(again.body.error, /disabled/);
  });
});

describe('login rate limit per client address', () => {
  let f: ConsoleFixture;
  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null, config: { console: { login: { perIpPerMinute: 3 } } } });
  });
  after(async () => {
    await f.stop();
  });

  it('answers 429 past the limit, whichever account is tried', async () => {
    const c = new ApiClient(f.baseUrl);
    const statuses: number[] = [];
    for (const name of ['a-user', 'b-user', 'c-user', 'd-user', 'admin']) statuses.push((await c.login(name, 'guess-guess-guess')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const last = await c.login('admin', f.users.admin.password);
    assert.equal(last.status, 429, 'even the right password waits');
    assert.match(last.body.error, /too many requests/);
  });
});

describe('the console over TLS (console.tls)', () => {
  let f: ConsoleFixture;
  let certDir: string;
  let cert: Buffer;
  before(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'medshield-console-tls-'));
    const id = await loadTlsIdentity({ dataDir: certDir, hostname: 'localhost' });
    cert = id.cert;
    f = await startConsoleFixture({
      scanner: 'scripted',
      mail: 'none',
      consoleDir: null,
      config: { console: { tls: { cert: join(certDir, 'tls/cert.pem'), key: join(certDir, 'tls/key.pem') } } },
    });
  });
  after(async () => {
    await f.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves HTTPS and sets a Secure __Host- session cookie', async () => {
    const port = f.ports.http;
    const body = JSON.stringify({ username: 'admin', password: f.users.admin.password });
    const res = await new Promise<{ status: number; cookies: string[] }>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/api/auth/login', method: 'POST', ca: cert, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode ?? 0, cookies: ([] as string[]).concat(r.headers['set-cookie'] ?? []) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(res.status, 200);
    const cookie = res.cookies.find((c) => c.startsWith('__Host-medshield_session='));
    assert.ok(cookie, res.cookies.join(' | '));
    assert.match(cookie, /; Secure/);
  });
});
