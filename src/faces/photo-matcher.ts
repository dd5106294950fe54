import type { DirectoryPerson } from '../directory/directory.ts';
import type { ImageRef } from '../parse/message.ts';
import { faceSimilarity, type FaceEmbedder } from './face-embedder.ts';
import { faceGate, type FaceGateConfig } from './face-gate.ts';
import { probeImage, sha256Hex, type ImageProbe } from './image-probe.ts';
import { hamming, type PerceptualHashes } from './phash.ts';
import type { IndexedFace, IndexedPhoto, PhotoIndex } from './photo-index.ts';

/**
 * Which directory people a message's embedded images show. Every image is probed (one
 * decode, a few milliseconds) and its hashes compared with every directory photo and its
 * slight crops; only images the hashes do not recognise for certain, and that could hold a
 * face, go to face detection and embedding, which is compared with every directory face.
 * Remote images are never fetched.
 */

export interface MatcherSettings {
  /** Run face detection and embedding (hash matching always runs). */
  faces: boolean;
  /** A hash match: pHash and dHash both at most this many bits (of 64) from a directory photo or one of its crops. */
  hashMaxDistance: number;
  /** At most this distance the match is certain (a copy of the photo). */
  hashStrongDistance: number;
  /** A face match: similarity at least this. */
  faceMinSimilarity: number;
  /** At least this the face match is certain (the same photo, however transformed). */
  faceStrongSimilarity: number;
  /** Images examined per message at most (largest first). */
  maxImages: number;
  gate: FaceGateConfig;
  /** Epoch ms after which face work is abandoned (the scan goes on). */
  deadline: number;
}

export interface PhotoMatch {
  person: DirectoryPerson;
  image: ImageRef;
  method: 'hash' | 'face';
  /** Hash: max(pHash, dHash) distance in bits; face: similarity 0–1. */
  score: number;
  strong: boolean;
  /** "perceptual hash 2 bits of 64 from their photo", "face similarity 0.97". */
  measure: string;
}

export interface MatchReport {
  matches: PhotoMatch[];
  /** Comparisons that could not be made (deadline, face models unavailable), for evidence. */
  incomplete: string[];
  /** Images probed. */
  examined: number;
  /** Images sent to face inference (cache hits included). */
  faceImages: number;
}

/** The images of a message that carry their bytes (inline parts, attachments, data: URIs), once each. */
export function embeddedImages(images: readonly ImageRef[]): ImageRef[] {
  const seen = new Set<Buffer>();
  return images.filter((i) => {
    if (i.kind === 'remote' || !i.content || i.content.length === 0 || seen.has(i.content)) return false;
    seen.add(i.content);
    return true;
  });
}

export function describeImage(image: ImageRef): string {
  const kind = image.kind === 'data' ? 'data: URI image' : image.kind === 'inline' ? 'inline image' : 'attached image';
  return image.filename ? `${kind} ${JSON.stringify(image.filename.slice(0, 60))}` : kind;
}

/** Nearest directory photo by hash: the smallest max(pHash, dHash) distance over the photo's crops. */
export function nearestByHash(hashes: PerceptualHashes, photos: readonly IndexedPhoto[]): { entry: IndexedPhoto; distance: number } | null {
  let best: { entry: IndexedPhoto; distance: number } | null = null;
  for (const entry of photos) {
    for (const v of entry.hashes) {
      const d = Math.max(hamming(hashes.phash, v.phash), hamming(hashes.dhash, v.dhash));
      if (!best || d < best.distance) best = { entry, distance: d };
    }
  }
  return best;
}

export async function matchImages(images: readonly ImageRef[], index: PhotoIndex, embedder: FaceEmbedder, s: MatcherSettings): Promise<MatchReport> {
  const report: MatchReport = { matches: [], incomplete: [], examined: 0, faceImages: 0 };
  const candidates = embeddedImages(images)
    .sort((a, b) => b.content!.length - a.content!.length)
    .slice(0, s.maxImages);
  if (candidates.length === 0 || index.photoCount === 0) return report;

  const probed: { image: ImageRef; probe: ImageProbe }[] = [];
  const seen = new Set<string>();
  for (const image of candidates) {
    const sha256 = sha256Hex(image.content!);
    if (seen.has(sha256)) continue;
    seen.add(sha256);
    const r = await probeImage(image.content!, undefined, sha256);
    // Undecodable, tiny or banner-shaped images are not photos of anyone; nothing to say about them here.
    if ('probe' in r) probed.push({ image, probe: r.probe });
  }
  report.examined = probed.length;
  if (probed.length === 0) return report;

  const photos = await index.photos(s.deadline);
  if (!photos) {
    report.incomplete.push(`the directory's photo index was not ready in time (${index.photoCount} photos)`);
    return report;
  }
  const forFaces: { image: ImageRef; probe: ImageProbe }[] = [];
  for (const p of probed) {
    const near = nearestByHash(p.probe.hashes, photos);
    const hashMatch = near !== null && near.distance <= s.hashMaxDistance;
    if (hashMatch) {
      report.matches.push({
        person: near.entry.person,
        image: p.image,
        method: 'hash',
        score: near.distance,
        strong: near.distance <= s.hashStrongDistance,
        measure: `perceptual hash ${near.distance} bits of 64 from their photo`,
      });
    }
    // A certain hash match needs no face; a near one is worth the face's confirmation.
    if ((!hashMatch || near.distance > s.hashStrongDistance) && s.faces && faceGate(p.probe, s.gate).pass) forFaces.push(p);
  }
  if (forFaces.length === 0) return report;

  const faces = await index.faces(s.deadline);
  if (!faces) {
    report.incomplete.push(`the directory's face index was not ready in time (${index.photoCount} photos); ${forFaces.length} image(s) compared by hash only`);
    return report;
  }
  if (faces.length === 0) return report;
  for (const p of forFaces) {
    report.faceImages++;
    const found = await embedder.faces(p.image.content!, { deadline: s.deadline, sha256: p.probe.sha256 });
    if ('error' in found) {
      report.incomplete.push(`${describeImage(p.image)}: ${found.error}`);
      if (found.timedOut) break;
      continue;
    }
    const best = new Map<string, { face: IndexedFace; similarity: number }>();
    for (const face of found.faces) {
      for (const known of faces) {
        const similarity = faceSimilarity(face.embedding, known.embedding);
        if (similarity < s.faceMinSimilarity) continue;
        const id = known.entry.person.id;
        if (!best.has(id) || best.get(id)!.similarity < similarity) best.set(id, { face: known, similarity });
      }
    }
    for (const { face, similarity } of best.values()) {
      report.matches.push({
        person: face.entry.person,
        image: p.image,
        method: 'face',
        score: similarity,
        strong: similarity >= s.faceStrongSimilarity,
        measure: `face similarity ${similarity.toFixed(2)}`,
      });
    }
  }
  return report;
}
