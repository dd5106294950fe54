import { test } from 'node:test';
import assert from 'node:assert/strict';
import { links } from './index.ts';
import {
  BRAND_ACTION_HINTS,
  CLICK_TRACKERS,
  compileHostList,
  FREE_HOSTING,
  LINK_WRAPPERS,
  LOGIN_TEXT_HINTS,
  LOGIN_URL_HINTS,
  SHORTENERS,
  SUSPICIOUS_TLDS,
  USER_CONTENT_HOSTS,
  type HostList,
} from './lists.ts';
import { knownRedirectTarget, OPEN_REDIRECT_RULES, unwrapProtectedLink } from './redirects.ts';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import type { BrandPack } from '../../brands/brand-pack.ts';
import { topLevelDomain } from '../../text/domains.ts';

const BRANDS: BrandPack = {
  brands: [
    { id: 'paypal', name: 'PayPal', sector: 'finance', names: ['PayPal'], domains: ['paypal.com'] },
    { id: 'microsoft', name: 'Microsoft', sector: 'technology', names: ['Microsoft', 'Office 365'], domains: ['microsoft.com', 'microsoftonline.com', 'office.com'] },
    { id: 'facebook', name: 'Facebook', sector: 'social', names: ['Facebook'], domains: ['facebook.com'] },
  ],
};

const html = (body: string, from = 'Alerts <alerts@notice-example.com>'): TestMail => ({ from, subject: 'Notice', html: `<html><body>${body}</body></html>` });

async function run(mail: TestMail, brands?: BrandPack) {
  return analyze(links, mail, { ctx: brands ? { brands } : {} });
}

async function hit(mail: TestMail, id: string, brands?: BrandPack) {
  return (await run(mail, brands)).find((s) => s.id === id);
}

// Realistic legitimate mail that must stay silent.
const hospitalNewsletter: TestMail = {
  from: 'St Marys Health <news@stmarys-health.org>',
  subject: 'Community health newsletter – March',
  html: `<html><body>
    <h1>Spring health fair</h1>
    <p>Visit <a href="https://stmarys.us5.list-manage.com/track/click?u=abc&id=123&e=9f">www.stmarys-health.org</a> for the schedule.</p>
    <p><a href="https://stmarys.us5.list-manage.com/track/click?u=abc&id=124&e=9f">Follow us on Facebook</a></p>
    <p>Flu shots: <a href="https://www.cdc.gov/flu/prevent/flushot.htm">https://www.cdc.gov/flu</a></p>
    <p><a href="https://docs.google.com/forms/d/e/1FAIpQLSf/viewform">Take our 2-minute patient survey</a></p>
    <p><a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.who.int%2F&data=05">www.who.int</a></p>
    <form action="https://www.stmarys-health.org/search" method="get"><input name="q"><input type="submit" value="Search"></form>
    <p><a href="https://stmarys.us5.list-manage.com/unsubscribe?u=abc">Unsubscribe</a></p>
  </body></html>`,
};

const appointmentReminder: TestMail = {
  from: 'St Marys Health Scheduling <scheduling@stmarys-health.org>',
  subject: 'Appointment reminder',
  html: `<p>Dear Ms Lopez, your appointment is on Tuesday at 10:30.</p>
    <p><a href="https://mychart.stmarys-health.org/MyChart/Authentication/Login">Log in to MyChart</a> to confirm or reschedule.</p>
    <p><a href="javascript:window.print()">Print this reminder</a></p>`,
};

const vendorInvoice: TestMail = {
  from: 'Medline Billing <billing@medvendor-example.com>',
  subject: 'Invoice 88213',
  html: `<p>Your invoice is ready. <a href="https://portal.medvendor-example.com/invoices/88213">View invoice</a>.</p>
    <p>You can <a href="https://portal.medvendor-example.com/pay?method=paypal">pay with PayPal</a> or
    <a href="https://portal.medvendor-example.com/login">sign in to the portal</a>.</p>`,
};

const patientFromGmail: TestMail = {
  from: 'Maria Gonzalez <maria.gonzalez1987@gmail.com>',
  subject: 'Video about my knee exercises',
  text: 'Hi, the physio told me to do these exercises, is this the right video? https://www.youtube.com/watch?v=dQw4w9WgXcQ\nThanks, Maria',
};

