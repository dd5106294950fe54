/**
 * The message preview, behind three walls:
 *  1. the server sanitized the HTML (src/api/safe-preview.ts): no scripts, handlers, forms,
 *     links or remote URLs survive, and links are turned into text showing their target;
 *  2. this component checks that (an inert DOMParser parse) and refuses to show a document
 *     with anything that could run or navigate, so a server regression fails closed;
 *  3. the frame: `sandbox=""` gives the document an opaque origin with no scripts, forms,
 *     popups, top navigation or plugins, and our own CSP meta is put first in its head so
 *     nothing may load but data: images and inline styles, whatever the document says.
 */
export const PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`;

/** Elements that run code, load a document, submit, navigate or change how URLs resolve. */
const ACTIVE_ELEMENTS = 'script, iframe, frame, frameset, object, embed, applet, portal, form, input, button, textarea, select, base, link, a[href], area[href], meta';
const ALLOWED_META = /^(content-security-policy|content-type)$/i;
/** Attributes a browser follows as URLs (a link's target shown as text in data-href is not one). */
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction', 'data', 'poster', 'background', 'ping', 'codebase', 'cite', 'longdesc', 'usemap', 'manifest', 'lowsrc', 'dynsrc']);

/** What in a preview document could run or navigate, in words; empty when there is nothing. */
export function activeContent(doc: string): string[] {
  const parsed = new DOMParser().parseFromString(doc, 'text/html');
  const found = new Set<string>();
  for (const el of Array.from(parsed.querySelectorAll(ACTIVE_ELEMENTS))) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'meta' && (el.hasAttribute('charset') || ALLOWED_META.test(el.getAttribute('http-equiv') ?? '') || el.getAttribute('name') === 'referrer')) continue;
    found.add(tag === 'meta' ? `<meta http-equiv="${el.getAttribute('http-equiv') ?? ''}">` : `<${tag}>`);
  }
  for (const el of Array.from(parsed.querySelectorAll('*'))) {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) found.add(`${a.name} handler`);
      if (URL_ATTRIBUTES.has(a.name.toLowerCase()) && /^\s*(javascript|vbscript):/i.test(a.value)) found.add(`${a.value.trim().split(':')[0]!.toLowerCase()}: URL`);
    }
  }
  return [...found];
}

export function hardenDocument(doc: string): string {
  const head = /^\s*<!doctype html>\s*<html[^>]*>\s*<head[^>]*>/i.exec(doc);
  if (head) return head[0] + CSP_META + doc.slice(head[0].length);
  return `<!doctype html><html><head>${CSP_META}</head><body>${doc}</body></html>`;
}

export function SafePreview({ document, title }: { document: string; title: string }) {
  const active = activeContent(document);
  if (active.length > 0) {
    return (
      <div className="notice notice-error" role="alert" data-testid="preview-refused">
        <strong>Preview withheld.</strong> The sanitized copy from the server still contains active content ({active.join(', ')}), so the console will not show it. Nothing
        from it was loaded. Please report this as a Medshield bug.
      </div>
    );
  }
  return (
    <div className="preview-frame">
      <iframe title={title} sandbox="" referrerPolicy="no-referrer" srcDoc={hardenDocument(document)} data-testid="safe-preview" />
    </div>
  );
}
