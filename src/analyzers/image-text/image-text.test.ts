import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestMail } from '../../../test/helpers/mail.ts';
import { encodeGreyPng, renderTextPng } from '../../ocr/fixtures/text-image.ts';
import { substantialImage } from '../../ocr/ocr.ts';
import { imageText } from './index.ts';

// Pictures as mail carries them: a lure banner, a flyer, a photo, a signature logo.
const LURE_BANNER = renderTextPng(['YOUR MAILBOX IS FULL', 'CLICK BELOW TO UPGRADE'], { blur: 3, noise: 0.03 });
const FLYER = renderTextPng(['SPRING HEALTH FAIR', 'FREE FLU SHOTS', 'MAY 12 LOBBY B'], { blur: 3, noise: 0.05 });
const PHOTO = photo(640, 480);
const SIGNATURE_LOGO = renderTextPng(['ST MARYS'], { scale: 3, margin: 12, blur: 2, noise: 0.3 });

/** Deterministic noise standing in for a camera photo (incompressible, so realistically large). */
function photo(width: number, height: number): Buffer {
  let seed = 42;
  const px = Uint8Array.from({ length: width * height }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 23);
  return encodeGreyPng(px, width, height);
}

interface Case {
  name: string;
  mail: TestMail;
  expect: string[];
  /** Expected score of IMAGE_ONLY_MESSAGE when it fires. */
  score?: number;
}

const CASES: Case[] = [
  // Positives: the body is a picture.
  {
    name: 'a clickable banner and nothing else (cid: inline picture)',
    mail: {
      from: 'Mail Administrator <admin@mailbox-upgrade.example>',
      subject: 'Mailbox quota exceeded',
      html: '<html><body><a href="https://mailbox-upgrade.example/q"><img src="cid:banner@x"></a></body></html>',
      attachments: [{ filename: 'banner.png', contentType: 'image/png', content: LURE_BANNER, contentId: 'banner@x' }],
    },
    expect: ['IMAGE_ONLY_MESSAGE'],
    score: 2,
  },
  {
    name: 'a remote picture with no declared size and a one-line footer',
    mail: {
      from: 'Rewards <rewards@gift-claims.example>',
      subject: 'You have (1) reward waiting',
      html: `<center><a href="https://gift-claims.example/c"><img src="https://img.gift-claims.example/r.jpg"></a></center>
        <p style="font-size:10px">To stop receiving these e-mails, unsubscribe here. 4 Main St, Dover, DE</p>`,
    },
    expect: ['IMAGE_ONLY_MESSAGE'],
    score: 1.5,
  },
  {
    name: 'a data: URI picture',
    mail: {
      from: 'Voice Services <voicemail@vm-portal.example>',
      subject: 'New voicemail (0:42)',
      html: `<a href="https://vm-portal.example/play"><img src="data:image/png;base64,${LURE_BANNER.toString('base64')}"></a>`,
    },
    expect: ['IMAGE_ONLY_MESSAGE'],
    score: 2,
  },

  // Negatives: legitimate mail with pictures.
  {
    name: 'a hospital newsletter with pictures and real text',
    mail: {
      from: 'St Marys Health News <news@stmarys-health.org>',
      subject: 'This month at St Marys',
      html: `<img src="https://news.stmarys-health.org/header.png" width="600" height="120">
        <h2>New cardiac rehab wing opens</h2>
        <p>The new cardiac rehabilitation wing opened on the third floor of the East building on Monday.
        Patients referred by Lakeside Cardiology can now book sessions directly through the patient portal.</p>
        <img src="https://news.stmarys-health.org/rehab.jpg" width="600" height="300">
        <p>Parking: the East garage entrance moves to Elm Street from June 1.</p>
        <p><a href="https://news.stmarys-health.org/unsubscribe">Unsubscribe</a></p>`,
    },
    expect: [],
  },
  {
    name: 'a patient from gmail sending a photo of her insurance card as an attachment',
    mail: {
      from: 'Maria Lopez <maria.lopez1984@gmail.com>',
      to: 'Billing <billing@stmarys-health.org>',
      subject: 'insurance card',
      text: 'Here is my new card. Thanks!',
      attachments: [{ filename: 'IMG_4412.png', contentType: 'image/png', content: PHOTO }],
    },
    expect: [],
  },
  {
    name: 'a short reply whose signature carries the hospital logo',
    mail: {
      from: 'Dr. Jane Miller <jmiller@stmarys-health.org>',
      subject: 'Re: Thursday clinic',
      html: `<p>Works for me, see you at 3.</p><p>Jane Miller, MD<br>Cardiology</p><img src="cid:image001.png@01DA">`,
      attachments: [{ filename: 'image001.png', contentType: 'image/png', content: SIGNATURE_LOGO, contentId: 'image001.png@01DA' }],
    },
    expect: [],
  },
  {
    name: 'an appointment reminder with a tracking pixel',
    mail: {
      from: 'St Marys Scheduling <noreply@stmarys-health.org>',
      subject: 'Appointment reminder',
      html: `<p>Reminder: Tue 9:30, Dr. Patel, Radiology.</p><img src="https://t.stmarys-health.org/o.gif?u=123" width="1" height="1">`,
    },
    expect: [],
  },
  {
    name: 'a vendor invoice: text body, logo, PDF',
    mail: {
      from: 'Accounts Receivable <ar@medsupply-vendor.com>',
      subject: 'Invoice 88213',
      html: `<img src="https://medsupply-vendor.com/logo.png" width="180" height="60">
        <p>Dear customer, please find attached invoice 88213 for the order of 14 March (nitrile gloves,
        200 cases). Payment terms are net 30 to the account on file. Questions: ar@medsupply-vendor.com.</p>`,
    },
    expect: [],
  },
];

