import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import type { AnalyzerContext } from '../analyzer.ts';
import { authed, dmarcFail } from '../../authenticate/test-support.ts';
import { demoDirectory } from '../../directory/test-fixtures.ts';
import { clinicianImpersonation } from './index.ts';

// The organisation is St. Mary's Health (stmarys-health.org); Lakeside Cardiology (lakesidecardio.com) is a verified partner.
// Directory people used here: Dr. Elizabeth "Liz" Carter, Dr. José Núñez, Dr. Robert "Bob" Hale, Dr. Priya Raman (St. Mary's),
// Dr. Alan Brooks (Lakeside). NPPES (when loaded) also knows Dr. Helen Marsh and Riverbend Pediatrics.

interface Case {
  name: string;
  mail: TestMail;
  ctx?: Partial<AnalyzerContext>;
  /** Directory to use: with the NPPES index (default), without it, or none at all. */
  directory?: 'nppes' | 'plain' | 'none';
  expect: string[];
  evidence?: string;
}

const POSITIVES: Case[] = [
  {
    name: 'a staff doctor in the display name of a free-mail account',
    mail: { from: 'Dr. Elizabeth Carter <dr.elizabeth.carter.md@gmail.com>', subject: 'Quick favour', text: 'Are you at your desk? I need you to handle something for me.' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
    evidence: 'display name "Dr. Elizabeth Carter" names Dr. Elizabeth Carter, MD of St. Mary\'s Health, but the mail comes from the free-mail account',
  },
  {
    name: 'nickname and credential, from a domain imitating the organisation',
    mail: { from: 'Liz Carter, MD <liz.carter@stmarys-health-portal.com>', subject: 'Updated on-call roster', text: 'Please review the attached roster.' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
    evidence: 'a domain imitating stmarys-health.org',
  },
  {
    name: '"Last, First" in capitals without accents, from outlook.com',
    mail: { from: 'NUNEZ, JOSE <jnunez.office@outlook.com>', subject: 'Payroll change', text: 'I changed banks, please update my direct deposit.' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
  },
  {
    name: 'display name spelled with Cyrillic look-alikes',
    mail: { from: 'Dr. Elizаbeth Cаrter <notice@secure-inbox.net>', text: 'Please open the shared chart.' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
    evidence: 'look-alike characters',
  },
  {
    name: "the organisation's own domain, but DMARC fails",
    mail: { from: 'Dr. Robert Hale <robert.hale@stmarys-health.org>', text: 'Wire the deposit today.' },
    ctx: { auth: dmarcFail('stmarys-health.org') },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
    evidence: 'fails DMARC/DKIM alignment',
  },
  {
    name: 'signature of a staff doctor under a neutral display name on yahoo',
    mail: { from: 'Office <clinic.office2@yahoo.com>', subject: 'Lab follow-up', text: 'Please send me the patient list for tomorrow.\n\nBest regards,\nDr. Bob Hale\nFamily Medicine' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
    evidence: 'signature "Dr. Bob Hale" names Dr. Robert Hale, DO',
  },
  {
    name: 'subject says the message is from a staff doctor',
    mail: { from: 'Secure Message <noreply@msg-center.info>', subject: 'New message from Dr. Priya Raman', text: 'You have a new secure message. Log in to view it.' },
    expect: ['STAFF_DISPLAY_NAME_IMPERSONATION'],
  },
  {
    name: 'an invented doctor signs and asks for patient data (NPPES loaded)',
    mail: {
      from: 'Dr. Victor Stanfield <v.stanfield@carepoint-md.com>',
      subject: 'Records request',
      text: "Please reply with the patient's date of birth and insurance member ID so we can complete the referral.\n\nThank you,\nVictor Stanfield, MD",
    },
    expect: ['UNVERIFIABLE_CLINICIAN'],
    evidence: '"Dr. Victor Stanfield" is not in the provider directory; not in the NPPES index',
  },
  {
    name: "an invented doctor presented as St. Mary's staff, without an NPPES index",
    directory: 'plain',
    mail: {
      from: "St Mary's Patient Services <services@patient-notice.net>",
      subject: 'Insurance verification',
      text: "Dr. Victor Stanfield of St. Mary's Health has asked us to verify your coverage. Please reply with your Social Security number and date of birth.",
    },
    expect: ['UNVERIFIABLE_CLINICIAN'],
    evidence: "presented as St. Mary's Health staff",
  },
  {
    name: 'a doctor known to NPPES only with a deactivated NPI',
    mail: { from: 'Dr. Greta Holloway <greta@holloway-clinic.net>', text: 'Call me at (508) 555-0101 to confirm your insurance ID.\n\nRegards,\nDr. Greta Holloway' },
    expect: ['UNVERIFIABLE_CLINICIAN'],
    evidence: 'deactivated NPI',
  },
  {
    name: 'an invented clinic in the display name asks for a call',
    mail: {
      from: 'Riverside Family Clinic <appointments@riverside-family-clinic.com>',
      subject: 'Appointment confirmation required',
      text: 'Your appointment could not be confirmed. Call us at (202) 555-0188 to confirm your insurance details.',
    },
    expect: ['FABRICATED_CLINIC'],
    evidence: 'practice "Riverside Family Clinic" is neither a directory organisation nor in the NPPES index',
  },
  {
    name: "a clinic borrowing St. Mary's name, without an NPPES index",
    directory: 'plain',
    mail: {
      from: "St. Mary's Cardiology Clinic <billing@stmarys-cardio-billing.com>",
      text: 'Your balance for your last visit is overdue. Pay now to avoid collections: https://pay.stmarys-cardio-billing.com',
    },
    expect: ['FABRICATED_CLINIC'],
    evidence: "borrows the name of St. Mary's Health",
  },
];

const NEGATIVES: Case[] = [
  {
    name: "appointment reminder from the organisation's aligned domain, signed by the doctor",
    mail: {
      from: 'Dr. Elizabeth Carter <elizabeth.carter@stmarys-health.org>',
      subject: 'Your appointment on Tuesday',
      text: "This is a reminder of your appointment with Dr. Carter on Tuesday at 10:00.\nTo reschedule, call (617) 555-0101.\n\nKind regards,\nDr. Elizabeth Carter, MD\nSt. Mary's Health Cardiology",
    },
    ctx: { auth: authed('stmarys-health.org') },
    expect: ['CLINICIAN_VERIFIED'],
  },
  {
    name: "the organisation's newsletter naming its own and outside doctors",
    mail: {
      from: "St. Mary's Health News <news@stmarys-health.org>",
      subject: 'This month at St. Mary\'s',
      text: 'Dr. Priya Raman joins Pediatrics. Dr. Helen Marsh, MD of Springfield spoke at Grand Rounds. Dr. Quentin Ashby gave a talk on sleep. Call (617) 555-0100 to book.',
    },
    ctx: { auth: authed('stmarys-health.org') },
    expect: [],
  },
  {
    name: "a verified partner's referral",
    mail: {
      from: 'Alan Brooks, MD <alan.brooks@lakesidecardio.com>',
      subject: 'Referral: stress test follow-up',
      text: 'Dear Dr. Carter,\nI am referring our mutual patient for follow-up. Please call our office at (781) 555-0150.\n\nSincerely,\nAlan Brooks, MD\nLakeside Cardiology',
    },
    ctx: { auth: authed('lakesidecardio.com') },
    expect: ['CLINICIAN_VERIFIED'],
  },
  {
    name: 'a patient writing to a doctor from free-mail',
    mail: {
      from: 'John Miller <john.miller1975@gmail.com>',
      subject: 'Question for Dr. Carter',
      text: 'Dear Dr. Carter,\nCan Dr. Raman call me back about my prescription?\n\nThanks,\nJohn Miller',
    },
    expect: [],
  },
  {
    name: 'a staff member on record with a personal address writes from it',
    mail: { from: 'Jonathan Pryce <jon.pryce@gmail.com>', subject: 'Running late', text: 'Running 10 minutes late this morning.\n\nJon' },
    expect: [],
  },
  {
    name: 'a local paper quotes an unknown doctor without asking anything',
    mail: {
      from: 'Springfield Gazette <newsletter@springfield-gazette.com>',
      subject: 'Weekend reading',
      text: 'Dr. Quentin Ashby, a sleep researcher, says most adults need seven hours. Mayo Clinic researchers agree. Read more on our site.',
    },
    expect: [],
  },
  {
    name: 'an outside doctor NPPES knows asks for a call back',
    mail: {
      from: 'Dr. Helen Marsh <hmarsh@marsh-internal-medicine.com>',
      text: 'Please call me at (413) 555-0170 about our shared patient.\n\nRegards,\nDr. Helen Marsh',
    },
    expect: [],
  },
  {
    name: 'a real practice NPPES knows asks for a call',
    mail: { from: 'Riverbend Pediatrics <frontdesk@riverbendpeds.com>', text: 'Please call us at (413) 555-0180 to confirm your insurance before the visit.' },
    expect: [],
  },
  {
    name: 'a brand sending from its own domain names an unknown doctor',
    mail: { from: 'Zocdoc <no-reply@zocdoc.com>', text: 'Dr. Quentin Ashby has a new opening. Log in to book.' },
    expect: [],
  },
  {
    name: 'staff name from the organisation domain, authentication not evaluated',
    mail: { from: 'Dr. Elizabeth Carter <elizabeth.carter@stmarys-health.org>', text: 'See you at the staff meeting.' },
    expect: [],
  },
  {
    name: 'a patient who shares a family name with a doctor',
    mail: { from: 'Mary Carter <mary.carter@hotmail.com>', text: 'I need to reschedule.' },
    expect: [],
  },
  {
    name: 'without a directory nothing is emitted',
    directory: 'none',
    mail: { from: 'Dr. Elizabeth Carter <dr.elizabeth.carter.md@gmail.com>', text: 'Buy gift cards for the team.' },
    expect: [],
  },
];

function contextFor(c: Case): Partial<AnalyzerContext> {
  const directory = c.directory === 'none' ? null : demoDirectory({ nppes: c.directory !== 'plain' });
  return { directory, ...c.ctx };
}

for (const c of POSITIVES) {
  test(`clinician-impersonation flags: ${c.name}`, async () => {
    const signals = await analyze(clinicianImpersonation, c.mail, { ctx: contextFor(c) });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
    if (c.evidence) assert.ok(signals.some((s) => s.evidence.includes(c.evidence!)), `evidence should mention ${c.evidence}: ${signals.map((s) => s.evidence).join(' | ')}`);
  });
}

for (const c of NEGATIVES) {
  test(`clinician-impersonation passes: ${c.name}`, async () => {
    const signals = await analyze(clinicianImpersonation, c.mail, { ctx: contextFor(c) });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
  });
}

test('clinician-impersonation: benign evidence has a negative score, impersonation a high one', async () => {
  const verified = await analyze(clinicianImpersonation, NEGATIVES[0].mail, { ctx: contextFor(NEGATIVES[0]) });
  assert.ok(verified[0].score < 0);
  const impersonation = await analyze(clinicianImpersonation, POSITIVES[0].mail, { ctx: contextFor(POSITIVES[0]) });
  assert.ok(impersonation[0].score >= 7, `score ${impersonation[0].score}`);
});
