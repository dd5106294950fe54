import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { AuditLog } from '../audit/audit-log.ts';
import { validateConfig } from '../config/load.ts';
import { silentLogger } from '../gateway/log.ts';
import type { OutboundMessage } from '../gateway/outbound-queue.ts';
import { openDatabase } from '../store/database.ts';
import { recogniseSimulationReport } from './report-hook.ts';
import { registerSimulationService, SimulationService } from './service.ts';

const DIRECTORY = fileURLToPath(new URL('../../fixtures/demo-org/directory.yaml', import.meta.url));
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const NAV = 'text/html,application/xhtml+xml';
const MIN = 60_000;

/** The service over an in-memory store with a stand-in gateway that accepts and delivers everything at once. */
function setup() {
  const db = openDatabase(':memory:');
  const config = validateConfig({ org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'] }, directory: { file: DIRECTORY }, simulations: { baseUrl: 'https://portal-check.stmarys-health.org' } });
  let clock = Date.UTC(2026, 4, 5, 14, 0);
  const submitted: { raw: Buffer; rcptTo: string[] }[] = [];
  const queued: OutboundMessage[] = [];
  const s = new SimulationService({ db, key: Buffer.alloc(32, 5), config: () => config, audit: new AuditLog(db), logger: silentLogger, now: () => clock });
  s.attachGateway({
    submit: async (m) => {
      submitted.push(m);
      return { code: 250, message: `2.0.0 Queued as spool-${submitted.length}`, spoolId: `spool-${submitted.length}` };
    },
    deliveryOf: () => 'delivered',
    enqueue: (m) => {
      queued.push(m);
      return `q${queued.length}`;
    },
    kick: () => {},
  });
  return { db, s, submitted, queued, advance: (ms: number) => (clock += ms), now: () => clock };
}

async function launched(t: ReturnType<typeof setup>, template = 'zocdoc-appointment', audience: Record<string, unknown> = { emails: ['jose.nunez@stmarys-health.org', 'priya.raman@stmarys-health.org'] }) {
  const c = t.s.createCampaign({ name: 'test', template, audience, window: { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '00:00', end: '23:59' } }, 'test');
  t.s.launch(c.id, 'test');
  await t.s.tick();
  t.advance(1000);
  await t.s.tick();
  return t.s.campaigns.targets(c.id);
}

describe('simulation service', () => {
  it('sends through the gateway link with a signed header and per-recipient links; a second send of a draft is refused', async () => {
    const t = setup();
    const targets = await launched(t);
    assert.equal(t.submitted.length, 2);
    for (const m of t.submitted) {
      assert.match(m.raw.toString('latin1'), /^X-Medshield-Simulation-Auth: v=1; t=\d+; ts=\d+; n=[\w-]+; s=[\w-]+\r\n/);
      const parsed = await simpleParser(m.raw);
      assert.match(String(parsed.html), /https:\/\/portal-check\.stmarys-health\.org\/sim\/c\/[\w-]{30}/);
    }
    assert.ok(targets.every((x) => x.state === 'sent' && x.deliveredAt !== null && x.messageId));
    assert.throws(() => t.s.launch(targets[0]!.campaignId, 'test'), /not a draft/);
    assert.throws(() => t.s.createCampaign({ name: 'x', template: 'zocdoc-appointment', audience: { emails: ['not-staff@stmarys-health.org'] } }, 'test') && t.s.launch(t.s.campaigns.list()[0]!.id, 'test'), /not staff/);
  });

  it('renaming a draft keeps its audience (a missing field is no change, never "all staff")', () => {
    const t = setup();
    const c = t.s.createCampaign({ name: 'draft', template: 'zocdoc-appointment', audience: { emails: ['not-staff@stmarys-health.org'] } }, 'test');
    const renamed = t.s.updateCampaign(c.id, { name: 'renamed' }, 'test');
    assert.equal(renamed.name, 'renamed');
    assert.deepEqual(renamed.audience, c.audience);
    assert.throws(() => t.s.launch(c.id, 'test'), /not staff/);
  });

  it('lets the gateway bypass a genuine header once, and never a replay or a forgery', async () => {
    const t = setup();
    await launched(t);
    const raw = t.submitted[0]!.raw;
    const own = { spoolId: 'spool-a', rcptTo: t.submitted[0]!.rcptTo, origin: 'submission' as const };
    assert.equal(t.s.gate.bypass(raw, own)?.action, 'deliver');
    assert.equal(t.s.gate.bypass(raw, own)?.action, 'deliver', 'the same message again after a restart keeps its bypass');
    assert.equal(t.s.gate.bypass(raw, { ...own, spoolId: 'spool-b' }), null, 'replayed');
    const forged = Buffer.from(raw.toString('latin1').replace(/; s=[\w-]+/, `; s=${Buffer.alloc(32, 9).toString('base64url')}`), 'latin1');
    assert.equal(t.s.gate.bypass(forged, { ...own, spoolId: 'spool-c' }), null, 'forged');
    assert.deepEqual(t.s.gate.refusals(), { replayed: 1, 'bad-signature': 1 });
    assert.deepEqual(t.s.gate.granted().map((g) => g.spoolId), ['spool-a']);
    t.advance(2 * 3600_000);
    const later = t.submitted[1]!.raw;
    assert.equal(t.s.gate.bypass(later, { spoolId: 'spool-d', rcptTo: t.submitted[1]!.rcptTo, origin: 'submission' }), null, 'expired');
    assert.equal(t.s.gate.bypass(raw, { ...own, spoolId: 'spool-e', rcptTo: t.submitted[1]!.rcptTo }), null, 'another recipient');
  });

  it('records a person’s click and enrols them; a scanner’s changes nothing; the JIT page links the training', async () => {
    const t = setup();
    const [a, b] = await launched(t);
    const link = (id: number) => t.s.linkUrl(id, 1).split('/sim/c/')[1]!;
    const req = { method: 'GET', userAgent: CHROME, ip: '10.0.0.5', accept: NAV };
    assert.equal(t.s.track({ ...req, token: link(a!.id), kind: 'click', method: 'HEAD' }).found && t.s.results(a!.campaignId).scanners.requests, 1);
    t.advance(5 * MIN);
    const page = t.s.track({ ...req, token: link(a!.id), kind: 'click' });
    assert.ok(page.found && page.verdict === 'unconfirmed');
    t.advance(20_000);
    const step = t.s.track({ ...req, method: 'POST', token: link(a!.id), kind: 'step' });
    assert.ok(step.found && step.verdict === 'human');
    assert.deepEqual(step.newEvents, ['opened', 'clicked']);
    const jit = t.s.jitHtml(step, false);
    assert.match(jit, /https:\/\/portal-check\.stmarys-health\.org\/learn\/[\w-]{30}\/m\/clinician-impersonation/);
    assert.match(jit, /Zocdoc/);
    const assignments = t.s.training.listAssignments({}).items;
    assert.deepEqual(assignments.map((x) => [x.email, x.module, x.reason]), [[a!.email, 'clinician-impersonation', 'simulation']]);
    // The same person again: no second event, no second assignment.
    t.advance(MIN);
    const again = t.s.track({ ...req, method: 'POST', token: link(a!.id), kind: 'step' });
    assert.ok(again.found && again.newEvents.length === 0);
    assert.equal(t.s.training.listAssignments({}).total, 1);
    assert.equal(t.s.track({ ...req, token: link(b!.id).slice(0, -1) + 'A', kind: 'click' }).found, false, 'a damaged token');
    assert.equal(t.s.track({ ...req, token: t.s.pixelUrl(b!.id).split('/sim/o/')[1]!, kind: 'click' }).found, false, 'a pixel token is no link');
  });

  it('credits reports of a simulation (by Message-ID, or by a link in an inline forward) and catches replies', async () => {
    const t = setup();
    registerSimulationService(t.db, t.s);
    const [a, b] = await launched(t);
    const original = t.submitted.find((m) => m.rcptTo[0] === a!.email)!.raw;
    assert.equal(recogniseSimulationReport(t.db, original, a!.email, 7), `campaign-${a!.campaignId}`);
    const inline = Buffer.from(`From: ${b!.email}\r\nSubject: FW: appointment\r\nMessage-ID: <fw1@stmarys-health.org>\r\n\r\nIs this real?\r\n> View appointment: ${t.s.linkUrl(b!.id, 1)}\r\n`);
    assert.equal(recogniseSimulationReport(t.db, inline, b!.email, 8), `campaign-${b!.campaignId}`);
    assert.equal(recogniseSimulationReport(t.db, Buffer.from('From: x@y.example\r\nMessage-ID: <real@phish.example>\r\n\r\nhttps://evil.example/\r\n'), a!.email), null);
    const r = t.s.results(a!.campaignId);
    assert.equal(r.people.reported, 2);

    const reply = {
      raw: Buffer.from(`From: ${a!.email}\r\nTo: appointments@sim.stmarys-health.org\r\nIn-Reply-To: ${a!.messageId}\r\nSubject: Re: Your Appointment is Ready!\r\n\r\nMy DOB is 1/2/1970\r\n`),
      clientIp: '10.0.0.9',
      helo: 'pc',
      mailFrom: a!.email,
      rcptTo: ['appointments@sim.stmarys-health.org', 'colleague@stmarys-health.org'],
      tls: true,
      listener: 'submission' as const,
    };
    assert.deepEqual(t.s.gate.takeReplies(reply, new Date()), { remaining: ['colleague@stmarys-health.org'], replies: 1 });
    const auto = { ...reply, raw: Buffer.from(`From: ${b!.email}\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway\r\n`), mailFrom: b!.email, rcptTo: ['appointments@sim.stmarys-health.org'] };
    assert.deepEqual(t.s.gate.takeReplies(auto, new Date()), { remaining: [], replies: 1 });
    assert.equal(t.s.gate.takeReplies({ ...reply, rcptTo: ['someone@lakesidecardio.com'] }, new Date()), null);
    assert.equal(t.s.results(a!.campaignId).people.replied, 1, 'an out-of-office is no reply');
  });

  it('mails assignments and reminders, exports CSV safe for spreadsheets, and merges the roster', async () => {
    const t = setup();
    const tr = t.s.training;
    tr.assign({ email: 'jose.nunez@stmarys-health.org', module: 'callback-scams', by: 'test' });
    assert.throws(() => tr.assign({ email: 'jose.nunez@stmarys-health.org', module: 'no-such', by: 'test' }), /no training module/);
    assert.deepEqual(await tr.tick(), { notices: 1, reminders: 0 });
    assert.deepEqual(await tr.tick(), { notices: 0, reminders: 0 });
    const notice = await simpleParser(t.queued[0]!.raw);
    assert.equal(notice.subject, 'Security training assigned: Callback scams');
    assert.match(notice.text ?? '', /https:\/\/portal-check\.stmarys-health\.org\/learn\/[\w-]{30}\/m\/callback-scams/);
    t.advance(11 * 86_400_000 + 1);
    assert.deepEqual(await tr.tick(), { notices: 0, reminders: 1 });
    t.advance(10 * 86_400_000);
    assert.deepEqual(await tr.tick(), { notices: 0, reminders: 1 });
    assert.match((await simpleParser(t.queued[2]!.raw)).subject ?? '', /^Overdue/);

    tr.staff.importRoster('email,name,department,role,site,phi_access\n=HYPERLINK("http://x"),x,x,x,x,none\n'.replace('=HYPERLINK("http://x")', 'bob@stmarys-health.org') + 'carol@stmarys-health.org,"=cmd|\' /C calc\'!A0",Billing,billing,North,\n');
    const carol = tr.person('carol@stmarys-health.org')!;
    assert.equal(carol.department, 'Billing');
    assert.equal(carol.phiAccess, 'full', 'billing has full PHI access by the default role table');
    assert.equal(tr.person('jose.nunez@stmarys-health.org')!.role, 'physician', 'directory people keep what the directory says');
    const csv = tr.csv('people');
    assert.match(csv, /'=cmd/, 'a formula is neutralised');
    assert.doesNotMatch(csv, /(^|,)=cmd/m);
    const overdue = tr.person('jose.nunez@stmarys-health.org')!;
    assert.equal(overdue.overdue, 1);
    assert.ok(overdue.risk.parts.some((p) => /overdue/.test(p.label)));
    assert.ok(tr.departments().some((d) => d.department === 'Billing' && d.people === 1));
    const learner = tr.resolveLearner(tr.learnerToken('jose.nunez@stmarys-health.org'));
    assert.ok(!('error' in learner) && learner.email === 'jose.nunez@stmarys-health.org');
    t.advance(61 * 86_400_000);
    const old = tr.learnerToken('jose.nunez@stmarys-health.org');
    t.advance(61 * 86_400_000);
    assert.deepEqual(tr.resolveLearner(old), { error: 'The link has expired.' });
  });
});
