/**
 * Builds the face fixtures from the sample photographs shipped in npm packages (the only
 * face photos available offline):
 *
 *   fixtures/demo-org/photos/p01.jpg … p13.jpg   headshots of thirteen different people, the
 *                                                photos of St. Mary's Health's directory
 *   test/fixtures/faces/pNN-resized.jpg          each headshot smaller, brighter, re-encoded
 *   test/fixtures/faces/pNN-cropped.png          each headshot cropped a little, as PNG
 *   test/fixtures/faces/stranger-N.jpg           people who are not in the directory
 *
 * Sources: @vladmandic/face-api demo/sample1–6.jpg, group photographs with 22 faces large
 * enough for a portrait (@vladmandic/human's assets hold only screenshots and thumbnails,
 * whose faces fill the frame or are too small to crop a headshot from). Faces are found with the same detector
 * the scanner uses (src/faces/face-embedder.ts), people are kept apart by their face
 * embeddings (no two chosen faces more alike than DISTINCT_BELOW), and each headshot is
 * cut with a margin around the face box. Deterministic: same packages, same files.
 *
 *   node --import tsx scripts/make-face-fixtures.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { FaceEmbedder, faceSimilarity, type DetectedFace } from '../src/faces/face-embedder.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PHOTOS = path.join(ROOT, 'fixtures/demo-org/photos');
const TEST_FACES = path.join(ROOT, 'test/fixtures/faces');
const require = createRequire(import.meta.url);

/** p01–p12 are St. Mary's providers in fixtures/demo-org; p13 is for a partner clinician (tests of verified partners' mail). */
const PEOPLE = 13;
const STRANGERS = 2;
/**
 * Faces at least this alike may be the same person photographed twice. (Different people in
 * these samples reach 0.56, while the one person photographed twice in @vladmandic/human's
 * screenshots scores 0.46: the embedding alone cannot prove two photos show different people,
 * so the chosen set was also checked by eye.)
 */
const DISTINCT_BELOW = 0.6;
/** Output headshot size (4:5, a typical staff-directory portrait). */
const WIDTH = 240;
const HEIGHT = 300;

function sources(): string[] {
  let faceApiDemo: string;
  try {
    faceApiDemo = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/face-api'))), 'demo');
  } catch {
    throw new Error('@vladmandic/face-api is not installed (it is a devDependency: run npm install)');
  }
  return [1, 2, 3, 4, 5, 6].map((i) => path.join(faceApiDemo, `sample${i}.jpg`));
}

interface Candidate {
  file: string;
  image: Buffer;
  width: number;
  height: number;
  face: DetectedFace;
}

/** The frame of a headshot: the face a little above centre, shoulders below, clamped to the picture. */
function headshotFrame(c: Candidate): { left: number; top: number; width: number; height: number } {
  const [x, y, w, h] = c.face.box;
  const side = Math.max(w, h);
  let width = Math.round(side * 1.5);
  let height = Math.round((width * HEIGHT) / WIDTH);
  width = Math.min(width, c.width);
  height = Math.min(height, c.height);
  const cx = x + w / 2;
  const cy = y + h * 0.6;
  const left = Math.round(Math.min(Math.max(cx - width / 2, 0), c.width - width));
  const top = Math.round(Math.min(Math.max(cy - height * 0.45, 0), c.height - height));
  return { left, top, width, height };
}

async function headshot(c: Candidate): Promise<Buffer> {
  return sharp(c.image).extract(headshotFrame(c)).resize(WIDTH, HEIGHT, { fit: 'cover' }).jpeg({ quality: 84, mozjpeg: true }).toBuffer();
}

/** Smaller (70 %), 6 % brighter, re-encoded at a lower quality. */
function resized(photo: Buffer): Promise<Buffer> {
  return sharp(photo).resize(Math.round(WIDTH * 0.7)).modulate({ brightness: 1.06 }).jpeg({ quality: 70 }).toBuffer();
}

