import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp, { type OutputInfo } from 'sharp';
import type { Config, FaceResult, Human } from '@vladmandic/human';
import { LruCache } from './lru.ts';
import { sha256Hex } from './image-probe.ts';

/**
 * Faces in an image and a 1024-number embedding of each: @vladmandic/human's BlazeFace
 * detector, FaceMesh (to align the crop) and FaceRes description model (inferNow explains
 * the two passes), on TensorFlow.js
 * with the WASM backend — no native build, no GPU, no network. Everything loads from
 * local files: the bundle `dist/human.node-wasm.js`, the models in the package's `models/`
 * folder (read through a file:// loader registered with tfjs, since Node's fetch does not
 * read files) and the .wasm binaries of @tensorflow/tfjs-backend-wasm. Every other model
 * (body, hands, objects, gestures, emotion, iris, liveness, anti-spoofing, segmentation) is
 * switched off, so it is never loaded.
 *
 * One instance per process or worker thread, loaded on first use. Inference runs one image
 * at a time; a caller whose deadline passes is answered at once while the running job
 * finishes and fills the cache (the same picture tends to arrive again, in the same
 * campaign). Results are cached by SHA-256 of the image bytes.
 */

const require = createRequire(import.meta.url);
/** `@vladmandic/human`'s "exports" map names only the default entry; its dist folder holds the WASM build. */
const HUMAN_DIST = path.dirname(require.resolve('@vladmandic/human'));
const HUMAN_BUNDLE = path.join(HUMAN_DIST, 'human.node-wasm.js');
export const HUMAN_MODEL_DIR = path.join(path.dirname(HUMAN_DIST), 'models');
/** The backend as the bundle itself resolves it, so the .wasm files match the JavaScript that loads them. */
const WASM_DIR = path.dirname(createRequire(HUMAN_BUNDLE).resolve('@tensorflow/tfjs-backend-wasm'));

/** Bumped whenever decoding or model settings change what an embedding means (it keys on-disk caches). */
const PIPELINE_VERSION = 2;

export interface DetectedFace {
  /** [x, y, width, height] in the original image's pixels. */
  box: [number, number, number, number];
  /** Detector and mesh confidence, 0–1. */
  score: number;
  embedding: Float32Array;
}

export interface FaceScan {
  faces: DetectedFace[];
  /** Served from the cache (no inference ran for this call). */
  cached: boolean;
  ms: number;
}

export type FaceOutcome = FaceScan | { error: string; timedOut: boolean };

export interface FaceRequest {
  /** Epoch ms after which the caller no longer waits. */
  deadline: number;
  sha256?: string;
}

export interface FaceEmbedderOptions {
  /** Images are scaled down so that their longer side is at most this before detection (bounds CPU per image). */
  maxSide: number;
  /** Faces smaller than this (box side, original pixels) are too small to embed reliably. */
  minFaceSide: number;
  /** Detector confidence below which a box is not a face. */
  minConfidence: number;
  /** Faces examined per image at most (largest first). */
  maxFaces: number;
  /** Images whose results are kept in memory (4 KB per face found). */
  cacheSize: number;
}

export const DEFAULT_FACE_OPTIONS: FaceEmbedderOptions = { maxSide: 1024, minFaceSide: 40, minConfidence: 0.5, maxFaces: 4, cacheSize: 1000 };

const TIMED_OUT: unique symbol = Symbol('timed out');

function beforeDeadline<T>(p: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  const wait = deadline - Date.now();
  if (wait <= 0) return Promise.resolve(TIMED_OUT);
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), wait);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

function humanConfig(options: FaceEmbedderOptions): Partial<Config> {
  return {
    backend: 'wasm',
    // A plain directory path: the Emscripten loader in Node reads it with fs (a URL would make it fetch).
    wasmPath: `${WASM_DIR}${path.sep}`,
    wasmPlatformFetch: false,
    modelBasePath: pathToFileURL(`${HUMAN_MODEL_DIR}${path.sep}`).href,
    debug: false,
    warmup: 'none',
    // Video-frame caching would reuse the previous image's faces for a "similar" input.
    cacheSensitivity: 0,
    skipAllowed: false,
    cacheModels: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: Math.max(20, options.maxFaces), minConfidence: options.minConfidence, return: false, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true },
      attention: { enabled: false },
      iris: { enabled: false },
      description: { enabled: true, skipFrames: 0, skipTime: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    } as Config['face'],
    body: { enabled: false } as Config['body'],
    hand: { enabled: false } as Config['hand'],
    object: { enabled: false } as Config['object'],
    gesture: { enabled: false },
    segmentation: { enabled: false } as Config['segmentation'],
  };
}

type HumanModule = { Human: new (config?: Partial<Config>) => Human };
type Tf = Human['tf'];

let routerRegistered = false;

