import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { senderAnomalies } from './index.ts';
import { compileOrgWordRule, ORG_WORD_RULES } from './org-words.ts';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import type { BrandPack } from '../../brands/brand-pack.ts';
import { isFreemail, registrableDomain } from '../../text/domains.ts';

const BRANDS: BrandPack = {
  brands: [
    { id: 'paypal', name: 'PayPal', sector: 'finance', names: ['PayPal'], domains: ['paypal.com'] },
    { id: 'microsoft', name: 'Microsoft', sector: 'technology', names: ['Microsoft', 'Office 365'], domains: ['microsoft.com', 'office.com'] },
  ],
};

async function signalsOf(mail: TestMail, brands?: BrandPack) {
  return analyze(senderAnomalies, mail, { ctx: brands ? { brands } : {} });
}

async function hits(mail: TestMail, id: string, brands?: BrandPack) {
  return (await signalsOf(mail, brands)).find((s) => s.id === id);
}

const appointmentReminder: TestMail = {
  from: 'St Marys Health Scheduling <scheduling@stmarys-health.org>',
  replyTo: 'Scheduling Desk <scheduling@stmarys-health.org>',
  returnPath: 'bounces@stmarys-health.org',
  subject: 'Reminder: your appointment on Tuesday',
  text: 'Dear Ms Lopez, this is a reminder of your appointment with Dr Klein on Tuesday at 10:30.',
};

const patientFromGmail: TestMail = {
  from: 'Maria Gonzalez <maria.gonzalez1987@gmail.com>',
  subject: 'Question about my lab results',
  text: 'Hello, I had blood drawn last week and wanted to ask when the results will be ready. Thanks, Maria',
};

const listPost: TestMail = {
  from: 'Alice Chen <alice@uni-example.edu>',
  replyTo: 'cardiology-research@lists.example.org',
  sender: 'cardiology-research-bounces@lists.example.org',
  returnPath: 'cardiology-research-bounces@lists.example.org',
  headers: { 'List-Id': '<cardiology-research.lists.example.org>', 'List-Post': '<mailto:cardiology-research@lists.example.org>' },
  subject: '[cardio] Journal club on Thursday',
  text: 'We will discuss the new heart failure guidelines.',
};

test('org-word rules match their own samples', () => {
  for (const rule of ORG_WORD_RULES) {
    const re = compileOrgWordRule(rule);
    for (const s of rule.matches) assert.ok(re.test(s), `${rule.id} should match ${JSON.stringify(s)}`);
    for (const s of rule.nonMatches) assert.ok(!re.test(s), `${rule.id} should not match ${JSON.stringify(s)}`);
  }
});

test('freemail list holds registrable domains only', () => {
  const file = JSON.parse(readFileSync(new URL('../../text/freemail.json', import.meta.url), 'utf8')) as { domains: string[] };
  for (const d of file.domains) assert.equal(registrableDomain(d), d, `${d} is not a registrable domain`);
  assert.ok(isFreemail('someone@mail.yahoo.co.uk'));
  assert.ok(!isFreemail('someone@stmarys-health.org'));
});

test('legitimate hospital, patient and mailing-list mail raise nothing', async () => {
  assert.deepEqual(ids(await signalsOf(appointmentReminder)), []);
  assert.deepEqual(ids(await signalsOf(patientFromGmail)), []);
  assert.deepEqual(ids(await signalsOf(listPost)), []);
  for (const m of [appointmentReminder, patientFromGmail, listPost]) assert.deepEqual(ids(await signalsOf(m, BRANDS)), [], m.subject);
});

test('FROM_REPLYTO_DIFFERENT_DOMAIN: replies diverted to another organisation', async () => {
  const s = await hits(
    { from: 'Acme Medical Supplies <billing@acme-medsupplies.com>', replyTo: 'accounts@acme-payments-desk.net', subject: 'Invoice 4471' },
    'FROM_REPLYTO_DIFFERENT_DOMAIN',
  );
  assert.ok(s);
  assert.equal(s.score, 1);
  // Same organisation on a country domain, and list mail replying to the list.
  assert.equal(await hits({ from: 'Siemens Healthineers <service@siemens-healthineers.com>', replyTo: 'support@siemens-healthineers.de' }, 'FROM_REPLYTO_DIFFERENT_DOMAIN'), undefined);
  assert.equal(await hits(listPost, 'FROM_REPLYTO_DIFFERENT_DOMAIN'), undefined);
  assert.equal(await hits(appointmentReminder, 'FROM_REPLYTO_DIFFERENT_DOMAIN'), undefined);
});

