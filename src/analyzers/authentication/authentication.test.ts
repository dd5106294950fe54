import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import { buildMail, type TestMail } from '../../../test/helpers/mail.ts';
import { NO_AUTH, type AuthResult } from '../../authenticate/auth-result.ts';
import { authenticate, type Envelope } from '../../authenticate/authenticate.ts';
import { dnsFixtureResolver, offlineResolver, type DnsFixture, type DnsResolver } from '../../authenticate/resolver.ts';
import { arcSealMail, dkimSignMail, makeDkimKey, prependHeaders, type Signer } from '../../authenticate/test-support.ts';
import { authentication } from './index.ts';

// The organisation (TEST_ORG: stmarys-health.org), a partner, a vendor, patients on gmail,
// an e-mail service provider, a list service, and an attacker with look-alike domains.
const orgKey = makeDkimKey();
const partnerKey = makeDkimKey();
const gmailKey = makeDkimKey();
const vendorKey = makeDkimKey();
const listKey = makeDkimKey();
const attackerKey = makeDkimKey();

const ZONE: DnsFixture = {
  'stmarys-health.org': { TXT: ['v=spf1 ip4:203.0.113.0/27 include:_spf.esp-mailer.net -all', 'MS=ms12345678'] },
  '_dmarc.stmarys-health.org': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@stmarys-health.org'] },
  'sm1._domainkey.stmarys-health.org': { TXT: [orgKey.dnsRecord] },
  '_spf.esp-mailer.net': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
  'bounces.esp-mailer.net': { TXT: ['v=spf1 include:_spf.esp-mailer.net -all'] },

  'lakesidecardio.com': { TXT: ['v=spf1 mx -all'], MX: [{ exchange: 'mail.lakesidecardio.com', priority: 10 }] },
  'mail.lakesidecardio.com': { A: ['192.0.2.25'] },
  '_dmarc.lakesidecardio.com': { TXT: ['v=DMARC1; p=reject'] },
  'lc2024._domainkey.lakesidecardio.com': { TXT: [partnerKey.dnsRecord] },

  'gmail.com': { TXT: ['v=spf1 ip4:209.85.128.0/17 ~all'] },
  '_dmarc.gmail.com': { TXT: ['v=DMARC1; p=none; sp=quarantine'] },
  '20230601._domainkey.gmail.com': { TXT: [gmailKey.dnsRecord] },

  'medsupply-vendor.com': { TXT: ['v=spf1 ip4:192.0.2.128/25 -all'] },
  'k1._domainkey.medsupply-vendor.com': { TXT: [vendorKey.dnsRecord] },

  'arc-2024._domainkey.googlegroups.com': { TXT: [listKey.dnsRecord] },
  'googlegroups.com': { TXT: ['v=spf1 ip4:209.85.220.0/24 ~all'] },
  'lists.cardiology-society.org': { TXT: ['v=spf1 ip4:192.0.2.200 -all'] },
  'list._domainkey.cardiology-society.org': { TXT: [listKey.dnsRecord] },

  'stmarys-health-it.com': { TXT: ['v=spf1 ip4:198.18.7.0/24 -all'] },
  'mx1._domainkey.stmarys-health-it.com': { TXT: [attackerKey.dnsRecord] },
  'relay-pool.net': { TXT: ['v=spf1 ip4:198.18.9.0/24 ?all'] },
};

const fixture = dnsFixtureResolver(ZONE);
const signers = {
  org: { domain: 'stmarys-health.org', selector: 'sm1', key: orgKey },
  partner: { domain: 'lakesidecardio.com', selector: 'lc2024', key: partnerKey },
  gmail: { domain: 'gmail.com', selector: '20230601', key: gmailKey },
  vendor: { domain: 'medsupply-vendor.com', selector: 'k1', key: vendorKey },
  list: { domain: 'cardiology-society.org', selector: 'list', key: listKey },
  attacker: { domain: 'stmarys-health-it.com', selector: 'mx1', key: attackerKey },
} satisfies Record<string, Signer>;

interface Scenario {
  name: string;
  mail: TestMail;
  sign?: Signer[];
  /** Changes applied to the signed bytes (a list footer, a tampering attacker…). */
  after?: (raw: Buffer) => Promise<Buffer> | Buffer;
  envelope: Envelope;
  resolver?: DnsResolver;
  trustedAuthservIds?: string[];
  config?: Record<string, unknown>;
  expect: string[];
}

const appointmentReminder: TestMail = {
  from: "St Mary's Patient Services <appointments@stmarys-health.org>",
  to: 'John Miller <john.miller@gmail.com>',
  subject: 'Reminder: your appointment on Thursday',
  text: 'Dear Mr Miller, this is a reminder of your appointment on Thursday at 9:40 in the Outpatient Clinic, Level 2. Please bring your insurance card.',
};

