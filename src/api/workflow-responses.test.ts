import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAdminFixture } from './testing/admin-fixture.ts';
import type { ApiClient } from './testing/api-client.ts';
import type { ConsoleFixture } from './testing/console-fixture.ts';

/**
 * Every answer goes through its route's response schema (src/api/schemas/*.ts) on the way
 * out: a view that does not match is a 500, and keys the schema does not name are dropped.
 * The browser tests reach the pages' routes; these are the successful answers of the rest of
 * the simulation and training API, which no page test reaches.
 */
describe('simulation and training API: successful answers pass their response schemas', () => {
  let f: ConsoleFixture;
  let admin: ApiClient;

  before(async () => ({ f, admin } = await startAdminFixture()));
  after(() => f.stop());

  it('templates: status, detail, save a copy, change it, archive it', async () => {
    const status = await admin.get('/api/simulations/status');
    assert.equal(status.status, 200, status.text);
    assert.equal(typeof status.body.baseUrl, 'string');
    assert.ok(Array.isArray(status.body.window.days));

    const list = await admin.get('/api/simulations/templates');
    assert.equal(list.status, 200, list.text);
    const shipped = list.body[0];
    const one = await admin.get(`/api/simulations/templates/${shipped.id}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.template.name, shipped.name);
    assert.ok(typeof one.body.template.html === 'string' && one.body.template.html.length > 0, 'the definition keeps the keys the schema does not name');

    const copy = { ...one.body.template, slug: 'schema-check-copy', name: 'Schema check copy' };
    const created = await admin.post('/api/simulations/templates', copy);
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ['id', 'slug']);
    const changed = await admin.request('PUT', `/api/simulations/templates/${created.body.id}`, { ...copy, name: 'Schema check copy, changed' });
    assert.equal(changed.status, 200, changed.text);
    const archived = await admin.post(`/api/simulations/templates/${created.body.id}/archive`, { archived: true });
    assert.deepEqual(archived.body, { id: created.body.id, archived: true });
  });

  it('campaigns: audience, create, change, launch, hits, cancel', async () => {
    const audience = await admin.post('/api/simulations/audience', {});
    assert.equal(audience.status, 200, audience.text);
    assert.ok(audience.body.count > 0, 'the demo organisation has staff');
    const email = audience.body.members[0].email as string;

    const window = { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' };
    const created = await admin.post('/api/simulations/campaigns', { name: 'schema check', template: 'zocdoc-appointment', audience: { emails: [email] }, window });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, 'draft');
    const draft = await admin.get(`/api/simulations/campaigns/${created.body.id}`);
    assert.equal(draft.status, 200, draft.text);
    assert.deepEqual(draft.body.audience.emails, [email], 'the audience keeps its keys');
    // The audience goes along: a change without one resets it (service.updateCampaign's partial schema keeps its default).
    const patched = await admin.request('PATCH', `/api/simulations/campaigns/${created.body.id}`, { name: 'schema check, renamed', audience: { emails: [email] } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'schema check, renamed');
    const launched = await admin.post(`/api/simulations/campaigns/${created.body.id}/launch`);
    assert.equal(launched.status, 200, launched.text);
    assert.notEqual(launched.body.launchedAt, null);
    const hits = await admin.get(`/api/simulations/campaigns/${created.body.id}/hits`);
    assert.equal(hits.status, 200, hits.text);
    assert.ok(Array.isArray(hits.body));
    const detail = await admin.get(`/api/simulations/campaigns/${created.body.id}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.results.recipients.total, 1);
    const cancelled = await admin.post(`/api/simulations/campaigns/${created.body.id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.text);
  });

  it('training: assign, a person’s record, cancel, departments', async () => {
    const people = await admin.get('/api/training/people');
    assert.equal(people.status, 200, people.text);
    const email = people.body[0].email as string;
    const modules = await admin.get('/api/training/modules');
    const module = modules.body[0].id as string;
    const m = await admin.get(`/api/training/modules/${module}`);
    assert.equal(m.status, 200, m.text);
    assert.ok(m.body.quiz.length >= 2);

    const assigned = await admin.post('/api/training/assignments', { module, emails: [email] });
    assert.equal(assigned.status, 200, assigned.text);
    assert.equal(assigned.body.assigned + assigned.body.alreadyOpen, 1);
    const person = await admin.get(`/api/training/people/${encodeURIComponent(email)}`);
    assert.equal(person.status, 200, person.text);
    assert.equal(person.body.person.email, email);
    const open = person.body.assignments.find((a: { module: string; cancelledAt: number | null }) => a.module === module && a.cancelledAt === null);
    assert.ok(open, 'the assignment is in the person’s record');
    const cancelled = await admin.post(`/api/training/assignments/${open.id}/cancel`);
    assert.deepEqual(cancelled.body, { id: open.id, cancelled: true });
    const departments = await admin.get('/api/training/departments');
    assert.equal(departments.status, 200, departments.text);
    assert.ok(departments.body.length > 0);
  });
});
