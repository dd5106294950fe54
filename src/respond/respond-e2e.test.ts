import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../config/load.ts';
import type { Disposition } from '../gateway/gateway.ts';
import { jsonLogger, silentLogger } from '../gateway/log.ts';
import { hashPassword } from '../gateway/passwords.ts';
import { sendMessage } from '../gateway/send-client.ts';
import { startGateway, type RunningGateway } from '../gateway/server.ts';
import { verifyWebhookSignature } from './alerts/webhook.ts';
import { campaignBundle } from './export/stix.ts';
import { validateStixBundle } from './export/stix-validate.ts';
import { imapClient, withMailbox } from './pullback/imap-admin.ts';
import { dovecotImapServer, startDovecot, type RunningDovecot } from './testing/dovecot.ts';
import { settleGateway } from './testing/settle.ts';
import { arfReport, CAMPAIGN_LANDING_DOMAIN, CAMPAIGN_PHONE_E164, forwardAsAttachment, medstealerVariant, ordinaryMail } from './testing/medstealer.ts';
import { campaignDetail, campaignExport, incidentDetail } from './views.ts';

const ORG = 'stmarys-health.org';
const STAFF = Array.from({ length: 10 }, (_, i) => `staff${String(i + 1).padStart(2, '0')}@${ORG}`);
const REPORT_ADDRESS = `report-phish@${ORG}`;
const REPORT_MAILBOX = `phishing-reports@${ORG}`;
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
  valid: boolean;
  status: number;
}

