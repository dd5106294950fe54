import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceEmbedder, faceSimilarity, type DetectedFace, type FaceOutcome } from './face-embedder.ts';
import * as img from './test-images.ts';

// Loads the face models once for the file (about a second), then about 0.2 s of CPU per image.
// Thresholds as in the clinician-photo analyzer: a match from 0.7, certain from 0.85.
const MATCH = 0.7;
const CERTAIN = 0.85;
const SAMPLE = ['p01', 'p04', 'p07', 'p10', 'p13'];

const embedder = new FaceEmbedder();
const listenersBefore = { uncaught: 0, rejection: 0 };
const originals = new Map<string, Float32Array>();

const later = () => Date.now() + 60_000;

function faces(o: FaceOutcome): DetectedFace[] {
  if ('error' in o) throw new Error(o.error);
  return o.faces;
}

before(async () => {
  listenersBefore.uncaught = process.listenerCount('uncaughtException');
  listenersBefore.rejection = process.listenerCount('unhandledRejection');
  await embedder.load();
  for (const id of SAMPLE) {
    const found = faces(await embedder.faces(img.directoryPhoto(id), { deadline: later() }));
    assert.equal(found.length, 1, `${id}: one face in a directory portrait`);
    originals.set(id, found[0].embedding);
  }
});

test('loading the WASM backend leaves process-wide error handlers alone', () => {
  assert.equal(process.listenerCount('uncaughtException'), listenersBefore.uncaught);
  assert.equal(process.listenerCount('unhandledRejection'), listenersBefore.rejection);
  assert.ok(embedder.stats().loadMs! > 0);
});

test('transformed copies of a portrait (resized, re-encoded, cropped, PNG, set into a flyer) match it', async () => {
  for (const id of SAMPLE) {
    for (const [what, copy] of [
      ['resized JPEG', img.resizedCopy(id)],
      ['cropped PNG', img.croppedCopy(id)],
      ['flyer', await img.flyerWith(img.directoryPhoto(id))],
    ] as const) {
      const found = faces(await embedder.faces(copy, { deadline: later() }));
      assert.ok(found.length >= 1, `${id} ${what}: a face`);
      const s = Math.max(...found.map((f) => faceSimilarity(f.embedding, originals.get(id)!)));
      assert.ok(s >= CERTAIN, `${id} ${what}: similarity ${s}`);
    }
  }
});

test('different people do not match: the sample portraits among themselves, and strangers against them', async () => {
  for (const a of SAMPLE) for (const b of SAMPLE) if (a < b) assert.ok(faceSimilarity(originals.get(a)!, originals.get(b)!) < MATCH, `${a} ~ ${b}`);
  for (const n of [1, 2] as const) {
    const [face] = faces(await embedder.faces(img.stranger(n), { deadline: later() }));
    for (const [id, e] of originals) assert.ok(faceSimilarity(face.embedding, e) < MATCH, `stranger-${n} ~ ${id}`);
  }
});

test('face boxes are in the original picture’s pixels', async () => {
  const flyer = await img.flyerWith(img.directoryPhoto('p01'));
  const [face] = faces(await embedder.faces(flyer, { deadline: later() }));
  // The portrait sits at x 400–600, y 55–305 of the 640×360 flyer.
  assert.ok(face.box[0] >= 380 && face.box[0] + face.box[2] <= 620, `box ${face.box}`);
  assert.ok(face.box[1] >= 40 && face.box[1] + face.box[3] <= 320, `box ${face.box}`);
});

test('results are cached by image hash: the second look costs no inference', async () => {
  const copy = img.resizedCopy('p07');
  await embedder.faces(copy, { deadline: later() });
  const before = embedder.stats().inferences;
  const again = await embedder.faces(copy, { deadline: later() });
  assert.ok(!('error' in again) && again.cached);
  assert.equal(embedder.stats().inferences, before);
});

test('a logo has no face; a corrupt image and a passed deadline come back as errors, never thrown', async () => {
  assert.deepEqual(faces(await embedder.faces(await img.logoPng(), { deadline: later() })), []);
  const corrupt = await embedder.faces(img.corruptJpeg(), { deadline: later() });
  assert.ok('error' in corrupt && !corrupt.timedOut, JSON.stringify(corrupt));
  const before = embedder.stats();
  const late = await embedder.faces(img.croppedCopy('p12'), { deadline: Date.now() - 1 });
  assert.deepEqual(late, { error: 'face analysis did not finish before the deadline', timedOut: true });
  assert.equal(embedder.stats().inferences, before.inferences);
  assert.equal(embedder.stats().timeouts, before.timeouts + 1);
});