/** A few per cent cut from each side (unevenly), scaled, as a 256-colour PNG (as mail tools and screenshots save them). */
function cropped(photo: Buffer): Promise<Buffer> {
  const left = Math.round(WIDTH * 0.04);
  const top = Math.round(HEIGHT * 0.05);
  const width = WIDTH - left - Math.round(WIDTH * 0.06);
  const height = HEIGHT - top - Math.round(HEIGHT * 0.03);
  return sharp(photo).extract({ left, top, width, height }).resize(150).png({ palette: true, quality: 95, effort: 10, compressionLevel: 9 }).toBuffer();
}

async function main(): Promise<void> {
  const embedder = new FaceEmbedder({ maxSide: 4096, minFaceSide: 120, minConfidence: 0.5, maxFaces: 10, cacheSize: 50 });
  const candidates: Candidate[] = [];
  for (const file of sources()) {
    const image = readFileSync(file);
    const meta = await sharp(image).metadata();
    const r = await embedder.faces(image, { deadline: Date.now() + 120_000 });
    if ('error' in r) throw new Error(`${file}: ${r.error}`);
    // Left to right within a photograph, photographs in order: a stable order for a stable choice.
    for (const face of [...r.faces].sort((a, b) => a.box[0] - b.box[0])) candidates.push({ file, image, width: meta.width!, height: meta.height!, face });
  }
  // Farthest-point choice: start with the first face, then always add the face least like any
  // already chosen. Keeps the set as far apart as this embedding can tell.
  const need = PEOPLE + STRANGERS;
  if (candidates.length < need) throw new Error(`only ${candidates.length} faces found, need ${need}`);
  const chosen: Candidate[] = [candidates[0]];
  const pool = candidates.slice(1);
  while (chosen.length < need) {
    let best = 0;
    let bestScore = Infinity;
    pool.forEach((c, i) => {
      const closest = Math.max(...chosen.map((o) => faceSimilarity(o.face.embedding, c.face.embedding)));
      if (closest < bestScore) [best, bestScore] = [i, closest];
    });
    if (bestScore >= DISTINCT_BELOW) throw new Error(`only ${chosen.length} faces less alike than ${DISTINCT_BELOW}, need ${need}`);
    chosen.push(pool.splice(best, 1)[0]);
  }

  mkdirSync(PHOTOS, { recursive: true });
  mkdirSync(TEST_FACES, { recursive: true });
  const report: string[] = [];
  for (let i = 0; i < PEOPLE + STRANGERS; i++) {
    const c = chosen[i];
    const photo = await headshot(c);
    const where = `${path.basename(c.file)} face at ${c.face.box.join(',')}`;
    if (i < PEOPLE) {
      const name = `p${String(i + 1).padStart(2, '0')}`;
      writeFileSync(path.join(PHOTOS, `${name}.jpg`), photo);
      const r = await resized(photo);
      const p = await cropped(photo);
      writeFileSync(path.join(TEST_FACES, `${name}-resized.jpg`), r);
      writeFileSync(path.join(TEST_FACES, `${name}-cropped.png`), p);
      report.push(`${name}.jpg ${photo.length} B (resized ${r.length} B, cropped ${p.length} B) ← ${where}`);
    } else {
      const name = `stranger-${i - PEOPLE + 1}.jpg`;
      // Not the same framing as a directory photo: a tighter, smaller crop.
      const stranger = await sharp(photo).resize(180).jpeg({ quality: 80 }).toBuffer();
      writeFileSync(path.join(TEST_FACES, name), stranger);
      report.push(`${name} ${stranger.length} B ← ${where}`);
    }
  }
  let closest = 0;
  for (let a = 0; a < chosen.length; a++) for (let b = a + 1; b < chosen.length; b++) closest = Math.max(closest, faceSimilarity(chosen[a].face.embedding, chosen[b].face.embedding));
  process.stdout.write(
    `${report.join('\n')}\n${candidates.length} faces found, ${chosen.length} distinct; the most alike pair used: similarity ${closest.toFixed(2)}\n`,
  );
}

await main();
