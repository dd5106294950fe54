import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'htmlparser2';
import type { Attachment } from '../parse/message.ts';
import { buildPreview, PREVIEW_CSP, PREVIEW_DOCUMENT_CSP, sanitizeMessageHtml } from './safe-preview.ts';
import { hostileHtmlMessage } from './testing/console-fixture.ts';

const BEACON = 'http://beacon.test:8181';

interface El {
  name: string;
  attribs: Record<string, string>;
}

/** Every element of the sanitized markup, as a browser's parser would build them. */
function elements(html: string): El[] {
  const out: El[] = [];
  const walk = (nodes: unknown[]) => {
    for (const n of nodes as { type: string; name?: string; attribs?: Record<string, string>; children?: unknown[] }[]) {
      if (n.type === 'tag' || n.type === 'script' || n.type === 'style') out.push({ name: n.name!, attribs: n.attribs ?? {} });
      if (n.children) walk(n.children);
    }
  };
  walk(parseDocument(html).children);
  return out;
}

const ALLOWED_TAGS = new Set(
  'p div span br hr b strong i em u s small big sub sup font center h1 h2 h3 h4 h5 h6 blockquote pre code ul ol li dl dt dd table thead tbody tfoot tr td th caption colgroup col img abbr address'.split(' '),
);
/** Attributes through which a document can run code or load anything. */
const LOADING_ATTRIBUTES = ['href', 'src', 'srcset', 'action', 'formaction', 'background', 'poster', 'data', 'xlink:href', 'ping', 'lowsrc', 'dynsrc', 'codebase', 'manifest', 'http-equiv'];

