import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testMail } from '../gateway/testing/harness.ts';
import { ApiClient } from './testing/api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from './testing/console-fixture.ts';

const NURSE = 'nurse.kim@stmarys-health.org';
const DOCTOR = 'dr.reyes@stmarys-health.org';

describe('actions on mail: release, delete, confirm phish, false positive, bulk — each audited', () => {
  let f: ConsoleFixture;
  let analyst: ApiClient;
  const audit = (action: string, target?: string) => f.gateway.console!.context.audit.list({ action, target, limit: 100 });

  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
    analyst = new ApiClient(f.baseUrl);
    assert.equal((await analyst.login('analyst', f.users.analyst.password)).status, 200);
  });
  after(async () => {
    await f.stop();
  });

  it('releases a quarantined message: delivered to every recipient once, the release recorded with who and from where', async () => {
    const m = await f.send(testMail({ subject: 'Referral letter [quarantine]', from: 'Referrals <referrals@partner-clinic.example>', to: `${NURSE}, ${DOCTOR}` }));
    assert.equal(m.verdict, 'quarantine');
    assert.equal(f.maildir(NURSE).length, 0, 'held back at first');

    const r = await analyst.post(`/api/messages/${m.spoolId}/release`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.message, /released to/);
    await f.drain();
    for (const who of [NURSE, DOCTOR]) {
      const box = f.maildir(who);
      assert.equal(box.length, 1, who);
      assert.match(box[0]!.toString(), /Subject: Referral letter \[quarantine\]/);
      assert.match(box[0]!.toString(), new RegExp(`^Delivered-To: ${who.replace('.', '\\.')}`, 'm'));
    }
    const entry = audit('quarantine.release', m.quarantineId!)[0]!;
    assert.equal(entry.actor, 'user:analyst');
    assert.equal(entry.detail?.ip, '127.0.0.1');
    assert.equal(entry.detail?.via, 'console');
    assert.equal(entry.detail?.recipients, 2);

    // The detail page shows the release and its deliveries.
    const d = await analyst.get(`/api/messages/${m.spoolId}`);
    assert.equal(d.body.quarantine.status, 'released');
    assert.equal(d.body.quarantine.statusBy, 'user:analyst');
    assert.deepEqual(d.body.quarantine.releaseDelivery.deliveries.map((x: { state: string }) => x.state), ['delivered', 'delivered']);
    assert.ok(d.body.history.some((h: { action: string }) => h.action === 'quarantine.release'));

    // The metadata-only status the console polls after a release: no content read, so nothing audited.
    const views = audit('message.view', m.quarantineId!).length;
    const status = await analyst.get(`/api/messages/${m.spoolId}/deliveries`);
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'released');
    assert.equal(status.body.statusBy, 'user:analyst');
    assert.deepEqual(
      status.body.releaseDelivery.deliveries.map((x: { recipient: string; state: string }) => [x.recipient, x.state]).sort(),
      [
        [DOCTOR, 'delivered'],
        [NURSE, 'delivered'],
      ],
    );
    assert.equal(audit('message.view', m.quarantineId!).length, views);

    // Releasing again sends nothing more.
    const again = await analyst.post(`/api/messages/${m.spoolId}/release`);
    assert.equal(again.status, 200);
    assert.match(again.body.message, /already released/);
    await f.drain();
    assert.equal(f.maildir(NURSE).length, 1);
    // A delivered message has nothing to release.
    const ok = await f.send(testMail({ subject: 'Rota for December', to: NURSE }));
    const nothing = await analyst.post(`/api/messages/${ok.spoolId}/release`);
    assert.equal(nothing.status, 409);
    assert.match(nothing.body.error, /not quarantined/);
  });

  it('deletes a quarantined message’s content for good; the record and the trail stay', async () => {
    const m = await f.send(testMail({ subject: 'Gift cards [quarantine]', from: 'CEO <ceo@ceo-mail.example>', to: NURSE }));
    const r = await analyst.post(`/api/messages/${m.quarantineId}/delete`);
    assert.equal(r.status, 200, r.text);
    const entry = audit('quarantine.delete', m.quarantineId!)[0]!;
    assert.equal(entry.actor, 'user:analyst');
    assert.equal(entry.detail?.ip, '127.0.0.1');
    const content = await analyst.get(`/api/messages/${m.spoolId}/content`);
    assert.equal(content.status, 410);
    const detail = await analyst.get(`/api/messages/${m.spoolId}`);
    assert.equal(detail.body.quarantine.status, 'deleted');
    assert.equal(detail.body.quarantine.contentStored, false);
    assert.equal((await analyst.post(`/api/messages/${m.spoolId}/release`)).status, 409);
  });

  it('confirms phishing and marks false positives: recorded, reported to the sender profiles, kept as labelled training samples', async () => {
    const { profiles, feedback } = f.gateway.console!.context;
    const phish = await f.send(testMail({ subject: 'Verify SSN [hold]', from: 'HR <hr@payroll-evil.example>', to: NURSE }));
    const fp = await f.send(testMail({ subject: 'Pharmacy order [quarantine]', from: 'Pharmacy <orders@pharma-partner.example>', to: DOCTOR }));
    const missed = await f.send(testMail({ subject: 'Delivered lure', from: 'Lure <lure@evil-lure.example>', to: NURSE }));

    const a = await analyst.post(`/api/messages/${phish.spoolId}/feedback`, { kind: 'phish', note: 'asks for SSN' });
    assert.equal(a.status, 200, a.text);
    assert.match(a.body.message, /confirmed as phishing/);
    assert.match(a.body.message, /kept as a labelled sample/);
    const b = await analyst.post(`/api/messages/${fp.spoolId}/feedback`, { kind: 'not-phish' });
    assert.match(b.body.message, /false positive/);
    const c = await analyst.post(`/api/messages/${missed.spoolId}/feedback`, { kind: 'phish' });
    assert.equal(c.status, 200);
    assert.match(c.body.message, /no retraining sample/);

    // Learning, part one: the analyzers' sender profiles now carry the reports.
    assert.equal(profiles.lookup('hr@payroll-evil.example').reports?.phish, 1);
    assert.equal(profiles.lookup('orders@pharma-partner.example').reports?.notPhish, 1);
    assert.equal(profiles.lookup('lure@evil-lure.example').reports?.phish, 1);
    // Part two: held messages become labelled samples for `medshield feedback export` → `medshield train`.
    const samples = [...feedback.samples()];
    const byId = new Map(samples.map((s) => [s.spoolId, s]));
    assert.equal(byId.get(phish.spoolId!)?.label, 'phish');
    assert.equal(byId.get(fp.spoolId!)?.label, 'ham');
    assert.match(byId.get(fp.spoolId!)!.raw.toString(), /Subject: Pharmacy order/);
    assert.equal(byId.has(missed.spoolId!), false, 'delivered mail is not kept');
    // Stored encrypted, like the quarantine.
    const stored = f.gateway.db.prepare('SELECT raw FROM console_training_samples WHERE spool_id = ?').pluck().get(fp.spoolId) as Buffer;
    assert.ok(!stored.includes(Buffer.from('Pharmacy order')));

    // Every override is audited, and copying the content for the sample is an audited read.
    const fb = audit('message.feedback').filter((e) => e.actor === 'user:analyst');
    assert.ok(fb.some((e) => e.target === phish.quarantineId && e.detail?.kind === 'phish' && e.detail?.verdict === 'hold' && e.detail?.ip === '127.0.0.1'));
    assert.ok(fb.some((e) => e.target === fp.quarantineId && e.detail?.kind === 'not-phish' && e.detail?.trainingSample === true));
    assert.ok(audit('quarantine.read', phish.quarantineId!).some((e) => e.detail?.purpose === 'training-sample'));

    // The list shows the latest label; the dashboard leaves false positives out of the exposure.
    const list = await analyst.get(`/api/messages?from=pharma-partner.example`);
    assert.equal(list.body.items[0].feedback, 'not-phish');
    const dash = await analyst.get('/api/dashboard?range=24h');
    assert.ok(dash.body.totals.markedFalsePositive >= 1);
  });

  it('applies a bulk action to each message on its own, reporting each result', async () => {
    const one = await f.send(testMail({ subject: 'Bulk one [quarantine]', from: 'x@bulk-evil.example', to: NURSE }));
    const two = await f.send(testMail({ subject: 'Bulk two [quarantine]', from: 'x@bulk-evil.example', to: NURSE }));
    const clean = await f.send(testMail({ subject: 'Bulk clean', from: 'x@bulk-evil.example', to: NURSE }));
    const r = await analyst.post('/api/messages/bulk', { ids: [one.spoolId, two.quarantineId, clean.spoolId, 'ffffff-missing'], action: 'delete' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.succeeded, 2);
    assert.equal(r.body.failed, 2);
    assert.deepEqual(
      r.body.results.map((x: { ok: boolean }) => x.ok),
      [true, true, false, false],
    );
    assert.match(r.body.results[2].message, /not quarantined/);
    assert.match(r.body.results[3].message, /no message/);
    assert.equal(audit('quarantine.delete', one.quarantineId!).length, 1);
    assert.equal(audit('quarantine.delete', two.quarantineId!).length, 1);
    const bad = await analyst.post('/api/messages/bulk', { ids: [], action: 'delete' });
    assert.equal(bad.status, 400);
    const wrongAction = await analyst.post('/api/messages/bulk', { ids: [one.spoolId], action: 'shred' });
    assert.equal(wrongAction.status, 400);
    assert.match(wrongAction.body.details.join(' '), /action/);
  });
});

