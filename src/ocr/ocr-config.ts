import { z } from 'zod';

/**
 * Settings of the OCR stage. They live in the `image-text` analyzer's config section (the
 * engine hands that section to the stage), so operators find OCR where its signals are.
 */
export const ocrConfigSchema = z
  .object({
    /** Run OCR at all. Off saves CPU; image-only mail is still flagged, just not read. */
    enabled: z.boolean().default(true),
    /** Wall-clock budget for all OCR of one message, in ms (worker start-up included). */
    budgetMs: z.number().int().positive().default(1500),
    /** Largest number of images read per message; the biggest ones go first. */
    maxImages: z.number().int().positive().default(3),
    /**
     * OCR only when the message shows fewer characters of text than this. Not just the
     * image-only mail: image spam wraps its picture in a few hundred words of random
     * filler so that text filters see an innocent letter; long real correspondence with a
     * screenshot is what this bound spares.
     */
    minTextChars: z.number().int().nonnegative().default(2000),
    /**
     * Pictures the HTML body embeds (cid:) and shows are read whatever the length of the
     * text: image spam hides its picture among thousands of characters of filler.
     */
    readEmbeddedPictures: z.boolean().default(true),
    /**
     * Smaller images are icons, spacers and tracking pixels, not messages. Image spam's
     * palette GIFs of a dozen lines of text weigh 3–5 KB, so the bound sits below them.
     */
    minImageBytes: z.number().int().nonnegative().default(2 * 1024),
    minWidth: z.number().int().positive().default(100),
    minHeight: z.number().int().positive().default(40),
    /** Larger images cost seconds of OCR and memory in the wasm heap; skipped. */
    maxPixels: z.number().int().positive().default(16_000_000),
  })
  .strict();

export type OcrConfig = z.output<typeof ocrConfigSchema>;