const newsletter: TestMail = {
  from: "St Mary's Health News <news@stmarys-health.org>",
  to: 'Staff <staff@stmarys-health.org>',
  subject: 'This month at St Mary’s: new MRI suite opens',
  html: '<p>The new MRI suite opens on the 14th. <a href="https://stmarys-health.org/news">Read more</a></p><p><a href="https://esp-mailer.net/u?x=1">Unsubscribe</a></p>',
  headers: { 'List-Unsubscribe': '<https://esp-mailer.net/u?x=1>' },
};

const patientMail: TestMail = {
  from: 'Maria Lopez <maria.lopez1987@gmail.com>',
  to: 'Cardiology Desk <cardiology@stmarys-health.org>',
  subject: 'Question about my test results',
  text: 'Hello, I had my echo last week and wanted to ask when the results will be ready. Thank you, Maria',
};

const vendorInvoice: TestMail = {
  from: 'MedSupply Billing <billing@medsupply-vendor.com>',
  to: 'Accounts Payable <ap@stmarys-health.org>',
  subject: 'Invoice 2026-0412 for order 88213',
  text: 'Please find attached invoice 2026-0412 for 40 boxes of nitrile gloves, due in 30 days.',
  attachments: [{ filename: 'invoice-2026-0412.pdf', contentType: 'application/pdf', content: '%PDF-1.4 invoice' }],
};

const referral: TestMail = {
  from: 'Lakeside Cardiology Referrals <referrals@lakesidecardio.com>',
  to: 'Dr. Amy Chen <a.chen@stmarys-health.org>',
  subject: 'Referral received: J. Jones',
  text: 'Your referral for Mr. Jones was received. Appointment: Tuesday 10:30.',
};

const ceoFraud: TestMail = {
  from: 'Dr. Robert Hale <r.hale@stmarys-health.org>',
  to: 'Accounts Payable <ap@stmarys-health.org>',
  subject: 'Urgent wire today',
  text: 'I need you to process a wire transfer today for a confidential acquisition. Reply with your availability.',
};

const listFooter = (raw: Buffer) => Buffer.concat([raw, Buffer.from('\r\n-- \r\nYou are subscribed to cardiology-referrals. Unsubscribe: https://lists.cardiology-society.org/\r\n')]);