test('REPLYTO_FREEMAIL: organisation sender, replies to a free-mail box', async () => {
  const s = await hits(
    { from: 'Lakeside Cardiology Accounts <accounts@lakesidecardio.com>', replyTo: 'lakeside.accounts.dept@gmail.com', subject: 'Updated bank details' },
    'REPLYTO_FREEMAIL',
  );
  assert.ok(s);
  assert.equal(s.score, 3);
  const ids1 = ids(await signalsOf({ from: 'Lakeside <accounts@lakesidecardio.com>', replyTo: 'x.payments@outlook.com' }));
  assert.ok(!ids1.includes('FROM_REPLYTO_DIFFERENT_DOMAIN'), 'the free-mail case is not counted twice');
  // From one free-mail address, replies to a stranger's: weaker.
  const weak = await hits({ from: 'Mr Tom Hassan <hassanmrtom@gmail.com>', replyTo: 'claims.office22@outlook.com' }, 'REPLYTO_FREEMAIL');
  assert.equal(weak?.score, 1.5);
});

test('REPLYTO_FREEMAIL: a patient replying from another of their own addresses is fine', async () => {
  assert.equal(await hits({ from: 'Jane Doe <jane.doe@gmail.com>', replyTo: 'janedoe@googlemail.com' }, 'REPLYTO_FREEMAIL'), undefined);
  assert.equal(await hits({ ...patientFromGmail, replyTo: 'maria.gonzalez1987@gmail.com' }, 'REPLYTO_FREEMAIL'), undefined);
});

test('FROM_RETURNPATH_MISMATCH: informational, skipped for lists', async () => {
  const s = await hits(
    { from: 'Vendor Invoices <invoices@medvendor-example.com>', returnPath: 'bounce-123@esp-mailer-example.net' },
    'FROM_RETURNPATH_MISMATCH',
  );
  assert.ok(s);
  assert.ok(s.score < 0.5);
  assert.equal(await hits(listPost, 'FROM_RETURNPATH_MISMATCH'), undefined);
  assert.equal(await hits(appointmentReminder, 'FROM_RETURNPATH_MISMATCH'), undefined);
});

test('DISPLAY_NAME_HAS_ADDRESS: another address shown in the name', async () => {
  const s = await hits({ from: '"support@paypal.com" <x92@mail-secure-check.ru>' }, 'DISPLAY_NAME_HAS_ADDRESS');
  assert.ok(s);
  assert.equal(s.score, 4);
  const brandDomain = await hits({ from: '"PayPal.com" <service@account-alerts-example.ru>' }, 'DISPLAY_NAME_HAS_ADDRESS', BRANDS);
  assert.ok(brandDomain);
  assert.ok(brandDomain.score < 4);
});

test('DISPLAY_NAME_HAS_ADDRESS: own address, forwarding groups and newsletter names are fine', async () => {
  assert.equal(await hits({ from: '"jane.doe@gmail.com" <jane.doe@gmail.com>' }, 'DISPLAY_NAME_HAS_ADDRESS'), undefined);
  assert.equal(await hits({ from: '"\'jane@clinic-example.com\' via Nurses Group" <nurses@googlegroups.com>' }, 'DISPLAY_NAME_HAS_ADDRESS'), undefined);
  assert.equal(await hits({ from: 'CNET News.com Daily Dispatch <newsletter@online.com>' }, 'DISPLAY_NAME_HAS_ADDRESS', BRANDS), undefined);
  assert.equal(await hits({ from: 'Booking.com <noreply@mailer.booking.com>' }, 'DISPLAY_NAME_HAS_ADDRESS', BRANDS), undefined);
  assert.equal(await hits({ from: 'Craig R.Hughes <craig@deersoft.com>' }, 'DISPLAY_NAME_HAS_ADDRESS'), undefined);
});

test('FREEMAIL_ORG_NAME: free-mail sender posing as a department or brand', async () => {
  const it = await hits({ from: 'IT Helpdesk <stmarys.helpdesk@gmail.com>', subject: 'Mailbox quota' }, 'FREEMAIL_ORG_NAME');
  assert.ok(it);
  assert.equal(it.score, 2);
  assert.ok(await hits({ from: 'Mercy Hospital Billing <mercy.billing@outlook.com>' }, 'FREEMAIL_ORG_NAME'));
  assert.ok(await hits({ from: 'ethereum.org <lc6hjill@icloud.com>' }, 'FREEMAIL_ORG_NAME'));
  const brand = await hits({ from: 'Microsoft account team <ms.security.alerts@gmail.com>' }, 'FREEMAIL_ORG_NAME', BRANDS);
  assert.equal(brand?.score, 3);
});

