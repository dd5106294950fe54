import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import type { AnalyzerContext } from '../analyzer.ts';
import { NO_AUTH, type AuthResult } from '../../authenticate/auth-result.ts';
import { foldText } from '../../brands/match.ts';
import { brandImpersonation } from './index.ts';
import { compileLureRule, LURE_RULES } from './lures.ts';

// The organisation is stmarys-health.org; its partner Lakeside Cardiology is lakesidecardio.com.

interface Case {
  name: string;
  mail: TestMail;
  ctx?: Partial<AnalyzerContext>;
  expect: string[];
  evidence?: string;
}

const button = (href: string, text: string) => `<a href="${href}" style="padding:10px;background:#06c;color:#fff">${text}</a>`;

const authed = (over: Partial<AuthResult>): AuthResult => ({ ...NO_AUTH, source: 'local', ...over });

const POSITIVES: Case[] = [
  {
    name: 'healthcare brand in the display name, sent from an imitating domain',
    mail: { from: 'Zocdoc <noreply@zocdoc-appts.net>', subject: 'Appointment request', text: 'Dr. Patel has a new appointment request for you.' },
    expect: ['BRAND_IN_DISPLAY_NAME', 'HEALTHCARE_BRAND_IMPERSONATION'],
    evidence: 'Display name claims "Zocdoc" but mail comes from zocdoc-appts.net, a domain imitating Zocdoc',
  },
  {
    name: 'pharmacy name on a free-mail account',
    mail: { from: 'CVS Pharmacy <cvs.rx.support@gmail.com>', subject: 'Prescription ready', text: 'Reply with your date of birth.' },
    expect: ['BRAND_IN_DISPLAY_NAME', 'HEALTHCARE_BRAND_IMPERSONATION'],
    evidence: 'free-mail account cvs.rx.support@gmail.com',
  },
  {
    name: 'Microsoft account alert from a random domain (display name and subject)',
    mail: {
      from: 'Microsoft account team <no-reply@ddmq4myd9v.com>',
      subject: 'Microsoft account unusual sign-in activity',
      html: `<p>We detected something unusual about a recent sign-in.</p>${button('https://ms-review.example.net/r', 'Review recent activity')}`,
    },
    expect: ['BRAND_IN_DISPLAY_NAME', 'BRAND_IN_SUBJECT'],
  },
  {
    name: 'the display name is nothing but a common-word brand',
    mail: { from: 'Ledger <info@ledgersupport-mail.com>', subject: 'Firmware update', text: 'Update your device.' },
    expect: ['BRAND_IN_DISPLAY_NAME'],
  },
  {
    name: 'brand spelled in mathematical bold',
    mail: { from: '𝗣𝗮𝘆𝗣𝗮𝗹 <notice@acc-center.example.net>', text: 'Your account' },
    expect: ['BRAND_IN_DISPLAY_NAME'],
  },
  {
    name: 'MyChart on a free-mail account',
    mail: { from: 'MyChart <mychart.messages@outlook.com>', subject: 'New test result', text: 'A new result is available.' },
    expect: ['BRAND_IN_DISPLAY_NAME', 'HEALTHCARE_BRAND_IMPERSONATION'],
  },
  {
    name: 'MyChart from a stranger with a sign-in link elsewhere',
    mail: {
      from: 'MyChart Notification <notify@patient-results.example.com>',
      html: `<p>You have a new test result.</p>${button('https://mychart-login.example.org/signin', 'Log in to MyChart')}`,
    },
    expect: ['BRAND_IN_DISPLAY_NAME', 'HEALTHCARE_BRAND_IMPERSONATION'],
  },
  {
    name: 'Microsoft named from a compromised government mailbox',
    mail: { from: 'Microsoft Support <admin@dpu.bandung.go.id>', text: 'Your mailbox is full.' },
    expect: ['BRAND_IN_DISPLAY_NAME'],
  },
  {
    name: 'another brand domain that failed authentication does not vouch',
    mail: { from: 'PayPal Guthaben <reply@telekom.com>', text: 'Ihr Guthaben wartet.' },
    ctx: { auth: authed({ dmarc: { result: 'fail', domain: 'telekom.com', policy: 'reject' } }) },
    expect: ['BRAND_IN_DISPLAY_NAME'],
  },
  {
    name: 'subject names the brand, text carries the lure',
    mail: {
      from: 'Membership Services <billing@stream-members.example.com>',
      subject: 'Your Netflix membership is on hold',
      text: 'We could not process your payment. Please update your payment method to keep watching.',
    },
    expect: ['BRAND_IN_SUBJECT'],
    evidence: 'Subject names "Netflix"',
  },
  {
    name: 'subject names a health agency, body asks to verify identity',
    mail: {
      from: 'Benefits Office <office@benefit-notices.example.com>',
      subject: 'Medicare: action needed on your card',
      text: 'To keep your benefits, verify your identity within 48 hours.',
    },
    expect: ['BRAND_IN_SUBJECT', 'HEALTHCARE_BRAND_IMPERSONATION'],
  },
  {
    name: 'the text opens with the brand and the button leads elsewhere',
    mail: {
      from: 'Document Center <docs@fileshare-notice.example.com>',
      subject: 'Please review',
      html: `<h2>DocuSign</h2><p>Finance sent you a document to review and sign.</p>${button('https://secure-docs.example.org/envelope', 'REVIEW DOCUMENT')}`,
    },
    expect: ['BRAND_IN_BODY_UNVERIFIED'],
    evidence: 'The opening of the text presents "DocuSign"',
  },
  {
    name: 'the brand only shows in an image (OCR) and the link asks to sign on',
    mail: {
      from: 'Online Banking <alerts@secure-banking.example.com>',
      subject: 'Important notice',
      html: `<img src="cid:banner"><p>Please review your account.</p>${button('https://wf-online.example.net/auth', 'Sign On')}`,
    },
    ctx: { imageText: 'WELLS FARGO\nOnline Banking' },
    expect: ['BRAND_IN_BODY_UNVERIFIED'],
    evidence: 'Text in the images presents',
  },
];

