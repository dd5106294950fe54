/**
 * Measures the clinician-photo matching on this machine: the distributions the thresholds
 * come from (perceptual-hash distances and face similarities, same photo transformed vs
 * different people) and the cost of each step (probe and hashes per image, face embedding
 * per image with the model load and first inference separately, cache hits, whole-analyzer
 * cost per message).
 *
 *   node --import tsx scripts/bench-faces.ts [--rounds N]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { clinicianPhoto } from '../src/analyzers/clinician-photo/index.ts';
import { FaceEmbedder, faceSimilarity, sharedFaceEmbedder } from '../src/faces/face-embedder.ts';
import { cropVariantHashes, probeImage, type ImageProbe } from '../src/faces/image-probe.ts';
import { hamming, type PerceptualHashes } from '../src/faces/phash.ts';
import * as img from '../src/faces/test-images.ts';
import { parseMessage } from '../src/parse/parse.ts';
import { runAnalyzer } from '../src/engine/run-analyzer.ts';
import { testContext } from '../test/helpers/analyze.ts';
import { buildMail } from '../test/helpers/mail.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Math.max(1, Number(values.rounds) || 3);

const out = (s = '') => process.stdout.write(`${s}\n`);
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

function summary(xs: number[], digits = 1): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `n=${s.length} min ${s[0].toFixed(digits)} median ${q(0.5).toFixed(digits)} p95 ${q(0.95).toFixed(digits)} max ${s[s.length - 1].toFixed(digits)}`;
}

function histogram(xs: number[], bucket: (x: number) => string): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(bucket(x), (counts.get(bucket(x)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => parseFloat(a[0]) - parseFloat(b[0]))
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
}

async function probe(b: Buffer): Promise<ImageProbe> {
  const r = await probeImage(b);
  if ('skip' in r) throw new Error(r.skip);
  return r.probe;
}

/** Transformations an attacker's copy of a directory photo goes through. */
const TRANSFORMS: Record<string, (photo: Buffer, id: string) => Promise<Buffer>> = {
  'fixture: 70 %, +6 % brightness, JPEG q70': async (_p, id) => img.resizedCopy(id),
  'fixture: cropped 3–6 %, 256-colour PNG': async (_p, id) => img.croppedCopy(id),
  'JPEG q40': (p) => sharp(p).jpeg({ quality: 40 }).toBuffer(),
  'half size (120 px wide)': (p) => sharp(p).resize(120).jpeg({ quality: 80 }).toBuffer(),
  'WebP q60': (p) => sharp(p).webp({ quality: 60 }).toBuffer(),
  '10 % darker, PNG': (p) => sharp(p).modulate({ brightness: 0.9 }).png().toBuffer(),
  greyscale: (p) => sharp(p).greyscale().jpeg().toBuffer(),
  'cropped 10 % left': (p) => sharp(p).extract({ left: 24, top: 0, width: 216, height: 300 }).jpeg().toBuffer(),
  'cropped 7 % top, 6 % right, resized': (p) => sharp(p).extract({ left: 0, top: 20, width: 225, height: 280 }).resize(200).jpeg().toBuffer(),
  'cropped 5 % all round': (p) => sharp(p).extract({ left: 12, top: 15, width: 216, height: 270 }).jpeg().toBuffer(),
  mirrored: (p) => sharp(p).flop().jpeg().toBuffer(),
  'set into a flyer': (p) => img.flyerWith(p),
  '96 px wide, q75': (p) => sharp(p).resize(96).jpeg({ quality: 75 }).toBuffer(),
};

const hashDistance = (a: PerceptualHashes, b: PerceptualHashes) => Math.max(hamming(a.phash, b.phash), hamming(a.dhash, b.dhash));

