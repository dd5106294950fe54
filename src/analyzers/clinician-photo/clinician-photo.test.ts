import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestAttachment, TestMail } from '../../../test/helpers/mail.ts';
import type { AnalyzerContext } from '../analyzer.ts';
import { authed, dmarcFail } from '../../authenticate/test-support.ts';
import { loadDirectoryFile } from '../../directory/directory.ts';
import { sharedFaceEmbedder } from '../../faces/face-embedder.ts';
import { photoIndexFor } from '../../faces/photo-index.ts';
import * as img from '../../faces/test-images.ts';
import { clinicianPhoto } from './index.ts';

// The directory is St. Mary's Health (stmarys-health.org) with its partner Lakeside Cardiology
// (lakesidecardio.com), as in src/directory/test-fixtures.ts, with photos: Dr. Elizabeth "Liz"
// Carter p01, Dr. José Núñez p02, Dr. Robert Hale p03, Dr. Priya Raman p04, Zoë Müller NP p05,
// Dr. Siobhán O'Connor p07, and Lakeside's Dr. Alan Brooks p13. Test mail carries transformed
// copies of those photos (test/fixtures/faces), never the directory files themselves. The face
// models load once for this file.

const cacheDir = mkdtempSync(path.join(tmpdir(), 'medshield-clinician-photo-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));
// Generous budgets: the suite runs two files at a time on two cores, and the first face
// comparison of the file pays for loading the models and indexing the directory's faces.
const CONFIG = { cacheDir, budgetMs: 120_000 };
const directory = img.directoryWithPhotos();
const deadline = () => Date.now() + 120_000;
before(async () => {
  await photoIndexFor(directory, { embedder: sharedFaceEmbedder(), cacheDir }).faces();
});

/** An HTML mail showing `images` inline (cid:), as newsletters and signatures do. */
function withInlineImages(mail: Omit<TestMail, 'html' | 'attachments'>, images: { name: string; content: Buffer; type?: string }[]): TestMail {
  const attachments: TestAttachment[] = images.map((i, n) => ({ filename: i.name, contentType: i.type ?? 'image/jpeg', content: i.content, contentId: `img${n}@test` }));
  const paragraphs = (mail.text ?? '').split('\n').map((l) => `<p>${l}</p>`).join('');
  return { ...mail, html: `<html><body>${images.map((_, n) => `<img src="cid:img${n}@test" width="160">`).join('')}${paragraphs}</body></html>`, attachments };
}

/** An HTML mail with the image as a data: URI. */
function withDataUri(mail: Omit<TestMail, 'html'>, content: Buffer, type: string): TestMail {
  return { ...mail, html: `<html><body><img src="data:${type};base64,${content.toString('base64')}"><p>${(mail.text ?? '').replace(/\n/g, '<br>')}</p></body></html>` };
}

interface Case {
  name: string;
  mail: TestMail;
  ctx?: Partial<AnalyzerContext>;
  expect: string[];
  /** Every string must appear in the evidence of the first expected signal. */
  evidence?: string[];
}

const carterResized = { name: 'dr-mills.jpg', content: img.resizedCopy('p01') };

const POSITIVES: Case[] = [
  {
    name: "Dr. Carter's photo under an invented name, from free-mail (hash match)",
    mail: withInlineImages(
      {
        from: 'Dr. Sarah Mills <drsarahmills.clinic@gmail.com>',
        subject: 'Your lab results are ready',
        text: 'Hello,\nI have reviewed your lab results. Please call my office at (202) 555-0188 with your insurance member ID.\n\nDr. Sarah Mills, MD',
      },
      [carterResized],
    ),
    expect: ['DIRECTORY_PHOTO_FAKE_NAME'],
    evidence: ['is the directory photo of Dr. Elizabeth Carter, MD', 'perceptual hash', '"Dr. Sarah Mills"', 'display name', 'free-mail account'],
  },
  {
    name: "Dr. Raman's portrait set into a promotional flyer under another name (face match)",
    mail: withInlineImages(
      {
        from: 'CarePoint Scheduling <appointments@carepoint-health.net>',
        subject: 'Same-day pediatric visits',
        text: 'Meet Dr. Anita Shah, MD, our new pediatric specialist. Book today: call (202) 555-0190.',
      },
      [{ name: 'flyer.jpg', content: await img.flyerWith(img.directoryPhoto('p04')) }],
    ),
    expect: ['DIRECTORY_PHOTO_FAKE_NAME'],
    evidence: ['Dr. Priya Raman, MD', 'face similarity', '"Dr. Anita Shah"', 'never names Priya Raman'],
  },
  {
    name: "Dr. Hale's photo signed with another directory doctor's name (cropped PNG)",
    mail: withInlineImages(
      { from: 'Office <clinic.office2@yahoo.com>', text: 'Please send me the patient list for tomorrow.\n\nBest regards,\nDr. José Núñez' },
      [{ name: 'sig.png', content: img.croppedCopy('p03'), type: 'image/png' }],
    ),
    expect: ['DIRECTORY_PHOTO_FAKE_NAME'],
    evidence: ['Dr. Robert Hale, DO', '"Dr. José Núñez"'],
  },
  {
    name: "Dr. Carter's own name and photo (data: URI), from outlook.com",
    mail: withDataUri(
      { from: 'Liz Carter <liz.carter.md@outlook.com>', subject: 'My new direct line', text: 'Hi team, please use my new number (305) 555-0142 for patient callbacks.\nLiz' },
      img.croppedCopy('p01'),
      'image/png',
    ),
    expect: ['DIRECTORY_PHOTO_UNVERIFIED_SENDER'],
    evidence: ['data: URI image is the directory photo of Dr. Elizabeth Carter, MD', 'outlook.com', 'stmarys-health.org'],
  },
  {
    name: "Dr. Hale's photo from the organisation's own domain, failing DMARC",
    mail: withInlineImages({ from: 'Dr. Robert Hale <robert.hale@stmarys-health.org>', text: 'Please process the attached wire today.\n\nDr. Robert Hale' }, [
      { name: 'hale.jpg', content: img.resizedCopy('p03') },
    ]),
    ctx: { auth: dmarcFail('stmarys-health.org') },
    expect: ['DIRECTORY_PHOTO_UNVERIFIED_SENDER'],
    evidence: ['fails DMARC/DKIM alignment'],
  },
  {
    name: "Dr. Raman's name and photo from a domain imitating the organisation's",
    mail: withInlineImages(
      { from: "St Mary's Health <news@stmarys-health-portal.com>", subject: 'Update your patient portal', text: 'Dr. Priya Raman asks all families to re-verify their portal accounts.' },
      [{ name: 'raman.jpg', content: img.resizedCopy('p04') }],
    ),
    expect: ['DIRECTORY_PHOTO_UNVERIFIED_SENDER'],
    evidence: ['imitating stmarys-health.org'],
  },
];

const NEGATIVES: Case[] = [
  {
    name: "appointment reminder from the organisation's aligned domain with the doctor's photo and name",
    mail: withInlineImages(
      {
        from: "St. Mary's Health <appointments@stmarys-health.org>",
        subject: 'Your appointment on Tuesday',
        text: 'This is a reminder of your appointment with Dr. Elizabeth Carter on Tuesday at 10:00.\nTo reschedule, call (617) 555-0101.',
      },
      [carterResized],
    ),
    ctx: { auth: authed('stmarys-health.org') },
    expect: ['DIRECTORY_PHOTO_VERIFIED'],
    evidence: ['Dr. Elizabeth Carter, MD', 'authenticated from stmarys-health.org'],
  },
  {
    name: "the organisation's newsletter with two doctors' photos (one in a flyer) and their names",
    mail: withInlineImages(
      {
        from: "St. Mary's Health News <news@stmarys-health.org>",
        subject: "This month at St. Mary's",
        text: "Dr. Priya Raman now sees patients on Saturdays. Zoë Müller, NP joins Dermatology. Dr. Hale's team is hiring.",
      },
      [
        { name: 'raman-flyer.jpg', content: await img.flyerWith(img.directoryPhoto('p04')) },
        { name: 'muller.png', content: img.croppedCopy('p05'), type: 'image/png' },
      ],
    ),
    ctx: { auth: authed('stmarys-health.org') },
    expect: ['DIRECTORY_PHOTO_VERIFIED'],
  },
  {
    name: "a verified partner's referral with its cardiologist's signature photo",
    mail: withInlineImages(
      {
        from: 'Alan Brooks, MD <alan.brooks@lakesidecardio.com>',
        subject: 'Referral: stress test follow-up',
        text: 'Dear Dr. Carter,\nI am referring our mutual patient for follow-up.\n\nSincerely,\nAlan Brooks, MD\nLakeside Cardiology',
      },
      [{ name: 'brooks.jpg', content: img.resizedCopy('p13') }],
    ),
    ctx: { auth: authed('lakesidecardio.com') },
    expect: ['DIRECTORY_PHOTO_VERIFIED'],
  },
  {
    name: 'a patient from free-mail attaching a photo of a rash (a face not in the directory)',
    mail: {
      from: 'John Miller <john.miller1975@gmail.com>',
      subject: 'Question for Dr. Carter',
      text: 'Dear Dr. Carter,\nHere is the photo you asked for.\n\nThanks,\nJohn Miller',
      attachments: [{ filename: 'me.jpg', contentType: 'image/jpeg', content: img.stranger(1) }],
    },
    expect: [],
  },
  {
    name: 'an internal reply whose quoted signature carries a colleague’s photo',
    mail: withInlineImages(
      {
        from: 'Dr. Robert Hale <robert.hale@stmarys-health.org>',
        subject: 'Re: on-call swap',
        text: 'Fine by me.\nBob\n\nOn Mon, Nov 2, 2026 at 9:00 AM Elizabeth Carter wrote:\n> Can you take Saturday?\n> Dr. Elizabeth Carter, MD',
      },
      [carterResized],
    ),
    ctx: { auth: authed('stmarys-health.org') },
    expect: ['DIRECTORY_PHOTO_VERIFIED'],
  },
  {
    name: 'a corrupt image in a fake-doctor mail is skipped cleanly',
    mail: withInlineImages({ from: 'Dr. Sarah Mills <drsarahmills.clinic@gmail.com>', text: 'See my photo.\nDr. Sarah Mills' }, [
      { name: 'broken.jpg', content: img.corruptJpeg() },
    ]),
    expect: [],
  },
  {
    name: 'a remote image is never fetched',
    mail: { from: 'Dr. Sarah Mills <drsarahmills.clinic@gmail.com>', html: '<p>Dr. Sarah Mills</p><img src="https://cdn.example.net/carter.jpg">' },
    expect: [],
  },
];

for (const c of POSITIVES) {
  test(`clinician-photo flags: ${c.name}`, async () => {
    const signals = await analyze(clinicianPhoto, c.mail, { ctx: { directory, deadline: deadline(), ...c.ctx }, config: CONFIG });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
    for (const e of c.evidence ?? []) assert.ok(signals[0].evidence.includes(e), `evidence should mention ${e}: ${signals[0].evidence}`);
  });
}

for (const c of NEGATIVES) {
  test(`clinician-photo passes: ${c.name}`, async () => {
    const signals = await analyze(clinicianPhoto, c.mail, { ctx: { directory, deadline: deadline(), ...c.ctx }, config: CONFIG });
    assert.deepEqual(ids(signals), [...c.expect].sort(), JSON.stringify(signals, null, 1));
    for (const e of c.evidence ?? []) assert.ok(signals[0].evidence.includes(e), `evidence should mention ${e}: ${signals[0].evidence}`);
  });
}

test('clinician-photo: the fake name is high severity, the verified photo benign', async () => {
  const [fake] = await analyze(clinicianPhoto, POSITIVES[0].mail, { ctx: { directory, deadline: deadline() }, config: CONFIG });
  assert.ok(fake.score >= 8, `score ${fake.score}`);
  const [verified] = await analyze(clinicianPhoto, NEGATIVES[0].mail, { ctx: { directory, deadline: deadline(), auth: authed('stmarys-health.org') }, config: CONFIG });
  assert.ok(verified.score < 0);
});

test('clinician-photo: logos and charts in a fake-doctor mail cost no face inference and say nothing', async () => {
  const mail = withInlineImages({ from: 'Dr. Sarah Mills <drsarahmills.clinic@gmail.com>', text: 'Our results this year.\nDr. Sarah Mills, MD' }, [
    { name: 'logo.png', content: await img.logoPng(), type: 'image/png' },
    { name: 'chart.jpg', content: await img.chartJpeg() },
    { name: 'letter.png', content: await img.letterPng(), type: 'image/png' },
  ]);
  const before = sharedFaceEmbedder().stats().inferences;
  assert.deepEqual(await analyze(clinicianPhoto, mail, { ctx: { directory, deadline: deadline() }, config: CONFIG }), []);
  assert.equal(sharedFaceEmbedder().stats().inferences, before);
});

test('clinician-photo: without a directory, or without images, nothing runs', async () => {
  const loadsBefore = sharedFaceEmbedder().stats();
  assert.deepEqual(await analyze(clinicianPhoto, POSITIVES[0].mail, { ctx: { directory: null }, config: CONFIG }), []);
  const plain = { from: 'Dr. Sarah Mills <drsarahmills.clinic@gmail.com>', text: 'Call me.\nDr. Sarah Mills' };
  assert.deepEqual(await analyze(clinicianPhoto, plain, { ctx: { directory }, config: CONFIG }), []);
  assert.deepEqual(sharedFaceEmbedder().stats(), loadsBefore);
});

test('clinician-photo: past the deadline the face check is skipped with evidence, never failing the scan', async () => {
  const mail = withInlineImages({ from: 'Dr. Anita Shah <a.shah.peds@gmail.com>', text: 'Book with me!\nDr. Anita Shah' }, [
    { name: 'flyer.jpg', content: await img.flyerWith(img.directoryPhoto('p07')) },
  ]);
  const signals = await analyze(clinicianPhoto, mail, { ctx: { directory, deadline: Date.now() - 1 }, config: CONFIG });
  assert.deepEqual(ids(signals), ['DIRECTORY_PHOTO_CHECK_INCOMPLETE']);
  assert.equal(signals[0].score, 0);
});

test('clinician-photo: the fictional organisation of fixtures/demo-org, loaded from its directory file', async () => {
  const demo = loadDirectoryFile(fileURLToPath(new URL('../../../fixtures/demo-org/directory.yaml', import.meta.url)));
  const mail = withInlineImages(
    { from: 'Dr. Allison Grey <allison.grey.md@gmail.com>', text: 'I am your new radiologist. Call (202) 555-0177 to confirm your date of birth.\nDr. Allison Grey, MD' },
    [{ name: 'grey.png', content: img.croppedCopy('p10'), type: 'image/png' }],
  );
  const signals = await analyze(clinicianPhoto, mail, { ctx: { directory: demo, deadline: deadline() }, config: { diskCache: false, budgetMs: 120_000 } });
  assert.deepEqual(ids(signals), ['DIRECTORY_PHOTO_FAKE_NAME']);
  assert.match(signals[0].evidence, /Dr\. Hiroshi Tanaka, MD/);
});
