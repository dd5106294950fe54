import { SafePreview } from './SafePreview.tsx';

/*
 * Simulation templates and training modules are Medshield's own HTML, not mail from outside,
 * but a template may be a defanged real phish and its landing page holds a form and a script.
 * Before either is shown, this makes it inert in the browser's own parser (DOMParser does
 * not run scripts or load anything): links become text showing their target, forms and
 * fields become look-alike boxes, and anything that runs or loads is removed. The result then
 * goes through SafePreview's own check, CSP and sandboxed frame, like quarantined mail.
 */

const REMOVE = 'script, noscript, iframe, frame, frameset, object, embed, applet, portal, base, link, meta, template, audio, video, source, track';
const FIELD = 'input, textarea, select, button';

function inert(html: string, o: { sameOriginImages?: RegExp }): Document {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of Array.from(doc.querySelectorAll(REMOVE))) el.remove();
  for (const a of Array.from(doc.querySelectorAll('a[href], area[href]'))) {
    const span = doc.createElement('span');
    span.className = 'ms-link';
    span.setAttribute('data-href', a.getAttribute('href') ?? '');
    span.setAttribute('title', `Link to ${a.getAttribute('href') ?? ''} (not followed in the preview)`);
    span.append(...Array.from(a.childNodes));
    a.replaceWith(span);
  }
  for (const f of Array.from(doc.querySelectorAll('form'))) {
    const div = doc.createElement('div');
    div.className = 'ms-form';
    div.append(...Array.from(f.childNodes));
    f.replaceWith(div);
  }
  for (const el of Array.from(doc.querySelectorAll(FIELD))) {
    const span = doc.createElement('span');
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    if (el.tagName === 'BUTTON' || type === 'submit' || type === 'button') {
      span.className = 'ms-button';
      span.textContent = el.textContent || el.getAttribute('value') || 'Submit';
    } else if (type === 'hidden') {
      el.remove();
      continue;
    } else {
      span.className = 'ms-field';
      span.textContent = el.getAttribute('placeholder') ?? (type === 'password' ? '••••••••' : '');
    }
    el.replaceWith(span);
  }
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || ['srcset', 'background', 'action', 'formaction', 'ping', 'poster', 'xlink:href', 'href'].includes(name)) el.removeAttribute(a.name);
      else if (name === 'style' && /url\s*\(|expression\s*\(/i.test(a.value)) el.removeAttribute(a.name);
    }
    if (el.tagName === 'IMG') {
      const src = el.getAttribute('src') ?? '';
      if (!/^data:image\//i.test(src) && !(o.sameOriginImages?.test(src) ?? false)) {
        const label = doc.createElement('span');
        label.className = 'ms-image';
        label.textContent = `[image ${el.getAttribute('alt') ? `“${el.getAttribute('alt')}” ` : ''}not loaded]`;
        el.replaceWith(label);
      }
    }
  }
  for (const s of Array.from(doc.querySelectorAll('style'))) if (/url\s*\(|@import|expression\s*\(/i.test(s.textContent ?? '')) s.remove();
  return doc;
}

/** Training module text (Markdown rendered by the server) for the console page itself: inert, with the module's own images. */
export function inertBody(html: string): string {
  const doc = inert(html, { sameOriginImages: /^\/learn\/assets\/[A-Za-z0-9._-]+$/ });
  for (const s of Array.from(doc.querySelectorAll('style'))) s.remove();
  return doc.body.innerHTML;
}

export function inertDocument(html: string): string {
  const doc = inert(html, {});
  const style = doc.createElement('style');
  style.textContent =
    '.ms-link{color:#0b5394;text-decoration:underline;cursor:default}.ms-field{display:inline-block;min-width:14em;min-height:1.6em;border:1px solid #8c959f;border-radius:4px;padding:2px 6px;color:#57606a;background:#fff}.ms-button{display:inline-block;padding:4px 12px;border-radius:4px;background:#0b5394;color:#fff}.ms-image{color:#57606a;font-style:italic}';
  doc.head.append(style);
  return `<!doctype html><html><head>${doc.head.innerHTML}</head><body>${doc.body.innerHTML}</body></html>`;
}

/** A simulation's mail, landing page or just-in-time page, inert, in the sandboxed preview frame. */
export function InertPreview({ html, title }: { html: string; title: string }) {
  return <SafePreview document={inertDocument(html)} title={title} />;
}
