import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../users/roles.ts';
import { ApiClient, type ApiResponse } from './testing/api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from './testing/console-fixture.ts';
import { testMail } from '../gateway/testing/harness.ts';

/**
 * Every route of the API × every kind of caller: nobody, each role signed in, each role as
 * an API token, and a new account that has not yet changed its one-time password. The
 * expectations below are written out by hand (not derived from roles.ts), and the route
 * list is checked against the routes the app itself registered, so a route added without
 * a line here fails this test.
 */
type Allow =
  /** Anyone, signed in or not. */
  | 'public'
  /** Any session or token, also a session whose one-time password is not yet changed. */
  | 'signed-in'
  /** A person's session (any role, also before the password change), never a token. */
  | 'person'
  /** A person's session once the one-time password is changed, never a token. */
  | 'person-ready'
  /** These roles (session or token), once the one-time password is changed. */
  | readonly Role[];

const ALL: readonly Role[] = ['admin', 'analyst', 'auditor', 'viewer'];
const CONTENT: readonly Role[] = ['admin', 'analyst', 'auditor'];
const ACT: readonly Role[] = ['admin', 'analyst'];
const AUDIT: readonly Role[] = ['admin', 'auditor'];
const ADMIN: readonly Role[] = ['admin'];

interface Probe {
  path: string;
  body?: unknown;
  allow: Allow;
  /** The status an allowed caller gets (default: anything but 401/403 and 5xx). */
  ok?: number;
}