const NEGATIVES: Case[] = [
  {
    name: 'real Zocdoc mail from zocdoc.com',
    mail: { from: 'Zocdoc <no-reply@zocdoc.com>', subject: 'Your Zocdoc appointment is confirmed', html: `<p>Zocdoc</p>${button('https://www.zocdoc.com/appointments', 'Manage appointment')}` },
    expect: [],
  },
  {
    name: 'brand mail from its country domain',
    mail: { from: 'Amazon.de <versandbestaetigung@amazon.de>', subject: 'Ihre Amazon.de Bestellung', text: 'Amazon.de\nIhre Bestellung wurde versandt.' },
    expect: [],
  },
  {
    name: 'brand mail sent through an ESP domain but DKIM-signed by the brand',
    mail: { from: 'PayPal <paypal@e.paypal-mail.example.com>', subject: 'Your receipt', text: 'PayPal\nYou sent $20.00.' },
    ctx: { auth: authed({ dkim: [{ result: 'pass', domain: 'paypal.com', selector: 's1', aligned: false }] }) },
    expect: [],
  },
  {
    name: 'patient mentions CVS in passing',
    mail: {
      from: 'Maria Lopez <maria.lopez1984@gmail.com>',
      subject: 'CVS prescription question',
      text: 'Hi Dr. Lee, I picked up my refill at CVS yesterday and the pills look different. Is that OK? Thanks, Maria',
    },
    expect: [],
  },
  {
    name: 'patient opens with the pharmacy name',
    mail: { from: 'Tom Baker <tbaker@yahoo.com>', subject: 'refill', text: 'CVS says they never got the prescription. Can you resend it?' },
    expect: [],
  },
  {
    name: 'patient forwards a real appointment confirmation',
    mail: {
      from: 'Jane Doe <jane.doe@gmail.com>',
      subject: 'Fwd: Your Zocdoc appointment',
      text: '---------- Forwarded message ---------\nFrom: Zocdoc <no-reply@zocdoc.com>\nDate: Mon, Nov 2, 2026\n\nYour appointment with Dr. Lee is confirmed. Please confirm your information before the visit.',
    },
    expect: [],
  },
  {
    name: 'newsletter mentions Amazon in subject and text',
    mail: {
      from: 'Health Tech Weekly <newsletter@healthtechweekly.example.com>',
      subject: 'This week: Amazon expands One Medical clinics',
      html:
        '<p>Amazon announced on Tuesday that it will expand One Medical clinics.</p>' +
        '<a href="https://healthtechweekly.example.com/a/123">Read more</a>' +
        '<a href="https://click.esp.example.net/pref">Manage your preferences</a> <a href="https://click.esp.example.net/unsub">Unsubscribe</a>',
    },
    expect: [],
  },
  {
    name: 'our own newsletter about MyChart',
    mail: {
      from: "St Mary's Health <news@stmarys-health.org>",
      subject: 'Sign up for MyChart',
      html: `<p>MyChart lets you see results online.</p>${button('https://mychart.stmarys-health.org/signup', 'Sign up')}`,
    },
    expect: [],
  },
  {
    name: "another hospital's MyChart notification",
    mail: {
      from: 'MyChart <mychart@lakeview-hospital.example.org>',
      subject: 'New message in MyChart',
      html: `<p>You have a new message from your care team.</p>${button('https://mychart.lakeview-hospital.example.org/', 'Log in to MyChart')}`,
    },
    expect: [],
  },
  {
    name: 'an insurer names Medicare',
    mail: { from: 'Humana Medicare <news@humana.com>', subject: 'Your Medicare plan for 2027', text: 'Medicare open enrollment starts soon.' },
    expect: [],
  },
  {
    name: 'a state Medicaid agency on a .gov domain',
    mail: { from: 'NY Medicaid <renewals@health.ny.gov>', subject: 'Medicaid renewal', text: 'Your Medicaid renewal is due. Please update your information.' },
    expect: [],
  },
  {
    name: 'a state Medicaid agency on a non-.gov domain',
    mail: {
      from: 'Florida Medicaid <noreply@ahca.myflorida.com>',
      subject: 'Medicaid renewal',
      html: `<p>Your Medicaid renewal is due. Please update your information.</p>${button('https://myaccess.myflorida.com/', 'Log in')}`,
    },
    expect: [],
  },
  {
    name: 'appointment reminder that names the insurer',
    mail: {
      from: 'Lakeside Cardiology <reminders@lakesidecardio.com>',
      subject: 'Reminder: bring your Aetna card',
      text: 'Your appointment is on Monday at 9:00. Please bring your Aetna insurance card.',
    },
    expect: [],
  },
  {
    name: 'reseller renewal quote naming Microsoft',
    mail: {
      from: 'Licensing Desk <renewals@it-reseller.example.com>',
      subject: 'Microsoft 365 renewal quote Q-2291',
      html: `<p>Microsoft 365 E3 renewal for St Mary's.</p>${button('https://quotes.it-reseller.example.com/q/2291', 'View your quote')}`,
    },
    expect: [],
  },
  {
    name: 'a vendor invites us to a Zoom meeting',
    mail: {
      from: 'Sarah Lee <sarah.lee@medsupply-vendor.example.com>',
      subject: 'Invitation: Zoom Meeting - Q3 supply review',
      text: 'Sarah Lee is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\nhttps://us02web.zoom.us/j/81234567890?pwd=QWERTY\n\nMeeting ID: 812 3456 7890\nPasscode: 123456',
    },
    expect: [],
  },
  {
    name: 'a partner sends a Microsoft Teams meeting',
    mail: {
      from: 'Dr. Kim <kim@cardio-associates.example.com>',
      subject: 'Tumour board (Microsoft Teams meeting)',
      html: '<p>Microsoft Teams meeting</p><p><b>Join on your computer, mobile app or room device</b></p><a href="https://teams.microsoft.com/l/meetup-join/19%3ameeting_x">Click here to join the meeting</a>',
    },
    expect: [],
  },
  {
    name: 'a person named Chase writes',
    mail: { from: 'Chase <chase.miller@acme-builders.example.com>', subject: 'Site visit', text: 'See you Tuesday.' },
    expect: [],
  },
  {
    name: 'a well-known brand names another brand (eBay names PayPal)',
    mail: { from: 'eBay <ebay@ebay.com>', subject: 'PayPal payment received', text: 'PayPal\nYour buyer paid with PayPal.' },
    expect: [],
  },
  {
    name: 'Yahoo system mail from a Yahoo subdomain',
    mail: { from: 'Yahoo <refertofriend@reply.yahoo.com>', subject: 'Your friend sent you a link', text: 'A Yahoo user shared a link.' },
    expect: [],
  },
];

