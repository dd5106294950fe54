import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Messages at rest (spool, quarantine) are encrypted with AES-256-GCM under one organisation
 * key. node:crypto does the cryptography; this file only fixes the blob format and the key
 * handling around it.
 *
 * Blob format (version 1), all of it authenticated (the header is the GCM associated data):
 *
 *   "MSC" | 0x01 | key id (8 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)
 *
 * The key id names the key that wrote the blob, so after a key rotation the older blobs are
 * still readable with the retired keys kept in <dataDir>/keys/.
 */

export const KEY_BYTES = 32;
const MAGIC = Buffer.from('MSC', 'latin1');
const VERSION = 1;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + KEY_ID_BYTES + NONCE_BYTES;

/** The current key's file; retired keys are `message-<anything>.key` beside it. */
export const KEY_FILE = 'message.key';
const RETIRED_KEY_FILE = /^message-.+\.key$/;

export class CipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherError';
  }
}

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/** A non-secret fingerprint of a key: stored in every blob, printed in errors. */
export function keyId(key: Buffer): Buffer {
  return createHash('sha256').update('medshield message key id\0').update(key).digest().subarray(0, KEY_ID_BYTES);
}

/**
 * A secret for another purpose (release-link signatures, …) derived from the message key, so
 * an installation has one secret to back up and rotating it rotates everything.
 */
export function deriveSecret(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `medshield ${purpose}`, 32));
}

/** Keys handed out by `loadOrCreateKey`, mapped to the retired keys found beside them. */
const retiredKeysOf = new WeakMap<Buffer, Buffer[]>();

export class MessageCipher {
  private readonly current: Buffer;
  private readonly currentId: Buffer;
  private readonly byId = new Map<string, Buffer>();

  /**
   * `retiredKeys` defaults to the ones `loadOrCreateKey` found in the key directory, so
   * `new MessageCipher(loadOrCreateKey(dataDir))` reads blobs written before a rotation.
   */
  constructor(key: Buffer, retiredKeys: readonly Buffer[] = retiredKeysOf.get(key) ?? []) {
    if (key.length !== KEY_BYTES) throw new KeyError(`message key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.current = Buffer.from(key);
    this.currentId = keyId(key);
    for (const k of [...retiredKeys, key]) {
      if (k.length !== KEY_BYTES) throw new KeyError(`retired message key must be ${KEY_BYTES} bytes, got ${k.length}`);
      this.byId.set(keyId(k).toString('hex'), Buffer.from(k));
    }
  }

  /** The current key's id in hex (for logs and `medshield` output; not secret). */
  get keyId(): string {
    return this.currentId.toString('hex');
  }

  encrypt(plain: Buffer): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), this.currentId, nonce]);
    const cipher = createCipheriv('aes-256-gcm', this.current, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  decrypt(blob: Buffer): Buffer {
    if (blob.length < HEADER_BYTES + TAG_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new CipherError('not a Medshield encrypted message (missing or truncated header)');
    }
    const version = blob[MAGIC.length];
    if (version !== VERSION) throw new CipherError(`encrypted with format version ${version}, which this Medshield does not know`);
    const header = blob.subarray(0, HEADER_BYTES);
    const id = blob.subarray(MAGIC.length + 1, MAGIC.length + 1 + KEY_ID_BYTES).toString('hex');
    const key = this.byId.get(id);
    if (!key) {
      throw new CipherError(
        `encrypted with key ${id}, which is not available (current key is ${this.keyId}); ` +
          `if the key was rotated, put the old key in <data dir>/keys/message-<date>.key`,
      );
    }
    const nonce = blob.subarray(MAGIC.length + 1 + KEY_ID_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(header);
    decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
    const body = decipher.update(blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES));
    try {
      return Buffer.concat([body, decipher.final()]);
    } catch {
      throw new CipherError('encrypted message failed authentication: it was altered or corrupted on disk');
    }
  }
}

/**
 * Parses a key written as base64 (standard or URL-safe, padding optional) or as 64 hex
 * digits. `source` names where it came from, for the error.
 */
export function parseKey(text: string, source: string): Buffer {
  const t = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== KEY_BYTES) {
    throw new KeyError(
      `${source} is not a valid key: expected ${KEY_BYTES} random bytes as base64 (44 characters) or hex (64 characters); ` +
        `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return key;
}

/** Group/other permission bits are meaningless on Windows, where ACLs apply instead. */
const CHECK_MODES = process.platform !== 'win32';

function readKeyFile(path: string): Buffer {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new KeyError(`cannot read key file ${path}: ${(err as Error).message}`);
  }
  if (CHECK_MODES && (st.mode & 0o077) !== 0) {
    throw new KeyError(
      `refusing to use key file ${path}: it is readable by other users (mode ${(st.mode & 0o777).toString(8)}); ` +
        `run 'chmod 600 ${path}' if it was never exposed, otherwise rotate the key`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KeyError(`cannot read key file ${path}: ${(err as Error).message}`);
  }
  return parseKey(text, `key file ${path}`);
}

/**
 * Writes the new key under a temporary name and links it into place: link() fails if the
 * name exists, so two processes starting at once end up sharing one complete key file.
 */
function createKeyFile(dir: string, path: string): void {
  if (existsQuiet(path)) return;
  const tmp = join(dir, `.message.key.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString('base64') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (err) {
    throw new KeyError(`cannot create key file ${path}: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function keyDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

function retiredKeys(dir: string, current: Buffer, envKeyInUse: boolean): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KeyError(`cannot list key directory ${dir}: ${(err as Error).message}`);
  }
  const currentId = keyId(current);
  const keys: Buffer[] = [];
  // With MEDSHIELD_KEY set, a key file left from before is a retired key too.
  for (const name of names.sort()) {
    if (!RETIRED_KEY_FILE.test(name) && !(envKeyInUse && name === KEY_FILE)) continue;
    const k = readKeyFile(join(dir, name));
    if (!keyId(k).equals(currentId)) keys.push(k);
  }
  return keys;
}

/**
 * The organisation's message key: `MEDSHIELD_KEY` (base64 or hex) if set, otherwise
 * `<dataDir>/keys/message.key`, created on first use (file 0600, directory 0700). A key file
 * readable by group or others is refused: the key protects every message at rest.
 */
export function loadOrCreateKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const dir = keyDir(dataDir);
  const fromEnv = env.MEDSHIELD_KEY;
  let key: Buffer;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    key = parseKey(fromEnv, 'MEDSHIELD_KEY');
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, KEY_FILE);
    createKeyFile(dir, path);
    key = readKeyFile(path);
  }
  retiredKeysOf.set(key, retiredKeys(dir, key, fromEnv !== undefined && fromEnv.trim() !== ''));
  return key;
}

/**
 * The same key, but never created: for tools (the CLI) that read what the gateway wrote,
 * where a fresh key would only make every stored message unreadable.
 */
export function loadExistingKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.MEDSHIELD_KEY;
  const path = join(keyDir(dataDir), KEY_FILE);
  if ((fromEnv === undefined || fromEnv.trim() === '') && !existsQuiet(path)) {
    throw new KeyError(`no message key: MEDSHIELD_KEY is not set and ${path} does not exist`);
  }
  return loadOrCreateKey(dataDir, env);
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
