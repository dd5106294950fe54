import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryDirectory } from '../directory/directory.ts';
import { demoDirectoryData } from '../directory/test-fixtures.ts';
import type { ImageRef } from '../parse/message.ts';
import { FaceEmbedder } from './face-embedder.ts';
import { DEFAULT_FACE_GATE } from './face-gate.ts';
import { PhotoIndex } from './photo-index.ts';
import { embeddedImages, matchImages, type MatcherSettings } from './photo-matcher.ts';
import * as img from './test-images.ts';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'medshield-faces-test-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

const embedder = new FaceEmbedder();
const directory = img.directoryWithPhotos();
const index = new PhotoIndex(directory, { embedder, cacheDir });

const settings = (over: Partial<MatcherSettings> = {}): MatcherSettings => ({
  faces: true,
  hashMaxDistance: 10,
  hashStrongDistance: 4,
  faceMinSimilarity: 0.7,
  faceStrongSimilarity: 0.85,
  maxImages: 8,
  gate: DEFAULT_FACE_GATE,
  deadline: Date.now() + 60_000,
  ...over,
});

const image = (content: Buffer, filename = 'photo.jpg', kind: ImageRef['kind'] = 'inline'): ImageRef => ({ kind, contentType: 'image/jpeg', filename, size: content.length, content });
const familyOf = (id: string) => directory.personById(id)?.family;

test('copies of directory photos are recognised by hash alone: no face model runs', async () => {
  const before = embedder.stats().inferences;
  const report = await matchImages(
    [image(img.resizedCopy('p01'), 'carter.jpg'), image(img.croppedCopy('p03'), 'hale.png'), image(img.resizedCopy('p13'), 'brooks.jpg', 'attachment')],
    index,
    embedder,
    settings(),
  );
  const found = report.matches.map((m) => [familyOf(m.person.id), m.method]).sort();
  assert.deepEqual(found, [
    ['Brooks', 'hash'],
    ['Carter', 'hash'],
    ['Hale', 'hash'],
  ]);
  for (const m of report.matches) assert.ok(m.score <= 10, m.measure);
  assert.ok(report.matches.find((m) => familyOf(m.person.id) === 'Carter')!.strong, 'a resized copy is a certain match');
  assert.equal(embedder.stats().inferences, before);
  assert.equal(report.faceImages, 0);
  assert.match(report.matches[0].measure, /^perceptual hash \d+ bits of 64 from their photo$/);
});

test('a portrait set into a flyer is recognised by its face', async () => {
  const report = await matchImages([image(await img.flyerWith(img.directoryPhoto('p04')), 'flyer.jpg')], index, embedder, settings());
  assert.equal(report.matches.length, 1);
  const [m] = report.matches;
  assert.equal(familyOf(m.person.id), 'Raman');
  assert.equal(m.method, 'face');
  assert.ok(m.strong && m.score >= 0.85, m.measure);
  assert.equal(report.faceImages, 1);
});

test('strangers, logos, charts, letters and tracking pixels match no one, and only photographs reach the face model', async () => {
  const graphics = [image(await img.logoPng(), 'logo.png'), image(await img.chartJpeg(), 'chart.jpg'), image(await img.letterPng(), 'scan.png'), image(await img.trackingPixel(), 'p.png')];
  await index.faces();
  const before = embedder.stats().inferences;
  const none = await matchImages(graphics, index, embedder, settings());
  assert.deepEqual(none.matches, []);
  assert.equal(none.faceImages, 0);
  assert.equal(embedder.stats().inferences, before, 'no face inference for graphics');
  assert.equal(none.examined, 3, 'the tracking pixel is not even decoded');

  const strangers = await matchImages([image(img.stranger(1)), image(img.stranger(2))], index, embedder, settings());
  assert.deepEqual(strangers.matches, []);
  assert.equal(strangers.faceImages, 2);
});

test('a corrupt image and a remote image are passed over without a word', async () => {
  const remote: ImageRef = { kind: 'remote', contentType: '', filename: '', size: 0, url: 'https://cdn.example.net/dr.jpg' };
  const report = await matchImages([image(img.corruptJpeg(), 'broken.jpg'), remote], index, embedder, settings());
  assert.deepEqual(report, { matches: [], incomplete: [], examined: 0, faceImages: 0 });
  assert.deepEqual(embeddedImages([remote]), []);
});

test('past the deadline, face work is skipped and reported; hash matching still answers', async () => {
  const report = await matchImages(
    [image(img.resizedCopy('p02'), 'nunez.jpg'), image(await img.flyerWith(img.directoryPhoto('p05')), 'flyer2.jpg')],
    index,
    embedder,
    settings({ deadline: Date.now() - 1 }),
  );
  assert.deepEqual(report.matches.map((m) => familyOf(m.person.id)), ['Núñez']);
  assert.equal(report.incomplete.length, 1);
  assert.match(report.incomplete[0], /did not finish before the deadline|not ready in time/);
});

test('the index is kept on disk: a new process (fresh embedder) starts warm, without loading the models', async () => {
  await index.faces();
  assert.ok(readdirSync(cacheDir).length > 0);
  const fresh = new FaceEmbedder();
  const warm = new PhotoIndex(img.directoryWithPhotos(), { embedder: fresh, cacheDir });
  const faces = await warm.faces();
  assert.equal(faces?.length, 7);
  assert.deepEqual(fresh.stats(), { inferences: 0, cacheHits: 0, timeouts: 0, inferenceCpuMs: 0, loadMs: null });
  assert.deepEqual(warm.status(), { photos: 7, unreadable: [], withoutFace: [], facesReady: true });
});

test('an unreadable directory photo is reported and the others still index', async () => {
  const data = demoDirectoryData();
  data.persons[0].photos = [{ path: path.join(cacheDir, 'missing.jpg') }];
  data.persons[1].photos = [{ data: img.corruptJpeg(), contentType: 'image/jpeg' }];
  data.persons[2].photos = [{ path: `${img.DEMO_PHOTOS}p03.jpg` }];
  const partial = new PhotoIndex(new MemoryDirectory(data), { embedder, cacheDir: null });
  assert.equal((await partial.photos())?.length, 1);
  const status = partial.status();
  assert.equal(status.unreadable.length, 2);
  assert.match(status.unreadable[0], /missing\.jpg/);
  assert.match(status.unreadable[1], /undecodable/);
});