test('legitimate hospital, vendor and patient mail raise no link signals', async () => {
  assert.deepEqual(ids(await run(hospitalNewsletter, BRANDS)), []);
  assert.deepEqual(ids(await run(appointmentReminder, BRANDS)), []);
  assert.deepEqual(ids(await run(vendorInvoice, BRANDS)), []);
  assert.deepEqual(ids(await run(patientFromGmail, BRANDS)), []);
  // And with the shipped brand pack.
  for (const m of [hospitalNewsletter, appointmentReminder, vendorInvoice, patientFromGmail]) assert.deepEqual(ids(await run(m)), [], m.subject);
});

function urlParts(u: string): { host: string; path: string } {
  const url = new URL(u);
  return { host: url.hostname, path: url.pathname };
}

function checkHostList(name: string, list: HostList) {
  const c = compileHostList(list);
  for (const u of list.matches) {
    const { host, path } = urlParts(u);
    assert.ok(c.has(host, path), `${name} should match ${u}`);
  }
  for (const u of list.nonMatches) {
    const { host, path } = urlParts(u);
    assert.ok(!c.has(host, path), `${name} should not match ${u}`);
  }
}

test('host lists match their own samples', () => {
  checkHostList('SHORTENERS', SHORTENERS);
  checkHostList('FREE_HOSTING', FREE_HOSTING);
  checkHostList('USER_CONTENT_HOSTS', USER_CONTENT_HOSTS);
  checkHostList('CLICK_TRACKERS', CLICK_TRACKERS);
  checkHostList('LINK_WRAPPERS', LINK_WRAPPERS);
  const tlds = new Set(SUSPICIOUS_TLDS.entries);
  for (const u of SUSPICIOUS_TLDS.matches) assert.ok(tlds.has(topLevelDomain(new URL(u).hostname)), u);
  for (const u of SUSPICIOUS_TLDS.nonMatches) assert.ok(!tlds.has(topLevelDomain(new URL(u).hostname)), u);
});

test('wording patterns match their own samples', () => {
  const checks: [string, { pattern: string; matches: string[]; nonMatches: string[] }, string][] = [
    ['LOGIN_URL_HINTS', LOGIN_URL_HINTS, ''],
    ['LOGIN_TEXT_HINTS', LOGIN_TEXT_HINTS, 'i'],
    ['BRAND_ACTION_HINTS', BRAND_ACTION_HINTS, 'iu'],
  ];
  for (const [name, p, flags] of checks) {
    const re = new RegExp(p.pattern, flags);
    for (const s of p.matches) assert.ok(re.test(s), `${name} should match ${s}`);
    for (const s of p.nonMatches) assert.ok(!re.test(s), `${name} should not match ${s}`);
  }
});

test('open-redirect rules match their own samples', () => {
  for (const rule of OPEN_REDIRECT_RULES) {
    for (const u of rule.matches) assert.equal(knownRedirectTarget(new URL(u))?.rule, rule.id, `${rule.id}: ${u}`);
    for (const u of rule.nonMatches) assert.notEqual(knownRedirectTarget(new URL(u))?.rule, rule.id, `${rule.id}: ${u}`);
  }
  assert.equal(knownRedirectTarget(new URL(OPEN_REDIRECT_RULES.find((r) => r.id === 'bing-ck')!.matches[0]))?.target, 'https://evil.example/login');
});

test('security-gateway links are unwrapped', () => {
  assert.equal(unwrapProtectedLink(new URL('https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2Fa&data=1')), 'https://example.org/a');
  assert.equal(unwrapProtectedLink(new URL('https://urldefense.com/v3/__https://example.org/a__;!!abc')), 'https://example.org/a');
  assert.equal(
    unwrapProtectedLink(new URL('https://urldefense.proofpoint.com/v2/url?u=https-3A__example.org_a-3Fb-3D1&d=x')),
    'https://example.org/a?b=1',
  );
});

