import { constants, inflateSync } from 'node:zlib';

/**
 * A pdfid-style inventory of a PDF: which risky names occur (/JavaScript, /OpenAction,
 * /Launch, /EmbeddedFile, /URI, /AcroForm, /XFA…), also inside Flate-compressed object
 * streams and behind #xx name obfuscation, plus page count, link targets, how much text the
 * pages show, and what runs when the file opens.
 *
 * Why not pdf.js or another parser: they are large, render and interpret far more than we
 * need (fonts, images, layout), and a hostile PDF is exactly the input that finds their
 * bugs. We only need a name inventory and a handful of object look-ups, which a bounded scan
 * of the bytes gives: at most `maxBytes` scanned, `maxStreams` streams inflated, and every
 * inflation capped with maxOutputLength.
 */

export interface PdfLimits {
  maxBytes: number;
  maxStreams: number;
  maxStreamBytes: number;
  /** Total inflated bytes for this file; shared with nothing else. */
  maxInflateBytes: number;
}

export interface PdfEmbeddedFile {
  name: string;
  /** Decoded bytes, or null when the stream could not be decoded within limits. */
  content: Buffer | null;
}

export interface PdfReport {
  /** Counts of risky names (without the slash), after #xx decoding. */
  names: Record<string, number>;
  /** Risky names written with #xx escapes to dodge naive scanners, as found. */
  obfuscatedNames: string[];
  pages: number;
  uris: string[];
  /** What runs without a click when the file is opened, in plain words. */
  autoActions: string[];
  /** Programs or files a /Launch action starts. */
  launchTargets: string[];
  embeddedFiles: PdfEmbeddedFile[];
  /** JavaScript source found (first characters of each piece). */
  javascript: string[];
  /** Characters of text the page content streams draw. */
  shownTextChars: number;
  contentStreams: number;
  images: number;
  encrypted: boolean;
  /** Bytes produced by inflating streams (counted against the caller's budget). */
  inflatedBytes: number;
  /** Work was cut short by a limit; absence of a finding is then weaker evidence. */
  truncated: boolean;
}

export const RISKY_NAMES = [
  'JavaScript',
  'JS',
  'OpenAction',
  'AA',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'URI',
  'AcroForm',
  'XFA',
  'SubmitForm',
  'ImportData',
  'GoToR',
  'GoToE',
  'RichMedia',
  'ObjStm',
  'Encrypt',
] as const;
const RISKY = new Set<string>(RISKY_NAMES);
/** Action types that reach outside the document. */
const ACTIVE_ACTIONS = new Set(['JavaScript', 'Launch', 'URI', 'SubmitForm', 'ImportData', 'GoToR', 'GoToE']);
/** Additional-action triggers that fire without the reader clicking anything. */
const AUTOMATIC_TRIGGERS: Record<string, string> = { O: 'page open', PO: 'page open', PV: 'page shown', PI: 'page shown', WS: 'before saving', WP: 'before printing' };

interface PdfObject {
  /** Dictionary/body text with names normalised (#xx decoded). */
  text: string;
  stream?: Buffer;
}

const NAME_TOKEN = /\/([^\s/<>[\]()%{}]*)/g;