describe('monitor and respond, end to end (real Dovecot over LMTP and IMAP, the real scanner)', () => {
  let dovecot: RunningDovecot;
  let gw: RunningGateway;
  let dataDir: string;
  let hookServer: Server;
  const hooks: Hook[] = [];
  const dispositions: Disposition[] = [];
  const passwords = new Map<string, string>();

  const server = () => dovecotImapServer(dovecot);
  /** A mailbox as its owner sees it over IMAP (their own login, not the master user). */
  const mailbox = (owner: string) => withMailbox({ server: server(), login: () => owner, password: dovecot.password(owner) }, owner, (s) => s.inventory());

  const drain = () => settleGateway(gw);

  async function deliveredSource(owner: string, messageIdPart: string): Promise<Buffer> {
    const client = imapClient(server(), owner, dovecot.password(owner));
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        for (const m of await client.fetchAll('1:*', { envelope: true, source: true })) if (m.envelope?.messageId?.includes(messageIdPart) && m.source) return m.source;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    throw new Error(`no message ${messageIdPart} in ${owner}'s INBOX`);
  }

  before(async () => {
    dovecot = await startDovecot({ users: [...STAFF, REPORT_MAILBOX] });
    let first = true;
    hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        // The receiver is down for the first delivery: the event must come again.
        const status = first ? 503 : 200;
        first = false;
        hooks.push({ headers: req.headers, body, status, valid: verifyWebhookSignature(WEBHOOK_SECRET, String(req.headers['x-medshield-signature'] ?? ''), body) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    const hookPort = (hookServer.address() as { port: number }).port;

    for (const u of STAFF.slice(0, 3)) passwords.set(u, `pw-${u}`);
    const users = await Promise.all([...passwords].map(async ([username, pw]) => ({ username, passwordHash: await hashPassword(pw) })));
    const config = validateConfig({
      org: { name: 'St Mary’s Health', domains: [ORG], partners: [{ name: 'Lakeside Cardiology', domains: ['lakesidecardio.com'] }] },
      gateway: { listenHost: '127.0.0.1', hostname: 'mx.stmarys-health.org', scanWorkers: 2, dns: { mode: 'offline' }, relay: { protocol: 'lmtp' }, submission: { users } },
      // A new campaign reaches inboxes until someone recognises it: the first variants are
      // let through by raising the score thresholds (the scanner itself is unchanged). The
      // rules keep failing closed and quarantining contained campaigns.
      policy: {
        thresholds: { tag: 40, quarantine: 60, reject: 100 },
        rules: [
          { name: 'fail closed: not fully scanned', any: ['UNSCANNABLE', 'ANALYZER_FAILED'], action: 'quarantine' },
          { name: 'matches a contained campaign', any: ['CAMPAIGN_BLOCKED_INDICATOR'], action: 'quarantine' },
        ],
      },
      // Sender verification (src/verify) would hold these requests for SSNs; here it tags them, as it may be configured to.
      verify: { inbound: { action: 'tag' } },
      analyzers: { 'image-text': { enabled: false } },
      quarantine: { digest: { enabled: false } },
      respond: {
        campaigns: { seedScore: 40 },
        reports: {
          addresses: [REPORT_ADDRESS],
          from: `security@${ORG}`,
          imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, startTls: false, verifyCertificate: false, user: REPORT_MAILBOX, password: { value: dovecot.password(REPORT_MAILBOX) }, pollSeconds: 3600, trustReporters: true },
        },
        herdImmunity: { reporters: 3 },
        pullback: {
          imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, startTls: false, verifyCertificate: false, masterUser: dovecot.masterUser, masterPassword: { value: dovecot.masterPassword } },
          action: 'delete',
        },
        alerts: { webhooks: [{ url: `http://127.0.0.1:${hookPort}/medshield`, secret: { value: WEBHOOK_SECRET } }] },
      },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'medshield-e2e-'));
    gw = await startGateway({
      config,
      runtime: { dataDir, smtpPort: 0, submissionPort: 0, httpPort: 0, relay: { host: '127.0.0.1', port: dovecot.lmtpPort } },
      env: { MEDSHIELD_KEY: Buffer.alloc(32, 9).toString('base64') },
      logger: process.env.MEDSHIELD_TEST_LOG ? jsonLogger() : silentLogger,
      console: false,
      pollIntervalMs: 50,
      closeTimeoutMs: 500,
      respond: { alertRetryBaseMs: 200, alertPollMs: 100 },
    });
    gw.core.on('disposed', (d: Disposition) => dispositions.push(d));
  });

  after(async () => {
    await gw?.stop();
    await dovecot?.stop();
    await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('contains a MedStealer campaign: 20 variants, 10 mailboxes, 3 reports, every delivered copy pulled, later variants quarantined', async () => {
    const respond = gw.respond!;
    // Ordinary mail that must survive the purge.
    for (let i = 0; i < 3; i++) assert.equal((await sendMessage(gw.ports.smtp, { from: 'sender@example.org', to: [STAFF[i]!], raw: ordinaryMail(i, STAFF[i]!) })).code, 250);

    // 1. Five variants arrive before anything is known about the campaign, and are delivered.
    for (let n = 0; n < 5; n++) {
      const r = await sendMessage(gw.ports.smtp, { from: `bounce@campaign-${n}.example`, to: [STAFF[n]!], raw: medstealerVariant(n, STAFF[n]!) });
      assert.equal(r.code, 250, r.response);
    }
    await drain();
    for (let n = 0; n < 5; n++) {
      const inbox = (await mailbox(STAFF[n]!)).find((f) => f.folder === 'INBOX')!;
      assert.ok(inbox.messages.some((m) => m.messageId.startsWith(`ms${n}.`)), `variant ${n} was delivered to ${STAFF[n]}`);
    }
    assert.equal(respond.campaigns.list().total, 0, 'no campaign is known yet');

    // 2. Two staff forward it to the report address as an attachment (authenticated submission).
    for (const [i, reporter] of STAFF.slice(0, 2).entries()) {
      const copy = await deliveredSource(reporter, `ms${i}.`);
      const r = await sendMessage(gw.ports.submission!, { from: reporter, to: [REPORT_ADDRESS], raw: forwardAsAttachment({ from: reporter, to: REPORT_ADDRESS, original: copy }) }, { auth: { user: reporter, pass: passwords.get(reporter)! } });
      assert.equal(r.code, 250, r.response);
      assert.match(r.response, /Report received/);
    }
    await drain();
    const formed = respond.campaigns.list();
    assert.equal(formed.total, 1, 'the reports formed one campaign');
    const campaignId = formed.items[0]!.id;
    let detail = campaignDetail(respond, campaignId);
    assert.equal(detail.messages.length, 5, 'all five delivered variants belong to it, though each came from another sender');
    assert.equal(detail.campaign.blocked, false, 'two reports are not yet enough to contain it');
    const specific = detail.indicators.filter((i) => i.specific);
    assert.ok(specific.some((i) => i.kind === 'phone' && i.value === CAMPAIGN_PHONE_E164), 'the callback number is one of its indicators');
    assert.ok(specific.some((i) => i.kind === 'landing-domain' && i.value === CAMPAIGN_LANDING_DOMAIN), 'the landing domain is one of its indicators');
    assert.ok(!specific.some((i) => i.value === 'zocdoc.com' || i.value === ORG), 'real brands and the organisation are never campaign indicators');

    // 3. A third person uses the report button: ARF into the report mailbox, which Medshield polls over IMAP.
    const third = STAFF[2]!;
    const copy = await deliveredSource(third, 'ms2.');
    const reportsBox = imapClient(server(), REPORT_MAILBOX, dovecot.password(REPORT_MAILBOX));
    await reportsBox.connect();
    await reportsBox.append('INBOX', arfReport({ from: `Staff Three <${third}>`, to: REPORT_MAILBOX, original: copy }));
    await reportsBox.logout();
    assert.equal(await respond.pollReportMailbox(), 1);
    await drain();
    await respond.pullbacks.idle();
    await drain();

    // Herd immunity: three verified reporters contain the campaign and pull every delivered copy.
    detail = campaignDetail(respond, campaignId);
    assert.equal(detail.campaign.status, 'contained');
    assert.equal(detail.campaign.blocked, true);
    assert.deepEqual(detail.reporters.map((r) => r.reporter).sort(), STAFF.slice(0, 3));
    assert.equal(detail.pullbacks.length, 1);
    const pull = respond.pullbacks.summary(detail.pullbacks[0]!.id)!;
    assert.equal(pull.pullback.state, 'done');
    assert.equal(pull.removed, 5, JSON.stringify(pull.results));
    assert.equal(pull.notFound, 0);
    assert.equal(pull.errors, 0);
    for (let n = 0; n < 5; n++) {
      const folders = await mailbox(STAFF[n]!);
      const all = folders.flatMap((f) => f.messages);
      assert.ok(!all.some((m) => m.messageId.startsWith('ms')), `${STAFF[n]} holds no copy of the campaign in any folder`);
      if (n < 3) {
        assert.ok(all.some((m) => m.messageId.startsWith(`ord${n}.`)), `${STAFF[n]}'s ordinary mail is untouched`);
      }
    }
    // Each reporter heard back, with the verdict.
    for (const reporter of STAFF.slice(0, 3)) {
      const client = imapClient(server(), reporter, dovecot.password(reporter));
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      const subjects = (await client.fetchAll('1:*', { envelope: true })).map((m) => m.envelope?.subject ?? '');
      lock.release();
      await client.logout();
      assert.ok(subjects.some((s) => /^Your report: (phishing confirmed|suspicious)/.test(s)), `${reporter} got a reply: ${subjects.join(' | ')}`);
    }

    // 4. Fifteen later variants, to all ten mailboxes: every one quarantined by the campaign's indicators.
    const before = dispositions.length;
    for (let n = 5; n < 20; n++) {
      const to = STAFF[n % 10]!;
      assert.equal((await sendMessage(gw.ports.smtp, { from: `bounce@campaign-${n}.example`, to: [to], raw: medstealerVariant(n, to) })).code, 250);
    }
    await drain();
    const later = dispositions.slice(before);
    assert.equal(later.length, 15);
    assert.deepEqual(
      later.map((d) => d.outcome),
      Array(15).fill('quarantined'),
    );
    assert.ok(later.every((d) => d.signals.includes('CAMPAIGN_BLOCKED_INDICATOR')));
    for (const owner of STAFF) {
      const all = (await mailbox(owner)).flatMap((f) => f.messages);
      assert.ok(!all.some((m) => m.messageId.startsWith('ms')), `${owner} received no variant`);
    }
    detail = campaignDetail(respond, campaignId);
    assert.equal(detail.messages.length, 20, 'the quarantined variants joined the campaign');
    assert.equal(detail.recipients.length, 10);

    // The incident: one, contained, with the story in its timeline and the exposure it had.
    const incident = incidentDetail(respond, detail.incidentId!);
    assert.equal(incident.incident.status, 'contained');
    const kinds = incident.timeline.map((e) => e.kind);
    for (const k of ['opened', 'report', 'herd-immunity', 'contained', 'pullback']) assert.ok(kinds.includes(k), `timeline has ${k}: ${kinds.join(', ')}`);
    assert.equal(incident.exposure.mailboxesReached, 5);
    assert.equal(incident.exposure.mailboxesStillExposed, 0);
    assert.equal(incident.exposure.recordsAtRisk, 5000);
    assert.equal(incident.exposure.costLow, 1_500_000);
    assert.equal(incident.exposure.costHigh, 2_000_000);
    assert.equal(incident.exposure.blackMarketValue, 5_000_000);

    // 5. The webhook receiver got every event, signed, and the one it refused came again.
    await respond.idle();
    const accepted = hooks.filter((h) => h.status === 200);
    assert.ok(hooks.every((h) => h.valid), 'every delivery carries a valid HMAC-SHA256 signature');
    const types = accepted.map((h) => String(h.headers['x-medshield-event']));
    for (const t of ['campaign.formed', 'incident.opened', 'report.received', 'campaign.contained', 'pullback.completed']) assert.ok(types.includes(t), `webhook got ${t}: ${types.join(', ')}`);
    assert.equal(types.filter((t) => t === 'report.received').length, 3);
    const refused = hooks.find((h) => h.status === 503)!;
    assert.ok(accepted.some((h) => h.headers['x-medshield-delivery'] === refused.headers['x-medshield-delivery']), 'the refused event was retried and delivered');
    const contained = JSON.parse(accepted.find((h) => h.headers['x-medshield-event'] === 'campaign.contained')!.body) as { data: { campaign: number } };
    assert.equal(contained.data.campaign, campaignId);

    // 6. The campaign as STIX 2.1: required properties present, every reference resolves.
    const bundle = campaignBundle(campaignExport(respond, campaignId));
    assert.deepEqual(validateStixBundle(bundle), []);
    const byType = (t: string) => bundle.objects.filter((o) => o.type === t);
    assert.equal(byType('campaign').length, 1);
    assert.ok(byType('x-medshield-phone-number').some((o) => o.value === CAMPAIGN_PHONE_E164));
    assert.ok(byType('domain-name').some((o) => o.value === CAMPAIGN_LANDING_DOMAIN));
    assert.equal(byType('url').length, 0, 'each variant has its own link token: no URL is shared, so none is an indicator (the domain is)');
    assert.ok(byType('email-addr').some((o) => o.value === 'noreply@zocdoc-appointments.net'));
    assert.ok(byType('email-message').length >= 4, 'one email-message per sending address');
    assert.ok(byType('indicator').every((i) => bundle.objects.some((r) => r.type === 'relationship' && r.source_ref === i.id && r.target_ref === byType('campaign')[0]!.id)));
  });
});