const SCENARIOS: Scenario[] = [
  // ---- legitimate mail
  {
    name: 'appointment reminder sent by the hospital itself',
    mail: appointmentReminder,
    sign: [signers.org],
    envelope: { clientIp: '203.0.113.10', helo: 'out1.stmarys-health.org', mailFrom: 'bounce@stmarys-health.org' },
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'hospital newsletter through an ESP, signed with the hospital key',
    mail: newsletter,
    sign: [signers.org],
    envelope: { clientIp: '198.51.100.40', helo: 'mta40.esp-mailer.net', mailFrom: 'b-1234@bounces.esp-mailer.net' },
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'patient writing from gmail',
    mail: patientMail,
    sign: [signers.gmail],
    envelope: { clientIp: '209.85.220.41', helo: 'mail-sor-f41.google.com', mailFrom: 'maria.lopez1987@gmail.com' },
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'vendor invoice (no DMARC record, SPF and DKIM pass)',
    mail: vendorInvoice,
    sign: [signers.vendor],
    envelope: { clientIp: '192.0.2.140', helo: 'smtp.medsupply-vendor.com', mailFrom: 'billing@medsupply-vendor.com' },
    expect: [],
  },
  {
    name: 'partner referral via the partner MX',
    mail: referral,
    sign: [signers.partner],
    envelope: { clientIp: '192.0.2.25', helo: 'mail.lakesidecardio.com', mailFrom: 'referrals@lakesidecardio.com' },
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'patient mail forwarded by a university alias (SPF fails, DKIM intact)',
    mail: patientMail,
    sign: [signers.gmail],
    envelope: { clientIp: '192.0.2.77', helo: 'mx.alumni.example.edu', mailFrom: 'maria.lopez1987@gmail.com' },
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'mailing list: footer breaks the author signature, the list re-signs and seals ARC',
    mail: referral,
    sign: [signers.partner],
    after: async (raw) =>
      arcSealMail(
        await dkimSignMail(listFooter(raw), signers.list),
        { domain: 'googlegroups.com', selector: 'arc-2024', key: listKey },
        'mx.googlegroups.com; dkim=pass header.d=lakesidecardio.com; spf=pass smtp.mailfrom=lakesidecardio.com; dmarc=pass header.from=lakesidecardio.com',
      ),
    envelope: { clientIp: '209.85.220.10', helo: 'mail-sor.google.com', mailFrom: 'cardiology-referrals+bncBD@googlegroups.com' },
    // DMARC p=reject fails, but the trusted ARC chain explains it: scored at a quarter.
    expect: ['DMARC_FAIL_REJECT'],
  },
  {
    name: 'hospital mail scanned from a file without a client IP, DKIM intact',
    mail: appointmentReminder,
    sign: [signers.org],
    envelope: {},
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'offline scan of legitimate mail: temperrors only, no signals',
    mail: referral,
    sign: [signers.partner],
    envelope: {},
    resolver: offlineResolver(),
    expect: [],
  },
  {
    name: 'offline scan with the trusted gateway’s results: pass',
    mail: referral,
    after: (raw) =>
      prependHeaders(
        raw,
        'Authentication-Results: mx1.stmarys-health.org; spf=pass smtp.mailfrom=lakesidecardio.com; dkim=pass header.d=lakesidecardio.com header.s=lc2024; dmarc=pass (p=REJECT) header.from=lakesidecardio.com',
      ),
    envelope: {},
    resolver: offlineResolver(),
    trustedAuthservIds: ['mx1.stmarys-health.org'],
    expect: ['DMARC_PASS_ALIGNED'],
  },
  {
    name: 'Microsoft 365 results (no authserv-id) claiming a failure are not believed',
    mail: referral,
    after: (raw) =>
      prependHeaders(
        raw,
        'Authentication-Results: spf=fail (sender IP is 198.18.7.20) smtp.mailfrom=lakesidecardio.com; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=lakesidecardio.com;compauth=fail reason=000',
      ),
    envelope: {},
    resolver: offlineResolver(),
    trustedAuthservIds: ['mx1.stmarys-health.org'],
    expect: [],
  },

  {
    name: 'a colleague’s post to a Google Group comes back: own signature broken, trusted ARC seal',
    mail: { ...newsletter, from: 'Dr. Amy Chen <a.chen@stmarys-health.org>', subject: '[cardio-forum] Case conference slides', text: 'Slides from Thursday are on the shared drive.' },
    sign: [signers.org],
    after: async (raw) =>
      arcSealMail(
        listFooter(prependHeaders(raw, 'List-ID: <cardio-forum.googlegroups.com>')),
        { domain: 'googlegroups.com', selector: 'arc-2024', key: listKey },
        'mx.google.com; dkim=pass header.d=stmarys-health.org; spf=pass smtp.mailfrom=stmarys-health.org; dmarc=pass header.from=stmarys-health.org',
      ),
    envelope: { clientIp: '209.85.220.10', helo: 'mail-sor.google.com', mailFrom: 'cardio-forum+bncBD@googlegroups.com' },
    expect: ['DKIM_INVALID', 'DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },
  {
    name: 'a colleague’s post to an old-style list that keeps From and adds a footer (no ARC)',
    mail: { ...newsletter, from: 'Dr. Amy Chen <a.chen@stmarys-health.org>', subject: '[cardio-l] Case conference slides', text: 'Slides from Thursday are on the shared drive.' },
    sign: [signers.org],
    after: (raw) => listFooter(prependHeaders(raw, 'List-Id: Cardiology society members <cardio-l.lists.cardiology-society.org>', 'Precedence: list')),
    envelope: { clientIp: '192.0.2.200', helo: 'lists.cardiology-society.org', mailFrom: 'cardio-l-bounces@lists.cardiology-society.org' },
    expect: ['DKIM_INVALID', 'DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },

  // ---- forged or damaged mail
  {
    name: 'internal spoof dressed as list mail (List-Id but no signature of the organisation)',
    mail: { ...ceoFraud, headers: { 'List-Id': '<all-staff.stmarys-health.org>' } },
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'bounce@relay-pool.net' },
    expect: ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },
  {
    name: 'CEO fraud: the organisation’s domain from an outside server',
    mail: ceoFraud,
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'r.hale@stmarys-health.org' },
    expect: ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF', 'SPF_FAIL'],
  },
  {
    name: 'CEO fraud with the attacker’s own envelope and DKIM (SPF/DKIM pass, unaligned)',
    mail: ceoFraud,
    sign: [signers.attacker],
    envelope: { clientIp: '198.18.7.20', helo: 'mx.stmarys-health-it.com', mailFrom: 'noreply@stmarys-health-it.com' },
    expect: ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },
  {
    name: 'internal-looking subdomain (it.stmarys-health.org) from outside',
    mail: { ...ceoFraud, from: 'IT Service Desk <servicedesk@it.stmarys-health.org>', subject: 'Password expires today' },
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'servicedesk@relay-pool.net' },
    expect: ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },
  {
    name: 'internal spoof with a signature copied from a real hospital mail, dressed as list mail',
    mail: ceoFraud,
    after: async (raw) => {
      const genuine = (await dkimSignMail(buildMail(appointmentReminder), signers.org)).toString('latin1');
      const signature = /^DKIM-Signature:.*(?:\r\n[ \t].*)*\r\n/m.exec(genuine)?.[0] ?? '';
      return prependHeaders(Buffer.concat([Buffer.from(signature, 'latin1'), raw]), 'List-Id: <all-staff.stmarys-health.org>');
    },
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'bounce@relay-pool.net' },
    expect: ['DKIM_INVALID', 'DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF'],
  },
  {
    name: 'partner spoof (p=reject) from a look-alike server',
    mail: { ...referral, subject: 'Updated remittance details', text: 'Please use our new bank account for all payments from today.' },
    sign: [signers.attacker],
    envelope: { clientIp: '198.18.7.20', helo: 'mx.stmarys-health-it.com', mailFrom: 'noreply@stmarys-health-it.com' },
    expect: ['DMARC_FAIL_REJECT'],
  },
  {
    name: 'partner referral altered in transit (body hash mismatch)',
    mail: referral,
    sign: [signers.partner],
    after: (raw) => Buffer.concat([raw, Buffer.from('\r\nNew payment instructions attached.\r\n')]),
    envelope: { clientIp: '192.0.2.25', helo: 'mail.lakesidecardio.com', mailFrom: 'referrals@lakesidecardio.com' },
    // SPF still aligns, so DMARC passes: only the broken signature shows.
    expect: ['DKIM_INVALID', 'DMARC_PASS_ALIGNED'],
  },
  {
    name: 'gmail spoof (p=none) with ~all softfail',
    mail: patientMail,
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'maria.lopez1987@gmail.com' },
    expect: ['DMARC_FAIL_NONE', 'SPF_SOFTFAIL'],
  },
  {
    name: 'gmail spoof with treatDmarcNoneAsFail',
    mail: patientMail,
    envelope: { clientIp: '198.18.9.50', helo: 'vps-2231.relay-pool.net', mailFrom: 'maria.lopez1987@gmail.com' },
    config: { treatDmarcNoneAsFail: true },
    expect: ['DMARC_FAIL_QUARANTINE', 'SPF_SOFTFAIL'],
  },
  {
    name: 'a forged ARC chain claiming a pass',
    mail: referral,
    sign: [signers.partner],
    after: async (raw) => {
      const sealed = await arcSealMail(raw, { domain: 'googlegroups.com', selector: 'arc-2024', key: attackerKey }, 'mx.googlegroups.com; dkim=pass header.d=lakesidecardio.com');
      return sealed;
    },
    envelope: { clientIp: '192.0.2.25', helo: 'mail.lakesidecardio.com', mailFrom: 'referrals@lakesidecardio.com' },
    expect: ['ARC_FAIL', 'DMARC_PASS_ALIGNED'],
  },
  {
    name: 'offline scan with the trusted gateway’s results: internal spoof',
    mail: ceoFraud,
    after: (raw) =>
      prependHeaders(
        raw,
        'Authentication-Results: mx1.stmarys-health.org; spf=softfail smtp.mailfrom=stmarys-health.org; dkim=none; dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=stmarys-health.org',
        'Received: from vps-2231.relay-pool.net ([198.18.9.50]) by mx1.stmarys-health.org',
      ),
    envelope: {},
    resolver: offlineResolver(),
    trustedAuthservIds: ['mx1.stmarys-health.org'],
    expect: ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF', 'SPF_SOFTFAIL'],
  },
];