/** tfjs's file:// loader lives in tfjs-node, which the WASM build does not use: model files are read here. */
function registerFileLoader(tf: Tf): void {
  if (routerRegistered) return;
  routerRegistered = true;
  tf.io.registerLoadRouter((url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    const file = fileURLToPath(u);
    return {
      load: async () => {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        return tf.io.getModelArtifactsForJSON(json, async (manifest: { paths: string[]; weights: unknown[] }[]) => {
          const specs = manifest.flatMap((group) => group.weights);
          const bytes = Buffer.concat(manifest.flatMap((group) => group.paths.map((p) => readFileSync(path.join(path.dirname(file), p)))));
          return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer];
        });
      },
    };
  });
}

export interface FaceEmbedderStats {
  /** Images that went through the models (cache misses that ran). */
  inferences: number;
  cacheHits: number;
  timeouts: number;
  /** CPU ms spent in inference, decode included. */
  inferenceCpuMs: number;
  loadMs: number | null;
}

export class FaceEmbedder {
  private human: Promise<Human> | null = null;
  private id: string | null = null;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly cache: LruCache<DetectedFace[]>;
  private readonly counters: FaceEmbedderStats = { inferences: 0, cacheHits: 0, timeouts: 0, inferenceCpuMs: 0, loadMs: null };

  constructor(readonly options: FaceEmbedderOptions = DEFAULT_FACE_OPTIONS) {
    this.cache = new LruCache(options.cacheSize);
  }

  /** Identifies what the embeddings mean (library, models, settings), for on-disk caches. */
  get modelId(): string {
    if (!this.id) {
      const version = (JSON.parse(readFileSync(path.join(path.dirname(HUMAN_DIST), 'package.json'), 'utf8')) as { version: string }).version;
      const o = this.options;
      this.id = `human-${version}-p${PIPELINE_VERSION}-s${o.maxSide}-c${o.minConfidence}-f${o.minFaceSide}`;
    }
    return this.id;
  }

  stats(): FaceEmbedderStats {
    return { ...this.counters };
  }

  /** Loads the models (once); later calls share the same promise. A failed load stays failed: a broken install does not mend itself. */
  load(): Promise<Human> {
    if (!this.human) this.human = this.loadNow();
    return this.human;
  }

  private async loadNow(): Promise<Human> {
    const started = performance.now();
    for (const f of ['blazeface.json', 'facemesh.json', 'faceres.json']) {
      if (!existsSync(path.join(HUMAN_MODEL_DIR, f))) throw new Error(`face model ${f} is missing from ${HUMAN_MODEL_DIR}`);
    }
    const before = { uncaught: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
    const { Human: HumanClass } = require(HUMAN_BUNDLE) as HumanModule;
    const human = new HumanClass(humanConfig(this.options));
    registerFileLoader(human.tf);
    try {
      await human.load();
      await human.tf.ready();
    } finally {
      // The Emscripten runtime of the WASM backend installs process-wide handlers that rethrow
      // every uncaught error and unhandled rejection (and print its whole minified source with
      // them). Error handling belongs to the application, not to a model loader: removed.
      for (const l of process.listeners('uncaughtException')) if (!before.uncaught.includes(l)) process.removeListener('uncaughtException', l);
      for (const l of process.listeners('unhandledRejection')) if (!before.rejection.includes(l)) process.removeListener('unhandledRejection', l);
    }
    if (human.tf.getBackend() !== 'wasm') throw new Error(`face models run on ${human.tf.getBackend()}, not wasm`);
    const loaded = await human.models.loaded();
    for (const m of ['blazeface', 'faceres']) if (!loaded.includes(m)) throw new Error(`face model ${m} did not load (${loaded.join(', ') || 'none loaded'})`);
    this.counters.loadMs = performance.now() - started;
    return human;
  }

  /** Faces in an image with their embeddings; largest first. Never throws: failures come back as `error`. */
  async faces(image: Buffer, request: FaceRequest): Promise<FaceOutcome> {
    const started = performance.now();
    const sha256 = request.sha256 ?? sha256Hex(image);
    const hit = this.cache.get(sha256);
    if (hit) {
      this.counters.cacheHits++;
      return { faces: hit, cached: true, ms: performance.now() - started };
    }
    if (Date.now() >= request.deadline) return this.timedOut();
    const job = this.turn.then(() => this.cache.get(sha256) ?? this.inferNow(image, sha256));
    this.turn = job.catch(() => undefined);
    let result: DetectedFace[] | typeof TIMED_OUT;
    try {
      result = await beforeDeadline(job, request.deadline);
    } catch (err) {
      return { error: (err as Error).message, timedOut: false };
    }
    if (result === TIMED_OUT) return this.timedOut();
    return { faces: result, cached: false, ms: performance.now() - started };
  }

  private timedOut(): FaceOutcome {
    this.counters.timeouts++;
    return { error: 'face analysis did not finish before the deadline', timedOut: true };
  }

  /**
   * Two passes. The first finds faces in the (scaled-down) picture with the detector alone;
   * the second cuts each face out with the same portrait framing and embeds it from that
   * crop. An embedding depends on how the face is framed, and a face in a flyer or a group
   * photo is framed nothing like the same face in a directory portrait: measured on the
   * fixtures, the same photo set into a flyer scored 0.52–0.96 against its original when
   * embedded where it was found, and 0.98–1.00 once re-cut (scripts/bench-faces.ts).
   * Directory photos go through the same two passes, so both sides are framed alike.
   */
  private async inferNow(image: Buffer, sha256: string): Promise<DetectedFace[]> {
    const human = await this.load();
    const cpu = process.cpuUsage();
    try {
      const decoded = await this.decode(image);
      this.counters.inferences++;
      const boxes = (await this.detect(human, decoded.data, decoded.info.width, decoded.info.height, DETECT_ONLY))
        .filter((f) => f.score >= this.options.minConfidence && Math.min(f.box[2], f.box[3]) / decoded.scale >= this.options.minFaceSide)
        .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])
        .slice(0, this.options.maxFaces);
      const faces: DetectedFace[] = [];
      for (const found of boxes) {
        const frame = portraitFrame(found.box, decoded.info.width, decoded.info.height);
        const crop = await sharp(decoded.data, { raw: { width: decoded.info.width, height: decoded.info.height, channels: 3 } })
          .extract(frame)
          .resize(PORTRAIT_WIDTH, PORTRAIT_HEIGHT, { fit: 'fill' })
          .raw()
          .toBuffer();
        const inCrop = await this.detect(human, crop, PORTRAIT_WIDTH, PORTRAIT_HEIGHT, DESCRIBE);
        // The face the crop was cut around is the one nearest its centre.
        const centre = (f: FaceResult) => Math.hypot(f.box[0] + f.box[2] / 2 - PORTRAIT_WIDTH / 2, f.box[1] + f.box[3] / 2 - PORTRAIT_HEIGHT * 0.45);
        const face = inCrop.filter((f) => f.embedding && f.embedding.length > 0).sort((a, b) => centre(a) - centre(b))[0];
        if (!face) continue;
        const s = decoded.scale;
        faces.push({
          box: [Math.round(found.box[0] / s), Math.round(found.box[1] / s), Math.round(found.box[2] / s), Math.round(found.box[3] / s)],
          score: Math.round(Math.min(found.score, face.score) * 100) / 100,
          embedding: Float32Array.from(face.embedding!),
        });
      }
      this.cache.set(sha256, faces);
      return faces;
    } finally {
      const used = process.cpuUsage(cpu);
      this.counters.inferenceCpuMs += (used.user + used.system) / 1000;
    }
  }

  private async detect(human: Human, rgb: Buffer, width: number, height: number, config: Partial<Config>): Promise<FaceResult[]> {
    const input = human.tf.tensor(new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), [1, height, width, 3], 'int32');
    try {
      // Human merges per-call settings into its own for good: every call states the models it wants.
      const result = await human.detect(input as never, config);
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      return result.face;
    } finally {
      human.tf.dispose(input);
    }
  }

  /** RGB pixels, EXIF-rotated, transparency on white, scaled down to `maxSide`; `scale` maps original pixels to these. */
  private async decode(image: Buffer): Promise<{ data: Buffer; info: OutputInfo; scale: number }> {
    const meta = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const { data, info } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(this.options.maxSide, this.options.maxSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // EXIF orientations 5–8 swap the sides.
    const originalWidth = (meta.orientation ?? 1) >= 5 ? (meta.height ?? info.width) : (meta.width ?? info.width);
    return { data, info, scale: info.width / originalWidth };
  }
}

