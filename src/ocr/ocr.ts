import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import type { ImageRef, ParsedMessage } from '../parse/message.ts';
import { readImageSize, type ImageFormat, type ImageSize } from './image-size.ts';
import type { OcrConfig } from './ocr-config.ts';

/**
 * Text in images, for mail that hides its words in a picture. Everything runs offline:
 * tesseract.js's Node worker script, its wasm core (the core loads its .wasm from its own
 * folder with fs) and the English LSTM model from @tesseract.js-data/eng are all local files.
 * Left to its defaults, tesseract.js would download the model from a CDN and cache it in
 * the working directory; both are switched off below.
 */

const require = createRequire(import.meta.url);

/** The Node worker script shipped with tesseract.js (what its own defaults point at, made explicit). */
const WORKER_PATH = path.join(path.dirname(require.resolve('tesseract.js/package.json')), 'src', 'worker-script', 'node', 'index.js');
/**
 * The wasm core. tesseract.js's Node worker ignores corePath and require()s tesseract.js-core
 * (which reads its .wasm next to itself); set anyway, so no code path can fall back to a CDN URL.
 */
// Resolved from tesseract.js itself: the core is its dependency, not ours, and need not be hoisted.
const CORE_PATH = path.dirname(createRequire(require.resolve('tesseract.js/package.json')).resolve('tesseract.js-core/package.json'));
/**
 * The integer-quantised LSTM model (2.9 MB gzipped): the same data tesseract.js fetches for
 * LSTM-only mode, and four times smaller to load than the 4.0.0 folder with the legacy engine.
 */
const LANG_PATH = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
const LANG = 'eng';

/** Formats Leptonica inside tesseract.js-core decodes (checked against real mail images). */
const OCR_FORMATS = new Set<ImageFormat>(['png', 'jpeg', 'bmp', 'webp', 'gif']);

export interface RecognizeOutcome {
  text: string;
  /** Tesseract's mean word confidence, 0–100. */
  confidence: number;
  ms: number;
  timedOut: boolean;
  /** Why the image could not be read (undecodable data…); undefined on success. */
  error?: string;
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/** Resolves to TIMED_OUT at `deadline` unless `p` settles first. By default the timer keeps the process alive meanwhile. */
function beforeDeadline<T>(p: Promise<T>, deadline: number, { keepAlive = true } = {}): Promise<T | typeof TIMED_OUT> {
  const wait = deadline - Date.now();
  if (wait <= 0) return Promise.resolve(TIMED_OUT);
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), wait);
    if (!keepAlive) timer.unref();
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

interface LiveWorker {
  tesseract: Tesseract.Worker;
  thread: ThreadWorker;
}

export interface RecognizeOptions {
  /** Epoch ms after which the caller no longer waits. */
  deadline: number;
  /** Receives the result of a recognition that finished after the caller stopped waiting (to cache it). */
  onLateResult?: (outcome: RecognizeOutcome) => void;
}

/**
 * One tesseract worker thread, started on first use and reused. Jobs run one at a time in
 * arrival order (the worker is single-threaded anyway), and a caller whose deadline passes,
 * queued or running, gets `timedOut` back at once. A recognition that overran its caller's
 * deadline is left to finish (its result goes to `onLateResult`): killing it would make the
 * next message pay the worker's start-up again, which under load makes every later job miss
 * its deadline too. Only a runaway job, still busy `runawayMs` after it started, has its
 * worker terminated; the next call starts a fresh one.
 */