async function runScenario(s: Scenario) {
  let raw = buildMail(s.mail);
  if (s.sign?.length) raw = await dkimSignMail(raw, ...s.sign);
  if (s.after) raw = await s.after(raw);
  const auth = await authenticate(raw, s.envelope, {
    resolver: s.resolver ?? fixture,
    trustedAuthservIds: s.trustedAuthservIds ?? [],
    mta: 'mx.stmarys-health.org',
  });
  return { auth, signals: await analyze(authentication, raw, { ctx: { auth }, config: s.config }) };
}

for (const s of SCENARIOS) {
  test(`scenario: ${s.name}`, async () => {
    const { auth, signals } = await runScenario(s);
    assert.deepEqual(ids(signals), [...s.expect].sort(), `auth was ${JSON.stringify({ ...auth, header: undefined })}`);
    for (const sig of signals) assert.ok(sig.evidence.length > 20, `${sig.id} has evidence`);
  });
}

test('every signal has a positive scenario', () => {
  const covered = new Set(SCENARIOS.flatMap((s) => s.expect));
  for (const id of Object.keys(authentication.signals)) assert.ok(covered.has(id), `${id} has a positive scenario`);
});

test('legitimate scenarios score ≤ 1; forgeries of the organisation reach quarantine', async () => {
  const score = async (name: string) => {
    const s = SCENARIOS.find((x) => x.name === name);
    assert.ok(s, name);
    const { signals } = await runScenario(s);
    return signals.reduce((sum, x) => sum + x.score, 0);
  };
  for (const name of [
    'appointment reminder sent by the hospital itself',
    'hospital newsletter through an ESP, signed with the hospital key',
    'patient writing from gmail',
    'vendor invoice (no DMARC record, SPF and DKIM pass)',
    'patient mail forwarded by a university alias (SPF fails, DKIM intact)',
    'mailing list: footer breaks the author signature, the list re-signs and seals ARC',
  ]) {
    assert.ok((await score(name)) <= 1, name);
  }
  for (const name of [
    'a colleague’s post to a Google Group comes back: own signature broken, trusted ARC seal',
    'a colleague’s post to an old-style list that keeps From and adds a footer (no ARC)',
  ]) {
    assert.ok((await score(name)) < 5, name);
  }
  assert.ok((await score('internal spoof dressed as list mail (List-Id but no signature of the organisation)')) >= 9);
  assert.ok((await score('internal spoof with a signature copied from a real hospital mail, dressed as list mail')) >= 9);
  assert.ok((await score('CEO fraud: the organisation’s domain from an outside server')) >= 9);
  assert.ok((await score('CEO fraud with the attacker’s own envelope and DKIM (SPF/DKIM pass, unaligned)')) >= 9);
});

