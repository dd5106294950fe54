import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseDomain } from 'tldts';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import { LOOKALIKE_ALLOWLIST } from './allowlist.ts';
import { lookalikeDomain } from './index.ts';

// The organisation is stmarys-health.org; its partner Lakeside Cardiology is lakesidecardio.com.

interface Case {
  name: string;
  mail: TestMail;
  /** Signals expected (exactly these); [] for legitimate mail. */
  expect: string[];
  /** Evidence must contain this. */
  evidence?: string;
}

const link = (href: string, text = 'Open') => `<p>Hello,</p><p><a href="${href}">${text}</a></p>`;

const POSITIVES: Case[] = [
  {
    name: 'org domain under another ending',
    mail: { from: 'IT Service Desk <helpdesk@stmarys-health.co>', subject: 'Password expiry', text: 'Reset today.' },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
    evidence: 'stmarys-health.co is the same name under a different ending than our domain stmarys-health.org',
  },
  {
    name: 'org domain with the hyphen dropped, in Reply-To only',
    mail: { from: 'Dr. Ana Ruiz <ana.ruiz@gmail.com>', replyTo: 'ana.ruiz@stmaryshealth.org', text: 'Please send the patient list.' },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
    evidence: 'Reply-To domain stmaryshealth.org',
  },
  {
    name: 'org domain inside a longer domain',
    mail: { from: 'Payroll <payroll@stmarys-health-payroll.com>', text: 'Update your direct deposit.' },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
  },
  {
    name: 'org domain with a letter swapped, in a link',
    mail: { from: 'News <news@esp-mailer.net>', html: link('https://portal.stmarys-heatlh.org/login', 'Staff portal') },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
    evidence: 'link domain portal.stmarys-heatlh.org is a near-miss spelling',
  },
  {
    name: 'partner domain typo',
    mail: { from: 'Lakeside Cardiology Billing <billing@lakesidecardoi.com>', text: 'Invoice attached.' },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
    evidence: "partner Lakeside Cardiology's domain lakesidecardio.com",
  },
  {
    name: 'org domain as a subdomain of an attacker domain',
    mail: { from: 'x <a@mailer.example.net>', html: link('https://stmarys-health.secure-docs.net/view', 'View document') },
    expect: ['ORG_LOOKALIKE_DOMAIN'],
  },
  {
    name: 'digit look-alike of a brand',
    mail: { from: 'PayPal <service@paypa1.com>', text: 'Your account is limited.' },
    expect: ['BRAND_LOOKALIKE_DOMAIN'],
    evidence: 'paypa1.com is written with look-alike characters',
  },
  {
    name: 'rn for m',
    mail: { from: 'Microsoft 365 <no-reply@rnicrosoft.com>', text: 'Sign in.' },
    expect: ['BRAND_LOOKALIKE_DOMAIN'],
  },
  {
    name: 'transposed letters of a brand',
    mail: { from: 'x <a@news.example.org>', html: link('https://www.micorsoft.com/login') },
    expect: ['BRAND_LOOKALIKE_DOMAIN'],
  },
  {
    name: 'brand name under a throw-away ending',
    mail: { from: 'Amazon <orders@amazon.support>', text: 'Your order' },
    expect: ['BRAND_LOOKALIKE_DOMAIN'],
  },
  {
    name: 'Cyrillic homograph (punycode in From)',
    mail: { from: 'PayPal <service@xn--pypal-4ve.com>', text: 'Confirm' },
    expect: ['IDN_HOMOGRAPH_DOMAIN'],
    evidence: '(xn--pypal-4ve.com)',
  },
  {
    name: 'all-Cyrillic apple.com in a link',
    mail: { from: 'x <a@mailer.example.net>', html: link('https://xn--80ak6aa92e.com/id') },
    expect: ['IDN_HOMOGRAPH_DOMAIN'],
  },
  {
    name: 'brand wrapped in lure words',
    mail: { from: 'PayPal Service <service@paypal-secure-login.com>', text: 'Log in' },
    expect: ['BRAND_NAME_IN_DOMAIN'],
    evidence: 'paypal-secure-login.com',
  },
  {
    name: 'brand as a subdomain of a lure domain',
    mail: { from: 'Microsoft <alert@microsoft.support-verify.net>', text: 'Verify' },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'healthcare brand in an appointments domain',
    mail: { from: 'Zocdoc <noreply@zocdoc-appts.net>', text: 'Confirm your appointment' },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'healthcare brand as a subdomain',
    mail: { from: 'x <a@mailer.example.net>', html: link('https://zocdoc.appointments-portal.net/confirm', 'Confirm') },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'run-together product name (appleid) with lure words',
    mail: { from: 'Apple <no-reply@appleidverify.com>', text: 'Verify' },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'common-word brand next to a credential word',
    mail: { from: 'Apple <no-reply@apple-id-verify.com>', text: 'Verify' },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'brand domain spelled out in front of an attacker domain',
    mail: { from: 'x <a@mailer.example.net>', html: link('https://paypal.com.account-center.example.net/x', 'PayPal') },
    expect: ['BRAND_NAME_IN_DOMAIN'],
  },
  {
    name: 'Latin mixed with Cyrillic in a sender domain that imitates nothing we know',
    mail: { from: 'Billing <billing@xn--mdcal-3ve1c.com>', text: 'Invoice' },
    expect: ['MIXED_SCRIPT_DOMAIN'],
  },
];

