import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

/**
 * Console passwords: argon2id (@node-rs/argon2, prebuilt binaries) at OWASP's minimum
 * profile (19 MiB, 2 passes, 1 lane), written out so a library default change cannot
 * weaken it silently.
 */
export const MIN_PASSWORD_LENGTH = 12;
/** argon2 hashes any length; the cap keeps a login request from being a memory or CPU lever. */
export const MAX_PASSWORD_LENGTH = 256;

/** Algorithm.Argon2id; the enum is a `const enum`, which this project's verbatimModuleSyntax cannot import as a value. */
const ARGON2ID = 2 as Algorithm;
const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, checked against when the account does not exist (no timing tell). */
export const DUMMY_HASH_PROMISE: Promise<string> = hashPassword(`dummy-${randomInt(1e9)}`);

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string, userName: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim().toLowerCase() === userName.trim().toLowerCase()) return 'the password must not be the user name';
  if (new Set(password).size < 5) return 'the password is too repetitive';
  return null;
}

/** Letters and digits that are hard to confuse when read off a screen and typed (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 20 characters (~115 bits), in groups of five for reading aloud. */
export function oneTimePassword(): string {
  let s = '';
  for (let i = 0; i < 20; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s.match(/.{5}/g)!.join('-');
}
