import { UnreadableError, type ExtractedText, type ExtractLimits } from './limits.ts';

/**
 * Text of a PDF, page by page, with Mozilla's pdf.js (the legacy build, which runs on Node
 * without a DOM). Font programs are not loaded and scripts are never evaluated: only the
 * text layer is asked for. Reading stops at `maxPdfPages` or `maxCharsPerAttachment`.
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loaded: Promise<PdfJs> | null = null;

function pdfjs(): Promise<PdfJs> {
  loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return loaded;
}

export async function pdfText(data: Buffer, limits: ExtractLimits): Promise<ExtractedText> {
  const lib = await pdfjs();
  const task = lib.getDocument({
    // pdf.js takes ownership of (and detaches) the array it is given: hand it a copy.
    data: new Uint8Array(data),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    const name = (err as Error).name;
    if (name === 'PasswordException') throw new UnreadableError('the PDF is password-protected', 'encrypted');
    throw new UnreadableError(`not a readable PDF: ${(err as Error).message}`, 'corrupt');
  }
  try {
    const parts: string[] = [];
    let chars = 0;
    let truncated = doc.numPages > limits.maxPdfPages;
    const pages = Math.min(doc.numPages, limits.maxPdfPages);
    for (let n = 1; n <= pages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str + (item.hasEOL ? '\n' : ' ');
      }
      page.cleanup();
      parts.push(line);
      chars += line.length;
      if (chars >= limits.maxCharsPerAttachment) {
        truncated = true;
        break;
      }
    }
    const text = parts.join('\n');
    return { text: text.slice(0, limits.maxCharsPerAttachment), truncated };
  } finally {
    await doc.destroy();
  }
}
