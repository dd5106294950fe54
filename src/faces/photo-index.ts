import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { z } from 'zod';
import { readPhoto, type Directory, type DirectoryPerson } from '../directory/directory.ts';
import { sharedFaceEmbedder, type FaceEmbedder } from './face-embedder.ts';
import { cropVariantHashes, sha256Hex } from './image-probe.ts';
import type { PerceptualHashes } from './phash.ts';

/**
 * Every directory photo as the matcher needs it: perceptual hashes of the photo and of its
 * slight crops, and the embedding of its face. Built once per process or worker thread, on
 * the first message that has an image to compare (hashes take milliseconds per photo; faces
 * about 0.2 s each, so they are built separately and only when face matching is on), and
 * kept on disk by photo SHA-256 so that later processes start warm. Only staff photos and
 * numbers derived from them are written there, never anything from a message.
 */

export interface IndexedPhoto {
  person: DirectoryPerson;
  /** Index into person.photos. */
  photo: number;
  sha256: string;
  hashes: PerceptualHashes[];
}

export interface IndexedFace {
  entry: IndexedPhoto;
  embedding: Float32Array;
}

export interface PhotoIndexOptions {
  embedder?: FaceEmbedder;
  /** Folder for the on-disk cache; null: memory only. */
  cacheDir?: string | null;
}

export interface PhotoIndexStatus {
  photos: number;
  /** Photos that could not be read or decoded ("person id #n: reason"). */
  unreadable: string[];
  /** Photos in which no face was found (hash matching still covers them). */
  withoutFace: string[];
  facesReady: boolean;
}

/** Default cache folder: under the Medshield data directory when there is one, else the system's temporary folder. */
export function defaultFaceCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env.MEDSHIELD_DATA_DIR?.trim();
  return dataDir ? path.join(path.resolve(dataDir), 'cache', 'faces') : path.join(tmpdir(), 'medshield-faces-cache');
}

const cachedEntrySchema = z.object({
  hashes: z.array(z.object({ phash: z.string().regex(/^[0-9a-f]{16}$/), dhash: z.string().regex(/^[0-9a-f]{16}$/) })).min(1),
  /** Base64 of the float32 embedding; null when the photo has no face; absent when faces were not computed. */
  face: z.string().nullable().optional(),
});
type CachedEntry = z.output<typeof cachedEntrySchema>;

export class PhotoIndex {
  private entries: Promise<IndexedPhoto[]> | null = null;
  private faceEntries: Promise<IndexedFace[]> | null = null;
  private readonly unreadable: string[] = [];
  private readonly withoutFace: string[] = [];
  private facesDone = false;
  private readonly embedder: FaceEmbedder;
  private readonly cacheDir: string | null;
  /** People with at least one photo; counted without reading any. */
  readonly photoCount: number;

  constructor(
    private readonly directory: Directory,
    options: PhotoIndexOptions = {},
  ) {
    this.embedder = options.embedder ?? sharedFaceEmbedder();
    this.cacheDir = options.cacheDir === undefined ? defaultFaceCacheDir() : options.cacheDir;
    this.photoCount = directory.persons().reduce((n, p) => n + p.photos.length, 0);
  }

  status(): PhotoIndexStatus {
    return { photos: this.photoCount, unreadable: [...this.unreadable], withoutFace: [...this.withoutFace], facesReady: this.facesDone };
  }

  /** Hash entries of every readable photo, or null when they are not ready by `deadline` (the build goes on). */
  photos(deadline = Infinity): Promise<IndexedPhoto[] | null> {
    return untilDeadline((this.entries ??= this.buildHashes()), deadline);
  }

  /** Face entries, or null when they are not ready by `deadline` (the build goes on, so a later message finds them ready). */
  faces(deadline = Infinity): Promise<IndexedFace[] | null> {
    return untilDeadline((this.faceEntries ??= this.buildFaces()), deadline);
  }

