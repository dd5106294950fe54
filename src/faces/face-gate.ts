import type { ImageProbe } from './image-probe.ts';

/**
 * Whether an image could show a face worth comparing, judged from the probe alone (header
 * size and colour statistics), so that logos, charts, buttons, scanned letters and tracking
 * pixels never reach the face models. A colour picture needs softly shaded skin-toned
 * pixels; a greyscale one needs the soft shading of a photograph. The gate errs towards
 * looking: a photograph without a face costs one detector pass and finds nothing.
 */

export interface FaceGateConfig {
  /** Shorter side in pixels below which a face in the picture is too small to embed. */
  minSide: number;
  /** Longer side over shorter side above which the picture is a banner or a divider. */
  maxAspect: number;
  /** Share of softly shaded skin-toned pixels a colour picture needs (ColourStats.softSkinFraction). */
  minSoftSkinFraction: number;
  /** Share of softly shaded pixels a greyscale picture needs. */
  minGreySoftFraction: number;
}

/**
 * Measured on the fixtures (image-probe.ts statistics): headshots have 0.09–0.81 soft skin,
 * a flyer with a portrait on a flat panel 0.03, drawn logos and charts at most 0.001;
 * greyscale photographs have 0.88 soft shading, a scanned letter 0.27, a chart 0.19.
 */
export const DEFAULT_FACE_GATE: FaceGateConfig = { minSide: 64, maxAspect: 4, minSoftSkinFraction: 0.01, minGreySoftFraction: 0.4 };

/** Below this mean chroma a picture is greyscale (or nearly), and skin tone says nothing. */
const GREYSCALE_CHROMA = 4;

export type GateVerdict = { pass: true } | { pass: false; reason: string };

export function faceGate(probe: ImageProbe, config: FaceGateConfig = DEFAULT_FACE_GATE): GateVerdict {
  const { width, height, stats } = probe;
  if (Math.min(width, height) < config.minSide) return { pass: false, reason: `${width}×${height} px, too small to show a face (${config.minSide} px)` };
  if (Math.max(width, height) / Math.min(width, height) > config.maxAspect) return { pass: false, reason: `${width}×${height} px, a banner shape` };
  if (stats.meanChroma < GREYSCALE_CHROMA) {
    return stats.softFraction >= config.minGreySoftFraction
      ? { pass: true }
      : { pass: false, reason: `greyscale, ${Math.round(stats.softFraction * 100)}% soft shading (a graphic or document)` };
  }
  if (stats.softSkinFraction < config.minSoftSkinFraction) {
    return { pass: false, reason: `${(stats.softSkinFraction * 100).toFixed(1)}% softly shaded skin tones (a graphic)` };
  }
  return { pass: true };
}
