import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readImageSize, type ImageFormat } from '../ocr/image-size.ts';
import { dhash64, HASH_SIDE, phash64, type PerceptualHashes } from './phash.ts';

/**
 * One cheap look at an image: its header size, perceptual hashes and colour statistics,
 * all from a single decode into a 64×64 thumbnail. This is what every embedded image of a
 * message costs; face inference (face-embedder.ts) runs only where this look says a face
 * could be (face-gate.ts) and the hashes did not already recognise the picture.
 */

export const THUMB_SIDE = 64;

export interface ColourStats {
  /** Share of thumbnail pixels in the YCbCr skin-tone range (Chai & Ngan 1999). */
  skinFraction: number;
  /** Mean distance from grey in the CbCr plane (0 for greyscale pictures). */
  meanChroma: number;
  /** Distinct colours at 4 bits per channel: photographs have hundreds, logos and charts a few dozen. */
  distinctColours: number;
  /** Share of pixels in the most common of those colours (a flat background). */
  dominantFraction: number;
  /** Distinct brightness levels (of 32). */
  lumaLevels: number;
}

export interface ImageProbe {
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  hashes: PerceptualHashes;
  stats: ColourStats;
}

export interface ProbeLimits {
  /** Images smaller than this on either side are icons, spacers and tracking pixels. */
  minSide: number;
  /** Larger images are refused before decoding (decompression bombs). */
  maxPixels: number;
  /** Banners and dividers: longer side over shorter side above this. */
  maxAspect: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = { minSide: 32, maxPixels: 40_000_000, maxAspect: 5 };

export type ProbeResult = { probe: ImageProbe } | { skip: string };

export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Probes one image; `skip` says why it is not worth looking at (or could not be read). Never throws. */
export async function probeImage(image: Buffer, limits: ProbeLimits = DEFAULT_PROBE_LIMITS, sha256 = sha256Hex(image)): Promise<ProbeResult> {
  // The header decides before any pixel is decoded: hostile or useless images cost nothing.
  const size = readImageSize(image);
  if (!size) return { skip: 'not a PNG, JPEG, GIF, BMP or WebP image' };
  const { width, height, format } = size;
  if (width < limits.minSide || height < limits.minSide) return { skip: `${width}×${height} px, smaller than ${limits.minSide} px` };
  if (width * height > limits.maxPixels) return { skip: `${width}×${height} px, over ${limits.maxPixels} pixels` };
  if (Math.max(width, height) / Math.min(width, height) > limits.maxAspect) return { skip: `${width}×${height} px, a banner or divider` };
  let pixels: Buffer;
  try {
    const { data, info } = await sharp(image, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'fill' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== THUMB_SIDE * THUMB_SIDE * 3) return { skip: `unexpected decoded layout (${info.channels} channels)` };
    pixels = data;
  } catch (err) {
    return { skip: `undecodable ${format}: ${(err as Error).message.split('\n')[0]}` };
  }
  const luma = lumaOf(pixels);
  const grey = downsample2x(luma, THUMB_SIDE);
  return { probe: { sha256, format, width, height, hashes: { phash: phash64(grey), dhash: dhash64(grey) }, stats: colourStats(pixels, luma) } };
}

function lumaOf(rgb: Buffer): Float64Array {
  const out = new Float64Array(rgb.length / 3);
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
  return out;
}

/** 64×64 → 32×32 by averaging each 2×2 block (exact, since the sides divide). */
function downsample2x(src: Float64Array, side: number): Float64Array {
  const half = side / 2;
  if (half !== HASH_SIDE) throw new RangeError(`thumbnail side ${side} does not halve to ${HASH_SIDE}`);
  const out = new Float64Array(half * half);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const i = 2 * y * side + 2 * x;
      out[y * half + x] = (src[i] + src[i + 1] + src[i + side] + src[i + side + 1]) / 4;
    }
  }
  return out;
}

function colourStats(rgb: Buffer, luma: Float64Array): ColourStats {
  const n = luma.length;
  const bins = new Map<number, number>();
  const levels = new Set<number>();
  let skin = 0;
  let chroma = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p];
    const g = rgb[p + 1];
    const b = rgb[p + 2];
    const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    if (cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 && luma[i] >= 40) skin++;
    chroma += Math.hypot(cb - 128, cr - 128);
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    bins.set(key, (bins.get(key) ?? 0) + 1);
    levels.add(Math.min(31, Math.floor(luma[i] / 8)));
  }
  let dominant = 0;
  for (const c of bins.values()) dominant = Math.max(dominant, c);
  return { skinFraction: skin / n, meanChroma: chroma / n, distinctColours: bins.size, dominantFraction: dominant / n, lumaLevels: levels.size };
}
