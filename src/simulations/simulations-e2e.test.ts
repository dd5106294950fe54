import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { validateConfig } from '../config/load.ts';
import type { Disposition } from '../gateway/gateway.ts';
import { silentLogger } from '../gateway/log.ts';
import { hashPassword } from '../gateway/passwords.ts';
import { sendMessage } from '../gateway/send-client.ts';
import { startGateway, type RunningGateway } from '../gateway/server.ts';
import { imapClient } from '../respond/pullback/imap-admin.ts';
import { dovecotImapServer, startDovecot, type RunningDovecot } from '../respond/testing/dovecot.ts';
import { settleGateway } from '../respond/testing/settle.ts';
import { forwardAsAttachment } from '../respond/testing/medstealer.ts';
import { BYPASS_HEADER } from './bypass-header.ts';
import type { SimulationService } from './service.ts';

/**
 * The acceptance test of phishing simulations: a campaign to 20 directory staff, sent through
 * the gateway's submission path (throttled, in its sending window) into a real Dovecot over
 * LMTP; scanners and people then use the links over HTTP; people report (through the respond
 * module's pipeline) and reply; the figures must count exactly what the people did. Then the
 * clickers' training, a quiz that lowers a risk score, and a forged and a replayed bypass header.
 *
 * The simulation module runs on a test clock (the gateway, Dovecot and HTTP on real time), so
 * "a scanner seconds after delivery" and "a person minutes later" are exact, never slept for.
 */

const ORG = 'stmarys-health.org';
const DIRECTORY = fileURLToPath(new URL('../../fixtures/demo-org/directory.yaml', import.meta.url));
const REPORT_ADDRESS = `report-phish@${ORG}`;
const REPORT_MAILBOX = `phishing-reports@${ORG}`;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0';
const NAV = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)';
const SECRET_PASSWORD = 'Hunter2-Secret!-7731';
const SECRET_LOGIN = 'hospital-login-4471';
/** Tuesday 5 May 2026, 10:00 in Boston: inside the campaign's window. */
const START = Date.UTC(2026, 4, 5, 14, 0);
const EXCLUDED = ['william.thornbury@stmarys-health.org', 'siobhan.oconnor@stmarys-health.org', 'rafael.dominguez@stmarys-health.org'];
const MIN = 60_000;

