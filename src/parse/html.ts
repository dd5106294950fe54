import { Parser } from 'htmlparser2';

/**
 * One streaming pass over hostile HTML: the text a reader would see, every link with its
 * visible text, every image reference and every form. Nothing is fetched or executed.
 */
export interface HtmlExtract {
  text: string;
  /** Characters of text hidden from the reader (display:none, zero-size fonts…): filter-poisoning filler. */
  hiddenChars: number;
  links: { href: string; text: string }[];
  images: { src: string; alt: string; width?: number; height?: number }[];
  forms: string[];
  /** <meta http-equiv=refresh> targets. */
  refresh: string[];
}

const BLOCK = new Set([
  'p', 'div', 'br', 'tr', 'li', 'ul', 'ol', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'blockquote', 'pre', 'hr', 'section', 'article', 'header', 'footer', 'center', 'dd', 'dt', 'form', 'address',
]);
const SKIP = new Set(['script', 'style', 'head', 'title', 'noscript', 'template', 'xml', 'object', 'iframe']);
const VOID = new Set(['br', 'img', 'hr', 'meta', 'link', 'input', 'area', 'base', 'col', 'embed', 'source', 'wbr', 'param', 'track']);
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)|max-height\s*:\s*0(?:px)?\s*(?:;|$|!)|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)/i;

export function extractHtml(html: string, maxLinks: number): HtmlExtract {
  const out: string[] = [];
  let hiddenChars = 0;
  const links: HtmlExtract['links'] = [];
  const images: HtmlExtract['images'] = [];
  const forms: string[] = [];
  const refresh: string[] = [];
  // Stack of open elements with flags; hostile HTML is badly nested, so closing pops to the match.
  const stack: { name: string; skip: boolean; hidden: boolean; link: number }[] = [];
  let skipDepth = 0;
  let hiddenDepth = 0;
  const openLinks: number[] = [];

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const hidden = (attrs.style !== undefined && HIDDEN_STYLE.test(attrs.style)) || attrs.hidden !== undefined;
        let link = -1;
        if (name === 'a' || name === 'area') {
          if (attrs.href !== undefined && links.length < maxLinks) {
            links.push({ href: attrs.href.trim(), text: '' });
            link = links.length - 1;
            openLinks.push(link);
          }
        } else if (name === 'img') {
          const src = attrs.src ?? attrs['data-src'] ?? '';
          if (src) images.push({ src: src.trim(), alt: attrs.alt ?? '', width: num(attrs.width), height: num(attrs.height) });
          if (attrs.alt && openLinks.length && skipDepth === 0) appendLinkText(` ${attrs.alt} `);
        } else if (name === 'form') {
          forms.push((attrs.action ?? '').trim());
        } else if (name === 'meta' && (attrs['http-equiv'] ?? '').toLowerCase() === 'refresh') {
          const m = /url\s*=\s*['"]?([^'"\s>]+)/i.exec(attrs.content ?? '');
          if (m) refresh.push(m[1]);
        } else if (name === 'base' && attrs.href) {
          // A <base> changes how relative links resolve; record it like a link so it is inspected.
          links.push({ href: attrs.href.trim(), text: '' });
        }
        if (BLOCK.has(name)) out.push('\n');
        if (VOID.has(name)) return;
        const skip = SKIP.has(name);
        if (skip) skipDepth++;
        if (hidden) hiddenDepth++;
        stack.push({ name, skip, hidden, link });
      },
      ontext(data) {
        if (skipDepth > 0) return;
        if (hiddenDepth > 0) {
          hiddenChars += data.trim().length;
          return;
        }
        out.push(data);
        if (openLinks.length) appendLinkText(data);
      },
      onclosetag(name) {
        if (BLOCK.has(name)) out.push('\n');
        if (VOID.has(name)) return;
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i].name !== name) continue;
          while (stack.length > i) {
            const e = stack.pop()!;
            if (e.skip) skipDepth--;
            if (e.hidden) hiddenDepth--;
            if (e.link >= 0) openLinks.splice(openLinks.lastIndexOf(e.link), 1);
          }
          break;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );

  function appendLinkText(t: string) {
    const l = links[openLinks[openLinks.length - 1]];
    if (l.text.length < 500) l.text += t;
  }

  parser.write(html);
  parser.end();
  for (const l of links) l.text = collapse(l.text);
  return { text: normalizeText(out.join('')), hiddenChars, links, images, forms, refresh };
}

function num(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

function collapse(s: string): string {
  return s.replace(/[\s\u00a0\u200b-\u200d\ufeff]+/g, ' ').trim();
}

/** Collapses runs of spaces within lines and of blank lines, the way a reader perceives text. */
export function normalizeText(s: string): string {
  return s
    .replace(/[\u200b-\u200d\ufeff\u00ad]/g, '')
    .replace(/[ \t\u00a0\r\f\v]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"'`{}|\\^\[\]]+/gi;

/** URLs written out in plain text, as a mail client would auto-link them. */
export function findTextUrls(text: string, max: number): string[] {
  const urls: string[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let u = m[0].replace(/[.,;:!?)\]>]+$/, '');
    if (u.toLowerCase().startsWith('www.')) u = `http://${u}`;
    urls.push(u);
    if (urls.length >= max) break;
  }
  return urls;
}
