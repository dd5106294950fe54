import { z } from 'zod';
import { defineAnalyzer, quote } from '../analyzer.ts';
import type { ImageRef, ParsedMessage } from '../../parse/message.ts';
import { ocrConfigSchema } from '../../ocr/ocr-config.ts';
import { displayedByHtml, substantialImage, visibleTextChars } from '../../ocr/ocr.ts';

/**
 * Mail that shows its message as a picture. Text filters read nothing in it, which is
 * the point of sending it that way; the OCR stage (src/ocr) reads the picture for the
 * other analyzers (ctx.imageText), and this analyzer owns that stage's settings.
 */

const configSchema = ocrConfigSchema.extend({
  /** A body showing fewer characters than this next to its picture counts as image-only. */
  imageOnlyMaxTextChars: z.number().int().nonnegative().default(150),
  /**
   * Smallest picture (in pixels) that counts as the body. Below it are e-mail signature logos
   * (typically up to about 250×100), which sit under short replies all day long.
   */
  imageOnlyMinPixels: z.number().int().nonnegative().default(30_000),
  /** Words of recognised text quoted in IMAGE_TEXT_EXTRACTED's evidence. */
  evidenceWords: z.number().int().positive().default(12),
});

const BARE_IMAGE_CHARS = 50;

export type ImageTextConfig = z.output<typeof configSchema>;

export interface ImageOnlyBody {
  textChars: number;
  /** The picture that carries the message, described for evidence. */
  image: string;
}

/**
 * An HTML body that is one or more pictures and next to no text. Only pictures the HTML
 * displays count: a photo attached to a short note ("here is my insurance card") is how
 * patients and colleagues write, not filter evasion.
 */
export function imageOnlyBody(msg: ParsedMessage, config: ImageTextConfig): ImageOnlyBody | null {
  if (!msg.html) return null;
  const textChars = visibleTextChars(msg);
  if (textChars >= config.imageOnlyMaxTextChars) return null;
  for (const img of msg.images) {
    if (!displayedByHtml(msg, img)) continue;
    const described = describeIfSubstantial(img, config);
    if (described) return { textChars, image: described };
  }
  return null;
}


function describeIfSubstantial(img: ImageRef, config: ImageTextConfig): string | null {
  if (img.content && img.content.length > 0) {
    const v = substantialImage(img.content, config);
    if ('skip' in v || v.size.width * v.size.height < config.imageOnlyMinPixels) return null;
    return `${img.kind} ${v.size.format} image, ${v.size.width}×${v.size.height} px, ${Math.round(img.content.length / 1024)} KB`;
  }
  // Remote (never fetched) or not delivered: only the HTML's declared size can tell a banner
  // from a tracking pixel. Pixels declare their 1×1 (or are styled away, which leaves text to
  // read); an undeclared size on a picture that is the whole body is the common case of a banner.
  const where = img.url ? ` from ${hostOf(img.url)}` : '';
  if (img.width === undefined || img.height === undefined) return `${img.kind} image${where}, size not declared`;
  if (img.width < config.minWidth || img.height < config.minHeight || img.width * img.height < config.imageOnlyMinPixels) return null;
  return `${img.kind} image${where}, ${img.width}×${img.height} px declared`;
}

function hostOf(url: string): string {
  const m = /^(?:https?:)?\/\/([^/?#:]+)/i.exec(url);
  return m ? m[1].toLowerCase() : url.slice(0, 40);
}

export const imageText = defineAnalyzer({
  id: 'image-text',
  description: 'Messages whose content is a picture; reads the text in it (OCR) for the other analyzers.',
  config: configSchema,
  signals: {
    IMAGE_ONLY_MESSAGE: {
      weight: 2,
      description:
        'The body is essentially a picture with little or no text, a classic way to get past text filters. Some legitimate flyers look like this, so it is weak on its own (full weight under 50 characters of text, three quarters above).',
    },
    IMAGE_TEXT_EXTRACTED: {
      weight: 0,
      description: 'Text was read from the images of the message (informational; other analyzers check that text).',
    },
  },

  analyze(msg, ctx, config, emit) {
    const imageOnly = imageOnlyBody(msg, config);
    if (imageOnly) {
      // A caption or a one-line footer next to the picture is a little less telling than nothing at all.
      const factor = imageOnly.textChars < BARE_IMAGE_CHARS ? 1 : 0.75;
      emit('IMAGE_ONLY_MESSAGE', `${imageOnly.textChars} characters of text around a ${imageOnly.image}`, factor);
    }
    const words = ctx.imageText.split(/\s+/).filter(Boolean);
    if (words.length > 0) {
      emit('IMAGE_TEXT_EXTRACTED', `${words.length} words read from images: ${quote(words.slice(0, config.evidenceWords).join(' '), 120)}`);
    }
  },
});
