import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import { findDisguisedTerms } from './obfuscation.ts';
import { spamTactics } from './index.ts';

const DISGUISED: [string, string][] = [
  ['Get V1agra and C!AL1$ at 80% off', 'viagra'],
  ['Best S0ftware prices, OEM versions', 'software'],
  ['V I A G R A for less', 'viagra'],
  ['_R_E_P_L_I_C_A_ watches', 'replica'],
  ['Your B0NUS is waiting', 'bonus'],
  ['ph@rmacy without a visit', 'pharmacy'],
  ['All titles: MlCR0S0FT 0ffice 2OO7 79$', 'microsoft'],
  ['AD0BE Acrobat 8 PR0 79$', 'adobe'],
  ['The primrose path is hereabout with Cial!s!', 'cialis'],
  ['h0t girls who are ready for you', 'hot'],
  ['"Vigramax" is better than Pfizer Viiagrra', 'viagra'],
  ['Guarantees longer than Viaggra', 'viagra'],
  ['Get Xanaax here', 'xanax'],
];
const PLAIN: string[] = [
  'Your prescription is ready for pickup at the pharmacy on Elm Street.',
  'Free parking for visitors in garage B; the casino shuttle leaves at 5.',
  'Order #A1B2C3 shipped; tracking 1Z999AA10123456784.',
  'Software release 4.2.1 fixes the login bug (see CVE-2024-1234).',
  'Meds reconciliation is due for bed 12; Dr. O\'Neil signed off at 14:00.',
  'U.S. patients: call 1-800-555-0100. E.g. A.B.C. initials are fine.',
  'Version v1.0-rc2 of the app and the k8s cluster are up; see a11y notes and i18n.',
  'Office 365 and Windows 11 updates install tonight; HbA1c results are in Epic.',
  'Clinic 3 (Office 2B) and ward W12 are closed; the Sol0 pump manual is in the office.',
  'Viagra and Cialis are on the formulary; the pharmacy offers a hoot of a discount, sooo good.',
  'Ambient noise in the pharmacy is too loud; the casino shuttle is free.',
];

test('disguised spam terms are found; plain words, codes and abbreviations are not', () => {
  for (const [text, term] of DISGUISED) {
    assert.ok(findDisguisedTerms(text).some((d) => d.term === term), `${text} → ${term}`);
  }
  for (const text of PLAIN) assert.deepEqual(findDisguisedTerms(text), [], text);
});

const hospitalReminder: TestMail = {
  from: "St. Mary's Appointments <appointments@stmarys-health.org>",
  subject: 'Reminder: your appointment on Tuesday',
  text: 'Hello Ms. Rivera,\n\nThis is a reminder of your appointment with Dr. Patel on Tuesday at 10:30 in the Cardiology clinic, 2nd floor. Please bring your insurance card and a list of your current medications. To reschedule, reply to this message or call the clinic.\n\nSee you soon.',
};

const cases: { name: string; mail: TestMail; expect: string[] }[] = [
  { name: 'disguised pharmacy spam', mail: { from: 'deals <x9kq@cheap-rx.example>', subject: 'C1ALIS and V!agra', text: 'Lowest prices on V1agra, C!AL1$ and more. No doctor needed. Order today at our store, fast shipping worldwide to your door.' }, expect: ['OBFUSCATED_SPAM_TERM'] },
  { name: 'Firebase-hosted sender', mail: { from: 'Security Team <noreply@acct-verify-2291.firebaseapp.com>', subject: 'Confirm your mailbox', text: 'Your mailbox storage is almost full. Confirm your account within 24 hours to keep receiving mail, otherwise new messages will be held until you confirm.' }, expect: ['SENDER_FREE_HOSTING'] },
  { name: 'bare onmicrosoft tenant', mail: { from: 'Payroll <admin@hrupdate7731.onmicrosoft.com>', subject: 'Direct deposit update', text: 'Please review the attached update to your direct deposit details before Friday so your next payroll run is not delayed. Thank you for your prompt attention to this matter.' }, expect: ['SENDER_FREE_HOSTING'] },
  { name: 'link-only body', mail: { from: 'Amy <amy.k@mail-fr33.example>', subject: 'hi', text: 'look at this https://tinyurl.com/y7abc2' }, expect: ['LINK_ONLY_BODY'] },
  { name: 'hospital appointment reminder', mail: hospitalReminder, expect: [] },
  { name: 'short note linking to the sender’s own site', mail: { from: 'IT Service Desk <servicedesk@stmarys-health.org>', subject: 'Outage', text: 'Status page: https://status.stmarys-health.org/' }, expect: [] },
  { name: 'colleague sharing an internal document with no link', mail: { from: 'Jo <jo@stmarys-health.org>', subject: 'slides', text: 'Slides attached, thanks!' }, expect: [] },
];