test('DMARC failures evaluated without a client IP are scored at half', async () => {
  const raw = await dkimSignMail(buildMail(ceoFraud), signers.attacker);
  const auth = await authenticate(raw, {}, { resolver: fixture, trustedAuthservIds: [], mta: 'mx.stmarys-health.org' });
  const signals = await analyze(authentication, raw, { ctx: { auth } });
  assert.deepEqual(ids(signals), ['DMARC_FAIL_QUARANTINE', 'ORG_DOMAIN_SPOOF']);
  const byId = Object.fromEntries(signals.map((x) => [x.id, x]));
  assert.equal(byId.DMARC_FAIL_QUARANTINE.score, 1.5);
  assert.equal(byId.ORG_DOMAIN_SPOOF.score, 3);
  assert.match(byId.ORG_DOMAIN_SPOOF.evidence, /client IP/);
});

test('no signals at all when authentication was not run', async () => {
  const signals = await analyze(authentication, ceoFraud, { ctx: { auth: NO_AUTH } });
  assert.deepEqual(signals, []);
});

test('an organisation without DMARC: spoof flagged at half weight only on a definite SPF failure', async () => {
  const org = { domains: ['northfield-clinic.org'], partners: [] };
  const zone = dnsFixtureResolver({ 'northfield-clinic.org': { TXT: ['v=spf1 ip4:203.0.113.64/27 -all'] } });
  const mail: TestMail = { ...ceoFraud, from: 'Dr. Robert Hale <r.hale@northfield-clinic.org>', to: 'ap@northfield-clinic.org' };
  const run = async (envelope: Envelope) => {
    const raw = buildMail(mail);
    const auth: AuthResult = await authenticate(raw, envelope, { resolver: zone, trustedAuthservIds: [], mta: 'mx' });
    return analyze(authentication, raw, { ctx: { auth, org } });
  };
  const forged = await run({ clientIp: '198.18.9.50', mailFrom: 'r.hale@northfield-clinic.org' });
  assert.deepEqual(ids(forged), ['ORG_DOMAIN_SPOOF', 'SPF_FAIL']);
  assert.equal(forged.find((x) => x.id === 'ORG_DOMAIN_SPOOF')?.score, 3);
  const genuine = await run({ clientIp: '203.0.113.70', mailFrom: 'r.hale@northfield-clinic.org' });
  assert.deepEqual(ids(genuine), []);
  // Bounce address elsewhere, no DMARC and no signature: nothing definite about the org.
  const unknown = await run({ clientIp: '198.18.9.50', mailFrom: 'bounce@relay-pool.net' });
  assert.deepEqual(ids(unknown), []);
});