test('FREEMAIL_ORG_NAME: people on free-mail and organisations on their own domain are fine', async () => {
  assert.equal(await hits(patientFromGmail, 'FREEMAIL_ORG_NAME'), undefined);
  assert.equal(await hits({ from: 'Dr Sarah Klein <sarah.klein.md@gmail.com>' }, 'FREEMAIL_ORG_NAME'), undefined);
  assert.equal(await hits({ from: 'Courtney Banks <courtney.banks@yahoo.com>' }, 'FREEMAIL_ORG_NAME'), undefined);
  assert.equal(await hits({ from: 'IT Helpdesk <helpdesk@stmarys-health.org>' }, 'FREEMAIL_ORG_NAME'), undefined);
});

test('ORG_DISPLAY_NAME_EXTERNAL: our name on an outside address', async () => {
  assert.ok(await hits({ from: 'StMarys-Health IT Support <it-support@mailbox-upgrade-example.com>' }, 'ORG_DISPLAY_NAME_EXTERNAL'));
  assert.ok(await hits({ from: '"stmarys-health.org Payroll" <payroll@hr-portal-example.net>' }, 'ORG_DISPLAY_NAME_EXTERNAL'));
});

test('ORG_DISPLAY_NAME_EXTERNAL: our own and partner addresses are fine', async () => {
  assert.equal(await hits({ from: 'St Marys Health <news@stmarys-health.org>' }, 'ORG_DISPLAY_NAME_EXTERNAL'), undefined);
  assert.equal(await hits({ from: 'Lakeside Cardiology for StMarysHealth patients <referrals@lakesidecardio.com>' }, 'ORG_DISPLAY_NAME_EXTERNAL'), undefined);
  assert.equal(await hits(patientFromGmail, 'ORG_DISPLAY_NAME_EXTERNAL'), undefined);
});

test('FROM_MULTIPLE and FROM_INVALID', async () => {
  assert.ok(await hits({ from: '"delivery@gls.de", <service@stayfriends-example.de>' }, 'FROM_MULTIPLE'));
  assert.equal(await hits(appointmentReminder, 'FROM_MULTIPLE'), undefined);
  assert.ok(await hits({ from: 'Ihr lokaler Discounter <>' }, 'FROM_INVALID'));
  assert.ok(await hits({ from: 'Correios <noreply@correios>' }, 'FROM_INVALID'));
  assert.equal(await hits(patientFromGmail, 'FROM_INVALID'), undefined);
  assert.equal(await hits(appointmentReminder, 'FROM_INVALID'), undefined);
});

test('SENDER_ADDRESS_GENERATED: random mixed-case and serial-numbered throw-away senders', async () => {
  for (const from of [
    'System Administrator. <XeaLkqPl@mail.slave-example.net>',
    'Liberty Team <DfGmlrN@power.solar-example.com>',
    'On Behalf of Gundry MD <wiley_pagan_90234@a.offers-example.com>',
    'Neck Serum <For_You_67028@zln-example.com>',
    'Sabrina <vugwyqsdmtvd@deacons-example.com.hk>',
    'zsbjdqnkc@surnet-example.ru',
    'Anna <wtstitxgd@mail-example.com>',
    'Julia <cjkpssoqzrxvez@ciudad-example.com.ar>',
  ]) {
    const s = await hits({ from, subject: 'Hello', text: 'Hi' }, 'SENDER_ADDRESS_GENERATED');
    assert.ok(s, from);
    // The evidence quotes the address as written: its case is the point.
    assert.match(s.evidence, /[A-Z]|_\d{5}|letters no language strings together/, from);
  }
});

test('SENDER_ADDRESS_GENERATED: people, CamelCase names, ticket addresses and numbered free-mail are fine', async () => {
  for (const from of [
    'Do Not Use <DoNotUse@example.org>',
    'eBay <eBayInternetMarketing@ebay-example.com>',
    'Dr John McDonald <DrJohnMcDonald@stmarys-health.org>',
    'J Smith <JSmith@stmarys-health.org>',
    'HR <noreplyHR@stmarys-health.org>',
    'Maria Lopez <maria_lopez_1984@gmail.com>',
    'Maria Lopez <maria_lopez_19841@gmail.com>',
    'Service Desk <ticket_102345@helpdesk.stmarys-health.org>',
    // Initials before a surname, consonant clusters of real languages.
    'T R Smith <trsmith@stmarys-health.org>',
    'J F K Williams <jfkwilliams@stmarys-health.org>',
    'Dr Hirschfeld <hirschfeld@uniklinik-example.de>',
    'A Deutschmann <adeutschmann@uniklinik-example.de>',
    'K Brzezinski <kbrzezinski@stmarys-health.org>',
    'M Szczepanski <mszczepanski@gmail.com>',
    'Newsletter <newsletter@stmarys-health.org>',
    'John McDonald <johnmcdonald@stmarys-health.org>',
  ]) {
    assert.equal(await hits({ from, subject: 'Hello', text: 'Hi' }, 'SENDER_ADDRESS_GENERATED'), undefined, from);
  }
  assert.equal(await hits(patientFromGmail, 'SENDER_ADDRESS_GENERATED'), undefined);
  // List mail: the list's own addressing scheme is not the sender's choice.
  assert.equal(await hits({ ...listPost, from: 'List <XeaLkqPl@lists.example.org>' }, 'SENDER_ADDRESS_GENERATED'), undefined);
});

