import { generateKeyPairSync } from 'node:crypto';
import { dkimSign, sealMessage } from 'mailauth';
import { NO_AUTH, type AuthResult } from './auth-result.ts';

/**
 * Signing helpers for tests of authentication: real keys made on the spot, real DKIM and
 * ARC headers from mailauth, public keys meant for a fixture resolver. Nothing here is
 * used at run time.
 */

export interface TestKey {
  privateKeyPem: string;
  /** TXT record value to publish at `<selector>._domainkey.<domain>`. */
  dnsRecord: string;
}

export function makeDkimKey(bits = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dnsRecord: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

export interface Signer {
  domain: string;
  selector: string;
  key: TestKey;
}

/** The message with one DKIM-Signature per signer prepended. */
export async function dkimSignMail(raw: Buffer, ...signers: Signer[]): Promise<Buffer> {
  const first = signers[0];
  const res = await dkimSign(raw, {
    signingDomain: first.domain,
    selector: first.selector,
    privateKey: first.key.privateKeyPem,
    signatureData: signers.map((s) => ({ signingDomain: s.domain, selector: s.selector, privateKey: s.key.privateKeyPem })),
  });
  if (res.errors?.length) throw new Error(`dkimSign: ${JSON.stringify(res.errors)}`);
  return Buffer.concat([Buffer.from(res.signatures), raw]);
}

/** The message with an ARC set (i=1) from `sealer` prepended, as a forwarder or list would add. */
export async function arcSealMail(raw: Buffer, sealer: Signer, authResults: string): Promise<Buffer> {
  const headers = await sealMessage(raw, {
    signingDomain: sealer.domain,
    selector: sealer.selector,
    privateKey: sealer.key.privateKeyPem,
    ...({ cv: 'none', authResults } as object),
  });
  return Buffer.concat([headers, raw]);
}

/** Prepends header lines (as a relay would) to a raw message. */
export function prependHeaders(raw: Buffer, ...lines: string[]): Buffer {
  return Buffer.concat([Buffer.from(lines.map((l) => `${l}\r\n`).join('')), raw]);
}

/** Replaces the first occurrence of `from` in the raw bytes (to damage a signed body or header). */
export function tamper(raw: Buffer, from: string, to: string): Buffer {
  const s = raw.toString('latin1');
  const at = s.indexOf(from);
  if (at < 0) throw new Error(`tamper: ${JSON.stringify(from)} not in message`);
  return Buffer.from(s.slice(0, at) + to + s.slice(at + from.length), 'latin1');
}

/** The gateway's verdict on mail that passed DMARC for `domain` with an aligned DKIM signature. */
export const authed = (domain: string): AuthResult => ({
  ...NO_AUTH,
  source: 'local',
  dmarc: { result: 'pass', domain, policy: 'reject' },
  dkim: [{ result: 'pass', domain, selector: 's1', aligned: true }],
});

/** The gateway's verdict on mail that failed DMARC for `domain` (policy reject). */
export const dmarcFail = (domain: string): AuthResult => ({ ...NO_AUTH, source: 'local', dmarc: { result: 'fail', domain, policy: 'reject' } });
