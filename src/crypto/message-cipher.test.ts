import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CipherError, deriveSecret, KeyError, keyId, loadExistingKey, loadOrCreateKey, MessageCipher, parseKey } from './message-cipher.ts';

const posix = process.platform !== 'win32';
const tempDir = () => mkdtempSync(join(tmpdir(), 'medshield-key-'));
const noEnv: NodeJS.ProcessEnv = {};

test('encrypt → decrypt round trip; every blob uses a fresh nonce', () => {
  const c = new MessageCipher(randomBytes(32));
  const plain = Buffer.from('Subject: lab results\r\n\r\nPatient MRN 123456\r\n');
  const a = c.encrypt(plain);
  const b = c.encrypt(plain);
  assert.notDeepEqual(a, b);
  assert.equal(a.includes(Buffer.from('MRN 123456')), false);
  assert.deepEqual(c.decrypt(a), plain);
  assert.deepEqual(c.decrypt(b), plain);
  assert.deepEqual(c.decrypt(c.encrypt(Buffer.alloc(0))), Buffer.alloc(0));
  const big = randomBytes(3 * 1024 * 1024);
  assert.deepEqual(c.decrypt(c.encrypt(big)), big);
});

test('any altered byte (header, nonce, ciphertext or tag) is detected', () => {
  const c = new MessageCipher(randomBytes(32));
  const blob = c.encrypt(Buffer.from('x'.repeat(100)));
  // 3 = version, 4..11 key id, 12..23 nonce, 24.. ciphertext, last 16 the tag.
  for (const at of [4, 12, 30, blob.length - 1]) {
    const bad = Buffer.from(blob);
    bad[at]! ^= 0x01;
    assert.throws(() => c.decrypt(bad), CipherError, `byte ${at}`);
  }
  const badVersion = Buffer.from(blob);
  badVersion[3] = 9;
  assert.throws(() => c.decrypt(badVersion), /format version 9/);
  assert.throws(() => c.decrypt(blob.subarray(0, 20)), /truncated/);
  assert.throws(() => c.decrypt(Buffer.from('Subject: plain text on disk')), /not a Medshield encrypted message/);
  assert.throws(() => c.decrypt(blob.subarray(0, blob.length - 1)), /altered or corrupted/);
});

test('a blob from another key is refused, naming the missing key id', () => {
  const k1 = randomBytes(32);
  const blob = new MessageCipher(k1).encrypt(Buffer.from('hello'));
  assert.throws(() => new MessageCipher(randomBytes(32)).decrypt(blob), new RegExp(`key ${keyId(k1).toString('hex')}, which is not available`));
  assert.throws(() => new MessageCipher(randomBytes(16)), KeyError);
});

test('after rotation, blobs written with a retired key are still readable; new ones use the new key', () => {
  const dir = tempDir();
  const oldKey = loadOrCreateKey(dir, noEnv);
  const oldBlob = new MessageCipher(oldKey).encrypt(Buffer.from('before rotation'));
  renameSync(join(dir, 'keys', 'message.key'), join(dir, 'keys', 'message-2025-01.key'));
  const newKey = loadOrCreateKey(dir, noEnv);
  assert.notDeepEqual(newKey, oldKey);
  const c = new MessageCipher(newKey);
  assert.equal(c.decrypt(oldBlob).toString(), 'before rotation');
  assert.equal(c.encrypt(Buffer.from('after')).subarray(4, 12).toString('hex'), keyId(newKey).toString('hex'));
  // Switching to MEDSHIELD_KEY: the old key file becomes a retired key.
  const envKey = randomBytes(32);
  const viaEnv = new MessageCipher(loadOrCreateKey(dir, { MEDSHIELD_KEY: envKey.toString('base64') }));
  assert.equal(viaEnv.decrypt(oldBlob).toString(), 'before rotation');
  assert.equal(viaEnv.keyId, keyId(envKey).toString('hex'));
});

test('first start creates keys/message.key (0600, directory 0700) and later starts reuse it', { skip: !posix }, () => {
  const dir = tempDir();
  const k = loadOrCreateKey(dir, noEnv);
  assert.equal(k.length, 32);
  assert.equal(statSync(join(dir, 'keys', 'message.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
  assert.deepEqual(loadOrCreateKey(dir, noEnv), k);
  assert.deepEqual(parseKey(readFileSync(join(dir, 'keys', 'message.key'), 'utf8'), 'file'), k);
});

test('a key file readable by group or others is refused', { skip: !posix }, () => {
  const dir = tempDir();
  loadOrCreateKey(dir, noEnv);
  const file = join(dir, 'keys', 'message.key');
  for (const mode of [0o640, 0o604, 0o644]) {
    chmodSync(file, mode);
    assert.throws(() => loadOrCreateKey(dir, noEnv), (e: Error) => e instanceof KeyError && e.message.includes('readable by other users') && e.message.includes(file));
  }
  chmodSync(file, 0o600);
  writeFileSync(join(dir, 'keys', 'message-old.key'), randomBytes(32).toString('base64'), { mode: 0o644 });
  chmodSync(join(dir, 'keys', 'message-old.key'), 0o644);
  assert.throws(() => loadOrCreateKey(dir, noEnv), /message-old\.key: it is readable by other users/);
});

test('MEDSHIELD_KEY: base64 (with or without padding, URL-safe) and hex accepted; anything else named in the error', () => {
  const dir = tempDir();
  const key = randomBytes(32);
  for (const v of [key.toString('base64'), key.toString('base64').replace(/=$/, ''), key.toString('base64url'), key.toString('hex'), `  ${key.toString('hex').toUpperCase()}\n`]) {
    assert.deepEqual(loadOrCreateKey(dir, { MEDSHIELD_KEY: v }), key, v);
  }
  for (const bad of ['secret', randomBytes(16).toString('base64'), randomBytes(33).toString('hex'), `${key.toString('hex').slice(0, 63)}g`]) {
    assert.throws(() => loadOrCreateKey(dir, { MEDSHIELD_KEY: bad }), (e: Error) => e instanceof KeyError && /^MEDSHIELD_KEY is not a valid key/.test(e.message), bad);
  }
  // With MEDSHIELD_KEY set, no key file is created.
  assert.throws(() => statSync(join(dir, 'keys', 'message.key')));
});

test('a malformed key file is named in the error; loadExistingKey never creates a key', () => {
  const dir = tempDir();
  assert.throws(() => loadExistingKey(dir, noEnv), /no message key: MEDSHIELD_KEY is not set/);
  assert.throws(() => statSync(join(dir, 'keys')));
  mkdirSync(join(dir, 'keys'), { mode: 0o700 });
  writeFileSync(join(dir, 'keys', 'message.key'), 'not a key\n', { mode: 0o600 });
  assert.throws(() => loadExistingKey(dir, noEnv), /key file .*message\.key is not a valid key/);
});

test('derived secrets differ by purpose and by key', () => {
  const k = randomBytes(32);
  assert.equal(deriveSecret(k, 'release links').length, 32);
  assert.deepEqual(deriveSecret(k, 'release links'), deriveSecret(k, 'release links'));
  assert.notDeepEqual(deriveSecret(k, 'release links'), deriveSecret(k, 'other'));
  assert.notDeepEqual(deriveSecret(k, 'release links'), deriveSecret(randomBytes(32), 'release links'));
});
