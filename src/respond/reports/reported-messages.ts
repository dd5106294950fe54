import { isArf, parseArf, type ArfReport } from './arf.ts';
import { decodeBody, header, MimeError, parseMimeTree, type MimePart } from './mime-parts.ts';

/**
 * What a user report carries: the reported message(s) inside it. Staff forward phishing "as
 * attachment" (a message/rfc822 part, or an .eml file), report buttons send ARF, some
 * systems send only the reported header block (text/rfc822-headers).
 */

export interface ReportedOriginal {
  raw: Buffer;
  /** Only the header block was reported (no body to rescan). */
  headersOnly: boolean;
}

export interface ReportContents {
  kind: 'arf' | 'attachment' | 'headers-only' | 'none';
  originals: ReportedOriginal[];
  arf: ArfReport | null;
  /** The report's own From address (the reporter, for reports sent by mail). */
  from: string;
  subject: string;
  problems: string[];
}

const MAX_ORIGINALS = 10;

function addressOf(v: string | undefined): string {
  if (!v) return '';
  const m = /<([^>]+)>/.exec(v) ?? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(v);
  return (m?.[1] ?? '').trim().toLowerCase();
}

function isMessagePart(p: MimePart): boolean {
  if (p.contentType === 'message/rfc822' || p.contentType === 'message/global') return true;
  // Some clients attach a saved message as a file rather than as a message part.
  return /\.eml$/i.test(p.filename) && (p.contentType === 'application/octet-stream' || p.contentType.startsWith('application/') || p.contentType === 'text/plain');
}

export function readReport(raw: Buffer): ReportContents {
  let root: MimePart;
  try {
    root = parseMimeTree(raw);
  } catch (err) {
    const msg = err instanceof MimeError ? err.message : `unreadable: ${(err as Error).message}`;
    return { kind: 'none', originals: [], arf: null, from: '', subject: '', problems: [msg] };
  }
  const from = addressOf(header(root, 'from'));
  const subject = (header(root, 'subject') ?? '').slice(0, 300);
  if (isArf(root)) {
    try {
      const arf = parseArf(root);
      const originals = arf.original ? [{ raw: arf.original, headersOnly: arf.headersOnly }] : [];
      return { kind: arf.headersOnly ? 'headers-only' : 'arf', originals, arf, from, subject, problems: arf.problems };
    } catch (err) {
      return { kind: 'none', originals: [], arf: null, from, subject, problems: [(err as Error).message] };
    }
  }
  // Forwarded as attachment: message parts of the report itself, not messages nested inside those.
  const originals: ReportedOriginal[] = [];
  const visit = (p: MimePart) => {
    for (const c of p.children) {
      if (originals.length >= MAX_ORIGINALS) return;
      if (isMessagePart(c)) originals.push({ raw: decodeBody(c), headersOnly: false });
      else if (c.contentType === 'text/rfc822-headers') originals.push({ raw: decodeBody(c), headersOnly: true });
      else if (c.children.length) visit(c);
    }
  };
  visit(root);
  const usable = originals.filter((o) => o.raw.length > 0);
  if (usable.length === 0) return { kind: 'none', originals: [], arf: null, from, subject, problems: ['the report has no attached message (forward the suspicious mail as an attachment)'] };
  return { kind: usable.every((o) => o.headersOnly) ? 'headers-only' : 'attachment', originals: usable, arf: null, from, subject, problems: [] };
}

/** The Medshield spool id in a delivered copy's Received trace ("by <host> (Medshield) with ESMTP id <spool id>"). */
export function medshieldSpoolIds(original: Buffer): string[] {
  const head = original.subarray(0, 256 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const out: string[] = [];
  const re = /\(Medshield\) with [A-Z]+ id ([0-9a-z]{9}-[0-9a-f]{16})/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(head.replace(/\r?\n[ \t]+/g, ' ')))) out.push(m[1]!);
  return [...new Set(out)];
}

export function messageIdOf(original: Buffer): string {
  const head = original.subarray(0, 256 * 1024).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const m = /^message-id:[ \t]*(.*)$/im.exec(head.replace(/\r?\n[ \t]+/g, ' '));
  return (m?.[1] ?? '').trim().replace(/^<|>$/g, '');
}

