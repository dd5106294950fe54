import { Joiner, Rewriter, Splitter, type Headers, type MimeNode } from '@zone-eu/mailsplit';
import iconv from 'iconv-lite';
import { Transform, type TransformCallback } from 'node:stream';
import type { Verdict } from '../../engine/verdict.ts';
import { htmlBanner, textBanner } from './banner.ts';

/**
 * Turns an accepted message into what recipients receive: inbound X-Medshield-* headers
 * removed (anyone can write them), an Authentication-Results header under our authserv-id
 * (older ones claiming that id removed, RFC 8601 section 5), the verdict headers, and for
 * tagged mail a banner at the top of the first text and HTML body parts.
 *
 * mailsplit (the splitter behind mailparser and WildDuck) rewrites only those parts and
 * passes every other byte through unchanged, so signatures on attachments, nested
 * multiparts and odd encodings survive. A banner part is re-encoded as UTF-8 (its original
 * charset decoded first) with a transfer encoding that fits it.
 */
export interface RenderOptions {
  verdict: Verdict | null;
  /** Value of X-Medshield-Verdict (deliver, tag, released…); null: add no Medshield headers. */
  label: string | null;
  authservId: string;
  /** Banner lines; null or empty: no banner. */
  banner: string[] | null;
  /** Who the banner says it is from, e.g. "Medshield (St Mary's Health)". */
  bannerSource?: string;
}

export async function renderForDelivery(raw: Buffer, o: RenderOptions): Promise<Buffer> {
  const splitter = new Splitter({ maxHeadSize: 2 * 1024 * 1024 });
  const joiner = new Joiner();
  const bannered = { text: false, html: false };
  let addedToBody = false;
  let rootNode: MimeNode | null = null;

  const headerEditor = new Transform({
    objectMode: true,
    transform(chunk: { type: string } & Partial<MimeNode>, _enc, cb: TransformCallback) {
      if (chunk.type === 'node' && (chunk as MimeNode).root && !rootNode) {
        rootNode = chunk as MimeNode;
        editRootHeaders(rootNode, o);
      }
      cb(null, chunk);
    },
  });

  const wantBanner = !!o.banner && o.banner.length > 0;
  const rewriter = new Rewriter((node: MimeNode) => {
    if (!wantBanner || node.multipart || node.disposition === 'attachment' || insideAttachedMessage(node)) return false;
    const kind = node.contentType === 'text/plain' ? 'text' : node.contentType === 'text/html' ? 'html' : null;
    if (!kind || bannered[kind]) return false;
    if (!decodable(node.charset)) return false;
    bannered[kind] = true;
    return true;
  });
  rewriter.on('node', (data: { node: MimeNode; decoder: NodeJS.ReadableStream; encoder: NodeJS.WritableStream }) => {
    const chunks: Buffer[] = [];
    data.decoder.on('data', (c: Buffer) => chunks.push(c));
    data.decoder.on('end', () => {
      const body = decodeText(Buffer.concat(chunks), data.node.charset);
      const withBanner =
        data.node.contentType === 'text/html' ? insertHtmlBanner(body, htmlBanner(o.banner!, o.bannerSource)) : textBanner(o.banner!, o.bannerSource) + body;
      data.node.setCharset('utf-8');
      addedToBody = true;
      data.encoder.end(Buffer.from(withBanner, 'utf8'));
    });
  });

  const out: Buffer[] = [];
  const sink = joiner as Transform;
  sink.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    for (const s of [splitter, headerEditor, rewriter, sink] as Transform[]) s.on('error', reject);
  });
  splitter.pipe(headerEditor).pipe(rewriter).pipe(joiner);
  splitter.end(raw);
  await done;
  // Our headers go on top, above everything including a rewritten part's new MIME headers,
  // as trace headers do (RFC 8601 section 4: Authentication-Results is prepended).
  const top = verdictHeaders(o);
  if (addedToBody && rootNode && !headersOf(rootNode).hasHeader('MIME-Version')) top.push('MIME-Version: 1.0');
  const body = Buffer.concat(out);
  return top.length ? Buffer.concat([Buffer.from(top.map((h) => `${h}\r\n`).join('')), body]) : body;
}

function headersOf(node: MimeNode): Headers {
  if (!node.headers) node.parseHeaders();
  return node.headers as Headers;
}

function editRootHeaders(node: MimeNode, o: RenderOptions): void {
  const headers = headersOf(node);
  const keys = new Set(headers.getList().map((h) => h.key));
  for (const key of keys) if (key.startsWith('x-medshield-')) headers.remove(key);
  const ar = headers.get('Authentication-Results');
  // Anyone can write these; only ours (added on top) may be believed.
  if (ar.length) {
    const ours = o.authservId.toLowerCase();
    const kept = ar.filter((line) => authservIdOf(line) !== ours);
    if (kept.length !== ar.length) {
      headers.remove('Authentication-Results');
      // Re-added in the original order below ours.
      for (let i = kept.length - 1; i >= 0; i--) headers.addFormatted('Authentication-Results', kept[i]!, 0);
    }
  }
}

function verdictHeaders(o: RenderOptions): string[] {
  if (o.label === null) return [];
  const v = o.verdict;
  const lines: string[] = [];
  if (v?.auth.header) lines.push(fold('Authentication-Results', v.auth.header));
  lines.push(`X-Medshield-Verdict: ${o.label}`);
  if (v) {
    lines.push(`X-Medshield-Score: ${v.score}`);
    const signals = v.signals.filter((s) => s.score !== 0 || s.id === 'UNSCANNABLE');
    if (signals.length) lines.push(fold('X-Medshield-Signals', signals.map((s) => `${s.id}=${s.score}`).join(', ')));
  }
  return lines;
}

/** A header line folded at its list separators (already folded values are kept as they are). */
function fold(name: string, value: string): string {
  if (/\r\n/.test(value)) return `${name}: ${value}`;
  const parts = value.split(/(?<=[;,]) /);
  const lines: string[] = [];
  let line = `${name}:`;
  for (const p of parts) {
    if (line.length + 1 + p.length > 76 && line.length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${p}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** authserv-id of a raw `Authentication-Results: id; ...` line, lower-case. */
function authservIdOf(line: string): string {
  const value = line.slice(line.indexOf(':') + 1).replace(/\([^)]*\)/g, ' ');
  return (value.split(';')[0] ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
}

/** A part of a forwarded (attached) message belongs to that message; its banner would mislead. */
function insideAttachedMessage(node: MimeNode): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) if (p.rfc822) return true;
  return false;
}

// iconv-lite rather than TextDecoder: Node 20's TextDecoder decodes windows-1252 as ISO-8859-1,
// turning Outlook's curly quotes into control characters.
function decodable(charset: string | false): boolean {
  return !charset || iconv.encodingExists(charset.trim());
}

/** Declared charset first; undeclared 8-bit text is UTF-8 when it decodes as such, else Windows-1252 (what mail clients assume). */
function decodeText(bytes: Buffer, charset: string | false): string {
  if (charset) return iconv.decode(bytes, charset.trim());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'windows-1252');
  }
}

/** After <body …> when there is one, else before everything (fragments without <body> are common). */
function insertHtmlBanner(html: string, banner: string): string {
  const body = /<body\b[^>]*>/i.exec(html);
  if (body) return html.slice(0, body.index + body[0].length) + banner + html.slice(body.index + body[0].length);
  return banner + html;
}