const MAX_INPUT_PIXELS = 40_000_000;
/** The portrait every face is embedded from: 4:5, the face a little above centre with shoulders below. */
const PORTRAIT_WIDTH = 192;
const PORTRAIT_HEIGHT = 240;
const DETECT_ONLY: Partial<Config> = { face: { mesh: { enabled: false }, description: { enabled: false } } as Config['face'] };
const DESCRIBE: Partial<Config> = { face: { mesh: { enabled: true }, description: { enabled: true } } as Config['face'] };

/** The portrait frame around a face box, clamped to the picture (shifted inward, then shrunk if need be). */
export function portraitFrame(box: readonly number[], width: number, height: number): { left: number; top: number; width: number; height: number } {
  const [x, y, w, h] = box;
  const side = Math.max(w, h);
  const fw = Math.max(1, Math.min(width, Math.round(side * 1.5)));
  const fh = Math.max(1, Math.min(height, Math.round(side * 1.875)));
  const cx = x + w / 2;
  const cy = y + h * 0.6;
  const left = Math.round(Math.min(Math.max(cx - fw / 2, 0), width - fw));
  const top = Math.round(Math.min(Math.max(cy - fh * 0.45, 0), height - fh));
  return { left, top, width: fw, height: fh };
}

let shared: FaceEmbedder | null = null;

/** The face embedder of this process or worker thread. */
export function sharedFaceEmbedder(): FaceEmbedder {
  return (shared ??= new FaceEmbedder());
}

/**
 * Similarity of two face embeddings, 0–1: @vladmandic/human's `match.similarity` (Euclidean
 * distance normalised to its 0.2–0.8 band, rounded to 0.01). The bundle is already loaded
 * wherever embeddings exist; requiring it again is a cache lookup.
 */
export function faceSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { match } = require(HUMAN_BUNDLE) as { match: { similarity(a: number[], b: number[]): number } };
  return match.similarity(a as number[], b as number[]);
}
