import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { DEFAULT_DETECT_OPTIONS, detectIntents } from '../../analyzers/content-intent/detect.ts';
import { compileHostList, SHORTENERS, USER_CONTENT_HOSTS, type CompiledHostList } from '../../analyzers/links/lists.ts';
import type { Signal } from '../../analyzers/analyzer.ts';
import { probeImage } from '../../faces/image-probe.ts';
import { embeddedImages } from '../../faces/photo-matcher.ts';
import type { Attachment, ParsedMessage } from '../../parse/message.ts';
import { isFreemail, registrableDomain } from '../../text/domains.ts';
import { uniqueIndicators, type Indicator } from './indicators.ts';
import { minhashSignature } from './minhash.ts';

/** What a message is, for campaign clustering and pull-back: its indicators and a few identifying fields. */
export interface MessageFeatures {
  indicators: Indicator[];
  /** MinHash signature of subject and text (null for short texts). */
  minhash: string | null;
  messageId: string;
  subject: string;
  fromName: string;
  fromAddress: string;
}

export interface ExtractContext {
  clientIp?: string | null;
  mailFrom?: string | null;
  /** The verdict's signals, when scanned (faces matched by the clinician-photo analyzer come from there). */
  signals?: Signal[];
  /**
   * Registrable domains that are never a campaign's own: the organisation's, its partners',
   * and the brand pack's (phish links to the real brand's site to look genuine).
   */
  wellKnownDomains: ReadonlySet<string>;
  /** Decode embedded images for perceptual hashes (a sharp decode each; skipped when nothing would use them). */
  images?: boolean;
  maxImages?: number;
}

let sharedHosts: { shorteners: CompiledHostList; userContent: CompiledHostList } | null = null;
function hostLists() {
  sharedHosts ??= { shorteners: compileHostList(SHORTENERS), userContent: compileHostList(USER_CONTENT_HOSTS) };
  return sharedHosts;
}

/** A link as `scheme://host/path`, lower-case host, no query or fragment (they carry per-recipient tokens and, at times, personal data). */
export function normalizeUrl(href: string): { host: string; path: string; value: string } | null {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (!host) return null;
  const path = u.pathname.replace(/\/+$/, '');
  return { host, path, value: `${u.protocol}//${host}${u.port ? `:${u.port}` : ''}${path}` };
}

function isPrivateIp(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  }
  const v6 = ip.toLowerCase();
  return v6 === '::1' || v6.startsWith('fe80:') || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('::ffff:127.');
}

/** A domain a campaign could own: a real registrable domain, not free mail, not ours or a brand's. */
function ownableDomain(domain: string, ctx: ExtractContext): string {
  const reg = registrableDomain(domain);
  if (!reg || isFreemail(reg) || ctx.wellKnownDomains.has(reg)) return '';
  return reg;
}

function allAttachments(list: Attachment[], depth = 0): Attachment[] {
  const out: Attachment[] = [];
  for (const a of list) {
    out.push(a);
    if (a.nested && depth < 3) out.push(...allAttachments(a.nested.attachments, depth + 1));
  }
  return out;
}

const FACE_SIGNALS = new Set(['DIRECTORY_PHOTO_FAKE_NAME', 'DIRECTORY_PHOTO_UNVERIFIED_SENDER']);

/** Whose directory photo the clinician-photo analyzer found shown under another name or by an unverified sender. */
export function facesFromSignals(signals: Signal[] = []): string[] {
  const out: string[] = [];
  for (const s of signals) {
    if (!FACE_SIGNALS.has(s.id)) continue;
    const m = /is the directory photo of (.+?)(?: \(|, )/.exec(s.evidence);
    if (m?.[1]) out.push(m[1].trim().toLowerCase());
  }
  return out;
}

/**
 * The indicators of one parsed message. Pure but for the image decodes; never throws on
 * odd content (a value that cannot be normalised is left out).
 */
export async function extractFeatures(msg: ParsedMessage, ctx: ExtractContext): Promise<MessageFeatures> {
  const out: Indicator[] = [];
  const fromAddress = msg.from?.address ?? '';
  if (fromAddress) {
    const reg = ownableDomain(fromAddress, ctx);
    // Free-mail senders are one person each; a campaign's own domain is the campaign.
    if (reg) out.push({ kind: 'sender-domain', value: reg });
    if (!ctx.wellKnownDomains.has(registrableDomain(fromAddress))) out.push({ kind: 'sender-address', value: fromAddress });
  }
  for (const r of msg.replyTo) {
    if (r.address && r.address !== fromAddress && !ctx.wellKnownDomains.has(registrableDomain(r.address))) out.push({ kind: 'reply-to', value: r.address });
  }
  const bounce = ctx.mailFrom || msg.returnPath?.address || '';
  if (bounce) {
    const reg = ownableDomain(bounce, ctx);
    if (reg) out.push({ kind: 'return-path-domain', value: reg });
  }
  if (ctx.clientIp && isIP(ctx.clientIp) && !isPrivateIp(ctx.clientIp)) out.push({ kind: 'client-ip', value: ctx.clientIp.toLowerCase() });

  const text = [msg.subject, msg.text].filter(Boolean).join('.\n');
  if (text) {
    const detection = detectIntents(text.slice(0, 100_000), { ...DEFAULT_DETECT_OPTIONS });
    for (const c of detection.callbacks) out.push({ kind: 'phone', value: c.phone.e164 });
  }

  const { shorteners, userContent } = hostLists();
  for (const link of msg.links.slice(0, 200)) {
    const n = normalizeUrl(link.href);
    if (!n) continue;
    const path = n.path;
    // On shared hosts (shorteners, document and form services) the domain is everyone's; the link itself is the campaign's.
    if (shorteners.has(n.host, path) || userContent.has(n.host, path)) {
      if (path.length > 1) out.push({ kind: 'url', value: n.value });
      continue;
    }
    const reg = ownableDomain(n.host, ctx);
    if (reg) {
      out.push({ kind: 'landing-domain', value: reg });
      out.push({ kind: 'url', value: n.value });
    }
  }

  for (const a of allAttachments(msg.attachments).slice(0, 50)) {
    if (a.size === 0 || a.declaredType === 'message/rfc822') continue;
    out.push({ kind: 'attachment-sha256', value: createHash('sha256').update(a.content).digest('hex') });
  }

  if (ctx.images) {
    for (const img of embeddedImages(msg.images).slice(0, ctx.maxImages ?? 5)) {
      const r = await probeImage(img.content!);
      if ('probe' in r) out.push({ kind: 'image-phash', value: r.probe.hashes.phash });
    }
  }
  for (const face of facesFromSignals(ctx.signals)) out.push({ kind: 'face', value: face });

  const minhash = minhashSignature(text);
  if (minhash) out.push({ kind: 'text-minhash', value: minhash });
  return {
    indicators: uniqueIndicators(out),
    minhash,
    messageId: msg.messageId.replace(/^<|>$/g, ''),
    subject: msg.subject,
    fromName: msg.from?.name ?? '',
    fromAddress,
  };
}
