/**
 * The MIME structure of a report, with each part's bytes as they were. A report's point is
 * the message inside it (a `message/rfc822` part, or an ARF report's third part), and that
 * message must come out byte for byte so it scans as the recipient got it; mailparser
 * renders inline message parts into the outer text and does not give them back, so the
 * tree is walked here (bounded like src/parse/mime-structure.ts: parts and depth).
 */

export interface MimePart {
  /** Lower-case header names to unfolded values, in order. */
  headers: [string, string][];
  /** Lower-case type/subtype; text/plain when absent (RFC 2045 5.2). */
  contentType: string;
  params: Record<string, string>;
  disposition: string;
  filename: string;
  transferEncoding: string;
  /** The body as transmitted (not decoded). */
  body: Buffer;
  children: MimePart[];
}

export interface MimeLimits {
  maxParts: number;
  maxDepth: number;
}

export class MimeError extends Error {}

export function header(part: MimePart, name: string): string | undefined {
  const n = name.toLowerCase();
  return part.headers.find(([k]) => k === n)?.[1];
}

/** `type/subtype; a=b; c="d e"` → type and parameters (names lower-case). */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const semi = value.indexOf(';');
  const main = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  return { value: main, params };
}

/** Header block → fields, unfolded. */
export function parseHeaderBlock(block: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}

function splitHead(s: string, start: number, end: number): { head: string; bodyStart: number } {
  if (s.startsWith('\r\n', start)) return { head: '', bodyStart: start + 2 };
  if (s[start] === '\n') return { head: '', bodyStart: start + 1 };
  const re = /\r?\n\r?\n/g;
  re.lastIndex = start;
  const m = re.exec(s);
  if (!m || m.index >= end) return { head: s.slice(start, end), bodyStart: end };
  return { head: s.slice(start, m.index), bodyStart: m.index + m[0].length };
}

export function parseMimeTree(raw: Buffer, limits: MimeLimits = { maxParts: 500, maxDepth: 12 }): MimePart {
  const s = raw.toString('latin1');
  let parts = 0;
  const walk = (start: number, end: number, depth: number): MimePart => {
    if (++parts > limits.maxParts) throw new MimeError(`more than ${limits.maxParts} MIME parts`);
    if (depth > limits.maxDepth) throw new MimeError(`MIME nesting deeper than ${limits.maxDepth}`);
    const { head, bodyStart } = splitHead(s, start, end);
    const headers = parseHeaderBlock(head);
    const get = (n: string) => headers.find(([k]) => k === n)?.[1];
    const ct = parseParams(get('content-type') ?? 'text/plain');
    const cd = parseParams(get('content-disposition') ?? '');
    const part: MimePart = {
      headers,
      contentType: ct.value || 'text/plain',
      params: ct.params,
      disposition: cd.value,
      filename: cd.params.filename ?? ct.params.name ?? '',
      transferEncoding: (get('content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
      body: Buffer.from(s.slice(bodyStart, end), 'latin1'),
      children: [],
    };
    if (part.contentType.startsWith('multipart/') && part.params.boundary) {
      const delimiter = `--${part.params.boundary}`;
      let pos = bodyStart;
      let partStart = -1;
      while (pos < end) {
        const at = s.indexOf(delimiter, pos);
        if (at < 0 || at >= end) break;
        const nl = s.indexOf('\n', at);
        const lineEnd = nl < 0 || nl > end ? end : nl + 1;
        if (at === 0 || s[at - 1] === '\n') {
          if (partStart >= 0) part.children.push(walk(partStart, trimDelimiterNewline(s, partStart, at), depth + 1));
          if (s.startsWith('--', at + delimiter.length)) {
            partStart = -1;
            break;
          }
          partStart = lineEnd;
        }
        pos = lineEnd;
      }
      if (partStart >= 0 && partStart < end) part.children.push(walk(partStart, end, depth + 1));
    }
    return part;
  };
  return walk(0, s.length, 0);
}

/** The CRLF before a boundary line belongs to the boundary (RFC 2046 5.1.1). */
function trimDelimiterNewline(s: string, start: number, at: number): number {
  if (at - 2 >= start && s[at - 2] === '\r' && s[at - 1] === '\n') return at - 2;
  if (at - 1 >= start && s[at - 1] === '\n') return at - 1;
  return at;
}

export function decodeBody(part: MimePart): Buffer {
  if (part.transferEncoding === 'base64') return Buffer.from(part.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (part.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(part.body.toString('latin1'));
  return part.body;
}

/** RFC 2045 6.7: soft line breaks removed, =XX decoded, anything malformed kept as written. */
export function decodeQuotedPrintable(text: string): Buffer {
  const src = text.replace(/[ \t]+(\r?\n)/g, '$1').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

/** Every part, depth first. */
export function allParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const visit = (p: MimePart) => {
    out.push(p);
    for (const c of p.children) visit(c);
  };
  visit(root);
  return out;
}