test('LINK_TEXT_HREF_MISMATCH: text shows one site, link goes to another', async () => {
  const s = await hit(html('<a href="http://secure-paypa1-login.example.ru/x">https://www.paypal.com/signin</a>'), 'LINK_TEXT_HREF_MISMATCH');
  assert.equal(s?.score, 4);
  // A bare "Brand.com" as link text is how old newsletters named themselves: half strength.
  const bare = await hit(html('<a href="http://dictionary.reference.com/wotd">Dictionary.com</a>'), 'LINK_TEXT_HREF_MISMATCH');
  assert.equal(bare?.score, 2);
});

test('LINK_TEXT_HREF_MISMATCH: tracking, wrapping, same site and file names are fine', async () => {
  assert.equal(await hit(hospitalNewsletter, 'LINK_TEXT_HREF_MISMATCH'), undefined);
  assert.equal(await hit(html('<a href="https://github.com/pypa/setuptools/blob/main/setup.py">setup.py</a>'), 'LINK_TEXT_HREF_MISMATCH'), undefined);
  assert.equal(await hit(html('<a href="https://www.amazon.co.uk/dp/123">www.amazon.com</a>'), 'LINK_TEXT_HREF_MISMATCH'), undefined);
  assert.equal(
    await hit(html('<a href="https://clicks.dailynews-example.com/c?u=https%3A%2F%2Fwww.nejm.org%2Fdoi%2F10">www.nejm.org</a>'), 'LINK_TEXT_HREF_MISMATCH'),
    undefined,
  );
  // The sender's own click-tracking host.
  assert.equal(
    await hit(html('<a href="http://clickthru.online-example.com/c?id=77">www.buy.example</a>', 'CNET <newsletter@online-example.com>'), 'LINK_TEXT_HREF_MISMATCH'),
    undefined,
  );
});

test('LINK_BRAND_MISMATCH: brand account wording leading elsewhere', async () => {
  const s = await hit(html('<a href="https://share-docs-example.net/ms/auth">Log in to your Microsoft account</a>'), 'LINK_BRAND_MISMATCH', BRANDS);
  assert.equal(s?.score, 3);
  assert.equal(await hit(html('<a href="https://login.microsoftonline.com/common">Sign in to your Microsoft account</a>'), 'LINK_BRAND_MISMATCH', BRANDS), undefined);
  assert.equal(await hit(html('<a href="https://click.news-example.com/fb">Follow us on Facebook</a>'), 'LINK_BRAND_MISMATCH', BRANDS), undefined);
  assert.equal(await hit(vendorInvoice, 'LINK_BRAND_MISMATCH', BRANDS), undefined);
});

test('LINK_IP_HOST: public IP hosts, more when disguised', async () => {
  assert.equal((await hit(html('<a href="http://203.0.113.45/secure/">Open</a>'), 'LINK_IP_HOST'))?.score, 3);
  assert.equal((await hit(html('<a href="http://3405803821/account">Open</a>'), 'LINK_IP_HOST'))?.score, 5);
  assert.equal(await hit(html('<a href="http://192.168.1.1/">router admin page</a>'), 'LINK_IP_HOST'), undefined);
  assert.equal(await hit(appointmentReminder, 'LINK_IP_HOST'), undefined);
});

test('LINK_PUNYCODE: internationalised hosts, more when they mix alphabets', async () => {
  assert.equal((await hit(html('<a href="https://xn--pypal-4ve.com/signin">Open</a>'), 'LINK_PUNYCODE'))?.score, 4);
  assert.equal((await hit(html('<a href="https://xn--80ak6aa92e.com/">Open</a>'), 'LINK_PUNYCODE'))?.score, 4);
  assert.equal((await hit(html('<a href="https://xn--mnchen-3ya.de/klinik">Klinikum</a>'), 'LINK_PUNYCODE'))?.score, 2);
  assert.equal(await hit(hospitalNewsletter, 'LINK_PUNYCODE'), undefined);
});

test('LINK_SHORTENER: weak signal for shortened links', async () => {
  assert.equal((await hit(html('<a href="https://bit.ly/3xYzAbc">Open</a>'), 'LINK_SHORTENER'))?.score, 1);
  assert.equal(await hit(html('<a href="https://bitly.example.org/">Open</a>'), 'LINK_SHORTENER'), undefined);
  assert.equal(await hit(patientFromGmail, 'LINK_SHORTENER'), undefined);
});

