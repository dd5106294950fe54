import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Submission users' passwords are stored only as scrypt hashes in the config file:
 * `scrypt$N$r$p$<salt>$<hash>` (base64). N = 2^15 costs ~50 ms and 32 MiB per check,
 * enough to make a stolen config expensive to crack and cheap enough per login.
 */
const DEFAULTS = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, o = DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, o, KEY_LENGTH);
  return `scrypt$${o.N}$${o.r}$${o.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n! > 0) || N! > 1 << 20) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16) return false;
  const key = await derive(password, salt, { N: N!, r: r!, p: p! }, expected.length);
  return timingSafeEqual(key, expected);
}
