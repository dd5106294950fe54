import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { faceGate } from './face-gate.ts';
import { cropVariantHashes, probeImage, type ImageProbe } from './image-probe.ts';
import { areaResample, dhash64, hamming, phash64, HASH_SIDE } from './phash.ts';
import * as img from './test-images.ts';

// The thresholds the analyzer uses by default (clinician-photo config): a match when pHash and
// dHash are both within 10 bits of a directory photo or one of its crops.
const MATCH = 10;

async function probe(b: Buffer): Promise<ImageProbe> {
  const r = await probeImage(b);
  if ('skip' in r) throw new Error(`unexpected skip: ${r.skip}`);
  return r.probe;
}

const distance = (a: ImageProbe['hashes'], b: ImageProbe['hashes']) => Math.max(hamming(a.phash, b.phash), hamming(a.dhash, b.dhash));

test('hamming counts differing bits of 64-bit hex hashes', () => {
  assert.equal(hamming('0000000000000000', '0000000000000000'), 0);
  assert.equal(hamming('ffffffffffffffff', '0000000000000000'), 64);
  assert.equal(hamming('8000000000000001', '0000000000000000'), 2);
  assert.equal(hamming('00000000f0000000', '0000000000000000'), 4);
  assert.throws(() => hamming('abc', '0000000000000000'), /16 hex digits/);
});

test('pHash and dHash: brightness offsets do not matter, a mirror image does', () => {
  const at = (x: number, y: number) => 120 + 60 * Math.sin(x / 4) * Math.cos(y / 6) + 2 * x - y;
  const picture = Array.from({ length: HASH_SIDE * HASH_SIDE }, (_, i) => at(i % HASH_SIDE, Math.floor(i / HASH_SIDE)));
  const mirror = Array.from({ length: HASH_SIDE * HASH_SIDE }, (_, i) => at(HASH_SIDE - 1 - (i % HASH_SIDE), Math.floor(i / HASH_SIDE)));
  const brighter = picture.map((v) => v + 20);
  assert.equal(phash64(picture), phash64(brighter));
  assert.equal(dhash64(picture), dhash64(brighter));
  assert.ok(hamming(phash64(picture), phash64(mirror)) >= 16);
  assert.ok(hamming(dhash64(picture), dhash64(mirror)) >= 16);
  const ramp = Array.from({ length: HASH_SIDE * HASH_SIDE }, (_, i) => (i % HASH_SIDE) * 8);
  assert.equal(dhash64(ramp), 'ffffffffffffffff', 'every cell darker than its right neighbour');
});

test('areaResample averages exactly the covered area', () => {
  const src = [0, 0, 100, 100, 0, 0, 100, 100];
  assert.deepEqual(Array.from(areaResample(src, 4, 2, 2, 1)), [0, 100]);
  assert.deepEqual(Array.from(areaResample(src, 4, 2, 1, 1, { left: 1, top: 0, width: 2, height: 2 })), [50]);
  assert.throws(() => areaResample(src, 4, 2, 1, 1, { left: 3, top: 0, width: 2, height: 2 }), /outside/);
});

test('transformed copies stay close to their directory photo; different people stay far', async () => {
  const originals = await Promise.all(img.PHOTO_IDS.map(async (id) => ({ id, variants: await cropVariantHashes(img.directoryPhoto(id)) })));
  const nearest = (h: ImageProbe['hashes']) =>
    originals.map((o) => ({ id: o.id, d: Math.min(...o.variants.map((v) => distance(h, v))) })).sort((a, b) => a.d - b.d);
  for (const id of img.PHOTO_IDS) {
    for (const [what, copy] of [
      ['resized, brighter, re-encoded JPEG', img.resizedCopy(id)],
      ['cropped 256-colour PNG', img.croppedCopy(id)],
    ] as const) {
      const ranked = nearest((await probe(copy)).hashes);
      assert.equal(ranked[0].id, id, `${id} ${what}: nearest is ${ranked[0].id}`);
      assert.ok(ranked[0].d <= MATCH, `${id} ${what}: ${ranked[0].d} bits from its photo`);
      assert.ok(ranked[1].d > MATCH, `${id} ${what}: ${ranked[1].id} is only ${ranked[1].d} bits away`);
    }
  }
  for (const n of [1, 2] as const) {
    const ranked = nearest((await probe(img.stranger(n))).hashes);
    assert.ok(ranked[0].d > MATCH, `stranger-${n} is ${ranked[0].d} bits from ${ranked[0].id}`);
  }
});

test('probe: tracking pixels, banners, non-images and corrupt files are skipped with a reason, never thrown', async () => {
  const pixel = await probeImage(await img.trackingPixel());
  assert.ok('skip' in pixel && /smaller than/.test(pixel.skip));
  const banner = await probeImage(await sharp({ create: { width: 1200, height: 60, channels: 3, background: '#336699' } }).png().toBuffer());
  assert.ok('skip' in banner && /banner/.test(banner.skip));
  const text = await probeImage(Buffer.from('this is not a picture at all, just text'));
  assert.ok('skip' in text && /not a PNG/.test(text.skip));
  const corrupt = await probeImage(img.corruptJpeg());
  assert.ok('skip' in corrupt && /undecodable jpeg/.test(corrupt.skip), JSON.stringify(corrupt));
});

test('face gate: headshots, a greyscale portrait and a flyer pass; logos, charts and letters do not', async () => {
  for (const id of img.PHOTO_IDS) assert.deepEqual(faceGate(await probe(img.directoryPhoto(id))), { pass: true }, id);
  assert.deepEqual(faceGate(await probe(await sharp(img.directoryPhoto('p02')).greyscale().jpeg().toBuffer())), { pass: true });
  assert.deepEqual(faceGate(await probe(await img.flyerWith(img.directoryPhoto('p04')))), { pass: true });
  for (const [what, b] of [
    ['logo', await img.logoPng()],
    ['chart', await img.chartJpeg()],
    ['letter', await img.letterPng()],
  ] as const) {
    const v = faceGate(await probe(b));
    assert.equal(v.pass, false, what);
  }
  const small = await probe(await sharp(img.directoryPhoto('p01')).resize(48).jpeg().toBuffer());
  assert.equal(faceGate(small).pass, false, 'too small for a face to be embedded');
});