async function main(): Promise<void> {
  const ids = img.PHOTO_IDS;
  const photos = new Map(ids.map((id) => [id, img.directoryPhoto(id)]));
  out(`# clinician-photo benchmark (${ids.length} directory portraits, ${ROUNDS} rounds for timings)`);
  out(`node ${process.version}, sharp ${sharp.versions.vips ? `libvips ${sharp.versions.vips}` : ''}`);

  // ---------------------------------------------------------------------------------------
  out('\n## Perceptual hashes: max(pHash, dHash) distance in bits to the nearest crop variant');
  const variants = new Map<string, PerceptualHashes[]>();
  for (const id of ids) variants.set(id, await cropVariantHashes(photos.get(id)!));
  const nearest = (h: PerceptualHashes, id: string) => Math.min(...variants.get(id)!.map((v) => hashDistance(h, v)));
  const sameHash: number[] = [];
  const otherHash: number[] = [];
  for (const [name, transform] of Object.entries(TRANSFORMS)) {
    const same: number[] = [];
    for (const id of ids) {
      const h = (await probe(await transform(photos.get(id)!, id))).hashes;
      same.push(nearest(h, id));
      for (const other of ids) if (other !== id) otherHash.push(nearest(h, other));
    }
    if (!['mirrored', 'set into a flyer'].includes(name)) sameHash.push(...same);
    out(`  ${name.padEnd(42)} same photo: ${summary(same, 0)}`);
  }
  for (const n of [1, 2] as const) {
    const h = (await probe(img.stranger(n))).hashes;
    for (const id of ids) otherHash.push(nearest(h, id));
  }
  out(`  same photo (all but mirrored and flyer)      ${summary(sameHash, 0)}`);
  out(`  different people (all transforms, strangers) ${summary(otherHash, 0)}`);
  out(`  different people, lowest distances: ${[...otherHash].sort((a, b) => a - b).slice(0, 8).join(', ')}`);
  out(`  histogram same:  ${histogram(sameHash, (x) => String(x))}`);
  out(`  histogram other: ${histogram(otherHash, (x) => String(Math.floor(x / 4) * 4))} (buckets of 4)`);

  // ---------------------------------------------------------------------------------------
  out('\n## Face embeddings: similarity (@vladmandic/human match.similarity) to the directory portrait');
  const embedder = new FaceEmbedder();
  const loadCpu = process.cpuUsage();
  const loadStart = performance.now();
  await embedder.load();
  out(`  cold model load: ${(performance.now() - loadStart).toFixed(0)} ms wall, ${cpuMs(process.cpuUsage(loadCpu)).toFixed(0)} ms CPU`);
  const embed = async (b: Buffer) => {
    const r = await embedder.faces(b, { deadline: Date.now() + 120_000 });
    if ('error' in r) throw new Error(r.error);
    return r.faces;
  };
  const firstCpu = process.cpuUsage();
  const firstStart = performance.now();
  const originals = new Map<string, Float32Array>();
  originals.set(ids[0], (await embed(photos.get(ids[0])!))[0].embedding);
  out(`  first inference after load: ${(performance.now() - firstStart).toFixed(0)} ms wall, ${cpuMs(process.cpuUsage(firstCpu)).toFixed(0)} ms CPU`);
  for (const id of ids.slice(1)) originals.set(id, (await embed(photos.get(id)!))[0].embedding);
  const sameFace: number[] = [];
  const otherFace: number[] = [];
  for (const [name, transform] of Object.entries(TRANSFORMS)) {
    const same: number[] = [];
    let missed = 0;
    for (const id of ids) {
      const faces = await embed(await transform(photos.get(id)!, id));
      if (faces.length === 0) {
        missed++;
        continue;
      }
      same.push(Math.max(...faces.map((f) => faceSimilarity(f.embedding, originals.get(id)!))));
      for (const other of ids) if (other !== id) otherFace.push(Math.max(...faces.map((f) => faceSimilarity(f.embedding, originals.get(other)!))));
    }
    sameFace.push(...same);
    out(`  ${name.padEnd(42)} same photo: ${summary(same, 2)}${missed ? `, no face found in ${missed}` : ''}`);
  }
  for (const n of [1, 2] as const) {
    const [f] = await embed(img.stranger(n));
    for (const id of ids) otherFace.push(faceSimilarity(f.embedding, originals.get(id)!));
  }
  for (const a of ids) for (const b of ids) if (a < b) otherFace.push(faceSimilarity(originals.get(a)!, originals.get(b)!));
  out(`  same photo, all transforms                   ${summary(sameFace, 2)}`);
  out(`  different people                             ${summary(otherFace, 2)}`);
  out(`  different people, highest: ${[...otherFace].sort((a, b) => b - a).slice(0, 8).map((x) => x.toFixed(2)).join(', ')}`);
  out(`  histogram same:  ${histogram(sameFace, (x) => (Math.floor(x * 10) / 10).toFixed(1))} (buckets of 0.1)`);
  out(`  histogram other: ${histogram(otherFace, (x) => (Math.floor(x * 10) / 10).toFixed(1))}`);

  // ---------------------------------------------------------------------------------------
  out('\n## Cost per image');
  const corpus: Buffer[] = [];
  for (const id of ids) corpus.push(img.resizedCopy(id), img.croppedCopy(id), await img.flyerWith(photos.get(id)!));
  corpus.push(await img.logoPng(), await img.chartJpeg(), await img.letterPng());
  const probeCpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const b of corpus) {
      const c = process.cpuUsage();
      await probeImage(b);
      probeCpu.push(cpuMs(process.cpuUsage(c)));
    }
  }
  out(`  probe (decode, pHash, dHash, colour statistics), CPU ms: ${summary(probeCpu)}`);
  const variantCpu: number[] = [];
  for (const id of ids) {
    const c = process.cpuUsage();
    await cropVariantHashes(photos.get(id)!);
    variantCpu.push(cpuMs(process.cpuUsage(c)));
  }
  out(`  directory photo index hashes (16 crops), CPU ms per photo: ${summary(variantCpu)}`);

  const faceCpu: number[] = [];
  const faceWall: number[] = [];
  const kinds: [string, (id: string) => Promise<Buffer>][] = [
    ['portrait', async (id) => sharp(photos.get(id)!).jpeg({ quality: 81 }).toBuffer()],
    ['flyer 640×360', async (id) => img.flyerWith(await sharp(photos.get(id)!).modulate({ brightness: 1.01 }).toBuffer())],
  ];
  for (const [kind, make] of kinds) {
    const cpu: number[] = [];
    for (const id of ids) {
      const b = await make(id);
      const c = process.cpuUsage();
      const t = performance.now();
      await embed(b);
      cpu.push(cpuMs(process.cpuUsage(c)));
      faceWall.push(performance.now() - t);
    }
    faceCpu.push(...cpu);
    out(`  face detection + embedding, ${kind}, CPU ms: ${summary(cpu, 0)}`);
  }
  const require = createRequire(import.meta.url);
  let groupDir: string | null = null;
  try {
    groupDir = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/face-api'))), 'demo');
  } catch {
    // A devDependency: without it the group photographs are left out.
  }
  if (groupDir) {
    const cpu: number[] = [];
    for (const i of [1, 2, 3, 4, 5, 6]) {
      const b = readFileSync(path.join(groupDir, `sample${i}.jpg`));
      const c = process.cpuUsage();
      const faces = await embed(b);
      cpu.push(cpuMs(process.cpuUsage(c)));
      if (faces.length === 0) out(`  (no face found in sample${i}.jpg)`);
    }
    out(`  face detection + embedding, group photo 1920 px (3–5 faces, 4 embedded), CPU ms: ${summary(cpu, 0)}`);
  }
  out(`  face, all, wall ms: ${summary(faceWall, 0)}`);
  const hitCost: number[] = [];
  for (let r = 0; r < ROUNDS * 20; r++) {
    const t = performance.now();
    await embedder.faces(img.resizedCopy(ids[r % ids.length]), { deadline: Date.now() + 1000 });
    hitCost.push(performance.now() - t);
  }
  out(`  face cache hit (SHA-256 of the bytes + lookup), wall ms: ${summary(hitCost, 3)}`);

  // ---------------------------------------------------------------------------------------
  out('\n## Whole analyzer per message (shared embedder; directory of 7 portraits, fixtures/demo-org people)');
  const directory = img.directoryWithPhotos();
  const ctx = testContext({ directory });
  const config = { diskCache: false };
  const mails: [string, Buffer][] = [
    ['no images', buildMail({ from: 'Dr. Sarah Mills <s.mills@gmail.com>', text: 'Call me.\nDr. Sarah Mills' })],
    [
      'logo + chart (no face work)',
      buildMail({
        from: 'News <news@example.org>',
        html: '<img src="cid:a"><img src="cid:b">',
        attachments: [
          { filename: 'logo.png', contentType: 'image/png', content: await img.logoPng(), contentId: 'a' },
          { filename: 'chart.jpg', contentType: 'image/jpeg', content: await img.chartJpeg(), contentId: 'b' },
        ],
      }),
    ],
    [
      'copy of a portrait (hash match)',
      buildMail({ from: 'Dr. Sarah Mills <s.mills@gmail.com>', text: 'Dr. Sarah Mills', attachments: [{ filename: 'me.jpg', contentType: 'image/jpeg', content: img.resizedCopy('p01') }] }),
    ],
    [
      'portrait in a flyer (face match)',
      buildMail({ from: 'Dr. Sarah Mills <s.mills@gmail.com>', text: 'Dr. Sarah Mills', attachments: [{ filename: 'f.jpg', contentType: 'image/jpeg', content: await img.flyerWith(photos.get('p04')!) }] }),
    ],
  ];
  const parsed = await Promise.all(mails.map(async ([name, raw]) => [name, await parseMessage(raw)] as const));
  const coldStart = performance.now();
  const coldCpu = process.cpuUsage();
  await runAnalyzer(clinicianPhoto, parsed[3][1], { ...ctx, deadline: Date.now() + 60_000 }, config);
  out(
    `  first message with a face to compare (model load + directory index of 7 portraits + the message), cold: ${(performance.now() - coldStart).toFixed(0)} ms wall, ${cpuMs(process.cpuUsage(coldCpu)).toFixed(0)} ms CPU`,
  );
  for (const [name, msg] of parsed) {
    const cpu: number[] = [];
    for (let r = 0; r < ROUNDS * 10; r++) {
      const c = process.cpuUsage();
      await runAnalyzer(clinicianPhoto, msg, { ...ctx, deadline: Date.now() + 60_000 }, config);
      cpu.push(cpuMs(process.cpuUsage(c)));
    }
    out(`  ${name.padEnd(34)} CPU ms: ${summary(cpu, 2)} (face inferences so far: ${sharedFaceEmbedder().stats().inferences})`);
  }
  out('  (repeat messages hit the face cache: the per-message face cost is the "face detection + embedding" line above)');
}

await main();
