import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The header that lets Medshield's own simulation mail past Medshield's filter, and nothing
 * else. It is an HMAC (key derived from the installation's message key) over the simulation
 * recipient's id, a time stamp, a single-use nonce, the envelope recipients, the Message-ID
 * and a digest of the body, so it cannot be made up (forged), moved to another message or
 * another recipient (bound), or sent a second time (the gateway keeps every nonce it has
 * honoured: replayed). Anything wrong with it means no bypass: the message is scanned as usual.
 *
 *   X-Medshield-Simulation-Auth: v=1; t=<target id>; ts=<unix seconds>; n=<nonce>; s=<signature>
 *
 * Every X-Medshield-* header is removed on delivery, so recipients never see it.
 */

export const BYPASS_HEADER = 'X-Medshield-Simulation-Auth';

export type BypassCheck =
  | { ok: true; targetId: number; nonce: string; issuedAt: number }
  | { ok: false; reason: 'absent' | 'malformed' | 'bad-signature' | 'expired' | 'from-the-future' };

interface Parts {
  head: string;
  body: Buffer;
}

function split(raw: Buffer): Parts {
  const i = raw.indexOf('\r\n\r\n');
  const j = i < 0 ? raw.indexOf('\n\n') : -1;
  const end = i >= 0 ? i + 4 : j >= 0 ? j + 2 : raw.length;
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end) };
}

/** Unfolded values of a header field, in order. */
function fieldValues(head: string, name: string): string[] {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name.replace(/[^A-Za-z0-9-]/g, '')}[ \\t]*:[ \\t]*(.*?)[ \\t]*\\r?$`, 'gim');
  return [...unfolded.matchAll(re)].map((m) => m[1]!);
}

/**
 * The body as signed: line ends as CRLF and trailing ones dropped, since SMTP clients and
 * relays add a final line end and turn bare LFs into CRLF (DKIM's canonicalization ignores
 * the same differences).
 */
function canonicalBody(body: Buffer): Buffer {
  let end = body.length;
  while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end--;
  const b = body.subarray(0, end);
  return b.includes(0x0a) ? Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : b;
}

function signedText(targetId: number, ts: number, nonce: string, rcptTo: readonly string[], messageId: string, body: Buffer): string {
  const recipients = [...new Set(rcptTo.map((r) => r.trim().toLowerCase()))].sort().join(',');
  const digest = createHash('sha256').update(canonicalBody(body)).digest('hex');
  return ['medshield-simulation-bypass/1', targetId, ts, nonce, recipients, messageId.trim(), digest].join('\n');
}

function signature(secret: Buffer, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/**
 * The header line for a composed message (CRLF line ends, a Message-ID, the final body):
 * put it on top of the message. The body and Message-ID must not change afterwards.
 */
export function bypassHeaderFor(secret: Buffer, o: { raw: Buffer; targetId: number; rcptTo: readonly string[]; now: number; nonce?: string }): string {
  const { head, body } = split(o.raw);
  const ids = fieldValues(head, 'Message-ID');
  if (ids.length !== 1) throw new Error('a simulation message needs exactly one Message-ID before it is signed');
  const ts = Math.floor(o.now / 1000);
  const nonce = o.nonce ?? randomBytes(16).toString('base64url');
  const sig = signature(secret, signedText(o.targetId, ts, nonce, o.rcptTo, ids[0]!, body)).toString('base64url');
  return `${BYPASS_HEADER}: v=1; t=${o.targetId}; ts=${ts}; n=${nonce}; s=${sig}`;
}

/** Checks the header of a received message against its envelope recipients (no replay check: see BypassNonces). */
export function checkBypassHeader(secret: Buffer, o: { raw: Buffer; rcptTo: readonly string[]; now: number; maxAgeSeconds: number }): BypassCheck {
  const { head, body } = split(o.raw);
  const values = fieldValues(head, BYPASS_HEADER);
  if (values.length === 0) return { ok: false, reason: 'absent' };
  // Two headers: someone added one to a message that had one; honour neither.
  if (values.length > 1) return { ok: false, reason: 'malformed' };
  const fields = new Map<string, string>();
  for (const part of values[0]!.split(';')) {
    const m = /^\s*([a-z]+)=([A-Za-z0-9_-]+)\s*$/.exec(part);
    if (!m || fields.has(m[1]!)) return { ok: false, reason: 'malformed' };
    fields.set(m[1]!, m[2]!);
  }
  const v = fields.get('v');
  const t = Number(fields.get('t'));
  const ts = Number(fields.get('ts'));
  const nonce = fields.get('n') ?? '';
  const sig = Buffer.from(fields.get('s') ?? '', 'base64url');
  if (v !== '1' || !Number.isSafeInteger(t) || t <= 0 || !Number.isSafeInteger(ts) || nonce.length < 16 || nonce.length > 64 || sig.length !== 32) return { ok: false, reason: 'malformed' };
  const ids = fieldValues(head, 'Message-ID');
  if (ids.length !== 1) return { ok: false, reason: 'malformed' };
  const expected = signature(secret, signedText(t, ts, nonce, o.rcptTo, ids[0]!, body));
  if (!timingSafeEqual(sig, expected)) return { ok: false, reason: 'bad-signature' };
  const age = Math.floor(o.now / 1000) - ts;
  if (age > o.maxAgeSeconds) return { ok: false, reason: 'expired' };
  // A little clock skew between the sender and the gateway is tolerated, not a header from tomorrow.
  if (age < -300) return { ok: false, reason: 'from-the-future' };
  return { ok: true, targetId: t, nonce, issuedAt: ts * 1000 };
}