const NEGATIVES: Case[] = [
  {
    name: 'hospital newsletter from our own domain via an ESP',
    mail: {
      from: "St Mary's Health <news@stmarys-health.org>",
      returnPath: 'bounce-123@esp-mailer.net',
      subject: 'Staff newsletter: new parking',
      html: '<p>Read more on <a href="https://intranet.stmarys-health.org/news">the intranet</a>.</p><a href="https://click.esp-mailer.net/u?id=1">Unsubscribe</a>',
    },
    expect: [],
  },
  {
    name: 'partner writes from its own domain',
    mail: { from: 'Lakeside Cardiology <referrals@lakesidecardio.com>', text: 'Referral for Mr. Smith attached.' },
    expect: [],
  },
  {
    name: 'patient writes from gmail',
    mail: { from: 'Maria Lopez <maria.lopez1984@gmail.com>', subject: 'Appointment', text: 'Can I move my appointment to Friday?' },
    expect: [],
  },
  {
    name: 'real PayPal receipt with PayPal image and link hosts',
    mail: {
      from: 'PayPal <service@paypal.com>',
      returnPath: 'bounce@mail.paypal.com',
      html: '<img src="https://www.paypalobjects.com/logo.png"><a href="https://www.paypal.com/activity">View transaction</a>',
    },
    expect: [],
  },
  {
    name: 'Amazon order with Amazon image hosts and an SES return path',
    mail: {
      from: 'Amazon.com <shipment-tracking@amazon.com>',
      returnPath: '0100018abc@amazonses.com',
      html: '<img src="https://m.media-amazon.com/images/x.jpg"><a href="https://www.amazon.com/gp/your-orders">Your orders</a>',
    },
    expect: [],
  },
  {
    name: 'vendor invoice from a Microsoft 365 tenant and a SharePoint link',
    mail: {
      from: 'Accounts <ap@medsupplyco.onmicrosoft.com>',
      html: link('https://medsupplyco.sharepoint.com/:b:/s/finance/invoice.pdf', 'Invoice 4411'),
    },
    expect: [],
  },
  {
    name: 'a local Sparkasse writes from its own domain',
    mail: { from: 'Sparkasse KölnBonn <service@sparkasse-koelnbonn.de>', text: 'Ihr Kontoauszug ist da.' },
    expect: [],
  },
  {
    name: 'brand in a country domain',
    mail: { from: 'Amazon.de <versandbestaetigung@amazon.de>', html: link('https://www.amazon.fr/x') },
    expect: [],
  },
  {
    name: 'ordinary words one letter from a brand',
    mail: {
      from: 'Humane Society <info@humane.org>',
      html: `${link('https://twister.com/a', 'game')}${link('https://www.chasse.fr/', 'chasse')}${link('https://human.com/', 'human')}`,
    },
    expect: [],
  },
  {
    name: 'another hospital patient portal with healthcare in its name',
    mail: { from: 'Mercy Health <noreply@mercy-healthcare-portal.org>', text: 'You have a new message.' },
    expect: [],
  },
  {
    name: 'news site sections and open-source project subdomains',
    mail: {
      from: 'Slashdot <slashdot@newsletters.slashdot.org>',
      html: `${link('http://apple.slashdot.org/article.pl?sid=1', 'Apple story')}${link('http://xbox-linux.sourceforge.net/', 'Xbox Linux')}`,
    },
    expect: [],
  },
  {
    name: 'Google Groups list mail and Google user content',
    mail: { from: 'Residents list <residents@googlegroups.com>', html: link('https://lh3.googleusercontent.com/a/photo.jpg', 'photo') },
    expect: [],
  },
  {
    name: 'an unrelated short domain',
    mail: { from: 'UPC Billing <billing@upc.ch>', html: link('https://www.upc.ch/en/account') },
    expect: [],
  },
  {
    name: 'internationalised domain of a German town',
    mail: { from: 'Stadt München <info@xn--mnchen-3ya.de>', text: 'Termine' },
    expect: [],
  },
];