  private async buildHashes(): Promise<IndexedPhoto[]> {
    const out: IndexedPhoto[] = [];
    for (const person of this.directory.persons()) {
      for (let i = 0; i < person.photos.length; i++) {
        const label = `${person.id} #${i}`;
        let bytes: Buffer;
        try {
          bytes = readPhoto(person, i);
        } catch (err) {
          this.unreadable.push(`${label}: ${(err as Error).message}`);
          continue;
        }
        const sha256 = sha256Hex(bytes);
        const cached = this.readCache(sha256);
        if (cached) {
          out.push({ person, photo: i, sha256, hashes: cached.hashes });
          continue;
        }
        try {
          const hashes = await cropVariantHashes(bytes);
          this.writeCache(sha256, { hashes });
          out.push({ person, photo: i, sha256, hashes });
        } catch (err) {
          this.unreadable.push(`${label}: undecodable image (${(err as Error).message.split('\n')[0]})`);
        }
      }
    }
    return out;
  }

  private async buildFaces(): Promise<IndexedFace[]> {
    const out: IndexedFace[] = [];
    for (const entry of (await this.photos()) ?? []) {
      const label = `${entry.person.id} #${entry.photo}`;
      const cached = this.readCache(entry.sha256);
      let embedding: Float32Array | null | undefined = cached?.face === null ? null : cached?.face === undefined ? undefined : decodeEmbedding(cached.face);
      if (embedding === undefined) {
        let bytes: Buffer;
        try {
          bytes = readPhoto(entry.person, entry.photo);
        } catch (err) {
          this.unreadable.push(`${label}: ${(err as Error).message}`);
          continue;
        }
        // Index photos are not bound by any message's deadline; a minute is a broken photo.
        const r = await this.embedder.faces(bytes, { deadline: Date.now() + 60_000, sha256: entry.sha256 });
        if ('error' in r) {
          this.unreadable.push(`${label}: ${r.error}`);
          continue;
        }
        // A directory photo shows its person largest (the faces come largest first).
        embedding = r.faces[0]?.embedding ?? null;
        this.writeCache(entry.sha256, { hashes: entry.hashes, face: embedding ? encodeEmbedding(embedding) : null });
      }
      if (embedding) out.push({ entry, embedding });
      else this.withoutFace.push(label);
    }
    this.facesDone = true;
    return out;
  }

  private cacheFile(sha256: string): string | null {
    return this.cacheDir ? path.join(this.cacheDir, this.embedder.modelId, `${sha256}.json`) : null;
  }

  private readCache(sha256: string): CachedEntry | null {
    const file = this.cacheFile(sha256);
    if (!file) return null;
    try {
      const parsed = cachedEntrySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      // Missing or unreadable: computed again (a cache never decides anything).
      return null;
    }
  }

  private writeCache(sha256: string, entry: CachedEntry): void {
    const file = this.cacheFile(sha256);
    if (!file) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // Worker threads and processes share the folder: write aside, then rename into place.
      const temp = `${file}.${process.pid}-${threadId}-${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // A read-only or full disk costs speed at the next start, nothing else.
    }
  }
}

async function untilDeadline<T>(p: Promise<T>, deadline: number): Promise<T | null> {
  if (deadline === Infinity) return p;
  const wait = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, wait));
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function encodeEmbedding(e: Float32Array): string {
  return Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64');
}

/** undefined when the text is not an embedding (then it is computed again). */
function decodeEmbedding(s: string): Float32Array | undefined {
  const b = Buffer.from(s, 'base64');
  if (b.length === 0 || b.length % 4 !== 0) return undefined;
  // Copied: a Float32Array over a Buffer's pooled memory may be misaligned.
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const indexes = new WeakMap<Directory, PhotoIndex>();

/** The photo index of a directory in this process or worker thread (the directory lives as long as the engine). */
export function photoIndexFor(directory: Directory, options: PhotoIndexOptions = {}): PhotoIndex {
  let index = indexes.get(directory);
  if (!index) {
    index = new PhotoIndex(directory, options);
    indexes.set(directory, index);
  }
  return index;
}
