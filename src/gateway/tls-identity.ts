import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { writeFileDurably } from './durable-file.ts';

export interface TlsIdentity {
  key: Buffer;
  cert: Buffer;
  /** Where it came from, for the start-up log. */
  source: 'configured' | 'generated' | 'generated earlier';
}

/**
 * The certificate offered with STARTTLS. A configured pair is used as is; otherwise a
 * self-signed one is generated once into <dataDir>/tls (key mode 0600) and reused, so
 * senders that pin or cache it see the same certificate after a restart. Sending MTAs
 * accept self-signed certificates for opportunistic STARTTLS (RFC 7435); a hospital that
 * wants verified TLS configures its own certificate.
 */
export async function loadTlsIdentity(opts: { cert?: string; key?: string; dataDir: string; hostname: string }): Promise<TlsIdentity> {
  if (opts.cert || opts.key) {
    if (!opts.cert || !opts.key) throw new Error('gateway.tls: cert and key must be given together');
    const cert = readPem(opts.cert, 'gateway.tls.cert');
    const key = readPem(opts.key, 'gateway.tls.key');
    try {
      new X509Certificate(cert);
    } catch (err) {
      throw new Error(`gateway.tls.cert: ${opts.cert} is not a PEM certificate (${(err as Error).message})`);
    }
    return { key, cert, source: 'configured' };
  }
  const dir = join(opts.dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { key: readFileSync(keyPath), cert: readFileSync(certPath), source: 'generated earlier' };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = selfSignedCertificate(opts.hostname);
  // Key first: a crash between the two leaves no certificate without its key.
  writeFileDurably(dir, 'key.pem', Buffer.from(pems.private), 0o600);
  writeFileDurably(dir, 'cert.pem', Buffer.from(pems.cert), 0o644);
  return { key: Buffer.from(pems.private), cert: Buffer.from(pems.cert), source: 'generated' };
}

/**
 * RSA-2048 key from node:crypto (fast, native); the X.509 structure and its signature from
 * node-forge, since node:crypto reads certificates but cannot write them.
 */
function selfSignedCertificate(hostname: string): { private: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // Positive and minimally encoded (DER): a first byte of 0x01. A '0' + hex prefix made
  // some serials start 00 <byte below 0x80>, which OpenSSL refuses as illegal padding.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: hostname }, { name: 'organizationName', value: 'Medshield (self-signed)' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { private: keyPem, cert: forge.pki.certificateToPem(cert) };
}

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${setting}: cannot read ${path}: ${(err as Error).message}`);
  }
}
