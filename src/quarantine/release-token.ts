import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Release-request links in digest emails carry a token that names one quarantined message
 * and one recipient and expires: `<id>.<recipient, base64url>.<expiry, epoch seconds>.<MAC>`,
 * the MAC being HMAC-SHA256 over everything before it. Whoever holds the link can ask for
 * that one message to be released (an administrator still decides), nothing more.
 */

export interface ReleaseTokenClaims {
  id: string;
  recipient: string;
  expiresAt: Date;
}

export type ReleaseTokenCheck = ({ ok: true } & ReleaseTokenClaims) | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const CONTEXT = 'medshield release-request\0';

function mac(payload: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest();
}

export function signReleaseToken(claims: ReleaseTokenClaims, secret: Buffer): string {
  if (!/^[0-9a-z]+$/.test(claims.id)) throw new TypeError(`release token: bad quarantine id '${claims.id}'`);
  const payload = `${claims.id}.${Buffer.from(claims.recipient, 'utf8').toString('base64url')}.${Math.floor(claims.expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

export function verifyReleaseToken(token: string, secret: Buffer, now: Date): ReleaseTokenCheck {
  const m = /^([0-9a-z]+)\.([A-Za-z0-9_-]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(typeof token === 'string' ? token.trim() : '');
  if (!m) return { ok: false, reason: 'malformed' };
  const [, id, recipient64, expiry, sig] = m as unknown as [string, string, string, string, string];
  const expected = mac(`${id}.${recipient64}.${expiry}`, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, id, recipient: Buffer.from(recipient64, 'base64url').toString('utf8'), expiresAt };
}