test('DISPLAY_NAME_ENCODED_TRICKS: hidden, reversed, mixed-script and ornamented names', async () => {
  const rtl = await hits({ from: 'Invoice\u202Efdp.exe <billing@vendor-example.com>' }, 'DISPLAY_NAME_ENCODED_TRICKS');
  assert.equal(rtl?.score, 3);
  assert.ok(await hits({ from: 'Pay\u200bPal <service@pp-example.com>' }, 'DISPLAY_NAME_ENCODED_TRICKS'));
  assert.ok(await hits({ from: 'Dassault \u0391viati\u03bfn <noreply@project-x.firebaseapp.com>' }, 'DISPLAY_NAME_ENCODED_TRICKS'));
  assert.ok(await hits({ from: '\u{1d5d7}\u{1d5f2}\u{1d602}\u{1d601}\u{1d600}\u{1d5f0}\u{1d5f5}\u{1d5f2} Bahn <noreply@db-example.de>' }, 'DISPLAY_NAME_ENCODED_TRICKS'));
  const ornament = await hits({ from: '#Kohls_Rewards# <mnsi10110908@gmail.com>' }, 'DISPLAY_NAME_ENCODED_TRICKS');
  assert.ok(ornament && ornament.score < 2);
  assert.ok(await hits({ from: '\u{1f381} Gewinn \u{1f334} <promo@example-shop.de>' }, 'DISPLAY_NAME_ENCODED_TRICKS'));
});

test('DISPLAY_NAME_ENCODED_TRICKS: real names in any script are fine', async () => {
  for (const from of [
    'Ævar Arnfjörð Bjarmason <avarab@gmail.com>',
    'Дмитрий Иванов <d.ivanov@example.ru>',
    "Zoë O'Brien-Smith <zoe@example.ie>",
    'Γιώργος Παπαδόπουλος <g.papadopoulos@example.gr>',
    "St. Mary's Health \u{1f3e5} <news@stmarys-health.org>",
    'Smith, John (Radiology) <jsmith@stmarys-health.org>',
  ]) {
    assert.equal(await hits({ from }, 'DISPLAY_NAME_ENCODED_TRICKS'), undefined, from);
  }
});

test('FAKE_REPLY: a reply or forward prefix on mail that answers and quotes nothing', async () => {
  for (const subject of ['Re:', 'RE: Your order', 'Fwd: Pharmacy bulletin', 'AW: Rechnung', '[Mhln] Re: hello']) {
    const s = await hits({ from: 'Ann Moore <ann@offers-example.com>', subject, text: 'VIAGRA! Visit our store online: http://offers-example.com/' }, 'FAKE_REPLY');
    assert.ok(s, subject);
    assert.match(s.evidence, /In-Reply-To/);
  }
});

test('FAKE_REPLY: real replies and forwards carry threading headers or quote what they answer', async () => {
  const from = 'Dr Ana Ruiz <aruiz@stmarys-health.org>';
  const threaded = { from, subject: 'Re: rota', text: 'Fine by me.', headers: { 'In-Reply-To': '<a1@stmarys-health.org>' } };
  const referenced = { from, subject: 'RE: rota', text: 'Fine by me.', headers: { References: '<a1@stmarys-health.org>' } };
  const quoted = { from, subject: 'Re: rota', text: 'Fine by me.\n\nOn Mon, 3 Jun 2024, Tom wrote:\n> Can you swap Friday?' };
  const outlook = { from, subject: 'RE: rota', text: 'Fine by me.\n\nFrom: Tom Lee\nSent: Monday, June 3, 2024 9:12 AM\nTo: Ana Ruiz\nSubject: rota' };
  const forwarded = { from, subject: 'Fwd: CME credits', text: 'FYI\n\n---------- Forwarded message ---------\nFrom: CME Office' };
  const html = { from, subject: 'Re: rota', html: '<p>Fine by me.</p><blockquote>Can you swap Friday?</blockquote>' };
  const notAPrefix = { from, subject: 'Regarding the rota', text: 'Fine by me.' };
  for (const m of [threaded, referenced, quoted, outlook, forwarded, html, notAPrefix]) {
    assert.equal(await hits(m, 'FAKE_REPLY'), undefined, m.subject);
  }
  // List software drops threading headers on digests; list mail is left out.
  assert.equal(await hits({ ...listPost, subject: 'Re: meeting' }, 'FAKE_REPLY'), undefined);
});
