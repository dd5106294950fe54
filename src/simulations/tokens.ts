import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short signed tokens for the links in simulation mail and training mail. A token names
 * one thing (a simulation recipient and which of their links, or a learner) and carries an
 * HMAC over it, so a link cannot be altered to name someone else, and none can be made up:
 * guessing one takes 2^96 tries on average. The key is derived from the installation's
 * message key (deriveSecret), so nothing new has to be configured or backed up.
 *
 * Layout (base64url): version (1) | kind (1) | id (6, big-endian) | extra (2) | MAC (12).
 */

export const TOKEN_KINDS = {
  /** A link in a simulation message; `extra` is the link's number in the message. */
  click: 0x63,
  /** The tracking pixel of a simulation message. */
  open: 0x6f,
  /** A learner's personal training link; `extra` is the day it was issued (days since 1970, mod 2^16). */
  learner: 0x6c,
} as const;
export type TokenKind = keyof typeof TOKEN_KINDS;

const VERSION = 1;
const BODY = 10;
const MAC = 12;
const MAX_ID = 2 ** 48 - 1;

export interface TokenClaims {
  kind: TokenKind;
  id: number;
  extra: number;
}

export class LinkSigner {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('link signing key must be at least 32 bytes');
  }

  sign(c: TokenClaims): string {
    if (!Number.isSafeInteger(c.id) || c.id < 0 || c.id > MAX_ID) throw new RangeError(`token id out of range: ${c.id}`);
    if (!Number.isInteger(c.extra) || c.extra < 0 || c.extra > 0xffff) throw new RangeError(`token extra out of range: ${c.extra}`);
    const body = Buffer.alloc(BODY);
    body[0] = VERSION;
    body[1] = TOKEN_KINDS[c.kind];
    body.writeUIntBE(c.id, 2, 6);
    body.writeUInt16BE(c.extra, 8);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  /** The claims of a genuine token of the expected kind; null for anything else (never throws on input). */
  verify(token: string, kind: TokenKind): TokenClaims | null {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{30}$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    // The last character has spare bits; only the canonical spelling of a token is accepted.
    if (raw.length !== BODY + MAC || raw.toString('base64url') !== token) return null;
    const body = raw.subarray(0, BODY);
    if (!timingSafeEqual(raw.subarray(BODY), this.mac(body))) return null;
    if (body[0] !== VERSION || body[1] !== TOKEN_KINDS[kind]) return null;
    return { kind, id: body.readUIntBE(2, 6), extra: body.readUInt16BE(8) };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC);
  }
}

const DAY_MS = 86_400_000;

/** The day number a learner token carries (wraps every 179 years, far beyond any link's life). */
export function issueDay(now: number): number {
  return Math.floor(now / DAY_MS) % 0x10000;
}

/** Whole days between a token's issue day and now, allowing for the 16-bit wrap. */
export function daysSinceIssue(extra: number, now: number): number {
  return (issueDay(now) - extra + 0x10000) % 0x10000;
}