export class OcrService {
  private worker: Promise<LiveWorker> | null = null;
  /** What `worker` resolved to, so a runaway's worker is dropped only if it is still the current one. */
  private ready: LiveWorker | null = null;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly runawayMs = 10_000) {}

  recognize(image: Buffer, options: RecognizeOptions): Promise<RecognizeOutcome> {
    const started = performance.now();
    const job = this.turn.then(() => this.recognizeNow(image, options, started));
    this.turn = job.catch(() => undefined);
    return beforeDeadline(job, options.deadline).then((r) => (r === TIMED_OUT ? timedOut(started) : r));
  }

  /** Starts the worker ahead of the first message, so that message's budget is not spent on start-up. */
  async warmUp(): Promise<void> {
    await this.liveWorker();
  }

  async terminate(): Promise<void> {
    const current = this.worker;
    this.worker = null;
    this.ready = null;
    if (current) await current.then((w) => w.tesseract.terminate(), () => undefined);
  }

  /** Resolves when this service's turn is free: the caller got its answer, the worker may still be busy. */
  private async recognizeNow(image: Buffer, { deadline, onLateResult }: RecognizeOptions, started: number): Promise<RecognizeOutcome> {
    if (Date.now() >= deadline) return timedOut(started);
    let live: LiveWorker | typeof TIMED_OUT;
    try {
      // Start-up that overruns this deadline carries on in the background for the next message.
      live = await beforeDeadline(this.liveWorker(), deadline);
    } catch (err) {
      return { text: '', confidence: 0, ms: elapsed(started), timedOut: false, error: `OCR worker failed to start: ${message(err)}` };
    }
    if (live === TIMED_OUT) return timedOut(started);

    let prepared: Buffer;
    try {
      prepared = await prepareForOcr(image);
    } catch (err) {
      return { text: '', confidence: 0, ms: elapsed(started), timedOut: false, error: `undecodable image: ${message(err)}` };
    }
    const jobStarted = Date.now();
    const job = live.tesseract.recognize(prepared, {}, { text: true }).then(
      (r): RecognizeOutcome => ({ text: r.data.text ?? '', confidence: r.data.confidence ?? 0, ms: elapsed(started), timedOut: false }),
      // Undecodable image data: the worker itself is fine.
      (err): RecognizeOutcome => ({ text: '', confidence: 0, ms: elapsed(started), timedOut: false, error: message(err) }),
    );
    const result = await beforeDeadline(job, deadline);
    if (result !== TIMED_OUT) return result;

    // The caller has been answered (by `recognize`); hold the turn until the job ends or runs away.
    // The timer does not keep the process alive: a CLI run may exit without the late result.
    const late = await beforeDeadline(job, jobStarted + this.runawayMs, { keepAlive: false });
    if (late === TIMED_OUT) this.discard(live);
    else onLateResult?.(late);
    return timedOut(started);
  }

  private liveWorker(): Promise<LiveWorker> {
    if (!this.worker) {
      // A thread that dies (crash, or terminated as a runaway) is replaced on next use.
      const starting = startWorker(() => this.forget(starting));
      this.worker = starting;
      starting.then(
        (w) => {
          if (this.worker === starting) this.ready = w;
        },
        () => this.forget(starting),
      );
    }
    return this.worker;
  }

  private forget(worker: Promise<LiveWorker>): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = null;
  }

  private discard(live: LiveWorker): void {
    void live.tesseract.terminate();
    if (this.ready === live && this.worker) this.forget(this.worker);
  }
}

async function startWorker(onExit: () => void): Promise<LiveWorker> {
  const model = path.join(LANG_PATH, `${LANG}.traineddata.gz`);
  // A missing model would otherwise leave tesseract.js waiting forever (it swallows that error).
  if (!existsSync(model)) throw new Error(`OCR model not found at ${model}`);
  let failStartup: (err: Error) => void = () => undefined;
  const startupFailed = new Promise<never>((_, reject) => {
    failStartup = reject;
  });
  const starting = Tesseract.createWorker(LANG, Tesseract.OEM.LSTM_ONLY, {
    workerPath: WORKER_PATH,
    corePath: CORE_PATH,
    langPath: LANG_PATH,
    gzip: true,
    // 'none': neither read nor write an eng.traineddata cache file in the working directory.
    cacheMethod: 'none',
    legacyCore: false,
    legacyLang: false,
    logger: () => undefined,
    // Without a handler tesseract.js rethrows job errors inside a message listener, where
    // they become uncaught exceptions; the job's own promise is rejected either way.
    errorHandler: (err: unknown) => failStartup(new Error(String(err))),
  });
  const tesseract = await Promise.race([starting, startupFailed]);
  // Tesseract's diagnostics ("Image too small to scale!!") would land on the scanner's stderr
  // for every odd picture; they go to the null device inside the wasm file system instead.
  await Promise.race([tesseract.setParameters({ debug_file: '/dev/null' }), startupFailed]);
  const thread = (tesseract as unknown as { worker: ThreadWorker }).worker;
  // The thread must not keep a CLI run alive after its last message; running jobs are held by their deadline timers.
  thread.unref();
  // An 'error' event without a listener would be rethrown in this thread and take the scanner down.
  thread.on('error', () => undefined);
  thread.once('exit', onExit);
  return { tesseract, thread };
}

