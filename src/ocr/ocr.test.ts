import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMail, type TestMail } from '../../test/helpers/mail.ts';
import { parseMessage } from '../parse/parse.ts';
import type { ParsedMessage } from '../parse/message.ts';
import { encodeGreyPng, renderTextPng, solidPng } from './fixtures/text-image.ts';
import { ocrConfigSchema } from './ocr-config.ts';
import { cleanOcrText, clearOcrCache, extractImageText, OcrService, ocrService, selectImagesForOcr, shutdownOcr } from './ocr.ts';

// One tesseract worker serves the whole file: start-up is the expensive part.
before(async () => {
  await ocrService().warmUp();
});
after(async () => {
  await shutdownOcr();
});

// A roomy budget: the tests check what is read, not how fast a loaded CI machine reads it.
const config = ocrConfigSchema.parse({ budgetMs: 20_000 });
const soon = () => Date.now() + 20_000;

const CALLBACK_LURE = renderTextPng(['YOUR ACCOUNT IS ON HOLD', 'CALL 1-888-555-0100'], { blur: 3, noise: 0.03 });

/** An HTML body that is nothing but a picture (the picture as a cid: inline part). */
function imageOnlyMail(png: Buffer, extra: Partial<TestMail> = {}): TestMail {
  return {
    from: 'Billing Department <billing@account-notice.example>',
    subject: 'Important notice',
    html: '<html><body><a href="https://account-notice.example/r"><img src="cid:notice@x"></a></body></html>',
    attachments: [{ filename: 'notice.png', contentType: 'image/png', content: png, contentId: 'notice@x' }],
    ...extra,
  };
}

const parse = (m: TestMail): Promise<ParsedMessage> => parseMessage(buildMail(m));