for (const c of CASES) {
  test(`image-text: ${c.name}`, async () => {
    const signals = await analyze(imageText, c.mail);
    assert.deepEqual(ids(signals), c.expect);
    if (c.score !== undefined) assert.equal(signals.find((s) => s.id === 'IMAGE_ONLY_MESSAGE')?.score, c.score);
  });
}

test('image-text: a flyer sent as a picture with a short note is image-only (weak: legitimate flyers exist)', async () => {
  const signals = await analyze(imageText, {
    from: 'Community Outreach <outreach@stmarys-health.org>',
    subject: 'Spring Health Fair',
    html: '<p>Please share with your teams!</p><img src="cid:flyer@x">',
    attachments: [{ filename: 'flyer.png', contentType: 'image/png', content: FLYER, contentId: 'flyer@x' }],
  });
  assert.deepEqual(ids(signals), ['IMAGE_ONLY_MESSAGE']);
  assert.ok(signals[0].score <= 2);
  assert.match(signals[0].evidence, /inline png image, \d+×\d+ px/);
});

test('image-text: text read from images is reported, quoting its first words', async () => {
  const signals = await analyze(
    imageText,
    { html: '<a href="https://x.example/"><img src="https://x.example/b.png"></a>' },
    { ctx: { imageText: 'YOUR ACCOUNT IS ON HOLD\nCALL 1-888-555-0100 TODAY TO AVOID SUSPENSION OF SERVICE AND LOSS OF DATA' } },
  );
  const extracted = signals.find((s) => s.id === 'IMAGE_TEXT_EXTRACTED');
  assert.ok(extracted);
  assert.equal(extracted.score, 0);
  assert.match(extracted.evidence, /^17 words read from images: "YOUR ACCOUNT IS ON HOLD CALL 1-888-555-0100 TODAY TO AVOID SUSPENSION OF"$/);
});

test('image-text: the fixtures are what they claim to be', () => {
  const config = imageText.config.parse({});
  // The signature logo is big enough for OCR (so only the pixel floor keeps it from counting as the body)…
  const logo = substantialImage(SIGNATURE_LOGO, config);
  assert.ok('size' in logo, JSON.stringify(logo));
  assert.ok(logo.size.width * logo.size.height < config.imageOnlyMinPixels);
  // …and the banner and flyer clear both.
  for (const png of [LURE_BANNER, FLYER]) {
    const v = substantialImage(png, config);
    assert.ok('size' in v && v.size.width * v.size.height >= config.imageOnlyMinPixels, JSON.stringify(v));
  }
});

test('image-text: no OCR text, no IMAGE_TEXT_EXTRACTED', async () => {
  const signals = await analyze(imageText, { text: 'Your lab results are ready in the patient portal.' }, { ctx: { imageText: '' } });
  assert.deepEqual(ids(signals), []);
});

test('image-text: the OCR settings are part of the config, with the documented defaults', () => {
  const c = imageText.config.parse({});
  assert.deepEqual(
    { enabled: c.enabled, budgetMs: c.budgetMs, maxImages: c.maxImages, minTextChars: c.minTextChars, minImageBytes: c.minImageBytes },
    { enabled: true, budgetMs: 1500, maxImages: 3, minTextChars: 2000, minImageBytes: 2048 },
  );
  assert.throws(() => imageText.config.parse({ budgetMS: 100 }), /budgetMS/);
});