describe('the audit log: filters, export as CSV and JSON, hash chain', () => {
  let f: ConsoleFixture;
  let auditor: ApiClient;

  before(async () => {
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
    const m = await f.send(testMail({ subject: 'Audited [quarantine]', from: 'x@evil.example', to: NURSE }));
    const analyst = new ApiClient(f.baseUrl);
    await analyst.login('analyst', f.users.analyst.password);
    await analyst.get(`/api/messages/${m.spoolId}/content`);
    await analyst.post(`/api/messages/${m.spoolId}/feedback`, { kind: 'phish', note: '=HYPERLINK("http://x")' });
    await new ApiClient(f.baseUrl).login('analyst', 'wrong-password-x');
    auditor = new ApiClient(f.baseUrl);
    await auditor.login('auditor', f.users.auditor.password);
  });
  after(async () => {
    await f.stop();
  });

  it('filters by actor, action (or module prefix), target and time, newest first', async () => {
    const byActor = await auditor.get('/api/audit?actor=analyst');
    assert.equal(byActor.status, 200);
    assert.ok(byActor.body.items.length >= 3);
    assert.ok(byActor.body.items.every((e: { actor: string }) => e.actor.includes('analyst')));
    const ids = byActor.body.items.map((e: { id: number }) => e.id);
    assert.deepEqual(ids, [...ids].sort((a: number, b: number) => b - a));
    const failed = await auditor.get('/api/audit?action=auth.login-failed');
    assert.equal(failed.body.items.length, 1);
    assert.equal(failed.body.items[0].target, 'user:analyst');
    assert.equal(failed.body.items[0].ip, '127.0.0.1');
    const prefix = await auditor.get('/api/audit?action=quarantine.');
    assert.ok(prefix.body.items.length >= 2);
    assert.ok(prefix.body.items.every((e: { action: string }) => e.action.startsWith('quarantine.')));
    assert.ok(prefix.body.actions.includes('auth.login'));
    const future = await auditor.get(`/api/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    assert.equal(future.body.items.length, 0);
    const page = await auditor.get(`/api/audit?limit=2&beforeId=${ids[0]}`);
    assert.ok(page.body.items.every((e: { id: number }) => e.id < ids[0]));
    assert.equal(page.body.items.length, 2);
    assert.equal((await auditor.get('/api/audit?since=yesterday')).status, 400);
  });

  it('exports the filtered log as CSV (formula-safe) and JSON, and records the export', async () => {
    const csv = await auditor.get('/api/audit/export?format=csv&actor=analyst');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /attachment; filename="medshield-audit-.*\.csv"/);
    const lines = csv.text.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,at,actor,action,target,ip,detail,hash');
    assert.ok(lines.slice(1).every((l) => /^\d+,\d{4}-/.test(l)));
    assert.ok(lines.some((l) => l.includes(',message.feedback,')));
    // A spreadsheet must not run a note as a formula: the JSON cell starts with '{', the note sits inside it.
    assert.ok(!lines.some((l) => /,=HYPERLINK/.test(l)));
    const json = await auditor.get('/api/audit/export?format=json&action=message.feedback');
    assert.equal(json.status, 200);
    const rows = JSON.parse(json.text);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].actor, 'user:analyst');
    assert.equal(rows[0].detail.kind, 'phish');
    assert.equal(rows[0].ip, '127.0.0.1');
    const exports = f.gateway.console!.context.audit.list({ action: 'audit.export', limit: 10 });
    assert.equal(exports.length, 2);
    assert.equal(exports[0]!.actor, 'user:auditor');
  });

  it('verifies the hash chain', async () => {
    const r = await auditor.get('/api/audit/verify');
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true);
    assert.ok(r.body.checked > 5);
  });
});