function decodeName(raw: string): string {
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Names with #xx escapes decoded, so "/J#61vaScript" reads as "/JavaScript". */
function normaliseNames(text: string): string {
  return text.includes('#') ? text.replace(NAME_TOKEN, (m, raw: string) => (raw.includes('#') ? `/${decodeName(raw)}` : m)) : text;
}

export function scanPdf(buf: Buffer, limits: PdfLimits): PdfReport {
  const report: PdfReport = {
    names: {},
    obfuscatedNames: [],
    pages: 0,
    uris: [],
    autoActions: [],
    launchTargets: [],
    embeddedFiles: [],
    javascript: [],
    shownTextChars: 0,
    contentStreams: 0,
    images: 0,
    encrypted: false,
    inflatedBytes: 0,
    truncated: buf.length > limits.maxBytes,
  };
  const data = buf.subarray(0, limits.maxBytes);
  const text = data.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const countNames = (raw: string) => {
    for (const m of raw.matchAll(NAME_TOKEN)) {
      const name = m[1].includes('#') ? decodeName(m[1]) : m[1];
      if (!RISKY.has(name)) continue;
      report.names[name] = (report.names[name] ?? 0) + 1;
      if (m[1] !== name && report.obfuscatedNames.length < 10) report.obfuscatedNames.push(`/${m[1]}`);
    }
  };
  let inflateLeft = limits.maxInflateBytes;
  let streamsLeft = limits.maxStreams;

  const decode = (dict: string, raw: Buffer): Buffer | null => {
    const filters = [...(/\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()]+)/.exec(dict)?.[1] ?? '').matchAll(/\/([^\s/<>[\]()]+)/g)].map((m) => m[1]);
    let out = raw;
    for (const f of filters) {
      if (f === 'FlateDecode' || f === 'Fl') {
        if (streamsLeft <= 0 || inflateLeft <= 0) {
          report.truncated = true;
          return null;
        }
        streamsLeft--;
        try {
          out = inflateSync(out, { maxOutputLength: Math.max(1, Math.min(limits.maxStreamBytes, inflateLeft)), finishFlush: constants.Z_SYNC_FLUSH });
        } catch (err) {
          if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') report.truncated = true;
          return null;
        }
        inflateLeft -= out.length;
        report.inflatedBytes += out.length;
      } else if (f === 'ASCIIHexDecode' || f === 'AHx') {
        out = Buffer.from(out.toString('latin1').replace(/>[\s\S]*$/, '').replace(/[^0-9a-fA-F]/g, ''), 'hex');
      } else if (f === 'ASCII85Decode' || f === 'A85') {
        out = ascii85(out);
      } else {
        return null; // image codecs and LZW: nothing we look for lives there
      }
    }
    return out;
  };

  // Pass 1: top-level objects. The cursor jumps over stream data so binary bytes are never
  // mistaken for object headers.
  const header = /(\d+)\s+\d+\s+obj\b/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const bodyStart = m.index + m[0].length;
    const endObj = text.indexOf('endobj', bodyStart);
    const streamAt = text.indexOf('stream', bodyStart);
    const obj: PdfObject = { text: '' };
    if (streamAt >= 0 && (endObj < 0 || streamAt < endObj)) {
      obj.text = normaliseNames(text.slice(bodyStart, streamAt));
      let dataStart = streamAt + 6;
      if (text[dataStart] === '\r') dataStart++;
      if (text[dataStart] === '\n') dataStart++;
      let dataEnd = text.indexOf('endstream', dataStart);
      if (dataEnd < 0) dataEnd = text.length;
      obj.stream = data.subarray(dataStart, dataEnd);
      header.lastIndex = dataEnd;
    } else {
      obj.text = normaliseNames(text.slice(bodyStart, endObj < 0 ? Math.min(text.length, bodyStart + 65536) : endObj));
      if (endObj >= 0) header.lastIndex = endObj;
    }
    objects.set(Number(m[1]), obj);
  }

  // Pass 2: unpack object streams (where modern and evasive PDFs keep their dictionaries).
  for (const obj of [...objects.values()]) {
    if (!obj.stream || !/\/Type\s*\/ObjStm\b/.test(obj.text)) continue;
    const body = decode(obj.text, obj.stream);
    if (!body) continue;
    const first = Number(/\/First\s+(\d+)/.exec(obj.text)?.[1] ?? 0);
    const s = body.toString('latin1');
    const nums = s.slice(0, first).trim().split(/\s+/).map(Number);
    for (let i = 0; i + 1 < nums.length; i += 2) {
      const start = first + nums[i + 1];
      const end = i + 3 < nums.length ? first + nums[i + 3] : s.length;
      if (objects.has(nums[i])) continue;
      const raw = s.slice(start, end);
      countNames(raw);
      objects.set(nums[i], { text: normaliseNames(raw) });
    }
  }

  // Trailers hold /Encrypt in classic files; cross-reference stream dictionaries are objects.
  const trailers = [...text.matchAll(/trailer\s*(<<[\s\S]{0,2000}?>>)/g)].map((t) => normaliseNames(t[1]));

  const resolve = (ref: string): PdfObject | undefined => objects.get(Number(/^(\d+)/.exec(ref)?.[1] ?? -1));
  // Names are counted on the raw text (so obfuscation is seen) outside stream data; object-stream members are counted as they are unpacked.
  countNames(text.replace(/(?<!end)stream\r?\n[\s\S]*?endstream/g, ' '));

  let pagesFromTree = 0;
  for (const obj of objects.values()) {
    const t = obj.text;
    if (/\/Type\s*\/Page(?![A-Za-z])/.test(t)) report.pages++;
    if (/\/Type\s*\/Pages\b/.test(t) && !/\/Parent\b/.test(t)) pagesFromTree = Math.max(pagesFromTree, Number(/\/Count\s+(\d+)/.exec(t)?.[1] ?? 0));
    for (const u of t.matchAll(/\/URI\s*(\(|<(?!<))/g)) {
      const uri = u[1] === '(' ? readLiteralString(t, u.index + u[0].length) : Buffer.from(t.slice(u.index + u[0].length).split('>')[0].replace(/\s/g, ''), 'hex').toString('latin1');
      if (uri && !report.uris.includes(uri) && report.uris.length < 50) report.uris.push(uri);
    }
    if (/\/Subtype\s*\/Image\b/.test(t)) report.images++;
    if (/\/S\s*\/Launch\b/.test(t)) {
      const target = /\/F\s*\(/.exec(t);
      const file = target ? readLiteralString(t, target.index + target[0].length) : '';
      const params = /\/P\s*\(/.exec(t);
      report.launchTargets.push([file, params ? readLiteralString(t, params.index + params[0].length) : ''].filter(Boolean).join(' ') || '(unnamed program)');
    }
    const js = /\/JS\s*(\(|<(?!<)|\d+\s+\d+\s+R)/.exec(t);
    if (js && report.javascript.length < 20) {
      let code = '';
      if (js[1] === '(') code = readLiteralString(t, js.index + js[0].length);
      else if (js[1].startsWith('<')) code = Buffer.from(t.slice(js.index + js[0].length).split('>')[0].replace(/\s/g, ''), 'hex').toString('latin1');
      else {
        const target = resolve(js[1]);
        const decoded = target?.stream ? decode(target.text, target.stream) : null;
        code = decoded ? decoded.subarray(0, 4096).toString('latin1') : '';
      }
      report.javascript.push(code.slice(0, 4096));
    }
    if (/\/Type\s*\/Filespec\b/.test(t) || /\/EF\s*<</.test(t)) {
      const ef = /\/EF\s*<<[^>]*?\/(?:F|UF)\s+(\d+\s+\d+\s+R)/.exec(t);
      if (ef && report.embeddedFiles.length < 20) {
        const nameMatch = /\/UF\s*\(/.exec(t) ?? /\/F\s*\(/.exec(t);
        const name = nameMatch ? decodePdfText(readLiteralString(t, nameMatch.index + nameMatch[0].length)) : '(unnamed)';
        const stream = resolve(ef[1]);
        report.embeddedFiles.push({ name, content: stream?.stream ? decode(stream.text, stream.stream) : null });
      }
    }
  }
  if (report.pages === 0) report.pages = pagesFromTree;
  report.encrypted = trailers.some((t) => /\/Encrypt\b/.test(t)) || [...objects.values()].some((o) => /\/Type\s*\/XRef\b/.test(o.text) && /\/Encrypt\b/.test(o.text));

  // What runs on open.
  const actionType = (value: string): string => {
    const trimmed = value.trimStart();
    let body = '';
    if (trimmed.startsWith('<<')) body = balancedDict(trimmed);
    else if (/^\d+\s+\d+\s+R/.test(trimmed)) body = resolve(trimmed)?.text ?? '';
    else return '';
    const s = /\/S\s*\/(\w+)/.exec(body)?.[1] ?? (/\/JS\b/.test(body) ? 'JavaScript' : '');
    return ACTIVE_ACTIONS.has(s) ? s : '';
  };
  for (const obj of objects.values()) {
    const t = obj.text;
    const open = /\/OpenAction\b/.exec(t);
    if (open) {
      const type = actionType(t.slice(open.index + open[0].length));
      if (type) report.autoActions.push(`opening the file triggers a ${describeAction(type)}`);
    }
    const aa = /\/AA\s*(<<|\d+\s+\d+\s+R)/.exec(t);
    if (aa) {
      const dict = aa[1] === '<<' ? balancedDict(t.slice(aa.index + 3).trimStart()) : (resolve(aa[1])?.text ?? '');
      for (const [trigger, when] of Object.entries(AUTOMATIC_TRIGGERS)) {
        const at = new RegExp(`/${trigger}\\s*(?=<<|\\d+\\s+\\d+\\s+R)`).exec(dict);
        if (!at) continue;
        const type = actionType(dict.slice(at.index + at[0].length));
        if (type) report.autoActions.push(`${when} triggers a ${describeAction(type)}`);
      }
    }
    if (/\/Names\s*<<[\s\S]{0,400}?\/JavaScript\s+\d+\s+\d+\s+R/.test(t)) report.autoActions.push('document-level JavaScript runs when the file opens');
  }
  report.autoActions = [...new Set(report.autoActions)];

  // How much text the pages draw: strings shown between BT and ET in content streams.
  for (const obj of objects.values()) {
    if (!obj.stream || /\/Subtype\s*\/Image\b|\/Type\s*\/(ObjStm|XRef|Metadata|EmbeddedFile)\b|\/Length[123]\b|\/Subtype\s*\/(Type1C|CIDFontType0C|OpenType|XML)\b/.test(obj.text)) continue;
    if (/\/(JS|S\s*\/JavaScript)\b/.test(obj.text)) continue;
    const content = decode(obj.text, obj.stream);
    if (!content || !/\bBT\b/.test(content.subarray(0, 1 << 20).toString('latin1'))) continue;
    report.contentStreams++;
    report.shownTextChars += shownText(content.subarray(0, 4 << 20).toString('latin1'));
  }
  return report;
}

function describeAction(type: string): string {
  switch (type) {
    case 'JavaScript':
      return 'JavaScript action';
    case 'Launch':
      return 'Launch action (starts a program or file)';
    case 'URI':
      return 'web link (opens the browser)';
    case 'SubmitForm':
      return 'form submission to a server';
    case 'ImportData':
      return 'data import';
    default:
      return `${type} action (opens another file)`;
  }
}

function balancedDict(s: string): string {
  let depth = 0;
  for (let i = 0; i < s.length - 1 && i < 65536; i++) {
    if (s[i] === '<' && s[i + 1] === '<') {
      depth++;
      i++;
    } else if (s[i] === '>' && s[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return s.slice(0, i + 1);
    } else if (s[i] === '(') {
      // Skip strings: they may contain unbalanced brackets.
      let nest = 1;
      for (i++; i < s.length && nest > 0; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') nest++;
        else if (s[i] === ')') nest--;
      }
      i--;
    }
  }
  return s.slice(0, 65536);
}

/** A PDF literal string starting just after its "(": escapes, octal codes and nested parentheses. */
function readLiteralString(s: string, from: number): string {
  let out = '';
  let nest = 1;
  for (let i = from; i < s.length && out.length < 65536; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[++i];
      if (n === undefined) break;
      if (/[0-7]/.test(n)) {
        const oct = /^[0-7]{1,3}/.exec(s.slice(i, i + 3))![0];
        out += String.fromCharCode(parseInt(oct, 8) & 0xff);
        i += oct.length - 1;
      } else if (n === '\r' || n === '\n') {
        if (n === '\r' && s[i + 1] === '\n') i++;
      } else out += { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[n] ?? n;
    } else if (c === '(') {
      nest++;
      out += c;
    } else if (c === ')') {
      if (--nest === 0) break;
      out += c;
    } else out += c;
  }
  return out;
}

/** PDF text strings are PDFDocEncoding or UTF-16BE with a BOM. */
function decodePdfText(s: string): string {
  if (s.startsWith('\u00fe\u00ff')) return Buffer.from(Buffer.from(s.slice(2), 'latin1')).swap16().toString('utf16le').replace(/\0+$/, '');
  return s;
}

function shownText(content: string): number {
  let chars = 0;
  for (const block of content.matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
    const b = block[1];
    for (let i = 0; i < b.length; i++) {
      if (b[i] === '(') {
        let nest = 1;
        for (i++; i < b.length && nest > 0; i++) {
          if (b[i] === '\\') i++;
          else if (b[i] === '(') nest++;
          else if (b[i] === ')') nest--;
          // Two-byte (CID) fonts put a NUL before every Latin letter; count letters, not bytes.
          if (nest > 0 && b[i] !== '\0') chars++;
        }
        i--;
      } else if (b[i] === '<' && b[i + 1] !== '<') {
        const end = b.indexOf('>', i);
        if (end < 0) break;
        const hex = b.slice(i + 1, end).replace(/\s/g, '');
        for (let h = 0; h + 1 < hex.length; h += 2) if (hex[h] !== '0' || hex[h + 1] !== '0') chars++;
        i = end;
      }
    }
  }
  return chars;
}

function ascii85(buf: Buffer): Buffer {
  const s = buf.toString('latin1').replace(/^\s*<~/, '').replace(/~>[\s\S]*$/, '').replace(/\s/g, '');
  const out: number[] = [];
  let group: number[] = [];
  for (const ch of s) {
    if (ch === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const v = ch.charCodeAt(0) - 33;
    if (v < 0 || v > 84) continue;
    group.push(v);
    if (group.length === 5) {
      let n = 0;
      for (const g of group) n = n * 85 + g;
      out.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
      group = [];
    }
  }
  if (group.length > 1) {
    const len = group.length;
    while (group.length < 5) group.push(84);
    let n = 0;
    for (const g of group) n = n * 85 + g;
    out.push(...[(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].slice(0, len - 1));
  }
  return Buffer.from(out);
}