test('LINK_OPEN_REDIRECT: reputable redirector to another site', async () => {
  assert.equal((await hit(html('<a href="https://www.google.com/url?q=https://evil-example.ru/o365&sa=D">Open</a>'), 'LINK_OPEN_REDIRECT'))?.score, 3);
  assert.equal((await hit(html('<a href="https://news-site-example.com/out?url=https%3A%2F%2Fevil-example.ru%2F">Open</a>'), 'LINK_OPEN_REDIRECT'))?.score, 1.5);
  assert.equal(await hit(html('<a href="https://www.google.com/url?q=https://www.google.com/maps/place/x">Map</a>'), 'LINK_OPEN_REDIRECT'), undefined);
  assert.equal(
    await hit(html('<a href="https://www.stmarys-health.org/redirect?url=https://www.cdc.gov/">CDC</a>', 'St Marys <news@stmarys-health.org>'), 'LINK_OPEN_REDIRECT'),
    undefined,
  );
  assert.equal(await hit(html('<a href="https://us5.list-manage.com/track/click?u=1&url=https://www.cdc.gov/">CDC</a>'), 'LINK_OPEN_REDIRECT'), undefined);
});

test('LINK_OPEN_REDIRECT: the destination is inspected too', async () => {
  const signals = ids(await run(html('<a href="https://www.google.com/url?q=https://o365-review.pages.dev/login">Sign in</a>')));
  assert.ok(signals.includes('LINK_OPEN_REDIRECT'));
  assert.ok(signals.includes('LINK_CREDENTIAL_LANDING'));
});

test('LINK_DANGEROUS_SCHEME: script, embedded documents and local files', async () => {
  assert.equal((await hit(html('<a href="data:text/html;base64,PGgxPkxvZ2luPC9oMT4=">Open secure message</a>'), 'LINK_DANGEROUS_SCHEME'))?.score, 4);
  assert.equal((await hit(html('<a href="vbscript:msgbox(1)">Open</a>'), 'LINK_DANGEROUS_SCHEME'))?.score, 4);
  assert.equal((await hit(html('<a href="file://fileserver-example/share/invoice.lnk">Invoice</a>'), 'LINK_DANGEROUS_SCHEME'))?.score, 2);
  assert.equal((await hit(html('<a href="javascript:location=\'http://x.example\'">Open</a>'), 'LINK_DANGEROUS_SCHEME'))?.score, 1);
  assert.equal(await hit(html('<a href="javascript:void(0)">Menu</a><a href="data:image/png;base64,iVBORw0KGgo=">logo</a>'), 'LINK_DANGEROUS_SCHEME'), undefined);
  assert.equal(await hit(appointmentReminder, 'LINK_DANGEROUS_SCHEME'), undefined);
});

test('LINK_CREDENTIAL_LANDING: sign-in pages on throw-away hosting and form builders', async () => {
  assert.equal((await hit(html('<a href="https://o365-review.pages.dev/">Sign in to view the document</a>'), 'LINK_CREDENTIAL_LANDING'))?.score, 5);
  assert.equal((await hit(html('<a href="https://docs.google.com/forms/d/e/1FAIp/viewform">Verify your mailbox</a>'), 'LINK_CREDENTIAL_LANDING'))?.score, 5);
  assert.equal((await hit(html('<a href="https://someone.github.io/outlook-web/login.html">Continue</a>'), 'LINK_CREDENTIAL_LANDING'))?.score, 5);
  assert.equal((await hit(html('<a href="http://203.0.113.9/owa/auth.owa">Continue</a>'), 'LINK_CREDENTIAL_LANDING'))?.score, 5);
  // Wording in both text and URL on an unrelated site: half strength.
  assert.equal((await hit(html('<a href="https://account-check-example.com/verify">Verify your account</a>'), 'LINK_CREDENTIAL_LANDING'))?.score, 2);
});