/** Edit distance, for OCR output that may miss a character. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function assertReads(text: string, expected: string) {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '');
  const got = norm(text);
  const want = norm(expected);
  let best = Infinity;
  for (let i = 0; i + want.length <= got.length + 2; i++) best = Math.min(best, distance(got.slice(i, i + want.length), want));
  assert.ok(best <= 2, `expected to read ${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
}

test('reads the phone number of a callback lure sent as a picture', async () => {
  clearOcrCache();
  const msg = await parse(imageOnlyMail(CALLBACK_LURE));
  const r = await extractImageText(msg, config, soon());
  assert.equal(r.timedOut, false);
  assert.equal(r.images, 1);
  assert.equal(r.cached, 0);
  assertReads(r.text, 'CALL 1-888-555-0100');
  assertReads(r.text, 'ACCOUNT IS ON HOLD');
});

test('the second message with the same picture is answered from the cache', async () => {
  clearOcrCache();
  const first = await extractImageText(await parse(imageOnlyMail(CALLBACK_LURE)), config, soon());
  // Another campaign message: same picture, different wrapping.
  const second = await extractImageText(await parse(imageOnlyMail(CALLBACK_LURE, { subject: 'Second notice' })), config, soon());
  assert.equal(second.cached, 1);
  assert.equal(second.images, 1);
  assert.equal(second.text, first.text);
  assert.ok(second.ms < 50, `cache hit took ${second.ms} ms`);
});

test('a tracking pixel is not worth OCR', async () => {
  const msg = await parse({
    from: 'St Marys Health <news@stmarys-health.org>',
    html: '<p>See you Tuesday.</p><img src="cid:px@x" width="1" height="1">',
    attachments: [{ filename: 'p.png', contentType: 'image/png', content: solidPng(1, 1), contentId: 'px@x' }],
  });
  assert.equal(selectImagesForOcr(msg, config).candidates.length, 0);
  const r = await extractImageText(msg, config, soon());
  assert.deepEqual({ text: r.text, images: r.images, timedOut: r.timedOut }, { text: '', images: 0, timedOut: false });
});

test('a large picture that is only a few pixels high (a divider) is skipped', async () => {
  // A gradient bar: plenty of bytes, no room for a line of text.
  let seed = 7;
  const grain = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 23;
  const divider = encodeGreyPng(Uint8Array.from({ length: 800 * 20 }, (_, i) => 128 + (i % 100) + (grain() & 15)), 800, 20);
  assert.ok(divider.length > config.minImageBytes);
  const msg = await parse(imageOnlyMail(divider));
  const selection = selectImagesForOcr(msg, config);
  assert.equal(selection.candidates.length, 0);
  assert.match(selection.skipped[0], /800×20 px, smaller than 100×40/);
});

const GALA_TEXT = `<p>Thanks to 420 guests and our sponsors, this year's Spring Gala raised $310,000 for the new
      neonatal intensive care unit. Photos from the evening are on the Foundation's page, and the
      NICU construction timeline will be shared in the next newsletter.</p>
      ${'<p>Our volunteers, nurses, physicians and donors made the evening possible: the silent auction, the string quartet from the conservatory, the raffle for the weekend on the Cape and the stories of three NICU families who spoke about the months their babies spent with us. Every table was sponsored, and the Foundation will write to each sponsor with a report on how the funds are spent as the new unit is built.</p>'.repeat(5)}`;

test('a long letter skips OCR of a picture it only attaches', async () => {
  const letter = await parse({
    from: 'St Marys Foundation <foundation@stmarys-health.org>',
    subject: 'Spring Gala: thank you',
    html: `<h1>Thank you for a wonderful evening</h1>${GALA_TEXT}`,
    attachments: [{ filename: 'gala.png', contentType: 'image/png', content: CALLBACK_LURE }],
  });
  const selection = selectImagesForOcr(letter, config);
  assert.equal(selection.candidates.length, 0);
  assert.match(selection.skipped[0], /characters of text/);
  const r = await extractImageText(letter, config, soon());
  assert.equal(r.images, 0);
});

test('a picture the body embeds is read however much text surrounds it (image spam hides among filler); configurable', async () => {
  const filler = await parse({
    from: 'Offers <news@example.net>',
    subject: 'Enjoy it as i do',
    html: `<p><a href="http://example.net/"><img src="cid:gala@x"></a></p>${GALA_TEXT}`,
    attachments: [{ filename: 'x.png', contentType: 'image/png', content: CALLBACK_LURE, contentId: 'gala@x' }],
  });
  assert.equal(selectImagesForOcr(filler, config).candidates.length, 1);
  const r = await extractImageText(filler, config, soon());
  assert.equal(r.images, 1);
  assert.match(r.text, /call/i);

  const textOnly = ocrConfigSchema.parse({ ...config, readEmbeddedPictures: false });
  const selection = selectImagesForOcr(filler, textOnly);
  assert.equal(selection.candidates.length, 0);
  assert.deepEqual(selection.skipped, [selection.skipped[0]]);
  assert.match(selection.skipped[0], /characters of text/);
});

test('remote images are never fetched, only recorded', async () => {
  const msg = await parse({ html: '<a href="https://x.example/"><img src="https://cdn.x.example/banner.png" width="600" height="300"></a>' });
  const selection = selectImagesForOcr(msg, config);
  assert.equal(selection.candidates.length, 0);
  assert.deepEqual(selection.skipped, ['remote image (never fetched)']);
});

test('at most maxImages pictures are read, the largest first', async () => {
  const small = renderTextPng(['PAY NOW'], { blur: 3, noise: 0.2 });
  const msg = await parse({
    html: '<img src="cid:a@x"><img src="cid:b@x"><img src="cid:c@x">',
    attachments: [
      { filename: 'a.png', contentType: 'image/png', content: small, contentId: 'a@x' },
      { filename: 'b.png', contentType: 'image/png', content: CALLBACK_LURE, contentId: 'b@x' },
      // The same bytes twice are read once.
      { filename: 'c.png', contentType: 'image/png', content: CALLBACK_LURE, contentId: 'c@x' },
    ],
  });
  const selection = selectImagesForOcr(msg, { ...config, maxImages: 1 });
  assert.equal(selection.candidates.length, 1);
  assert.ok(selection.candidates[0].content.equals(CALLBACK_LURE));
  assert.equal(selectImagesForOcr(msg, config).candidates.length, 2);
});

test('a deadline already past returns at once, reporting the time-out', async () => {
  clearOcrCache();
  const msg = await parse(imageOnlyMail(renderTextPng(['FINAL NOTICE', 'CALL 1-877-555-0199'], { blur: 3, noise: 0.03 })));
  const started = Date.now();
  const r = await extractImageText(msg, config, Date.now() - 1);
  assert.ok(Date.now() - started < 100, `took ${Date.now() - started} ms`);
  assert.deepEqual({ text: r.text, images: r.images, timedOut: r.timedOut }, { text: '', images: 0, timedOut: true });
});

test('a recognition that overruns its budget answers at once, and its late result serves the next copy', async () => {
  clearOcrCache();
  const busy = renderTextPng(
    ['PAYROLL DIRECT DEPOSIT UPDATE REQUIRED', 'SIGN IN TODAY TO KEEP YOUR SALARY', 'HR SERVICE DESK 1-866-555-0142'],
    { blur: 3, noise: 0.03 },
  );
  const started = Date.now();
  const r = await extractImageText(await parse(imageOnlyMail(busy)), { ...config, budgetMs: 20 }, soon());
  assert.equal(r.timedOut, true);
  assert.equal(r.text, '');
  assert.ok(Date.now() - started < 1000, `gave up after ${Date.now() - started} ms`);
  // The next message waits for the worker, which finishes the abandoned picture first…
  const next = await extractImageText(await parse(imageOnlyMail(CALLBACK_LURE)), config, soon());
  assertReads(next.text, 'CALL 1-888-555-0100');
  // …so the next copy of the abandoned picture is answered from the cache.
  const again = await extractImageText(await parse(imageOnlyMail(busy)), config, soon());
  assert.equal(again.cached, 1);
  assertReads(again.text, 'HR SERVICE DESK 1-866-555-0142');
});

test('a runaway recognition gets its worker terminated and a fresh worker takes over', async () => {
  const service = new OcrService(1);
  try {
    await service.warmUp();
    let late = false;
    const r = await service.recognize(CALLBACK_LURE, { deadline: Date.now() + 5, onLateResult: () => (late = true) });
    assert.equal(r.timedOut, true);
    const next = await service.recognize(CALLBACK_LURE, { deadline: soon() });
    assert.equal(next.timedOut, false);
    assertReads(next.text, 'CALL 1-888-555-0100');
    assert.equal(late, false, 'the runaway job was killed, not finished');
  } finally {
    await service.terminate();
  }
});

test('image bytes the decoder cannot read do not break the stage', async () => {
  clearOcrCache();
  // A valid PNG header and size, then garbage where the pixels should be.
  const broken = Buffer.concat([CALLBACK_LURE.subarray(0, 33), Buffer.alloc(8000, 0x5a)]);
  const r = await extractImageText(await parse(imageOnlyMail(broken)), config, soon());
  assert.equal(r.timedOut, false);
  assert.equal(r.text, '');
});

test('OCR switched off reads nothing', async () => {
  const r = await extractImageText(await parse(imageOnlyMail(CALLBACK_LURE)), { ...config, enabled: false }, soon());
  assert.deepEqual({ text: r.text, images: r.images }, { text: '', images: 0 });
});

test('OCR debris from photos and borders is dropped, words and numbers kept', () => {
  const raw = ['Viagra only $139.00', '- ? 3.25 9 “r.wlr', '| | ~ ==', 'p 2 WWW.PILLS10.COM', 'ee', '', 'Call 1-888-555-0100 today'].join('\n');
  assert.equal(cleanOcrText(raw), ['Viagra only $139.00', 'p 2 WWW.PILLS10.COM', 'Call 1-888-555-0100 today'].join('\n'));
});