/** The invariants of a safe preview, checked on the parsed output rather than by string search. */
function assertInert(html: string): void {
  for (const el of elements(html)) {
    assert.ok(ALLOWED_TAGS.has(el.name), `element <${el.name}> survived`);
    for (const [name, value] of Object.entries(el.attribs)) {
      assert.ok(!/^on/i.test(name), `event handler ${name} on <${el.name}>`);
      if (name === 'src') {
        assert.equal(el.name, 'img');
        assert.match(value, /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/, `img src ${value.slice(0, 60)}`);
      } else {
        assert.ok(!LOADING_ATTRIBUTES.includes(name.toLowerCase()), `${name}="${value}" on <${el.name}>`);
      }
      if (name === 'style') assert.doesNotMatch(value, /url|expression|import|\\|behavior|binding|@|\(/i, `style="${value}"`);
      if (name === 'class') assert.match(value, /^(ms-link|ms-blocked|ms-text)$/, `class="${value}"`);
    }
  }
}

/** Attributes other than a shown (not clickable) link target that mention `needle`: there it would be live. */
function mentionsOutsideLabels(html: string, needle: string): string[] {
  const out: string[] = [];
  for (const el of elements(html)) {
    for (const [name, value] of Object.entries(el.attribs)) {
      if (value.includes(needle) && !(el.name === 'span' && (name === 'data-href' || name === 'title'))) out.push(`${el.name}[${name}]`);
    }
  }
  return out;
}

function bodyOf(doc: string): string {
  return doc.slice(doc.indexOf('<body>') + '<body>'.length, doc.lastIndexOf('</body>'));
}

describe('safe preview: hostile HTML is sanitized on the server', () => {
  const hostile = hostileHtmlMessage(BEACON).toString('utf8');
  const html = hostile.slice(hostile.indexOf('<!doctype'));

  it('keeps nothing that runs or loads from the fixture’s hostile message', () => {
    const { html: clean, stats } = sanitizeMessageHtml(html);
    assertInert(clean);
    assert.deepEqual(mentionsOutsideLabels(clean, 'beacon.test'), []);
    for (const gone of ['<script', '<svg', '<form', '<input', '<iframe', '<meta', '<base', '<link', '<style', '<object', '<embed', '<video', '<audio', 'onload', 'onerror', 'PWNED']) {
      assert.ok(!clean.toLowerCase().includes(gone.toLowerCase()), `${gone} in ${clean}`);
    }
    // The reader still sees what the mail says and where its links go.
    assert.match(clean, /Your mailbox password expires today/);
    assert.match(clean, /<span class="ms-link" data-href="javascript:fetch\('http:\/\/beacon\.test:8181\/js-link'\)"/);
    assert.match(clean, /data-href="http:\/\/beacon\.test:8181\/login"/);
    assert.match(clean, /\[image from beacon\.test:8181 not loaded\]/);
    assert.equal(stats.links, 2);
    assert.equal(stats.remoteImagesBlocked, 1);
    assert.equal(stats.inlineImages, 1, 'the data: GIF stays, without its srcset');
  });

  const cases: [string, string][] = [
    ['script', '<script>alert(1)</script><p>x</p>'],
    ['script with odd casing and attributes', '<ScRiPt SRC=//beacon.test/x.js></sCrIpT>'],
    ['img onerror', '<img src=x onerror="alert(1)">'],
    ['body onload', '<body onload="alert(1)"><p>x</p></body>'],
    ['javascript: link with entities and whitespace', '<a href="jav&#x09;ascript:alert(1)">x</a><a href=" JaVaScRiPt:alert(2)">y</a>'],
    ['vbscript and data: links', '<a href="vbscript:msgbox(1)">a</a><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">b</a>'],
    ['SVG with script and handlers', '<svg onload=alert(1)><script>alert(2)</script><a xlink:href="javascript:alert(3)"><text>t</text></a><image href="http://beacon.test/i.png"/></svg>'],
    ['SVG as a data: image', '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">'],
    ['CSS url() beacon in a style attribute', '<div style="background:url(http://beacon.test/a.png)">a</div><p style="background-image: url(&quot;http://beacon.test/b.png&quot;)">b</p>'],
    ['CSS escapes and comments hiding url()', '<div style="background: u\\72 l(http://beacon.test/c.png)">c</div><div style="background:/**/url(//beacon.test/d.png)">d</div>'],
    ['CSS expression and behaviour', '<div style="width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x.xml#y)">e</div>'],
    ['style element with @import and url()', '<style>@import "http://beacon.test/s.css"; body{background:url(http://beacon.test/s.png)}</style><p>x</p>'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=http://beacon.test/r">'],
    ['form with action and inputs', '<form action="http://beacon.test/post"><input name=p type=password><input type=image src=http://beacon.test/i.png><button formaction="http://beacon.test/f">go</button></form>'],
    ['base href', '<base href="http://beacon.test/"><a href="x">rel</a>'],
    ['iframe, frame, object, embed, applet', '<iframe src="http://beacon.test/i"></iframe><frameset><frame src="http://beacon.test/f"></frameset><object data="http://beacon.test/o"></object><embed src="http://beacon.test/e"><applet code="x" codebase="http://beacon.test/"></applet>'],
    ['srcset and picture sources', '<img src="data:image/png;base64,iVBORw0KGgo=" srcset="http://beacon.test/2x.png 2x"><picture><source srcset="http://beacon.test/p.webp"><img src="http://beacon.test/p.png"></picture>'],
    ['remote, protocol-relative and file images', '<img src="http://beacon.test/a.png"><img src="//beacon.test/b.png"><img src="https://beacon.test/c.png"><img src="file:///etc/passwd">'],
    ['legacy background attributes', '<table background="http://beacon.test/t.png"><tr><td background="http://beacon.test/td.png">x</td></tr></table>'],
    ['video poster and audio', '<video poster="http://beacon.test/p.png" src="http://beacon.test/v.mp4"></video><audio src="http://beacon.test/a.mp3"></audio>'],
    ['link rel=stylesheet and prefetch', '<link rel=stylesheet href="http://beacon.test/x.css"><link rel=prefetch href="http://beacon.test/y">'],
    ['mXSS through math and noscript', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
    ['noscript and template', '<noscript><img src="http://beacon.test/n.png"></noscript><template><img src=x onerror=alert(1)></template>'],
    ['conditional comments', '<!--[if gte mso 9]><img src="http://beacon.test/mso.png"><![endif]--><p>ok</p>'],
    ['spans posing as the preview’s link labels', '<span class="ms-link" data-href="https://harmless.example">Pay here</span>'],
    ['ping and a download link', '<a href="http://beacon.test/x" ping="http://beacon.test/ping" download>d</a>'],
  ];
  for (const [name, input] of cases) {
    it(`neutralises ${name}`, () => {
      const { html: clean } = sanitizeMessageHtml(input);
      assertInert(clean);
      assert.deepEqual(mentionsOutsideLabels(clean, 'beacon.test'), [], clean);
      assert.deepEqual(mentionsOutsideLabels(clean, 'alert('), [], clean);
    });
  }

  it('embeds inline (cid:) images as data: URIs, only for safe image types', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const parts: Attachment[] = [
      { filename: 'logo.png', declaredType: 'image/png', sniffedType: 'image/png', size: png.length, content: png, disposition: 'inline', contentId: '<logo@x>' },
      { filename: 'x.svg', declaredType: 'image/svg+xml', sniffedType: '', size: 40, content: Buffer.from('<svg onload="alert(1)"></svg>'), disposition: 'inline', contentId: '<svg@x>' },
    ];
    const { html: clean, stats } = sanitizeMessageHtml('<img src="cid:logo@x" alt="logo"><img src="cid:svg@x"><img src="cid:missing@x">', parts);
    assertInert(clean);
    assert.match(clean, new RegExp(`<img src="data:image/png;base64,${png.toString('base64').replace(/[+/]/g, '\\$&')}" alt="logo" />`));
    assert.equal(stats.inlineImages, 1);
    assert.equal(stats.remoteImagesBlocked, 2);
  });

  it('wraps the result in a document whose first head element is the strict CSP', () => {
    const doc = buildPreview({ html: html, text: '', attachments: [] }).document;
    assert.match(doc, /^<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">/);
    assert.equal(PREVIEW_CSP, "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    assert.match(PREVIEW_DOCUMENT_CSP, /; sandbox$/);
    assert.match(PREVIEW_DOCUMENT_CSP, /form-action 'none'/);
    // Everything after the policy is the sanitized body: still inert.
    assertInert(bodyOf(doc));
  });

  it('shows plain-text mail as escaped text, never as markup', () => {
    const doc = buildPreview({ html: '', text: 'Hi <script>alert(1)</script> & <img src=http://beacon.test/x>', attachments: [] });
    assert.equal(doc.kind, 'text');
    assert.match(doc.document, /Hi &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;img src=http:\/\/beacon\.test\/x&gt;/);
    assertInert(bodyOf(doc.document));
  });
});
