import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testMail } from '../gateway/testing/harness.ts';
import { ApiClient } from './testing/api-client.ts';
import { hostileHtmlMessage, startConsoleFixture, type ConsoleFixture, type SentMessage } from './testing/console-fixture.ts';

const NURSE = 'nurse.kim@stmarys-health.org';
const DOCTOR = 'dr.reyes@stmarys-health.org';

/** Reads server-sent events until `stop` says so; returns the events seen. */
async function readEvents(res: Response, stop: (events: { event: string; id: string; data: string }[]) => boolean): Promise<{ event: string; id: string; data: string }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; id: string; data: string }[] = [];
  let buffer = '';
  while (!stop(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      if (field('event')) events.push({ event: field('event'), id: field('id'), data: field('data') });
    }
  }
  await reader.cancel();
  return events;
}

describe('messages, detail, content and the dashboard', () => {
  let f: ConsoleFixture;
  let sent: Record<'delivered' | 'tagged' | 'quarantined' | 'held' | 'rejected' | 'hostile', SentMessage>;
  const admin = () => client('admin');
  const client = async (role: 'admin' | 'analyst' | 'auditor' | 'viewer') => {
    const c = new ApiClient(f.baseUrl);
    assert.equal((await c.login(f.users[role].username, f.users[role].password)).status, 200);
    return c;
  };

  before(async () => {
    // Sender verification would hold the scripted "[tag]" message (it asks for PHI); these tests are about the console's view of verdicts.
    f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null, config: { verify: { enabled: false } } });
    sent = {
      delivered: await f.send(testMail({ subject: 'Lab results ready', from: 'Lab <results@lakeside-lab.example>', to: NURSE })),
      tagged: await f.send(testMail({ subject: 'Quarterly newsletter [tag]', from: 'News <news@vendor.example>', to: DOCTOR })),
      quarantined: await f.send(testMail({ subject: 'Refund pending [quarantine]', from: 'Refunds <refunds@evil.example>', to: `${NURSE}, ${DOCTOR}` })),
      held: await f.send(testMail({ subject: 'Your SSN please [hold]', from: 'HR <hr@payroll-evil.example>', to: NURSE })),
      rejected: await f.send(testMail({ subject: 'Invoice [reject]', from: 'Billing <billing@evil.example>', to: DOCTOR })),
      hostile: await f.send(hostileHtmlMessage('http://127.0.0.1:9', { subject: 'Password expires [quarantine]' })),
    };
    await f.drain();
  });
  after(async () => {
    await f.stop();
  });

  it('lists every scanned message, delivered and rejected too, newest first, with its verdict', async () => {
    const c = await client('analyst');
    const r = await c.get('/api/messages');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 6);
    const byId = new Map(r.body.items.map((m: { id: string }) => [m.id, m]));
    const pick = (k: keyof typeof sent) => byId.get(sent[k].spoolId!) as Record<string, unknown>;
    assert.equal(pick('delivered').disposition, 'delivered');
    assert.equal(pick('delivered').action, 'deliver');
    assert.equal(pick('tagged').action, 'tag');
    assert.equal(pick('quarantined').disposition, 'quarantined');
    assert.equal(pick('quarantined').status, 'held');
    assert.deepEqual(pick('quarantined').recipients, [NURSE, DOCTOR]);
    assert.equal(pick('held').action, 'hold');
    assert.equal(pick('rejected').disposition, 'rejected');
    assert.equal(pick('rejected').subject, 'Invoice [reject]');
    assert.deepEqual(
      r.body.items.map((m: { id: string }) => m.id),
      [...r.body.items].sort((a: { receivedAt: string; id: string }, b: { receivedAt: string; id: string }) => b.receivedAt.localeCompare(a.receivedAt) || a.id.localeCompare(b.id)).map((m: { id: string }) => m.id),
    );
    assert.equal(r.body.contentVisible, true);
  });

  it('filters by sender, recipient, subject, verdict, signal, status and date', async () => {
    const c = await client('analyst');
    const ids = async (q: string) => ((await c.get(`/api/messages?${q}`)).body.items as { id: string }[]).map((m) => m.id).sort();
    assert.deepEqual(await ids('from=evil.example'), [sent.quarantined, sent.held, sent.rejected].map((m) => m.spoolId).sort());
    assert.deepEqual(await ids(`recipient=${DOCTOR}&verdict=quarantine`), [sent.quarantined, sent.hostile].map((m) => m.spoolId).sort());
    assert.deepEqual(await ids('subject=newsletter'), [sent.tagged.spoolId]);
    assert.deepEqual(await ids('verdict=hold,reject'), [sent.held, sent.rejected].map((m) => m.spoolId).sort());
    assert.deepEqual(await ids('signal=PHI_SOLICITATION'), [sent.tagged, sent.held].map((m) => m.spoolId).sort());
    assert.deepEqual(await ids('status=held&disposition=quarantined'), [sent.quarantined, sent.held, sent.hostile].map((m) => m.spoolId).sort());
    assert.deepEqual(await ids(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
    assert.equal((await ids(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length, 6);
    assert.deepEqual(await ids('q=payroll-evil'), [sent.held.spoolId]);
    const bad = await c.get('/api/messages?verdict=maybe');
    assert.equal(bad.status, 400);
    assert.match(bad.body.details.join(' '), /verdict/);
    // A subject search reads content: it is audited.
    const audit = f.gateway.console!.context.audit.list({ action: 'messages.search', limit: 50 });
    assert.ok(audit.some((e) => e.actor === 'user:analyst' && (e.detail?.filter as { subject?: string }).subject === 'newsletter'));
  });

  it('shows a viewer counts and metadata, never subjects, evidence or content', async () => {
    const v = await client('viewer');
    const list = await v.get('/api/messages');
    assert.equal(list.body.total, 6);
    assert.equal(list.body.contentVisible, false);
    for (const m of list.body.items) {
      assert.equal(m.subject, undefined);
      assert.equal(m.fromName, undefined);
    }
    assert.ok(!list.text.includes('Refund pending'), 'no subject anywhere in the answer');
    assert.equal((await v.get('/api/messages?subject=Refund')).status, 403);
    const detail = await v.get(`/api/messages/${sent.quarantined.spoolId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.contentVisible, false);
    assert.ok(detail.body.signals.length > 0);
    for (const s of detail.body.signals) assert.equal(s.evidence, undefined);
    assert.deepEqual(detail.body.history, []);
    assert.ok(!detail.text.includes('Refund pending') && !detail.text.includes('call this number'));
    assert.equal((await v.get(`/api/messages/${sent.quarantined.spoolId}/content`)).status, 403);
    const dash = await v.get('/api/dashboard?range=24h');
    assert.equal(dash.status, 200);
    assert.ok(!dash.text.includes('Refund pending'));
  });

  it('explains a verdict: envelope, authentication, every signal in plain words with its evidence, quarantine state', async () => {
    const c = await client('auditor');
    const r = await c.get(`/api/messages/${sent.quarantined.spoolId}`);
    assert.equal(r.status, 200);
    const d = r.body;
    assert.equal(d.message.subject, 'Refund pending [quarantine]');
    assert.equal(d.envelope.mailFrom, 'refunds@evil.example');
    assert.equal(d.envelope.clientIp, '127.0.0.1');
    assert.match(d.auth.header, /spf=none/);
    const lure = d.signals.find((s: { id: string }) => s.id === 'CALLBACK_LURE');
    assert.equal(lure.evidence, 'call this number');
    assert.equal(lure.analyzer, 'content-intent');
    assert.ok(lure.description.length > 20, 'the signal’s meaning in plain words');
    assert.equal(d.quarantine.status, 'held');
    assert.equal(d.quarantine.contentStored, true);
    assert.equal(d.contentVisible, true);
    // Opening it is a content read: recorded with who and from where.
    const seen = f.gateway.console!.context.audit.list({ action: 'message.view', target: sent.quarantined.quarantineId!, limit: 10 });
    assert.ok(seen.some((e) => e.actor === 'user:auditor' && e.detail?.ip === '127.0.0.1'));
    const missing = await c.get('/api/messages/zzzzzz-nope');
    assert.equal(missing.status, 404);
  });

  it('gives the content of held mail only, sanitized, and audits the read with its purpose', async () => {
    const c = await client('analyst');
    const r = await c.get(`/api/messages/${sent.hostile.spoolId}/content`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.preview.kind, 'html');
    assert.doesNotMatch(r.body.preview.document, /<script|onload=|onerror=|<form|<iframe|<meta http-equiv="refresh"|<base/i);
    assert.ok(r.body.preview.remoteImagesBlocked >= 1);
    assert.ok(r.body.headers.some((h: { name: string; value: string }) => h.name === 'subject' && h.value.includes('Password expires')));
    assert.ok(r.body.links.some((l: { href: string }) => l.href.startsWith('javascript:')));
    const reads = f.gateway.console!.context.audit.list({ action: 'quarantine.read', target: sent.hostile.quarantineId!, limit: 10 });
    assert.ok(reads.some((e) => e.actor === 'user:analyst' && e.detail?.purpose === 'content' && e.detail?.ip === '127.0.0.1' && e.detail?.via === 'console'));
    const delivered = await c.get(`/api/messages/${sent.delivered.spoolId}/content`);
    assert.equal(delivered.status, 404);
    assert.match(delivered.body.error, /delivered/);
  });

  it('serves the preview document with a CSP that forbids scripts, forms and remote loads, and sandboxes it', async () => {
    const c = await client('analyst');
    const r = await c.get(`/api/messages/${sent.hostile.spoolId}/preview`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^text\/html/);
    const csp = r.headers.get('content-security-policy')!;
    for (const part of ["default-src 'none'", 'img-src data:', "form-action 'none'", "base-uri 'none'", "frame-ancestors 'self'", 'sandbox']) assert.ok(csp.includes(part), `${part} in ${csp}`);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(r.text, /<script|onerror=|onload=/i);
    assert.ok(f.gateway.console!.context.audit.list({ action: 'quarantine.read', target: sent.hostile.quarantineId!, limit: 20 }).some((e) => e.detail?.purpose === 'preview'));
  });

  it('lets only an admin download the raw message, and audits the download', async () => {
    assert.equal((await (await client('analyst')).get(`/api/messages/${sent.held.spoolId}/raw`)).status, 403);
    const a = await admin();
    const r = await a.get(`/api/messages/${sent.held.spoolId}/raw`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'message/rfc822');
    assert.match(r.headers.get('content-disposition')!, /attachment; filename="medshield-[0-9a-f]{16}\.eml"/);
    assert.match(r.text, /Subject: Your SSN please \[hold\]/);
    assert.ok(f.gateway.console!.context.audit.list({ action: 'quarantine.read', target: sent.held.quarantineId!, limit: 10 }).some((e) => e.actor === 'user:admin' && e.detail?.purpose === 'download'));
  });

  it('streams each verdict to the live feed as a server-sent event, without content', async () => {
    const c = await client('viewer');
    const res = await fetch(`${f.baseUrl}/api/feed`, { headers: { cookie: c.cookie! } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    // Sent while the stream is open; a unique sender tells its event from the replayed recent ones.
    const sending = f.send(testMail({ subject: 'Live one [quarantine]', from: 'Live <live-feed@evil.example>', to: NURSE }));
    const events = await readEvents(res, (evs) => evs.some((x) => JSON.parse(x.data).from === 'live-feed@evil.example'));
    const live = await sending;
    const e = events.find((x) => JSON.parse(x.data).from === 'live-feed@evil.example')!;
    assert.equal(e.id, live.spoolId);
    assert.equal(e.event, 'verdict');
    const data = JSON.parse(e.data);
    assert.equal(data.action, 'quarantine');
    assert.equal(data.from, 'live-feed@evil.example');
    assert.deepEqual(data.signals, ['CALLBACK_LURE']);
    assert.equal(data.quarantineId, live.quarantineId);
    assert.equal(data.subject, undefined);
  });

  it('sums up volume, verdicts, top signals, the quarantine and the exposure avoided with its assumptions', async () => {
    const c = await client('viewer');
    const r = await c.get('/api/dashboard?range=24h');
    assert.equal(r.status, 200);
    const d = r.body;
    assert.equal(d.range.bucket, 'hour');
    // Hour buckets from the one the range starts in: 24 whole hours span 25 buckets unless it starts on the hour.
    assert.ok(d.series.length === 24 || d.series.length === 25, `${d.series.length} buckets`);
    const sum = (k: string) => d.series.reduce((n: number, p: Record<string, number>) => n + p[k]!, 0);
    assert.equal(sum('deliver'), 1);
    assert.equal(sum('tag'), 1);
    assert.ok(sum('quarantine') >= 2);
    assert.equal(sum('hold'), 1);
    assert.equal(sum('reject'), 1);
    assert.equal(d.totals.messages, sum('deliver') + sum('tag') + sum('quarantine') + sum('hold') + sum('reject'));
    assert.ok(d.topSignals.some((s: { id: string; description: string }) => s.id === 'CALLBACK_LURE' && s.description));
    assert.ok(d.quarantine.held >= 3);
    const e = d.exposure;
    assert.deepEqual(e.assumptions, { recordsPerRecipient: 1000, costPerRecordLow: 300, costPerRecordHigh: 400, spamOnlySignals: e.assumptions.spamOnlySignals });
    // Caught attacks × their recipients × records per mailbox × cost per record.
    assert.equal(e.recordsAtRisk, e.recipients * 1000);
    assert.equal(e.dollarsLow, e.recordsAtRisk * 300);
    assert.equal(e.dollarsHigh, e.recordsAtRisk * 400);
    assert.ok(e.recipients >= 4, `quarantined (2 recipients), held, rejected, hostile: ${e.recipients}`);
  });
});
