import sanitizeHtml from 'sanitize-html';
import type { Attachment, ParsedMessage } from '../parse/message.ts';

/**
 * The safe preview of a message: its HTML sanitized on the server (sanitize-html, an
 * allowlist: text formatting, tables and images only), then shown by the console in an
 * `<iframe sandbox srcdoc>` (no scripts, no forms, no navigation, an opaque origin) whose
 * document carries its own Content-Security-Policy: nothing may load but data: images.
 *
 * Links become plain text showing where they really go: an analyst sees the real target of
 * "Verify your account" without a way to click it. Remote images are never fetched (a fetch
 * tells the sender the mail was opened); inline (cid:) images are embedded as data: URIs.
 */

export const PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
/**
 * The header the preview document is served with on its own: the same policy, plus no
 * forms, no <base>, framing by the console only, and `sandbox` so the document runs in an
 * opaque origin without scripts even when opened directly rather than in the iframe.
 */
export const PREVIEW_DOCUMENT_CSP = `${PREVIEW_CSP}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox`;

const MAX_INLINE_IMAGE_BYTES = 3 * 1024 * 1024;
const MAX_HTML_CHARS = 2_000_000;
const SAFE_IMAGE_TYPE = /^image\/(png|jpeg|gif|webp)$/i;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

/** CSS values without functions, escapes, quotes or at-rules: no url(), no expression(), no imports. */
const PLAIN_CSS = [/^[-#%.,\w\s!]*$/];
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-size',
  'font-weight',
  'font-style',
  'font-family',
  'text-align',
  'text-decoration',
  'line-height',
  'margin',
  'margin-top',
  'margin-bottom',
  'margin-left',
  'margin-right',
  'padding',
  'padding-top',
  'padding-bottom',
  'padding-left',
  'padding-right',
  'border',
  'border-collapse',
  'width',
  'max-width',
  'height',
  'vertical-align',
  'white-space',
  'display',
];

export interface PreviewStats {
  links: number;
  remoteImagesBlocked: number;
  inlineImages: number;
}

export interface SafePreview {
  /** A complete HTML document for `<iframe sandbox srcdoc>`. */
  document: string;
  kind: 'html' | 'text' | 'empty';
  stats: PreviewStats;
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function withoutKeys(attribs: sanitizeHtml.Attributes, keys: string[]): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = {};
  for (const [k, v] of Object.entries(attribs)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function cidMap(attachments: Attachment[]): Map<string, Attachment> {
  const m = new Map<string, Attachment>();
  for (const a of attachments) if (a.contentId) m.set(a.contentId.replace(/^<|>$/g, '').toLowerCase(), a);
  return m;
}

/** Sanitizes message HTML into body markup that can neither run nor load anything. */
export function sanitizeMessageHtml(html: string, attachments: Attachment[] = []): { html: string; stats: PreviewStats } {
  const stats: PreviewStats = { links: 0, remoteImagesBlocked: 0, inlineImages: 0 };
  const cids = cidMap(attachments);
  const imageSource = (src: string): string | null => {
    const s = src.trim();
    if (/^cid:/i.test(s)) {
      const part = cids.get(decodeURIComponent(s.slice(4)).replace(/^<|>$/g, '').toLowerCase());
      const type = part ? part.sniffedType || part.declaredType : '';
      if (!part || !SAFE_IMAGE_TYPE.test(type) || part.content.length > MAX_INLINE_IMAGE_BYTES) return null;
      return `data:${type.toLowerCase()};base64,${part.content.toString('base64')}`;
    }
    if (DATA_IMAGE.test(s) && s.length <= MAX_INLINE_IMAGE_BYTES * 1.4) return s.replace(/\s+/g, '');
    return null;
  };
  const clean = sanitizeHtml(html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html, {
    allowedTags: [
      'p', 'div', 'span', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 's', 'small', 'big', 'sub', 'sup', 'font', 'center',
      'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
      'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col', 'img', 'abbr', 'address',
    ],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': ['style', 'title', 'align', 'valign', 'dir', 'lang', 'width', 'height', 'bgcolor', 'color'],
      img: ['src', 'alt', 'width', 'height'],
      span: ['data-href', 'class', 'style', 'title'],
      td: ['colspan', 'rowspan', 'style', 'align', 'valign', 'width', 'height', 'bgcolor'],
      th: ['colspan', 'rowspan', 'style', 'align', 'valign', 'width', 'height', 'bgcolor'],
      table: ['border', 'cellpadding', 'cellspacing', 'style', 'width', 'align', 'bgcolor'],
      font: ['color', 'size', 'face'],
    },
    allowedClasses: { span: ['ms-link', 'ms-blocked'] },
    // Only images may carry a URL, and only data: ones (checked again in transformTags).
    allowedSchemes: [],
    allowedSchemesByTag: { img: ['data'] },
    allowProtocolRelative: false,
    allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, PLAIN_CSS])) },
    transformTags: {
      a: (_tag, attribs): sanitizeHtml.Tag => {
        const href = (attribs.href ?? '').trim();
        if (!href) return { tagName: 'span', attribs: {} };
        stats.links++;
        const shown = href.slice(0, 2000);
        return { tagName: 'span', attribs: { class: 'ms-link', 'data-href': shown, title: `Link target (not clickable): ${shown}` } };
      },
      // The message's own spans may not pose as the preview's link or blocked-image labels.
      span: (_tag, attribs): sanitizeHtml.Tag => ({ tagName: 'span', attribs: withoutKeys(attribs, ['class', 'data-href']) }),
      img: (_tag, attribs): sanitizeHtml.Tag => {
        const src = imageSource(attribs.src ?? '');
        if (src) {
          stats.inlineImages++;
          const kept: sanitizeHtml.Attributes = { src, alt: attribs.alt ?? '' };
          if (attribs.width) kept.width = attribs.width;
          if (attribs.height) kept.height = attribs.height;
          return { tagName: 'img', attribs: kept };
        }
        stats.remoteImagesBlocked++;
        const where = /^(?:https?:)?\/\/([^/?#]+)/i.exec((attribs.src ?? '').trim())?.[1];
        return { tagName: 'span', attribs: { class: 'ms-blocked' }, text: where ? `[image from ${where} not loaded]` : '[image not loaded]' };
      },
    },
  });
  return { html: clean, stats };
}

