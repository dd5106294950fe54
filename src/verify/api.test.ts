import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../api/testing/api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from '../api/testing/console-fixture.ts';
import { testMail } from '../gateway/testing/harness.ts';

/**
 * The verification queue through the console API, as the console pages use it, on the whole
 * product (gateway, production stores, API) with the scripted scanner: "[hold]" in a subject
 * makes it a request for sensitive data.
 */
describe('verification API', () => {
  let f: ConsoleFixture;
  let analyst: ApiClient;
  let viewer: ApiClient;
  let taskId = 0;

  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
    analyst = new ApiClient(f.baseUrl);
    assert.equal((await analyst.login('analyst', f.users.analyst.password)).status, 200);
    viewer = new ApiClient(f.baseUrl);
    assert.equal((await viewer.login('viewer', f.users.viewer.password)).status, 200);
    const sent = await f.send(
      testMail({
        subject: 'Records request for claim 4471 [hold]',
        from: 'Claims Desk <claims@northbridge-plan.example>',
        to: 'billing@stmarys-health.org',
        body: "Please send the patient's date of birth and member ID. Questions? Call us at 508-555-0199.",
      }),
    );
    assert.ok(sent.quarantineId, `held: ${sent.verdict}`);
  });
  after(async () => {
    await f?.stop();
  });

  it('lists the queue without message content, for every role', async () => {
    const r = await viewer.get('/api/verify/tasks?status=open');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 1);
    assert.equal(r.body.counts.open, 1);
    const [t] = r.body.items;
    assert.equal(t.party, 'claims@northbridge-plan.example');
    assert.equal(t.kind, 'inbound-request');
    assert.equal(t.owner, 'security');
    assert.ok(!('subject' in t));
    taskId = t.id;
  });

  it('shows a task with the protocol, the unverified number struck, and the subject to content roles only (audited)', async () => {
    const v = await viewer.get(`/api/verify/tasks/${taskId}`);
    assert.equal(v.status, 200);
    assert.equal(v.body.subject, null);
    assert.deepEqual(
      v.body.numbersInMail.map((n: { e164: string; unverified: boolean }) => [n.e164, n.unverified]),
      [['+15085550199', true]],
    );
    assert.match(v.body.protocol.join(' '), /Do not call \(508\) 555-0199/);
    const a = await analyst.get(`/api/verify/tasks/${taskId}`);
    assert.equal(a.body.subject, 'Records request for claim 4471 [hold]');
    assert.equal(a.body.messageStatus, 'held');
    const audit = f.gateway.console!.context.audit.list({ target: `verify-task:${taskId}` });
    assert.ok(audit.some((e) => e.action === 'verify.read-subject' && e.actor === 'user:analyst'));
    assert.ok(!audit.some((e) => e.action === 'verify.read-subject' && e.actor === 'user:viewer'));
  });

  it('refuses a verification made on the number from the mail, or without an attestation', async () => {
    const fromMail = await analyst.post(`/api/verify/tasks/${taskId}/complete`, { outcome: 'verified', phoneUsed: '508-555-0199', attestation: 'They said it was fine on the phone.' });
    assert.equal(fromMail.status, 400);
    assert.match(fromMail.body.error, /given in the email itself/);
    const short = await analyst.post(`/api/verify/tasks/${taskId}/complete`, { outcome: 'verified', phoneUsed: '(617) 555-0188', attestation: 'ok' });
    assert.equal(short.status, 400);
  });

  it('reassigns, then completes as verified: the message is delivered and the sender is a verified contact', async () => {
    const assigned = await analyst.post(`/api/verify/tasks/${taskId}/assign`, { owner: 'jamie' });
    assert.equal(assigned.status, 200);
    assert.equal(assigned.body.owner, 'jamie');
    const r = await analyst.post(`/api/verify/tasks/${taskId}/complete`, {
      outcome: 'verified',
      phoneUsed: '(617) 555-0188',
      attestation: 'Called Northbridge provider services at the number on the member card; claims desk confirmed the request.',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.task.status, 'verified');
    assert.match(r.body.message, /released to billing@stmarys-health\.org/);
    await f.drain();
    assert.match(f.maildir('billing@stmarys-health.org')[0]!.toString(), /Records request for claim 4471/);
    const again = await analyst.post(`/api/verify/tasks/${taskId}/complete`, { outcome: 'failed', phoneUsed: '(617) 555-0188', attestation: 'second thoughts about this one' });
    assert.equal(again.status, 409, 'a task is completed once');

    const contacts = await viewer.get('/api/verify/contacts');
    assert.deepEqual(
      contacts.body.items.map((c: { address: string; phone: string }) => [c.address, c.phone]),
      [['claims@northbridge-plan.example', '+16175550188']],
    );
    const detail = await analyst.get(`/api/verify/tasks/${taskId}`);
    assert.match(detail.body.attestation, /claims desk confirmed/);
    assert.deepEqual(
      detail.body.events.map((e: { kind: string }) => e.kind),
      ['opened', 'assigned', 'verified', 'released'],
    );
  });

  it('revokes a contact and lists blocks', async () => {
    const del = await analyst.request('DELETE', `/api/verify/contacts/${encodeURIComponent('claims@northbridge-plan.example')}`);
    assert.equal(del.status, 200);
    assert.equal((await viewer.get('/api/verify/contacts')).body.items.length, 0);
    assert.equal((await viewer.get('/api/verify/contacts?all=true')).body.items[0].active, false);
    assert.deepEqual((await viewer.get('/api/verify/blocked')).body.items, []);
  });
});