for (const c of [...POSITIVES, ...NEGATIVES]) {
  test(`brand-impersonation: ${c.expect.length ? 'flags' : 'passes'} ${c.name}`, async () => {
    const signals = await analyze(brandImpersonation, c.mail, { ctx: c.ctx });
    assert.deepEqual(ids(signals), [...c.expect].sort(), signals.map((s) => s.evidence).join('\n'));
    if (c.evidence) assert.ok(signals.some((s) => s.evidence.includes(c.evidence!)), signals.map((s) => s.evidence).join('\n'));
  });
}

test('brand-impersonation: free-mail and disguised names weigh more than a plain claim', async () => {
  const score = async (from: string) => (await analyze(brandImpersonation, { from, text: 'hi' })).find((s) => s.id === 'BRAND_IN_DISPLAY_NAME')?.score ?? 0;
  const plain = await score('PayPal <notice@pp-center.example.net>');
  assert.equal(plain, 4);
  assert.ok((await score('PayPal <pp.notice@gmail.com>')) > plain);
  assert.ok((await score('PаyPаl <notice@pp-center.example.net>')) > plain);
});

test('brand-impersonation: discussion-list posts and established correspondents weigh less', async () => {
  const mail: TestMail = { from: '"Bob (Microsoft)" <bob@university.example.edu>', text: 'Re: the patch' };
  const [plain] = await analyze(brandImpersonation, mail);
  const [list] = await analyze(brandImpersonation, { ...mail, headers: { 'List-Post': '<mailto:dev@lists.example.org>' } });
  const [known] = await analyze(brandImpersonation, mail, {
    ctx: { senderProfile: { messagesFromAddress: 40, messagesFromDomain: 120, firstSeen: new Date('2024-01-01'), solicited: true } },
  });
  assert.ok(list.score < plain.score && known.score < plain.score);
});

test('brand-impersonation: authenticated mail from another brand vouches for itself', async () => {
  const signals = await analyze(
    brandImpersonation,
    { from: 'PayPal Guthaben <reply@telekom.com>', text: 'Ihr Guthaben wartet.' },
    { ctx: { auth: authed({ dmarc: { result: 'pass', domain: 'telekom.com', policy: 'reject' } }) } },
  );
  assert.deepEqual(ids(signals), []);
});

for (const rule of LURE_RULES) {
  test(`lure rule ${rule.id}`, () => {
    const re = compileLureRule(rule);
    for (const s of rule.matches) assert.ok(re.test(foldText(s)), `${rule.id} should match: ${s}`);
    for (const s of rule.nonMatches) assert.ok(!re.test(foldText(s)), `${rule.id} should not match: ${s}`);
  });
}