for (const c of [...POSITIVES, ...NEGATIVES]) {
  test(`lookalike-domain: ${c.expect.length ? 'flags' : 'passes'} ${c.name}`, async () => {
    const signals = await analyze(lookalikeDomain, c.mail);
    assert.deepEqual(ids(signals), [...c.expect].sort(), signals.map((s) => s.evidence).join('\n'));
    if (c.evidence) assert.ok(signals.some((s) => s.evidence.includes(c.evidence!)), signals.map((s) => s.evidence).join('\n'));
  });
}

test('lookalike-domain: a sender-side hit weighs more than the same domain as a link', async () => {
  const [fromSig] = await analyze(lookalikeDomain, { from: 'x <a@paypa1.com>', text: 'hi' });
  const [linkSig] = await analyze(lookalikeDomain, { from: 'x <a@mailer.example.net>', html: link('https://paypa1.com/x') });
  assert.ok(fromSig.score > linkSig.score);
});

test('lookalike-domain: lure words raise the brand-in-domain weight', async () => {
  const [lured] = await analyze(lookalikeDomain, { from: 'x <a@paypal-login.com>', text: 'hi' });
  const [plain] = await analyze(lookalikeDomain, { from: 'x <a@paypal-fans.com>', text: 'hi' });
  assert.ok(lured.score > plain.score, `${lured.score} > ${plain.score}`);
});

test('lookalike-domain: configured domains are never reported', async () => {
  const signals = await analyze(lookalikeDomain, { from: 'x <a@stmarys-health.co>', text: 'hi' }, { config: { allowDomains: ['stmarys-health.co'] } });
  assert.deepEqual(ids(signals), []);
});

test('lookalike-domain: a look-alike of the org outranks a brand match', async () => {
  const signals = await analyze(lookalikeDomain, { from: 'x <a@stmarys-health.co>', text: 'hi' }, { ctx: { org: { domains: ['stmarys-health.org'], partners: [] } } });
  assert.deepEqual(ids(signals), ['ORG_LOOKALIKE_DOMAIN']);
});

test('lookalike-domain: an org named by an ordinary word is not confused with its namesakes', async () => {
  const ctx = { org: { domains: ['mercy.org'], partners: [] } };
  const flagged = async (from: string) => ids(await analyze(lookalikeDomain, { from, text: 'Hello' }, { ctx })).includes('ORG_LOOKALIKE_DOMAIN');
  for (const from of ['Merck <news@merck.com>', 'Mercy Corps <info@mercy.com>', 'Mercyhurst University <admissions@mercyhurst.edu>']) {
    assert.equal(await flagged(from), false, from);
  }
  for (const from of ['IT <it@mercy.co>', 'IT <it@mercy-login.com>', 'HR <hr@mercey.org>', 'HR <hr@rnercy.org>']) {
    assert.equal(await flagged(from), true, from);
  }
});

test('lookalike-domain: allowlist entries are registrable domains', () => {
  for (const d of LOOKALIKE_ALLOWLIST) assert.equal(parseDomain(d, { allowPrivateDomains: true }).domain, d, d);
});
