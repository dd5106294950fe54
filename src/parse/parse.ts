import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { getHostname } from 'tldts';
import { extractHtml, findTextUrls, normalizeText } from './html.ts';
import { DEFAULT_LIMITS, UnscannableError, type ParseLimits } from './limits.ts';
import { checkMimeStructure } from './mime-structure.ts';
import type { Attachment, HeaderField, ImageRef, Link, Mailbox, ParsedMessage } from './message.ts';
import { sniffType } from './sniff.ts';

/**
 * Raw RFC 5322 bytes → ParsedMessage. Throws UnscannableError for input that cannot or
 * must not be parsed (over a limit, not a message at all); never anything else.
 */
export async function parseMessage(raw: Buffer, limits: ParseLimits = DEFAULT_LIMITS, depth = 0): Promise<ParsedMessage> {
  if (raw.length === 0) throw new UnscannableError('empty message', 'empty');
  if (raw.length > limits.maxBytes) {
    throw new UnscannableError(`message is ${raw.length} bytes, over the ${limits.maxBytes}-byte limit`, 'too-large');
  }
  if (depth === 0) checkMimeStructure(raw, limits);
  if (!looksLikeMessage(raw)) throw new UnscannableError('input has no RFC 5322 header block', 'malformed');

  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepDeliveryStatus: true,
    });
  } catch (err) {
    throw new UnscannableError(`MIME parser failed: ${(err as Error).message}`, 'malformed');
  }
  return normalize(parsed, raw, limits, depth);
}