function matrix(m: { held: string; photoPerson: string }): Record<string, Probe> {
  return {
    'GET /healthz': { path: '/healthz', allow: 'public', ok: 200 },
    'GET /readyz': { path: '/readyz', allow: 'public', ok: 200 },
    'GET /api/openapi.json': { path: '/api/openapi.json', allow: 'public', ok: 200 },
    'GET /*': { path: '/dashboard', allow: 'public', ok: 200 },
    'POST /api/auth/login': { path: '/api/auth/login', body: { username: 'matrix-nobody', password: 'wrong-password-here' }, allow: 'public', ok: 401 },
    'POST /api/auth/logout': { path: '/api/auth/logout', allow: 'signed-in', ok: 200 },
    'GET /api/auth/session': { path: '/api/auth/session', allow: 'signed-in', ok: 200 },
    'POST /api/auth/password': { path: '/api/auth/password', body: { current: 'not-my-password', next: 'some-new-password-1' }, allow: 'person', ok: 400 },
    'POST /api/auth/totp/setup': { path: '/api/auth/totp/setup', allow: 'person-ready', ok: 200 },
    'POST /api/auth/totp/enable': { path: '/api/auth/totp/enable', body: { code: 'abcdef' }, allow: 'person', ok: 400 },
    'POST /api/auth/totp/disable': { path: '/api/auth/totp/disable', body: { password: 'not-my-password' }, allow: 'person', ok: 400 },
    'GET /api/users': { path: '/api/users', allow: ADMIN, ok: 200 },
    'POST /api/users': { path: '/api/users', body: { name: 'bad name!', role: 'viewer' }, allow: ADMIN, ok: 400 },
    'PATCH /api/users/:name': { path: '/api/users/matrix-target', body: {}, allow: ADMIN, ok: 200 },
    'POST /api/users/:name/reset-password': { path: '/api/users/no-such-user/reset-password', allow: ADMIN, ok: 404 },
    'POST /api/users/:name/unlock': { path: '/api/users/matrix-target/unlock', allow: ADMIN, ok: 200 },
    'POST /api/users/:name/reset-totp': { path: '/api/users/matrix-target/reset-totp', allow: ADMIN, ok: 200 },
    'GET /api/tokens': { path: '/api/tokens', allow: ADMIN, ok: 200 },
    'POST /api/tokens': { path: '/api/tokens', body: { role: 'nobody', label: 'x' }, allow: ADMIN, ok: 400 },
    'DELETE /api/tokens/:id': { path: '/api/tokens/ffffffff', allow: ADMIN, ok: 404 },
    'GET /api/messages': { path: '/api/messages', allow: ALL, ok: 200 },
    'GET /api/messages/:id': { path: `/api/messages/${m.held}`, allow: ALL, ok: 200 },
    'GET /api/messages/:id/deliveries': { path: `/api/messages/${m.held}/deliveries`, allow: ALL, ok: 200 },
    'GET /api/messages/:id/content': { path: `/api/messages/${m.held}/content`, allow: CONTENT, ok: 200 },
    'GET /api/messages/:id/preview': { path: `/api/messages/${m.held}/preview`, allow: CONTENT, ok: 200 },
    'GET /api/messages/:id/raw': { path: `/api/messages/${m.held}/raw`, allow: ADMIN, ok: 200 },
    'GET /api/signals': { path: '/api/signals', allow: ALL, ok: 200 },
    'POST /api/messages/:id/release': { path: '/api/messages/000000-no-such-message/release', allow: ACT, ok: 404 },
    'POST /api/messages/:id/delete': { path: '/api/messages/000000-no-such-message/delete', allow: ACT, ok: 404 },
    'POST /api/messages/:id/feedback': { path: '/api/messages/000000-no-such-message/feedback', body: { kind: 'phish' }, allow: ACT, ok: 404 },
    'POST /api/messages/bulk': { path: '/api/messages/bulk', body: { ids: ['000000-no-such-message'], action: 'delete' }, allow: ACT, ok: 200 },
    'GET /api/dashboard': { path: '/api/dashboard', allow: ALL, ok: 200 },
    'GET /api/feed': { path: '/api/feed', allow: ALL, ok: 200 },
    'GET /api/audit': { path: '/api/audit', allow: AUDIT, ok: 200 },
    'GET /api/audit/verify': { path: '/api/audit/verify', allow: AUDIT, ok: 200 },
    'GET /api/audit/export': { path: '/api/audit/export?format=json&limit=5', allow: AUDIT, ok: 200 },
    'GET /api/directory': { path: '/api/directory?limit=5', allow: ALL, ok: 200 },
    'GET /api/directory/persons/:id/photos/:index': { path: `/api/directory/persons/${encodeURIComponent(m.photoPerson)}/photos/0`, allow: ALL, ok: 200 },
    'POST /api/directory/import': { path: '/api/directory/import', body: { filename: 'roster.csv', content: 'not,a,roster\n' }, allow: ADMIN, ok: 400 },
    'GET /api/settings': { path: '/api/settings', allow: ALL, ok: 200 },
    'PUT /api/settings': { path: '/api/settings', body: {}, allow: ADMIN, ok: 400 },
    'GET /api/verify/tasks': { path: '/api/verify/tasks', allow: ALL, ok: 200 },
    'GET /api/verify/tasks/:id': { path: '/api/verify/tasks/999999', allow: ALL, ok: 404 },
    'POST /api/verify/tasks/:id/complete': { path: '/api/verify/tasks/999999/complete', body: { outcome: 'verified', attestation: 'called the number on record', phoneUsed: '+16175550111' }, allow: ACT, ok: 404 },
    'POST /api/verify/tasks/:id/assign': { path: '/api/verify/tasks/999999/assign', body: { owner: 'security-lead' }, allow: ACT, ok: 404 },
    'GET /api/verify/contacts': { path: '/api/verify/contacts', allow: ALL, ok: 200 },
    'POST /api/verify/contacts': { path: '/api/verify/contacts', body: { address: 'not-an-address', phoneUsed: '1', attestation: 'x' }, allow: ACT, ok: 400 },
    'DELETE /api/verify/contacts/:address': { path: '/api/verify/contacts/nobody%40nowhere.example', allow: ACT, ok: 404 },
    'GET /api/verify/blocked': { path: '/api/verify/blocked', allow: ALL, ok: 200 },
    'DELETE /api/verify/blocked/:id': { path: '/api/verify/blocked/999999', allow: ACT, ok: 404 },
    'GET /api/incidents': { path: '/api/incidents', allow: ALL, ok: 200 },
    'GET /api/incidents/:id': { path: '/api/incidents/999999', allow: ALL, ok: 404 },
    'PATCH /api/incidents/:id': { path: '/api/incidents/999999', body: { status: 'resolved' }, allow: ACT, ok: 404 },
    'POST /api/incidents/:id/notes': { path: '/api/incidents/999999/notes', body: { text: 'checked with the nurse' }, allow: ACT, ok: 404 },
    'GET /api/incidents/:id/report': { path: '/api/incidents/999999/report', allow: CONTENT, ok: 404 },
    'GET /api/campaigns': { path: '/api/campaigns', allow: ALL, ok: 200 },
    'GET /api/campaigns/:id': { path: '/api/campaigns/999999', allow: ALL, ok: 404 },
    'PATCH /api/campaigns/:id': { path: '/api/campaigns/999999', body: { name: 'x' }, allow: ACT, ok: 404 },
    'POST /api/campaigns/:id/contain': { path: '/api/campaigns/999999/contain', body: { pull: false }, allow: ACT, ok: 404 },
    'POST /api/campaigns/:id/release': { path: '/api/campaigns/999999/release', allow: ACT, ok: 404 },
    'POST /api/campaigns/:id/purge': { path: '/api/campaigns/999999/purge', body: {}, allow: ACT, ok: 404 },
    'GET /api/campaigns/:id/export': { path: '/api/campaigns/999999/export?format=stix', allow: ALL, ok: 404 },
    'GET /api/pullbacks/:id': { path: '/api/pullbacks/999999', allow: ALL, ok: 404 },
    'GET /api/reports': { path: '/api/reports', allow: ALL, ok: 200 },
    'GET /metrics': { path: '/metrics', allow: ALL, ok: 200 },
    // Phishing simulations and training: the team's API, then the token-verified pages staff's browsers reach.
    'GET /api/simulations/status': { path: '/api/simulations/status', allow: CONTENT, ok: 200 },
    'GET /api/simulations/templates': { path: '/api/simulations/templates', allow: CONTENT, ok: 200 },
    'GET /api/simulations/templates/:id': { path: '/api/simulations/templates/999999', allow: CONTENT, ok: 404 },
    'POST /api/simulations/templates': { path: '/api/simulations/templates', body: { slug: 'Bad Slug' }, allow: ACT, ok: 400 },
    'PUT /api/simulations/templates/:id': { path: '/api/simulations/templates/999999', body: { slug: 'Bad Slug' }, allow: ACT, ok: 400 },
    'POST /api/simulations/templates/:id/archive': { path: '/api/simulations/templates/999999/archive', body: { archived: true }, allow: ACT, ok: 404 },
    'POST /api/simulations/templates/preview': { path: '/api/simulations/templates/preview', body: {}, allow: CONTENT, ok: 400 },
    'POST /api/simulations/templates/from-quarantine': { path: '/api/simulations/templates/from-quarantine', body: { quarantineId: '000000-no-such-message' }, allow: ACT, ok: 404 },
    'POST /api/simulations/audience': { path: '/api/simulations/audience', body: { departments: ['No Such Department'] }, allow: CONTENT, ok: 200 },
    'GET /api/simulations/campaigns': { path: '/api/simulations/campaigns', allow: CONTENT, ok: 200 },
    'POST /api/simulations/campaigns': { path: '/api/simulations/campaigns', body: { name: 'x', template: 'no-such-template' }, allow: ACT, ok: 400 },
    'GET /api/simulations/campaigns/:id': { path: '/api/simulations/campaigns/999999', allow: CONTENT, ok: 404 },
    'PATCH /api/simulations/campaigns/:id': { path: '/api/simulations/campaigns/999999', body: { name: 'x' }, allow: ACT, ok: 404 },
    'POST /api/simulations/campaigns/:id/launch': { path: '/api/simulations/campaigns/999999/launch', allow: ACT, ok: 404 },
    'POST /api/simulations/campaigns/:id/cancel': { path: '/api/simulations/campaigns/999999/cancel', allow: ACT, ok: 404 },
    'POST /api/simulations/campaigns/:id/finish': { path: '/api/simulations/campaigns/999999/finish', allow: ACT, ok: 404 },
    'GET /api/simulations/campaigns/:id/hits': { path: '/api/simulations/campaigns/999999/hits', allow: CONTENT, ok: 404 },
    'GET /sim/o/:token': { path: `/sim/o/${'A'.repeat(30)}`, allow: 'public', ok: 200 },
    'GET /sim/c/:token': { path: `/sim/c/${'A'.repeat(30)}`, allow: 'public', ok: 404 },
    'POST /sim/c/:token': { path: `/sim/c/${'A'.repeat(30)}`, allow: 'public', ok: 404 },
    'POST /sim/c/:token/i': { path: `/sim/c/${'A'.repeat(30)}/i`, allow: 'public', ok: 404 },
    'GET /sim/assets/landing.js': { path: '/sim/assets/landing.js', allow: 'public', ok: 200 },
    'GET /api/training/modules': { path: '/api/training/modules', allow: CONTENT, ok: 200 },
    'GET /api/training/modules/:id': { path: '/api/training/modules/reporting', allow: CONTENT, ok: 200 },
    'GET /api/training/assignments': { path: '/api/training/assignments', allow: CONTENT, ok: 200 },
    'POST /api/training/assignments': { path: '/api/training/assignments', body: { module: 'no-such-module', emails: ['nurse.kim@stmarys-health.org'] }, allow: ACT, ok: 400 },
    'POST /api/training/assignments/:id/cancel': { path: '/api/training/assignments/999999/cancel', allow: ACT, ok: 404 },
    'GET /api/training/people': { path: '/api/training/people', allow: CONTENT, ok: 200 },
    'GET /api/training/people/:email': { path: '/api/training/people/nobody%40nowhere.example', allow: CONTENT, ok: 404 },
    'GET /api/training/departments': { path: '/api/training/departments', allow: CONTENT, ok: 200 },
    'GET /api/training/export': { path: '/api/training/export?kind=departments', allow: CONTENT, ok: 200 },
    'POST /api/training/roster': { path: '/api/training/roster', body: { content: 'not,a,roster\n' }, allow: ADMIN, ok: 400 },
    'GET /learn/:token': { path: `/learn/${'A'.repeat(30)}`, allow: 'public', ok: 404 },
    'GET /learn/:token/m/:module': { path: `/learn/${'A'.repeat(30)}/m/reporting`, allow: 'public', ok: 404 },
    'POST /learn/:token/m/:module': { path: `/learn/${'A'.repeat(30)}/m/reporting`, allow: 'public', ok: 404 },
    'GET /learn/assets/:file': { path: '/learn/assets/report-button.svg', allow: 'public', ok: 200 },
  };
}