// Longest side handed to tesseract: screenshots of text stay legible, huge photos stop costing seconds.
const MAX_OCR_SIDE = 2400;

/**
 * Decodes with libvips (sharp) first: a corrupt or truncated picture is refused here with an
 * error instead of reaching leptonica, whose complaints go straight to the process's stderr
 * from inside the wasm module. Greyscale PNG is also what tesseract reads fastest.
 */
async function prepareForOcr(image: Buffer): Promise<Buffer> {
  return sharp(image, { failOn: 'error', limitInputPixels: 40_000_000 })
    .rotate()
    .resize({ width: MAX_OCR_SIDE, height: MAX_OCR_SIDE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .png({ compressionLevel: 1 })
    .toBuffer();
}

function timedOut(started: number): RecognizeOutcome {
  return { text: '', confidence: 0, ms: elapsed(started), timedOut: true };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

let shared: OcrService | undefined;

/** The process's (or worker thread's) OCR service. */
export function ocrService(): OcrService {
  shared ??= new OcrService();
  return shared;
}

/** Stops the shared worker thread (tests, graceful shutdown). */
export async function shutdownOcr(): Promise<void> {
  await shared?.terminate();
}

/**
 * Results by SHA-256 of the image bytes. Campaigns send the same picture to many
 * recipients, and a logo is a logo in every newsletter.
 */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }
}

const textCache = new LruCache<string>(1000);

/** Forget cached OCR results (tests). */
export function clearOcrCache(): void {
  textCache.clear();
}

export interface OcrCandidate {
  content: Buffer;
  sha256: string;
  size: ImageSize;
}

export interface OcrSelection {
  candidates: OcrCandidate[];
  /** Why nothing (or less) was selected, for the CLI's explain output and tests. */
  skipped: string[];
}

/** Text a reader sees in the body, whitespace collapsed, as a length. */
export function visibleTextChars(msg: ParsedMessage): number {
  return msg.text.replace(/\s+/g, ' ').trim().length;
}

/**
 * Is this image big enough to carry a message? Tracking pixels, spacers, icons and
 * dividers are not, and cost OCR time for nothing.
 */
export function substantialImage(content: Buffer | undefined, config: OcrConfig): { size: ImageSize } | { skip: string } {
  if (!content) return { skip: 'remote image (never fetched)' };
  if (content.length < config.minImageBytes) return { skip: `${content.length} bytes, under ${config.minImageBytes}` };
  const size = readImageSize(content);
  if (!size) return { skip: 'unknown image format' };
  if (size.width < config.minWidth || size.height < config.minHeight) {
    return { skip: `${size.width}×${size.height} px, smaller than ${config.minWidth}×${config.minHeight}` };
  }
  if (size.width * size.height > config.maxPixels) return { skip: `${size.width}×${size.height} px, over ${config.maxPixels} pixels` };
  return { size };
}

/** Does the HTML body show this picture where the reader looks (not merely attach it)? */
export function displayedByHtml(msg: ParsedMessage, img: ImageRef): boolean {
  if (img.kind === 'remote' || img.kind === 'data') return true;
  if (img.kind !== 'inline') return false;
  // A cid: reference whose part is missing still shows (as a broken picture) where the HTML put it.
  if (!img.content) return true;
  const html = msg.html.toLowerCase();
  return msg.attachments.some((a) => a.content === img.content && !!a.contentId && html.includes(`cid:${a.contentId.toLowerCase()}`));
}

/**
 * OCR is worth its cost only where the words are in the pictures: image-heavy mail with
 * little text, and pictures embedded in the body itself. Image spam wraps its picture in
 * a few thousand characters of filler (novel excerpts, news headlines, word salad) so
 * that text filters read an innocent letter; the picture it shows is where its message
 * is. A screenshot attached to long correspondence is what the text bound spares.
 */
export function selectImagesForOcr(msg: ParsedMessage, config: OcrConfig): OcrSelection {
  const skipped: string[] = [];
  const chars = visibleTextChars(msg);
  const longText = chars >= config.minTextChars;
  const seen = new Set<string>();
  const found: OcrCandidate[] = [];
  for (const img of msg.images) {
    if (longText && !(config.readEmbeddedPictures && img.kind === 'inline' && displayedByHtml(msg, img))) {
      const why = `${chars} characters of text, OCR not needed`;
      if (!skipped.includes(why)) skipped.push(why);
      continue;
    }
    const verdict = substantialImage(img.content, config);
    if ('skip' in verdict) {
      skipped.push(verdict.skip);
      continue;
    }
    if (!OCR_FORMATS.has(verdict.size.format)) {
      skipped.push(`${verdict.size.format} not readable by the OCR engine`);
      continue;
    }
    const sha256 = createHash('sha256').update(img.content!).digest('hex');
    if (seen.has(sha256)) continue;
    seen.add(sha256);
    found.push({ content: img.content!, sha256, size: verdict.size });
  }
  // The biggest pictures are the message; small ones are logos and buttons.
  found.sort((a, b) => b.size.width * b.size.height - a.size.width * a.size.height);
  if (found.length > config.maxImages) skipped.push(`${found.length - config.maxImages} more images over the limit of ${config.maxImages}`);
  return { candidates: found.slice(0, config.maxImages), skipped };
}

const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;
const STRONG_TOKEN = /\p{L}{5,}|\d{3}[\d\s().-]{4,}|[\p{L}\d-]{2,}\.[a-z]{2,}/iu;
const WORDLIKE = /^(?:\p{L}{2,}|[\p{L}\p{N}$€£][\p{L}\p{N}.,\-/@$%&'’]*[\p{L}\p{N}])$/u;

/**
 * Keeps the lines that read as words and drops what OCR makes of photos, gradients and
 * borders: runs of stray symbols and single characters.
 */
export function cleanOcrText(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split('\n')) {
    const tokens = line.split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const good = tokens.filter((t) => WORDLIKE.test(t.replace(EDGE_PUNCTUATION, '')));
    // A line of mostly debris still counts when it holds a domain, a phone number or a long word.
    if (good.length * 2 < tokens.length && !good.some((t) => STRONG_TOKEN.test(t))) continue;
    // At least one real-looking token: a word of 3+ letters or a number of 3+ digits.
    if (!good.some((t) => /\p{L}{3,}|\d{3,}/u.test(t))) continue;
    lines.push(tokens.join(' '));
  }
  return lines.join('\n');
}

export interface ImageTextResult {
  text: string;
  /** Images whose text is in `text` (read now or from the cache). */
  images: number;
  ms: number;
  /** The budget ran out before every selected image was read. */
  timedOut: boolean;
  /** Of `images`, how many came from the cache. */
  cached: number;
}

/**
 * The pipeline stage between parsing and the analyzers: reads the text of the message's
 * images when the message is image-heavy, within `config.budgetMs` and the scan deadline.
 */
export async function extractImageText(msg: ParsedMessage, config: OcrConfig, deadline: number): Promise<ImageTextResult> {
  const started = performance.now();
  const result: ImageTextResult = { text: '', images: 0, ms: 0, timedOut: false, cached: 0 };
  if (!config.enabled) return result;
  const { candidates } = selectImagesForOcr(msg, config);
  if (candidates.length === 0) return result;

  const until = Math.min(deadline, Date.now() + config.budgetMs);
  const texts: string[] = [];
  const remember = (sha256: string, r: RecognizeOutcome) => {
    const text = r.error ? '' : cleanOcrText(r.text);
    // Unreadable images are cached as empty too: the same broken file will not read better next time.
    textCache.set(sha256, text);
    return text;
  };
  for (const c of candidates) {
    const hit = textCache.get(c.sha256);
    if (hit !== undefined) {
      result.images++;
      result.cached++;
      if (hit) texts.push(hit);
      continue;
    }
    // Out of time: later pictures may still be in the cache, but none is read any more.
    if (result.timedOut || Date.now() >= until) {
      result.timedOut = true;
      continue;
    }
    // A recognition that overruns still finishes in the background and lands in the cache,
    // so the next copy of a campaign is read even when this one was not.
    const r = await ocrService().recognize(c.content, { deadline: until, onLateResult: (late) => remember(c.sha256, late) });
    if (r.timedOut) {
      result.timedOut = true;
      continue;
    }
    const text = remember(c.sha256, r);
    result.images++;
    if (text) texts.push(text);
  }
  result.text = texts.join('\n');
  result.ms = Math.round(performance.now() - started);
  return result;
}