test('LINK_CREDENTIAL_LANDING: our portal, the vendor portal and surveys are fine', async () => {
  assert.equal(await hit(appointmentReminder, 'LINK_CREDENTIAL_LANDING'), undefined);
  assert.equal(await hit(vendorInvoice, 'LINK_CREDENTIAL_LANDING'), undefined);
  assert.equal(await hit(hospitalNewsletter, 'LINK_CREDENTIAL_LANDING'), undefined);
  assert.equal(await hit(html('<a href="https://forms.office.com/r/AbC123">Staff wellbeing survey</a>'), 'LINK_CREDENTIAL_LANDING'), undefined);
});

test('LINK_FREE_HOSTING: weak signal for instant hosting without sign-in wording', async () => {
  assert.equal((await hit(html('<a href="https://storage.googleapis.com/bkt-x/index.html">Open</a>'), 'LINK_FREE_HOSTING'))?.score, 1.5);
  assert.equal(await hit(html('<a href="https://www.googleapis.com/discovery/v1/apis">API list</a>'), 'LINK_FREE_HOSTING'), undefined);
  assert.equal(await hit(hospitalNewsletter, 'LINK_FREE_HOSTING'), undefined);
});

test('LINK_SUSPICIOUS_TLD: weak signal for abuse-heavy TLDs', async () => {
  assert.equal((await hit(html('<a href="https://promo-deals.top/claim">Claim</a>'), 'LINK_SUSPICIOUS_TLD'))?.score, 1);
  assert.equal(await hit(html('<a href="https://mercy.health/locations">Locations</a>'), 'LINK_SUSPICIOUS_TLD'), undefined);
});

test('LINK_HOST_USERINFO: text before "@" in the authority', async () => {
  assert.equal((await hit(html('<a href="http://paypal.com@evil-example.ru/">Open</a>'), 'LINK_HOST_USERINFO'))?.score, 5);
  assert.equal((await hit(html('<a href="http://user@host-example.net/">Open</a>'), 'LINK_HOST_USERINFO'))?.score, 2.5);
  assert.equal(await hit(html('<a href="ftp://anonymous@ftp.example.org/pub/">FTP</a>'), 'LINK_HOST_USERINFO'), undefined);
  assert.equal(await hit(patientFromGmail, 'LINK_HOST_USERINFO'), undefined);
});

test('FORM_IN_BODY: forms that post credentials or personal details away', async () => {
  const cred = await hit(
    html('<form action="https://collect-example.ru/p.php" method="post"><input name="email"><input type="password" name="pw"><button>Sign in</button></form>'),
    'FORM_IN_BODY',
  );
  assert.equal(cred?.score, 6);
  const personal = await hit(
    html('<form action="http://65.217.159.103/response/response.asp" method="post"><input name="contactname"><input name="email"><input name="phone"></form>'),
    'FORM_IN_BODY',
  );
  assert.equal(personal?.score, 2.4);
});

test('FORM_IN_BODY: search boxes and list subscription forms are fine', async () => {
  assert.equal(await hit(hospitalNewsletter, 'FORM_IN_BODY'), undefined);
  assert.equal(
    await hit(html('<form action="http://ui.constantcontact.com/d.jsp" method="post"><input name="ea"><input type="submit" value="Join"></form>', 'Genesearch <enews@genesearch-example.com.au>'), 'FORM_IN_BODY'),
    undefined,
  );
  assert.equal(
    await hit(html('<form action="http://search.cnn.com/cnn/search" method="get"><input name="query"></form>', 'CNN <mailings@mail.cnn.com>'), 'FORM_IN_BODY'),
    undefined,
  );
});

test('a gateway link that cannot be unwrapped is not called a mismatch', async () => {
  assert.equal(
    await hit(html('<a href="https://protect-eu.mimecast.com/s/AbCdEfGh">www.who.int</a>'), 'LINK_TEXT_HREF_MISMATCH'),
    undefined,
  );
});

test("a vendor's portal on its main domain while mailing from a sister domain is not a stranger's login page", async () => {
  assert.equal(
    await hit(html('<a href="https://portal.medvendor.com/login">Sign in to your account</a>', 'Medvendor <no-reply@medvendor-mail.com>'), 'LINK_CREDENTIAL_LANDING'),
    undefined,
  );
});