type Caller = { label: string; kind: 'anonymous' } | { label: string; kind: 'session'; role: Role; pending: boolean; username: string; password: string } | { label: string; kind: 'token'; role: Role; token: string };

function allowed(p: Probe, c: Caller): boolean {
  if (p.allow === 'public') return true;
  if (c.kind === 'anonymous') return false;
  if (p.allow === 'signed-in') return true;
  if (p.allow === 'person') return c.kind === 'session';
  if (p.allow === 'person-ready') return c.kind === 'session' && !c.pending;
  if (c.kind === 'session' && c.pending) return false;
  return p.allow.includes(c.role);
}

describe('authorization matrix: every API route × every caller', () => {
  let f: ConsoleFixture;
  let probes: Record<string, Probe>;
  let consoleDir: string;
  const callers: Caller[] = [{ label: 'nobody', kind: 'anonymous' }];

  before(async () => {
    // A stand-in for the built console, so its catch-all route answers as in production.
    consoleDir = mkdtempSync(join(tmpdir(), 'medshield-console-dist-'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Medshield</title>');
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir });
    const held = await f.send(testMail({ subject: 'Refund [quarantine]', from: 'Refunds <x@evil.example>', to: 'nurse.kim@stmarys-health.org' }));
    assert.ok(held.quarantineId);
    const ctx = f.gateway.console!.context;
    await ctx.users.add('matrix-target', 'viewer', 'test');
    const pending = await ctx.users.add('pending', 'analyst', 'test');
    const photoPerson = ctx.directory.load()!.persons().find((p) => p.photos.length > 0)!.id;
    probes = matrix({ held: held.spoolId!, photoPerson });
    for (const role of ALL) {
      callers.push({ label: `${role} session`, kind: 'session', role, pending: false, username: f.users[role].username, password: f.users[role].password });
      callers.push({ label: `${role} token`, kind: 'token', role, token: ctx.tokens.create({ role, label: `matrix ${role}`, createdBy: 'test' }).token });
    }
    callers.push({ label: 'analyst before changing the one-time password', kind: 'session', role: 'analyst', pending: true, username: 'pending', password: pending.password });
  });
  after(async () => {
    await f.stop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('lists every route the app registered, and no other', () => {
    const table = f.gateway.console!.http.accessTable;
    const registered = table.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
    assert.deepEqual([...registered].sort(), Object.keys(probes).sort(), 'a route without a matrix entry (or an entry without a route)');
    // HEAD is only ever the automatic twin of a GET, with the same rule.
    for (const h of table.filter((r) => r.method === 'HEAD')) {
      assert.equal(table.find((r) => r.method === 'GET' && r.url === h.url)?.access, h.access, `HEAD ${h.url}`);
    }
  });

  it('allows exactly the callers each route is meant for', async () => {
    const failures: string[] = [];
    for (const caller of callers) {
      let client = await clientFor(caller);
      for (const [route, probe] of Object.entries(probes)) {
        const method = route.split(' ')[0]!;
        const status = await call(client, method, probe);
        const expectAllowed = allowed(probe, caller);
        const denial = caller.kind === 'anonymous' ? 401 : 403;
        if (expectAllowed) {
          const fine = probe.ok !== undefined ? status === probe.ok : status !== 401 && status !== 403 && status < 500;
          if (!fine) failures.push(`${caller.label}: ${route} → ${status}, expected ${probe.ok ?? 'allowed'}`);
        } else if (status !== denial) {
          failures.push(`${caller.label}: ${route} → ${status}, expected ${denial}`);
        }
        if (route === 'POST /api/auth/logout' && caller.kind === 'session') client = await clientFor(caller);
      }
    }
    assert.deepEqual(failures, []);
  });

  async function clientFor(c: Caller): Promise<ApiClient> {
    if (c.kind === 'token') return ApiClient.token(f.baseUrl, c.token);
    const client = new ApiClient(f.baseUrl);
    if (c.kind === 'session') assert.equal((await client.login(c.username, c.password)).status, 200, c.label);
    return client;
  }

  async function call(client: ApiClient, method: string, probe: Probe): Promise<number> {
    if (probe.path === '/api/feed') {
      const s = await client.open(probe.path);
      s.close();
      return s.status;
    }
    const r: ApiResponse = await client.request(method, probe.path, probe.body);
    return r.status;
  }
});
