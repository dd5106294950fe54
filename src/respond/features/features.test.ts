import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { parseMessage } from '../../parse/parse.ts';
import { extractFeatures, facesFromSignals, normalizeUrl } from './extract.ts';
import { minhashSignature, minhashSimilarity } from './minhash.ts';

const WELL_KNOWN = new Set(['stmarys-health.org', 'zocdoc.com']);

async function features(raw: string, o: { images?: boolean; clientIp?: string } = {}) {
  return extractFeatures(await parseMessage(Buffer.from(raw.replace(/\n/g, '\r\n'))), { wellKnownDomains: WELL_KNOWN, images: o.images, clientIp: o.clientIp, mailFrom: 'bounce@bulk-sender-mailer.com' });
}

describe('message indicators', () => {
  it('extracts the campaign facts and leaves out what everyone shares', async () => {
    const f = await features(
      `From: Zocdoc Care <care@zocdoc-care-center.com>
Reply-To: claims.desk@gmail.com
To: a@stmarys-health.org
Subject: Your appointment
Message-ID: <x1@zocdoc-care-center.com>

Dear patient, please call (888) 555-0147 to confirm your appointment, or visit https://confirm-visit-now.com/a/b?token=SECRET123 and https://www.zocdoc.com/about or https://bit.ly/3abcDEF and https://www.stmarys-health.org/parking. Our office line is the same as always.
`,
      { clientIp: '203.0.113.9' },
    );
    const by = (k: string) => f.indicators.filter((i) => i.kind === k).map((i) => i.value).sort();
    assert.deepEqual(by('sender-domain'), ['zocdoc-care-center.com']);
    assert.deepEqual(by('sender-address'), ['care@zocdoc-care-center.com']);
    assert.deepEqual(by('reply-to'), ['claims.desk@gmail.com']);
    assert.deepEqual(by('return-path-domain'), ['bulk-sender-mailer.com']);
    assert.deepEqual(by('client-ip'), ['203.0.113.9']);
    assert.deepEqual(by('phone'), ['+18885550147']);
    assert.deepEqual(by('landing-domain'), ['confirm-visit-now.com'], 'not the real brand, not the organisation, not a shortener');
    assert.deepEqual(by('url'), ['https://bit.ly/3abcDEF', 'https://confirm-visit-now.com/a/b'], 'query strings (tokens) dropped; the shortened link kept whole');
    assert.ok(by('text-minhash').length === 1 && f.minhash);
    assert.equal(f.messageId, 'x1@zocdoc-care-center.com');
  });

  it('keeps free-mail senders as addresses only, ignores private relays, hashes attachments and images', async () => {
    const png = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .composite([{ input: Buffer.from('<svg width="96" height="96"><circle cx="30" cy="40" r="20" fill="white"/><rect x="55" y="50" width="30" height="30" fill="black"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    const raw = [
      'From: Someone <someone@gmail.com>',
      'To: a@stmarys-health.org',
      'Subject: invoice',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/pdf; name=invoice.pdf',
      'Content-Disposition: attachment; filename=invoice.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 fake').toString('base64'),
      '--b',
      'Content-Type: image/png; name=logo.png',
      'Content-Disposition: attachment; filename=logo.png',
      'Content-Transfer-Encoding: base64',
      '',
      png.toString('base64'),
      '--b--',
      '',
    ].join('\n');
    const f = await features(raw, { images: true, clientIp: '10.1.2.3' });
    const kinds = f.indicators.map((i) => i.kind);
    assert.ok(!kinds.includes('sender-domain'), 'gmail.com is everyone’s');
    assert.ok(kinds.includes('sender-address'));
    assert.ok(!kinds.includes('client-ip'), 'internal relays are not a campaign’s infrastructure');
    const hashes = f.indicators.filter((i) => i.kind === 'attachment-sha256').map((i) => i.value);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.deepEqual(hashes.sort(), [sha(Buffer.from('%PDF-1.4 fake')), sha(png)].sort(), 'both attachments hashed');
    assert.equal(f.indicators.filter((i) => i.kind === 'image-phash').length, 1);
    assert.match(f.indicators.find((i) => i.kind === 'image-phash')!.value, /^[0-9a-f]{16}$/);
    const noImages = await features(raw, { images: false });
    assert.equal(noImages.indicators.filter((i) => i.kind === 'image-phash').length, 0, 'images are decoded only when asked');
  });

  it('normalises links and reads matched directory photos from the verdict', () => {
    assert.deepEqual(normalizeUrl('HTTPS://Portal.Example.com:8443/a/b/?x=1#y'), { host: 'portal.example.com', path: '/a/b', value: 'https://portal.example.com:8443/a/b' });
    assert.equal(normalizeUrl('javascript:alert(1)'), null);
    assert.equal(normalizeUrl('not a url'), null);
    assert.deepEqual(
      facesFromSignals([
        { id: 'DIRECTORY_PHOTO_FAKE_NAME', score: 6, analyzer: 'clinician-photo', evidence: 'inline image "a.jpg" is the directory photo of Dr. Elizabeth Carter (St Mary’s Health), hash distance 3, but the message presents it as "Dr. Smith"' },
        { id: 'LINK_SHORTENER', score: 1, analyzer: 'links', evidence: 'is the directory photo of Nobody (x)' },
      ]),
      ['dr. elizabeth carter'],
    );
  });

  it('MinHash: variants of one text are similar, different texts are not, short texts get no signature', () => {
    const a = minhashSignature('Dear Maria, Dr. Helen Marsh has reviewed your medical records and your appointment on November 12 at 9:30 AM is ready. To keep your appointment, please confirm your identity with our patient services team today by calling our patient line.')!;
    const b = minhashSignature('Dear James, Dr. Alan Whitford has reviewed your medical records and your appointment on November 19 at 9:30 AM is ready. To keep your appointment, please confirm your identity with our patient services team today by calling our patient line.')!;
    const c = minhashSignature('The east parking garage will be closed on Saturday for resurfacing. Staff can park in the west lot; shuttles run every fifteen minutes from six in the morning until late.')!;
    assert.ok(minhashSimilarity(a, b) >= 0.6, String(minhashSimilarity(a, b)));
    assert.ok(minhashSimilarity(a, c) <= 0.1, String(minhashSimilarity(a, c)));
    assert.equal(minhashSimilarity(a, a), 1);
    assert.equal(minhashSignature('Call me now please'), null);
  });
});
