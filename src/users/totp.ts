import { Secret, TOTP } from 'otpauth';

/**
 * The optional second factor: RFC 6238 time-based codes (otpauth), 6 digits every 30 s,
 * SHA-1 (what every authenticator app supports). A code is accepted one step early or late
 * for clock drift, and a step once used is never accepted again (no replay within the window).
 */
const PERIOD = 30;
const WINDOW = 1;

function totp(secretBase32: string, account: string, issuer: string): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}

/** The time step the code belongs to, or null when it is not valid now. */
export function checkTotp(secretBase32: string, code: string, now = Date.now()): number | null {
  const clean = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const delta = totp(secretBase32, '', 'Medshield').validate({ token: clean, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** The current code (tests, and the CLI's enrolment check). */
export function currentTotp(secretBase32: string, now = Date.now()): string {
  return totp(secretBase32, '', 'Medshield').generate({ timestamp: now });
}
