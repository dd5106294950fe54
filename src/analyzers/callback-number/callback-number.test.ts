import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import type { AnalyzerContext } from '../analyzer.ts';
import { authed } from '../../authenticate/test-support.ts';
import { demoDirectory } from '../../directory/test-fixtures.ts';
import { callbackNumber } from './index.ts';

// Numbers on record (src/directory/test-fixtures.ts): St. Mary's Health +1 617-555-0100, its appointment line
// 617-555-0101 and nurse line 800-555-0175, Dr. Elizabeth Carter 617-555-0111; Lakeside Cardiology 781-555-0150.
// NPPES: Riverbend Pediatrics 413-555-0180. Brand pack: Medicare 1-800-633-4227 (1-800-MEDICARE).

interface Case {
  name: string;
  mail: TestMail;
  ctx?: Partial<AnalyzerContext>;
  directory?: 'nppes' | 'plain' | 'none';
  expect: string[];
  evidence?: string;
}

const POSITIVES: Case[] = [
  {
    name: 'a staff doctor from free-mail gives a foreign number',
    mail: { from: 'Dr. Elizabeth Carter <carter.cardiology@gmail.com>', subject: 'Your results', text: 'Please call me at +44 20 7946 0958 to go over your test results.' },
    expect: ['CALLBACK_NUMBER_MISMATCH'],
    evidence: 'a number in GB',
  },
  {
    name: 'an invented doctor asks for a call to an unknown number',
    mail: {
      from: 'Dr. Victor Stanfield <office@stanfield-care.net>',
      subject: 'Insurance verification',
      text: 'Your claim is on hold. Call our billing department at (202) 555-0188 to confirm your insurance information.',
    },
    expect: ['CALLBACK_NUMBER_UNKNOWN'],
    evidence: 'on record for no one',
  },
  {
    name: 'Medicare named, but the number is not 1-800-MEDICARE',
    mail: { from: 'Benefits Center <notice@benefit-renewals.com>', subject: 'Medicare benefits expiring', text: 'Your Medicare benefits will be suspended. Call 1-888-555-0144 within 24 hours to verify your Medicare number.' },
    expect: ['CALLBACK_NUMBER_MISMATCH'],
    evidence: 'Medicare (CMS)',
  },
  {
    name: 'Zocdoc named (no numbers on record) with an unknown toll-free number',
    mail: { from: 'Zocdoc Appointments <appointments@zocdoc-confirm.net>', text: 'Your booking needs confirmation. Call us at 1-877-555-0123.' },
    expect: ['CALLBACK_NUMBER_UNKNOWN'],
  },
  {
    name: "St. Mary's named from free-mail with a number that is not the hospital's",
    mail: { from: 'Patient Billing <stmarys.billing.dept@gmail.com>', subject: "St. Mary's Health balance due", text: "St. Mary's Health billing: your account is past due. Call 1-866-555-0190 now." },
    expect: ['CALLBACK_NUMBER_MISMATCH'],
    evidence: "St. Mary's Health",
  },
  {
    name: 'the number is only in the image (OCR text)',
    mail: { from: 'Notification <info@health-notice.org>', subject: 'Important notice', html: '<img src="cid:x">' },
    ctx: { imageText: 'Dr. Victor Stanfield, MD\nYour prescription is on hold until you confirm your insurance ID.\nCall +234 803 123 4567 today' },
    expect: ['CALLBACK_NUMBER_UNKNOWN'],
    evidence: 'a number in NG',
  },
];

const NEGATIVES: Case[] = [
  {
    name: "appointment reminder from the organisation's aligned domain",
    mail: { from: "St. Mary's Health <reminders@stmarys-health.org>", text: 'Your appointment with Dr. Carter is on Tuesday. To reschedule, call (617) 555-0199.' },
    ctx: { auth: authed('stmarys-health.org') },
    expect: [],
  },
  {
    name: "a verified partner's referral with its own number",
    mail: { from: 'Alan Brooks, MD <alan.brooks@lakesidecardio.com>', text: 'Please call our office at (781) 555-0150 to schedule the echo.' },
    ctx: { auth: authed('lakesidecardio.com') },
    expect: [],
  },
  {
    name: "a stranger quoting St. Mary's real appointment line",
    mail: { from: 'Parking Services <info@city-parking.com>', text: "Construction near St. Mary's Hospital: to move your appointment, call St. Mary's at (617) 555-0101." },
    expect: ['CALLBACK_NUMBER_KNOWN'],
  },
  {
    name: "Medicare's real number",
    mail: { from: 'Senior Center <news@seniorcenter-news.org>', text: 'Questions about Medicare enrollment? Call 1-800-633-4227.' },
    expect: ['CALLBACK_NUMBER_KNOWN'],
  },
  {
    name: 'a practice NPPES knows gives its own number',
    mail: { from: 'Front Desk <frontdesk@riverbendpeds.com>', text: 'Please call us at (413) 555-0180 to confirm.' },
    expect: ['CALLBACK_NUMBER_KNOWN'],
  },
  {
    name: 'a patient asks to be called back, claiming no one',
    mail: { from: 'John Miller <john.miller1975@gmail.com>', text: 'Dear Dr. Carter, could your office call me back at (617) 555-7788?\nThanks, John' },
    expect: [],
  },
  {
    name: 'a number in a footer without a call to action',
    mail: { from: 'Dr. Victor Stanfield <office@stanfield-care.net>', text: 'Thanks for attending the seminar.\n\n123 Main St, Springfield | (202) 555-0188' },
    expect: [],
  },
  {
    name: 'without a directory nothing is emitted',
    directory: 'none',
    mail: { from: 'Dr. Elizabeth Carter <carter.cardiology@gmail.com>', text: 'Please call me at +44 20 7946 0958.' },
    expect: [],
  },
];

function contextFor(c: Case): Partial<AnalyzerContext> {
  const directory = c.directory === 'none' ? null : demoDirectory({ nppes: c.directory !== 'plain' });
  return { directory, ...c.ctx };
}

for (const c of POSITIVES) {
  test(`callback-number flags: ${c.name}`, async () => {
    const signals = await analyze(callbackNumber, c.mail, { ctx: contextFor(c) });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
    if (c.evidence) assert.ok(signals.some((s) => s.evidence.includes(c.evidence!)), `evidence should mention ${c.evidence}: ${signals.map((s) => s.evidence).join(' | ')}`);
  });
}

for (const c of NEGATIVES) {
  test(`callback-number passes: ${c.name}`, async () => {
    const signals = await analyze(callbackNumber, c.mail, { ctx: contextFor(c) });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
  });
}