function looksLikeMessage(raw: Buffer): boolean {
  const head = raw.subarray(0, 4096).toString('latin1');
  // The first line must be a header field (or an mbox "From " line some tools leave in).
  return /^(?:From [^\n]*\n)?[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(head.replace(/^\ufeff/, ''));
}

async function normalize(p: ParsedMail, raw: Buffer, limits: ParseLimits, depth: number): Promise<ParsedMessage> {
  const defects: string[] = [];
  const headers: HeaderField[] = (p.headerLines ?? []).map((h) => ({
    key: h.key.toLowerCase(),
    value: h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim(),
  }));

  const fromAll = mailboxes(p.from);
  const sender = mailboxes(p.headers.get('sender') as AddressObject | undefined)[0] ?? null;
  const returnPathRaw = headers.find((h) => h.key === 'return-path')?.value ?? '';
  const returnPath = parseBareAddress(returnPathRaw);
  if (fromAll.length === 0) defects.push('no From address');

  let html = typeof p.html === 'string' ? p.html : '';
  if (html.length > limits.maxHtmlBytes) {
    defects.push(`HTML body truncated to ${limits.maxHtmlBytes} bytes`);
    html = html.slice(0, limits.maxHtmlBytes);
  }
  const plain = normalizeText(p.text ?? '');
  const links: Link[] = [];
  const images: ImageRef[] = [];
  const forms: string[] = [];
  let text = plain;
  let hiddenTextChars = 0;

  const attachmentsByCid = new Map<string, Attachment>();
  const attachments: Attachment[] = [];
  for (const a of p.attachments ?? []) {
    const content = a.content ?? Buffer.alloc(0);
    const att: Attachment = {
      filename: a.filename ?? '',
      declaredType: (a.contentType ?? 'application/octet-stream').toLowerCase(),
      sniffedType: sniffType(content),
      size: content.length,
      content,
      disposition: a.contentDisposition === 'inline' ? 'inline' : 'attachment',
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : undefined,
    };
    if ((att.declaredType === 'message/rfc822' || att.sniffedType === 'message/rfc822') && depth < limits.maxDepth) {
      try {
        att.nested = await parseMessage(content, limits, depth + 1);
      } catch (err) {
        defects.push(`nested message ${att.filename || '(unnamed)'} unparseable: ${(err as Error).message}`);
      }
    }
    if (att.contentId) attachmentsByCid.set(att.contentId.toLowerCase(), att);
    attachments.push(att);
  }

  if (html) {
    const x = extractHtml(html, limits.maxLinks);
    hiddenTextChars = x.hiddenChars;
    // What the reader sees is the HTML part; the text/plain alternative may say something else.
    text = x.text.length > 0 || !plain ? x.text : plain;
    for (const l of x.links) links.push(toLink(l.href, l.text, 'html'));
    for (const r of x.refresh) links.push(toLink(r, '', 'html'));
    forms.push(...x.forms);
    for (const img of x.images) {
      const ref = imageFromSrc(img.src, attachmentsByCid, limits);
      if (ref) {
        if (img.width) ref.width = img.width;
        if (img.height) ref.height = img.height;
        images.push(ref);
      }
    }
  }
  if (plain) {
    const seen = new Set(links.map((l) => l.href));
    for (const u of findTextUrls(plain, limits.maxLinks)) if (!seen.has(u)) links.push(toLink(u, '', 'text'));
  }
  if (links.length > limits.maxLinks) {
    defects.push(`more than ${limits.maxLinks} links; the rest were not inspected`);
    links.length = limits.maxLinks;
  }

  // Image attachments not referenced from the HTML are images too (e.g. image-only mail).
  const referenced = new Set(images.map((i) => i.content).filter(Boolean));
  for (const a of attachments) {
    const isImage = a.sniffedType.startsWith('image/') || (a.sniffedType === '' && a.declaredType.startsWith('image/'));
    if (!isImage || referenced.has(a.content)) continue;
    images.push({
      kind: a.contentId || a.disposition === 'inline' ? 'inline' : 'attachment',
      contentType: a.sniffedType || a.declaredType,
      filename: a.filename,
      size: a.size,
      content: a.content,
    });
  }

  return {
    headers,
    from: fromAll[0] ?? null,
    fromAll,
    sender,
    replyTo: mailboxes(p.replyTo),
    returnPath,
    to: mailboxes(p.to),
    cc: mailboxes(p.cc),
    subject: (p.subject ?? '').replace(/\s+/g, ' ').trim(),
    messageId: p.messageId ?? '',
    date: p.date && !Number.isNaN(p.date.getTime()) ? p.date : null,
    text,
    html,
    htmlOnly: html.length > 0 && plain.length === 0,
    links,
    images,
    attachments,
    forms,
    hiddenTextChars,
    size: raw.length,
    defects,
  };
}

function mailboxes(field: AddressObject | AddressObject[] | undefined): Mailbox[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  const out: Mailbox[] = [];
  for (const obj of list) {
    for (const v of obj.value ?? []) {
      const members = v.group ?? [v];
      for (const m of members) out.push(toMailbox(m.name ?? '', m.address ?? ''));
    }
  }
  return out;
}

function toMailbox(name: string, address: string): Mailbox {
  const addr = address.trim().toLowerCase();
  const at = addr.lastIndexOf('@');
  return {
    name: name.replace(/\s+/g, ' ').trim(),
    address: addr,
    domain: at > 0 ? addr.slice(at + 1).replace(/\.$/, '') : '',
  };
}

function parseBareAddress(v: string): Mailbox | null {
  const m = /<([^>]*)>/.exec(v) ?? /(\S+@\S+)/.exec(v);
  if (!m || !m[1]) return null;
  return toMailbox('', m[1]);
}

function toLink(href: string, text: string, source: Link['source']): Link {
  const clean = href.replace(/[\u0000-\u001f\s]+/g, '');
  const sm = /^([a-z][a-z0-9+.-]*):/i.exec(clean);
  const scheme = sm ? sm[1].toLowerCase() : '';
  let host = '';
  if (scheme === 'http' || scheme === 'https' || scheme === 'ftp' || clean.startsWith('//')) {
    host = (getHostname(clean) ?? '').toLowerCase().replace(/\.$/, '');
  }
  return { href: clean, text, host, scheme, source };
}

function imageFromSrc(src: string, byCid: Map<string, Attachment>, limits: ParseLimits): ImageRef | null {
  const lower = src.slice(0, 10).toLowerCase();
  if (lower.startsWith('cid:')) {
    const att = byCid.get(decodeURIComponentSafe(src.slice(4)).replace(/^<|>$/g, '').toLowerCase());
    if (!att) return { kind: 'inline', contentType: '', filename: '', size: 0 };
    return { kind: 'inline', contentType: att.sniffedType || att.declaredType, filename: att.filename, size: att.size, content: att.content };
  }
  if (lower.startsWith('data:')) {
    const m = /^data:([^;,]*)(;base64)?,(.*)$/is.exec(src);
    if (!m) return null;
    // Bounded: a data: URI larger than the message limit cannot exist, but keep images sane.
    const payload = m[3].slice(0, Math.min(limits.maxBytes, 20 * 1024 * 1024));
    const content = m[2] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponentSafe(payload), 'latin1');
    return { kind: 'data', contentType: sniffType(content) || m[1].toLowerCase(), filename: '', size: content.length, content };
  }
  if (/^(https?:)?\/\//i.test(src)) return { kind: 'remote', contentType: '', filename: '', size: 0, url: src };
  return null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
