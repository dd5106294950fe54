import type { ImageProbe } from './image-probe.ts';

/**
 * Whether an image could show a face worth comparing, judged from the probe alone (header
 * size and a 64×64 thumbnail's colours), so that logos, charts, buttons, scanned letters
 * and tracking pixels never reach the face models. A colour picture needs some skin-toned
 * pixels and the colour variety of a photograph; a greyscale one needs the tonal range of a
 * photograph rather than a flat background. The gate errs towards looking: a photograph
 * without a face costs one inference and finds nothing.
 */

export interface FaceGateConfig {
  /** Shorter side in pixels below which a face in the picture is too small to embed. */
  minSide: number;
  /** Longer side over shorter side above which the picture is a banner or a divider. */
  maxAspect: number;
  /** Share of skin-toned thumbnail pixels a colour picture needs. */
  minSkinFraction: number;
  /** Distinct colours (4 bits per channel) a colour picture needs: graphics have few. */
  minDistinctColours: number;
  /** A background covering more of the picture than this is a graphic, not a portrait. */
  maxDominantFraction: number;
}

export const DEFAULT_FACE_GATE: FaceGateConfig = {
  minSide: 64,
  maxAspect: 4,
  minSkinFraction: 0.02,
  minDistinctColours: 64,
  maxDominantFraction: 0.6,
};

/** Below this mean chroma a picture is greyscale (or sepia-ish), and skin tone says nothing. */
const GREYSCALE_CHROMA = 6;
/** Brightness levels (of 32) a greyscale photograph spans at least. */
const MIN_GREY_LEVELS = 16;

export type GateVerdict = { pass: true } | { pass: false; reason: string };

export function faceGate(probe: ImageProbe, config: FaceGateConfig = DEFAULT_FACE_GATE): GateVerdict {
  const { width, height, stats } = probe;
  if (Math.min(width, height) < config.minSide) return { pass: false, reason: `${width}×${height} px, too small to show a face (${config.minSide} px)` };
  if (Math.max(width, height) / Math.min(width, height) > config.maxAspect) return { pass: false, reason: `${width}×${height} px, a banner shape` };
  if (stats.dominantFraction > config.maxDominantFraction) {
    return { pass: false, reason: `${Math.round(stats.dominantFraction * 100)}% one flat colour (a graphic)` };
  }
  if (stats.meanChroma < GREYSCALE_CHROMA) {
    return stats.lumaLevels >= MIN_GREY_LEVELS ? { pass: true } : { pass: false, reason: `greyscale with ${stats.lumaLevels} tones (a graphic or document)` };
  }
  if (stats.distinctColours < config.minDistinctColours) return { pass: false, reason: `${stats.distinctColours} distinct colours (a graphic)` };
  if (stats.skinFraction < config.minSkinFraction) return { pass: false, reason: `${(stats.skinFraction * 100).toFixed(1)}% skin-toned pixels` };
  return { pass: true };
}