for (const c of cases) {
  test(`spam-tactics: ${c.name}`, async () => {
    assert.deepEqual(ids(await analyze(spamTactics, c.mail)), [...c.expect].sort());
  });
}

test('WORD_SALAD: generated filler with free-standing commas', async () => {
  const filler =
    'heart it\'s idea see equal the lead , salt or bite or library in shame it\'s machine not mine be impulse ! ship in part ' +
    'in straight a stocking ! disgust it\'s measure a desire , loss in bitter and tight some love in complete but dry may ' +
    'committee , music see stick but use , wire it\'s bulb on garden some door see week , chest the physical but secret';
  const s = await analyze(spamTactics, { from: 'Sabrina <sabrina@offers-example.com>', subject: 'Sabrina told me to email you', text: filler });
  assert.deepEqual(ids(s), ['WORD_SALAD']);
  assert.match(s[0].evidence, /^5 free-standing commas in \d+ words: /);
});

test('WORD_SALAD: people attach commas to words, in every language; a stray comma or two is a typo', async () => {
  const texts = [
    'Bonjour à tous ! Suite à la réunion d’hier, je vous transmets le compte rendu. Le ravalement est voté pour le printemps , merci.',
    'Dear Dr. Ruiz, thank you for the referral. We saw Mrs. Lee on Monday, started metformin, and will follow up in 3 months.',
    'Name , MRN , Ward\nLee , 123 , 4B\nKim , 456 , 5C\n' + 'The attached list covers the patients we discussed at length this morning and their follow-up appointments. '.repeat(6),
  ];
  for (const text of texts) assert.deepEqual(ids(await analyze(spamTactics, { from: 'Ana Ruiz <aruiz@stmarys-health.org>', subject: 'Follow-up', text })), [], text);
});

test('MIXED_SCRIPT_TEXT: words spelled with look-alike letters of another alphabet', async () => {
  // Cyrillic а, е, о inside English words; Latin C, e, a inside Russian ones.
  const english = 'Y\u043eur P\u0430yP\u0430l \u0430ccount is l\u043ecked. Pl\u0435ase v\u0435rify.';
  const russian = 'Ce\u043c\u0438\u043da\u0440\u044b \u0438 \u0442\u0440e\u043d\u0438\u043d\u0433\u0438 \u0432 \u041co\u0441\u043a\u0432e';
  for (const text of [english, russian]) {
    const s = await analyze(spamTactics, { from: 'x <x@offers-example.com>', subject: 'Notice', text });
    assert.ok(ids(s).includes('MIXED_SCRIPT_TEXT'), text);
  }
});

test('MIXED_SCRIPT_TEXT: text in one alphabet per word, and a single odd word, are fine', async () => {
  const texts = [
    '\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435! Your MRI is on Monday; \u0441\u043f\u0430\u0441\u0438\u0431\u043e, Dr. Ivanova.',
    'The \u03b1-blocker and \u03b2-agonist doses are in the chart.',
    'Meeting with Dr. \u041ciller at 3.',
  ];
  for (const text of texts) assert.ok(!ids(await analyze(spamTactics, { from: 'a <a@stmarys-health.org>', subject: 'Note', text })).includes('MIXED_SCRIPT_TEXT'), text);
});