const PREVIEW_STYLE = `
  html { color-scheme: light; }
  body { margin: 16px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; overflow-wrap: anywhere; }
  img { max-width: 100%; height: auto; }
  table { max-width: 100%; }
  pre.ms-text { white-space: pre-wrap; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 0; }
  .ms-link { color: #0b4f9c; text-decoration: underline dotted; cursor: default; }
  .ms-link::after { content: " \\2192  " attr(data-href); color: #6a2d00; background: #fff4e5; font-size: 12px; font-family: ui-monospace, Menlo, Consolas, monospace; padding: 0 3px; border-radius: 3px; text-decoration: none; display: inline; }
  .ms-blocked { display: inline-block; color: #57606a; background: #f1f3f5; border: 1px dashed #afb8c1; font-size: 12px; padding: 2px 6px; border-radius: 3px; }
`;

function documentFor(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}"><meta name="referrer" content="no-referrer"><style>${PREVIEW_STYLE}</style></head><body>${body}</body></html>`;
}

/** The preview document for a parsed message: its HTML body sanitized, else its text. */
export function buildPreview(msg: Pick<ParsedMessage, 'html' | 'text' | 'attachments'>): SafePreview {
  if (msg.html.trim()) {
    const { html, stats } = sanitizeMessageHtml(msg.html, msg.attachments);
    return { document: documentFor(html), kind: 'html', stats };
  }
  if (msg.text.trim()) {
    return { document: documentFor(`<pre class="ms-text">${escapeText(msg.text)}</pre>`), kind: 'text', stats: { links: 0, remoteImagesBlocked: 0, inlineImages: 0 } };
  }
  return { document: documentFor('<p><em>This message has no text.</em></p>'), kind: 'empty', stats: { links: 0, remoteImagesBlocked: 0, inlineImages: 0 } };
}