describe('phishing simulations, end to end (gateway submission path → real Dovecot; landing pages over HTTP)', () => {
  let dovecot: RunningDovecot;
  let gw: RunningGateway;
  let sim: SimulationService;
  let dataDir: string;
  let clock = START;
  let base = '';
  let targets: string[] = [];
  const dispositions: Disposition[] = [];
  const passwords = new Map<string, string>();
  const links = new Map<string, { click: string; pixel: string; messageId: string }>();

  const server = () => dovecotImapServer(dovecot);

  const drain = () => settleGateway(gw);

  async function inbox(owner: string): Promise<{ subject: string; source: Buffer }[]> {
    const client = imapClient(server(), owner, dovecot.password(owner));
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        return (await client.fetchAll('1:*', { envelope: true, source: true })).map((m) => ({ subject: m.envelope?.subject ?? '', source: m.source! }));
      } catch {
        return [];
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  }

  async function http(path: string, o: { method?: string; ua?: string; accept?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await fetch(path.startsWith('http') ? path : base + path, {
      method: o.method ?? (o.form ? 'POST' : 'GET'),
      headers: { 'user-agent': o.ua ?? CHROME, accept: o.accept ?? NAV, ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...o.headers },
      body: o.form ? new URLSearchParams(o.form).toString() : undefined,
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medshield-sim-e2e-'));
    // Who the campaign goes to is decided by the directory: every physician but three.
    const { StaffDirectory } = await import('../training/people.ts');
    const { loadDirectoryFile } = await import('../directory/directory.ts');
    const { openDatabase, migrate } = await import('../store/database.ts');
    const { TRAINING_SCHEMA } = await import('../training/schema.ts');
    const { trainingSchema } = await import('../training/settings.ts');
    const scratch = openDatabase(':memory:');
    migrate(scratch, TRAINING_SCHEMA);
    const directory = loadDirectoryFile(DIRECTORY);
    targets = new StaffDirectory(scratch, () => directory, () => trainingSchema.parse({}), () => [ORG])
      .all()
      .filter((m) => m.role === 'physician' && !EXCLUDED.includes(m.email))
      .map((m) => m.email);
    scratch.close();
    assert.equal(targets.length, 20, 'the directory has 20 physicians besides the three left out');

    dovecot = await startDovecot({ users: [...targets, ...EXCLUDED, REPORT_MAILBOX] });
    for (const u of targets.slice(10, 15)) passwords.set(u, `pw-${randomBytes(6).toString('hex')}`);
    const users = await Promise.all([...passwords].map(async ([username, pw]) => ({ username, passwordHash: await hashPassword(pw) })));
    const config = validateConfig({
      org: { name: 'St Mary’s Health', domains: [ORG] },
      directory: { file: DIRECTORY },
      gateway: { listenHost: '127.0.0.1', hostname: 'mx.stmarys-health.org', scanWorkers: 2, dns: { mode: 'offline' }, relay: { protocol: 'lmtp' }, submission: { users } },
      analyzers: { 'image-text': { enabled: false }, 'clinician-photo': { faces: false } },
      quarantine: { digest: { enabled: false } },
      respond: { reports: { addresses: [REPORT_ADDRESS], from: `security@${ORG}` } },
      simulations: { tickSeconds: 3600, perMinute: 8 },
    });
    gw = await startGateway({
      config,
      runtime: { dataDir, smtpPort: 0, submissionPort: 0, httpPort: 0, relay: { host: '127.0.0.1', port: dovecot.lmtpPort } },
      env: { MEDSHIELD_KEY: Buffer.alloc(32, 11).toString('base64') },
      logger: silentLogger,
      consoleDir: null,
      pollIntervalMs: 50,
      closeTimeoutMs: 500,
      simulations: { now: () => clock },
    });
    gw.core.on('disposed', (d: Disposition) => dispositions.push(d));
    sim = gw.simulations!;
    base = sim.baseUrl();
    assert.equal(base, `http://127.0.0.1:${gw.ports.http}`);
  });

  after(async () => {
    await gw?.stop();
    await dovecot?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a campaign to 20 directory staff through the gateway, throttled, into their Dovecot inboxes', async () => {
    const draft = sim.createCampaign(
      { name: 'May: MyChart secure message', template: 'mychart-credentials', audience: { roles: ['physician'], exclude: EXCLUDED }, perMinute: 8, window: { timezone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00' } },
      'test:security-lead',
    );
    const launched = sim.launch(draft.id, 'test:security-lead');
    assert.equal(launched.status, 'scheduled');
    assert.deepEqual(sim.campaigns.targets(draft.id).map((t) => t.email).sort(), [...targets].sort());

    // The pace: 8 a minute, whatever the scheduler's beat.
    const sentCount = () => sim.campaigns.targets(draft.id).filter((t) => t.state === 'sent').length;
    await sim.tick();
    assert.equal(sentCount(), 8);
    await sim.tick();
    assert.equal(sentCount(), 8, 'no more within the same minute');
    clock += MIN + 1000;
    await sim.tick();
    assert.equal(sentCount(), 16);
    clock += MIN + 1000;
    await sim.tick();
    assert.equal(sentCount(), 20);
    assert.equal(sim.campaigns.get(draft.id)!.status, 'sent');

    await drain();
    clock += 1000;
    await sim.tick();
    const granted = new Set(sim.gate.granted().map((g) => g.spoolId));
    const bypassed = dispositions.filter((d) => granted.has(d.spoolId));
    assert.equal(bypassed.length, 20, 'each simulation passed the filter on its signed header');
    assert.ok(bypassed.every((d) => d.action === 'deliver' && d.outcome === 'delivering'));
    assert.ok(sim.campaigns.targets(draft.id).every((t) => t.deliveredAt !== null), 'every delivery was noted');

    for (const t of sim.campaigns.targets(draft.id)) {
      const messages = (await inbox(t.email)).filter((m) => m.subject === 'You have a new secure message in MyChart');
      assert.equal(messages.length, 1, `${t.email} got it once`);
      const source = messages[0]!.source;
      assert.doesNotMatch(source.toString('latin1'), /X-Medshield/i, 'the bypass header never reaches the mailbox');
      const parsed = await simpleParser(source);
      const html = String(parsed.html);
      const click = /href="([^"]+\/sim\/c\/[A-Za-z0-9_-]{30})"/.exec(html)?.[1];
      const pixel = /src="([^"]+\/sim\/o\/[A-Za-z0-9_-]{30})"/.exec(html)?.[1];
      assert.ok(click && pixel, `${t.email}: tracking link and pixel`);
      assert.ok(click.startsWith(base));
      links.set(t.email, { click, pixel, messageId: parsed.messageId! });
    }
    assert.equal(new Set([...links.values()].map((l) => l.click)).size, 20, 'every recipient has their own signed link');
  });

  it('tells scanners from people: only the people’s clicks, submissions, replies and reports count', async () => {
    const campaign = sim.campaigns.list()[0]!;
    const byEmail = (e: string) => links.get(e)!;
    const delivered = Math.max(...sim.campaigns.targets(campaign.id).map((t) => t.deliveredAt!));

    // Seconds after each message's delivery: the mail security layer and link previews.
    const deliveredAt = new Map(sim.campaigns.targets(campaign.id).map((t) => [t.email, t.deliveredAt!]));
    for (const [i, e] of targets.entries()) {
      clock = deliveredAt.get(e)! + 2000;
      assert.equal((await http(byEmail(e).click, { method: 'HEAD' })).status, 200, 'Safe Links style HEAD check');
      if (i < 10) await http(byEmail(e).click, { ua: 'Mozilla/5.0 (compatible; Barracuda Sentinel URL scanner)' });
    }
    for (const e of targets.slice(15, 20)) {
      // A sandbox that opens the page like a browser, with a browser's agent, and even types into the form.
      clock = deliveredAt.get(e)! + 3000;
      await http(byEmail(e).click, { ua: FIREFOX });
      clock += 2000;
      const detonation = await http(byEmail(e).click, { ua: FIREFOX, form: { username: 'sandbox', password: 'sandbox', step: 'submit' } });
      assert.equal(detonation.status, 200);
    }
    clock = deliveredAt.get(targets[16]!)! + 6000;
    await http(byEmail(targets[16]!).pixel, { ua: 'Mozilla/5.0 (compatible; Mimecast image check)', accept: 'image/*' });
    clock = delivered;
    assert.equal((await http('/sim/c/' + 'A'.repeat(30))).status, 404, 'a made-up token finds nothing');

    // Minutes later: people, each in their own time.
    const people = targets.slice(0, 10);
    let learnUrl = '';
    clock = delivered + 10 * MIN;
    for (const [i, e] of people.entries()) {
      clock += 3 * MIN;
      const ua = i % 2 ? FIREFOX : CHROME;
      const page = await http(byEmail(e).click, { ua });
      assert.equal(page.status, 200);
      assert.match(page.text, /<form method="post"/);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      if (i < 6) {
        clock += 25_000;
        const jit = await http(byEmail(e).click, { ua, form: { username: SECRET_LOGIN, password: SECRET_PASSWORD, step: 'submit' } });
        assert.match(jit.text, /This was a phishing simulation/);
        assert.match(jit.text, /Nothing you typed was kept/);
        const href = /href="([^"]+\/learn\/[A-Za-z0-9_-]{30}\/m\/clinician-impersonation)"/.exec(jit.text)?.[1];
        assert.ok(href, 'the just-in-time page leads to the training');
        if (i === 0) learnUrl = href!.replace(/&amp;/g, '&');
      } else if (i < 9) {
        clock += 12_000;
        const beacon = await http(`${byEmail(e).click}/i`, { ua, accept: '*/*', form: { trusted: '1', event: 'pointerdown' } });
        assert.equal(beacon.status, 204);
      }
      // The tenth person only loads the page: unconfirmed, not counted.
    }
    for (const e of [targets[0]!, targets[1]!, targets[12]!, targets[13]!]) {
      clock += 30_000;
      await http(byEmail(e).pixel, { ua: OUTLOOK, accept: 'image/*' });
    }

    // Three people report it with the Report button (forwarded as an attachment through submission).
    const reporters = targets.slice(10, 13);
    for (const r of reporters) {
      const original = (await inbox(r)).find((m) => m.subject === 'You have a new secure message in MyChart')!.source;
      const sent = await sendMessage(gw.ports.submission!, { from: r, to: [REPORT_ADDRESS], raw: forwardAsAttachment({ from: r, to: REPORT_ADDRESS, original }) }, { auth: { user: r, pass: passwords.get(r)! } });
      assert.match(sent.response, /Report received/);
    }
    // One replies to the sender.
    const replier = targets[13]!;
    const reply = [
      `From: ${replier}`,
      `To: mychart-noreply@sim.${ORG}`,
      'Subject: Re: You have a new secure message in MyChart',
      `In-Reply-To: ${byEmail(replier).messageId}`,
      `Message-ID: <reply.${Date.now()}@${ORG}>`,
      '',
      'Hi, I cannot sign in, my date of birth is 01/02/1970.',
      '',
    ].join('\r\n');
    const replied = await sendMessage(gw.ports.submission!, { from: replier, to: [`mychart-noreply@sim.${ORG}`], raw: reply }, { auth: { user: replier, pass: passwords.get(replier)! } });
    assert.equal(replied.code, 250);
    await drain();

    const r = sim.results(campaign.id);
    assert.deepEqual(r.people, { opened: 11, clicked: 9, submitted: 6, replied: 1, reported: 3 }, JSON.stringify(r.people));
    assert.deepEqual(r.rates, { clicked: 0.45, submitted: 0.3, reported: 0.15 });
    assert.equal(r.scanners.requests, 20 + 10 + 5 + 5 + 1, 'every scanner request is reported, apart');
    assert.equal(r.scanners.recipients, 20);
    for (const reason of ['HEAD request', 'known scanner or preview agent', 'seconds after delivery', 'one client fetching many recipients’ links']) assert.ok(r.scanners.byReason[reason]! > 0, `${reason}: ${JSON.stringify(r.scanners.byReason)}`);
    assert.equal(r.unconfirmed.recipients, 1, 'the page loaded without the landing step');
    const sandboxed = r.recipientsDetail.filter((d) => targets.slice(15).includes(d.email));
    assert.ok(sandboxed.every((d) => d.events.clicked === undefined && d.events.submitted === undefined), 'the sandbox that typed into the form is no submission');
    const detonations = sim.events.hitsOfCampaign(campaign.id).filter((h) => h.userAgent === FIREFOX && h.sinceDeliveryMs !== null && h.sinceDeliveryMs < 10_000);
    assert.equal(detonations.length, 10);
    assert.ok(detonations.every((h) => h.verdict === 'scanner' && h.reasons.some((x) => /^[\d.]+ s after delivery$/.test(x))), 'told apart by timing alone: a browser agent, the page loaded and the form posted, seconds after delivery');

    // Reports of a simulation are training credit, not an incident: no campaign forms from them.
    assert.equal(gw.respond!.campaigns.list().total, 0);
    assert.equal(gw.respond!.reports.simulationCredits().length, 3);
    const answer = (await inbox(reporters[0]!)).find((m) => /simulation/i.test(m.source.toString('utf8')) && m.subject !== 'You have a new secure message in MyChart');
    assert.ok(answer, 'the reporter is told it was a simulation');
    assert.equal(gw.core.journal.stats().pendingDeliveries, 0);
    assert.equal(gw.db.prepare('SELECT COUNT(*) FROM gateway_messages WHERE rcpt_to LIKE ?').pluck().get(`%sim.${ORG}%`), 0, 'the reply was never queued for delivery');

    // What a landing form contained is nowhere in the store.
    for (const f of ['medshield.db', 'medshield.db-wal']) {
      const path = join(dataDir, f);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      assert.ok(!bytes.includes(SECRET_PASSWORD) && !bytes.includes(SECRET_LOGIN), `${f} holds no submitted value`);
    }
    const hits = sim.events.hitsOfCampaign(campaign.id).filter((h) => h.kind === 'submit' && h.verdict === 'human');
    assert.equal(hits.length, 6);
    assert.ok(hits.every((h) => JSON.stringify(h.fields) === '["username","password"]'), 'only which fields were filled in');

    // Clickers are enrolled in the module of the template's tactic; nobody else is.
    const clickers = targets.slice(0, 9);
    const assigned = sim.training.listAssignments({ module: 'clinician-impersonation' }).items;
    assert.deepEqual(assigned.map((a) => a.email).sort(), [...clickers].sort());
    assert.ok(assigned.every((a) => a.reason === 'simulation' && a.campaignId === campaign.id));
    await sim.tick();
    await drain();
    assert.ok((await inbox(clickers[0]!)).some((m) => m.subject === 'Security training assigned: Recognising clinician and brand impersonation'), 'the assignment is mailed');

    // Completing the quiz lowers the risk score.
    const person = clickers[0]!;
    const before = sim.training.person(person)!.risk.score;
    const moduleUrl = learnUrl.replace(/^https?:\/\/[^/]+/, '');
    const page = await http(moduleUrl);
    assert.equal(page.status, 200);
    assert.match(page.text, /Recognising clinician and brand impersonation/);
    const quiz = sim.training.module('clinician-impersonation')!.quiz;
    const wrong = await http(moduleUrl, { form: Object.fromEntries(quiz.map((q, i) => [`q${i}`, String((q.answer + 1) % q.options.length)])) });
    assert.match(wrong.text, /not yet/);
    assert.equal(sim.training.person(person)!.risk.score, before, 'a failed attempt completes nothing');
    const right = await http(moduleUrl, { form: Object.fromEntries(quiz.map((q, i) => [`q${i}`, String(q.answer)])) });
    assert.match(right.text, /Well done/);
    const afterScore = sim.training.person(person)!.risk.score;
    assert.ok(afterScore < before, `risk ${before} → ${afterScore}`);
    assert.ok(sim.training.listAssignments({ email: person }).items.every((a) => a.completedAt !== null));
    const reporter = sim.training.person(reporters[0]!)!;
    assert.ok(reporter.risk.score < sim.training.person(targets[19]!)!.risk.score, 'reporting lowers the score below a colleague who did nothing');
    console.log(`simulation e2e: people ${JSON.stringify(r.people)}; scanners ${r.scanners.requests} requests on ${r.scanners.recipients} recipients ${JSON.stringify(r.scanners.byReason)}; unconfirmed ${r.unconfirmed.recipients}; risk of ${person} ${before} → ${afterScore}`);
  });

  it('gives no bypass to a forged or a replayed header', async () => {
    const campaign = sim.campaigns.list()[0]!;
    const target = sim.campaigns.targets(campaign.id).find((t) => t.email === targets[11])!;
    const insider = targets[11]!;
    const refusals = () => sim.gate.refusals();
    const last = () => dispositions[dispositions.length - 1]!;
    const bypassed = (d: Disposition) => sim.gate.granted().some((g) => g.spoolId === d.spoolId);

    // A genuine header, once: let through.
    const genuine = await sim.compose({ ...target, messageId: null }, campaign.snapshot!);
    const first = await sendMessage(gw.ports.submission!, { from: insider, to: [insider], raw: genuine.raw }, { auth: { user: insider, pass: passwords.get(insider)! } });
    assert.equal(first.code, 250, first.response);
    await drain();
    assert.ok(bypassed(last()));

    // The same message again: replayed.
    const again = await sendMessage(gw.ports.submission!, { from: insider, to: [insider], raw: genuine.raw }, { auth: { user: insider, pass: passwords.get(insider)! } });
    assert.ok(again.code === 250 || again.code === 550, again.response);
    await drain();
    assert.ok(!bypassed(last()), 'a replayed header gets no bypass');
    assert.ok(last().signals.length > 0, 'the replayed message was scanned');
    assert.equal(refusals().replayed, 1);

    // The header moved onto a real phish: bound to another body.
    const header = genuine.raw.subarray(0, genuine.raw.indexOf('\r\n') + 2);
    const phish = Buffer.concat([header, Buffer.from(`From: MyChart <security@mychart-verify-login.example>\r\nTo: ${insider}\r\nSubject: Your MyChart account will be suspended\r\nMessage-ID: ${genuine.messageId}\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Verify your password now: <a href="http://mychart-verify-login.example/login">Sign in</a></p>\r\n`)]);
    await sendMessage(gw.ports.smtp, { from: 'security@mychart-verify-login.example', to: [insider], raw: phish });
    await drain();
    assert.ok(!bypassed(last()));

    // A header made up from scratch, from outside.
    const forged = Buffer.from(
      `${BYPASS_HEADER}: v=1; t=${target.id}; ts=${Math.floor(clock / 1000)}; n=${randomBytes(16).toString('base64url')}; s=${randomBytes(32).toString('base64url')}\r\nFrom: MyChart <security@mychart-verify-login.example>\r\nTo: ${insider}\r\nSubject: Your MyChart account will be suspended\r\nMessage-ID: <forged.${Date.now()}@mychart-verify-login.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Verify your password now: <a href="http://mychart-verify-login.example/login">Sign in</a></p>\r\n`,
    );
    await sendMessage(gw.ports.smtp, { from: 'security@mychart-verify-login.example', to: [insider], raw: forged });
    await drain();
    assert.ok(!bypassed(last()), 'a forged header gets no bypass');
    assert.ok(last().signals.length > 0, 'the forged message was scanned');
    assert.equal(refusals()['bad-signature'], 2, JSON.stringify(refusals()));
    console.log(`bypass: forged → ${last().action} (score ${last().score}); refusals ${JSON.stringify(refusals())}`);
  });
});
