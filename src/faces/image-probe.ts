import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readImageSize, type ImageFormat } from '../ocr/image-size.ts';
import { areaResample, dhash64, HASH_SIDE, phash64, type PerceptualHashes, type Region } from './phash.ts';

/**
 * One cheap look at an image: its header size, perceptual hashes and colour statistics,
 * all from a single decode. This is what every embedded image of a message costs; face
 * inference (face-embedder.ts) runs only where this look says a face could be
 * (face-gate.ts) and the hashes did not already recognise the picture.
 *
 * The picture is decoded once by sharp to at most DECODE_SIDE pixels a side; the 32×32 grey
 * thumbnails of the hashes (of the picture, and of the crops of directory photos) are
 * area-resampled here from those pixels, so a message image and a directory photo are
 * reduced by exactly the same arithmetic, and the colour statistics read them directly.
 */

const DECODE_SIDE = 256;

export interface ColourStats {
  /** Share of pixels in the YCbCr skin-tone range (Chai & Ngan 1999). */
  skinFraction: number;
  /**
   * Share of pixels that are skin-toned and softly shaded (brightness steps of 0.5–20 to a
   * neighbour): skin in a photograph. Orange bars, beige panels and warm logo colours are
   * flat inside and sharp at their edges, so they do not count (fixtures: headshots 0.09–0.81,
   * a flyer with a portrait 0.03, drawn logos and charts 0.001 at most).
   */
  softSkinFraction: number;
  /** Share of pixels with a soft brightness step to a neighbour: photographic shading. */
  softFraction: number;
  /** Mean distance from grey in the CbCr plane (0 for greyscale pictures). */
  meanChroma: number;
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

interface Planes {
  width: number;
  height: number;
  r: Float64Array;
  g: Float64Array;
  b: Float64Array;
  luma: Float64Array;
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
  let planes: Planes;
  try {
    planes = await decode(image, limits.maxPixels);
  } catch (err) {
    return { skip: `undecodable ${format}: ${(err as Error).message.split('\n')[0]}` };
  }
  return { probe: { sha256, format, width, height, hashes: regionHashes(planes), stats: colourStats(planes) } };
}

/**
 * Crops of a directory photo, as [left, top, right, bottom] shares cut away: uncropped, even
 * margins, one side, and two adjacent sides. Hashing a picture is global, so a copy cropped by
 * a few per cent drifts 8–18 bits from the original, as far as different people's portraits
 * lie from each other (16 and up). Against the nearest of these crops, copies resized,
 * re-encoded, brightened, greyed or cropped by up to 10 % stay within 7 bits, and different
 * people's portraits no nearer than 18 (scripts/bench-faces.ts).
 */
const CROP_VARIANTS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0, 0],
  [0.04, 0.04, 0.04, 0.04],
  [0.08, 0.08, 0.08, 0.08],
  [0.12, 0.12, 0.12, 0.12],
  ...[0.06, 0.12].flatMap((m) => [[m, 0, 0, 0] as const, [0, m, 0, 0] as const, [0, 0, m, 0] as const, [0, 0, 0, m] as const]),
  [0.06, 0.06, 0, 0],
  [0, 0.06, 0.06, 0],
  [0, 0, 0.06, 0.06],
  [0.06, 0, 0, 0.06],
];

/** Hashes of a photo and of its slightly cropped variants (CROP_VARIANTS), from one decode. Throws on undecodable images. */
export async function cropVariantHashes(image: Buffer, maxPixels = DEFAULT_PROBE_LIMITS.maxPixels): Promise<PerceptualHashes[]> {
  const planes = await decode(image, maxPixels);
  const { width: w, height: h } = planes;
  return CROP_VARIANTS.map(([l, t, r, b]) => {
    const left = l * w;
    const top = t * h;
    return regionHashes(planes, { left, top, width: w * (1 - l - r), height: h * (1 - t - b) });
  });
}

async function decode(image: Buffer, maxPixels: number): Promise<Planes> {
  const { data, info } = await sharp(image, { limitInputPixels: maxPixels, failOn: 'error' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(DECODE_SIDE, DECODE_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected decoded layout (${info.channels} channels)`);
  const n = info.width * info.height;
  const planes: Planes = { width: info.width, height: info.height, r: new Float64Array(n), g: new Float64Array(n), b: new Float64Array(n), luma: new Float64Array(n) };
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    planes.r[i] = data[p];
    planes.g[i] = data[p + 1];
    planes.b[i] = data[p + 2];
    planes.luma[i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  }
  return planes;
}

function regionHashes(planes: Planes, region?: Region): PerceptualHashes {
  const grey = areaResample(planes.luma, planes.width, planes.height, HASH_SIDE, HASH_SIDE, region);
  return { phash: phash64(grey), dhash: dhash64(grey) };
}

function colourStats(planes: Planes): ColourStats {
  const { width: w, height: h, r, g, b, luma } = planes;
  let skin = 0;
  let softSkin = 0;
  let soft = 0;
  let chroma = 0;
  let counted = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const cb = 128 - 0.168736 * r[i] - 0.331264 * g[i] + 0.5 * b[i];
      const cr = 128 + 0.5 * r[i] - 0.418688 * g[i] - 0.081312 * b[i];
      chroma += Math.hypot(cb - 128, cr - 128);
      if (x === w - 1 || y === h - 1) continue;
      counted++;
      const step = Math.max(Math.abs(luma[i + 1] - luma[i]), Math.abs(luma[i + w] - luma[i]));
      const isSoft = step >= 0.5 && step <= 20;
      const isSkin = cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 && luma[i] >= 40;
      if (isSoft) soft++;
      if (isSkin) skin++;
      if (isSoft && isSkin) softSkin++;
    }
  }
  const n = Math.max(1, counted);
  return { skinFraction: skin / n, softSkinFraction: softSkin / n, softFraction: soft / n, meanChroma: chroma / (w * h) };
}
