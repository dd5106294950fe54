import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { authenticate as mailauthAuthenticate, type AuthenticateResult, type DNSResolver } from 'mailauth';
import addressparser from 'nodemailer/lib/addressparser';
import { getDomain } from 'tldts';
import type { AuthResult, AuthVerdict } from './auth-result.ts';
import {
  formatAuthenticationResults,
  isTrustedAuthservId,
  parseAuthenticationResults,
  type ResultInfo,
  type ResultRow,
} from './auth-results-header.ts';
import { isOfflineResolver, resolverWithDeadline, type DnsResolver } from './resolver.ts';

export interface Envelope {
  /** IP of the SMTP client that handed the message over; SPF is evaluated only when given. */
  clientIp?: string;
  helo?: string;
  /** MAIL FROM address; empty or '<>' for bounces (SPF then checks postmaster@helo). */
  mailFrom?: string;
}

export interface AuthenticateOptions {
  resolver: DnsResolver;
  /** authserv-ids whose Authentication-Results may be believed ("*.example.net" for a family of hosts). */
  trustedAuthservIds: string[];
  /** authserv-id to write into the header Medshield produces (default: this host's name). */
  mta?: string;
  /** Time budget for the whole evaluation in ms (default 5000); DNS still pending then turns into temperror. */
  timeoutMs?: number;
}

export const DEFAULT_AUTH_BUDGET_MS = 5000;

// ---------------------------------------------------------------------------------------
// Header block

interface RawHeader {
  key: string;
  value: string;
}

const MAX_HEADER_BLOCK = 1024 * 1024;

function readHeaderBlock(raw: Buffer): RawHeader[] {
  const head = raw.subarray(0, MAX_HEADER_BLOCK).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  const headers: RawHeader[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) {
      headers[headers.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ key: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

function rawTagValue(tagList: string, tag: string): string {
  const m = new RegExp(`(?:^|;)\\s*${tag}\\s*=\\s*([^;]*)`, 'i').exec(tagList);
  return m ? m[1].replace(/\s+/g, '') : '';
}

function tagValue(tagList: string, tag: string): string {
  return rawTagValue(tagList, tag).toLowerCase();
}

function fromDomains(headers: RawHeader[]): string[] {
  const domains: string[] = [];
  for (const h of headers) {
    if (h.key !== 'from') continue;
    for (const a of addressparser(h.value, { flatten: true })) {
      const at = a.address.lastIndexOf('@');
      if (at > 0) domains.push(a.address.slice(at + 1).toLowerCase().replace(/\.$/, ''));
    }
  }
  return domains;
}

function newestArcSealer(headers: RawHeader[]): string | undefined {
  let best: { i: number; d: string } | undefined;
  for (const h of headers) {
    if (h.key !== 'arc-seal') continue;
    const i = Number(tagValue(h.value, 'i'));
    const d = tagValue(h.value, 'd');
    if (d && Number.isFinite(i) && (!best || i > best.i)) best = { i, d };
  }
  return best?.d;
}

/** `selector._domainkey.domain` names the ARC headers' keys live at. */
function arcKeyNames(headers: RawHeader[]): Set<string> {
  const names = new Set<string>();
  for (const h of headers) {
    if (h.key !== 'arc-seal' && h.key !== 'arc-message-signature') continue;
    const d = tagValue(h.value, 'd');
    const s = tagValue(h.value, 's');
    if (d && s) names.add(`${s}._domainkey.${d}`);
  }
  return names;
}

// ---------------------------------------------------------------------------------------
// Shared helpers

function organisationalDomain(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return getDomain(d, { allowPrivateDomains: true }) ?? d;
}

/** DMARC relaxed alignment: both names belong to the same organisational domain. */
export function relaxedAligned(a: string, b: string): boolean {
  if (!a || !b) return false;
  return organisationalDomain(a) === organisationalDomain(b);
}

function verdict(word: string | undefined): AuthVerdict {
  switch ((word ?? '').toLowerCase()) {
    case 'pass':
      return 'pass';
    case 'fail':
    case 'hardfail':
      return 'fail';
    case 'softfail':
      return 'softfail';
    case 'neutral':
      return 'neutral';
    case 'none':
    case 'skipped':
    case 'bestguesspass': // Microsoft: no DMARC record, would have passed
      return 'none';
    case 'temperror':
    case 'temperr':
      return 'temperror';
    case 'permerror':
    case 'permerr':
      return 'permerror';
    case 'policy':
      return 'policy';
    default:
      return 'neutral';
  }
}

function domainOf(addressOrDomain: string): string {
  const v = addressOrDomain.trim().replace(/^<|>$/g, '');
  return v.slice(v.lastIndexOf('@') + 1).toLowerCase();
}

// ---------------------------------------------------------------------------------------
// Upstream Authentication-Results

function dmarcPolicyFromUpstream(info: ResultInfo, fromDomain: string): string {
  const comment = info.comments.join(' ');
  const p = /\bp=([a-z]+)/i.exec(comment)?.[1]?.toLowerCase();
  const sp = /\bsp=([a-z]+)/i.exec(comment)?.[1]?.toLowerCase();
  if (p) {
    const isSubdomain = fromDomain !== '' && organisationalDomain(fromDomain) !== fromDomain;
    return isSubdomain && sp ? sp : p;
  }
  // Microsoft 365 reports the disposition instead: none, quarantine, reject, oreject
  // (reject overridden by a local rule), pct.quarantine…
  const action = (info.props['action'] ?? '').toLowerCase();
  if (action.includes('reject')) return 'reject';
  if (action.includes('quarantine')) return 'quarantine';
  if (action === 'none') return info.result === 'fail' ? 'none' : '';
  return '';
}

/**
 * The result set of the topmost Authentication-Results whose authserv-id is trusted, with any
 * sibling headers the same host wrote in the same hop (Proton Mail writes one per method).
 */
function trustedUpstream(headers: RawHeader[], trusted: readonly string[]): { authservId: string; results: ResultInfo[] } | null {
  for (let i = 0; i < headers.length; i++) {
    if (headers[i].key !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(headers[i].value);
    if (!isTrustedAuthservId(parsed.authservId, trusted)) continue;
    const authservId = parsed.authservId as string;
    const results = [...parsed.results];
    for (let j = i + 1; j < headers.length && headers[j].key !== 'received'; j++) {
      if (headers[j].key !== 'authentication-results') continue;
      const sibling = parseAuthenticationResults(headers[j].value);
      if (sibling.authservId === authservId) results.push(...sibling.results);
    }
    return { authservId, results };
  }
  return null;
}

function upstreamToAuthResult(upstream: { authservId: string; results: ResultInfo[] }, headers: RawHeader[]): AuthResult {
  const fromDomain = fromDomains(headers)[0] ?? '';
  const comment = (r: ResultInfo) => (r.comments.length ? r.comments.join('; ') : undefined);
  const spfInfo = upstream.results.find((r) => r.method === 'spf');
  const dmarcInfo = upstream.results.find((r) => r.method === 'dmarc');
  const arcInfo = upstream.results.find((r) => r.method === 'arc');
  const dkim = upstream.results
    .filter((r) => r.method === 'dkim' && verdict(r.result) !== 'none')
    .map((r) => {
      const domain = (r.props['header.d'] || domainOf(r.props['header.i'] ?? '')).toLowerCase();
      return {
        result: verdict(r.result),
        domain,
        selector: (r.props['header.s'] ?? '').toLowerCase(),
        aligned: relaxedAligned(domain, fromDomain),
        comment: comment(r),
      };
    });
  const sealer = newestArcSealer(headers);
  return {
    source: 'upstream',
    authservId: upstream.authservId,
    spf: spfInfo
      ? {
          result: verdict(spfInfo.result),
          domain: domainOf(spfInfo.props['smtp.mailfrom'] || spfInfo.props['smtp.helo'] || ''),
          comment: comment(spfInfo),
        }
      : null,
    dkim,
    dmarc: dmarcInfo
      ? {
          result: verdict(dmarcInfo.result),
          domain: (dmarcInfo.props['header.from'] || fromDomain).toLowerCase(),
          policy: dmarcPolicyFromUpstream(dmarcInfo, fromDomain),
          comment: comment(dmarcInfo),
        }
      : null,
    arc: arcInfo ? { result: verdict(arcInfo.result), ...(sealer ? { sealer } : {}), comment: comment(arcInfo) } : null,
    // The upstream header is already in the message; Medshield did not evaluate anything to add.
    header: '',
  };
}

// ---------------------------------------------------------------------------------------
// Local evaluation

function buildHeader(mta: string, auth: Omit<AuthResult, 'header'>, envelope: Envelope, dkimAlgos: string[]): string {
  const rows: ResultRow[] = [];
  if (auth.dkim.length === 0) rows.push({ method: 'dkim', result: 'none', comment: 'message not signed', props: [] });
  auth.dkim.forEach((d, i) => {
    rows.push({
      method: 'dkim',
      result: d.result,
      comment: d.comment,
      props: [
        ['header.d', d.domain],
        ['header.s', d.selector],
        ['header.a', dkimAlgos[i] ?? ''],
      ],
    });
  });
  if (auth.spf) {
    rows.push({
      method: 'spf',
      result: auth.spf.result,
      comment: auth.spf.comment,
      props: [
        ['smtp.mailfrom', envelope.mailFrom || auth.spf.domain],
        ['smtp.helo', envelope.helo ?? ''],
      ],
    });
  }
  if (auth.arc) rows.push({ method: 'arc', result: auth.arc.result, comment: auth.arc.comment, props: [] });
  if (auth.dmarc) {
    rows.push({
      method: 'dmarc',
      result: auth.dmarc.result,
      comment: auth.dmarc.policy ? `p=${auth.dmarc.policy}` : undefined,
      props: [['header.from', auth.dmarc.domain]],
    });
  }
  return formatAuthenticationResults(mta, rows);
}

function cleanMailFrom(mailFrom: string | undefined): string | undefined {
  const v = (mailFrom ?? '').trim().replace(/^<|>$/g, '').trim();
  return v || undefined;
}

/** What can be said when the evaluation itself ran out of time or crashed. */
function temporaryFailure(headers: RawHeader[], envelope: Envelope, reason: string): Omit<AuthResult, 'header'> {
  const fromDomain = fromDomains(headers)[0] ?? '';
  const dkim = headers
    .filter((h) => h.key === 'dkim-signature')
    .map((h) => {
      const domain = tagValue(h.value, 'd');
      return { result: 'temperror' as const, domain, selector: tagValue(h.value, 's'), aligned: relaxedAligned(domain, fromDomain), comment: reason };
    });
  const sealer = newestArcSealer(headers);
  return {
    source: 'local',
    spf: envelope.clientIp ? { result: 'temperror', domain: domainOf(envelope.mailFrom || envelope.helo || ''), comment: reason } : null,
    dkim,
    dmarc: fromDomain ? { result: 'temperror', domain: fromDomain, policy: '', comment: reason } : null,
    arc: sealer ? { result: 'temperror', sealer, comment: reason } : { result: 'none' },
  };
}

/** The parts of mailauth's per-signature result that its type declarations leave out. */
interface MailauthSignature {
  algo?: string;
  signature?: string;
  bodyHashExpecting?: string;
  signingHeaders?: { canonicalizedHeader?: string };
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * For a signature whose body hash failed, mailauth never checks the header signature. Doing
 * it tells list damage (headers still verify, the body gained a footer) from a signature
 * copied onto another message (they do not). undefined when the key cannot be had.
 */
async function signedHeadersVerify(domain: string, selector: string, sig: MailauthSignature, resolver: DnsResolver): Promise<boolean | undefined> {
  const canonical = sig.signingHeaders?.canonicalizedHeader;
  if (!domain || !selector || !sig.signature || !canonical) return undefined;
  try {
    const answer = (await resolver(`${selector}._domainkey.${domain}`, 'TXT')) as string[][];
    const record = answer.map((chunks) => [].concat(chunks as never).join('')).find((v) => /(?:^|;)\s*p\s*=/.test(v));
    const p = record ? rawTagValue(record, 'p') : '';
    if (!p) return undefined;
    const der = Buffer.from(p, 'base64');
    const [keyType, hash] = (sig.algo ?? '').toLowerCase().split('-');
    const signature = Buffer.from(sig.signature, 'base64');
    const data = Buffer.from(canonical, 'base64');
    if (keyType === 'ed25519') {
      const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' });
      return cryptoVerify(null, createHash('sha256').update(data).digest(), key, signature);
    }
    if (keyType === 'rsa' && hash) {
      const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
      return cryptoVerify(hash, data, key, signature);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

async function fromMailauth(
  res: AuthenticateResult,
  headers: RawHeader[],
  envelope: Envelope,
  temporaryFailureNames: Set<string>,
  resolver: DnsResolver,
): Promise<{ auth: Omit<AuthResult, 'header'>; dkimAlgos: string[] }> {
  const fromDomain = (res.dkim.headerFrom?.length === 1 ? domainOf(res.dkim.headerFrom[0]) : fromDomains(headers)[0]) ?? '';

  const signatures = (res.dkim.results ?? []).filter((r) => r.signingDomain || r.status?.result !== 'none');
  const dkim: AuthResult['dkim'] = [];
  for (const r of signatures) {
    const domain = (r.signingDomain ?? '').toLowerCase();
    const selector = (r.selector ?? '').toLowerCase();
    const extra = r as MailauthSignature;
    let result = verdict(r.status?.result);
    let comment = r.status?.comment;
    let headersVerified: boolean | undefined;
    if (result === 'neutral' && /body hash did not verify/i.test(comment ?? '')) {
      if (extra.bodyHashExpecting) {
        // RFC 6376 §6.1.3: a body hash mismatch is a PERMFAIL of the signature; mailauth says
        // neutral, but for the reader it is the same as a bad signature: the content changed.
        result = 'fail';
        headersVerified = await signedHeadersVerify(domain, selector, extra, resolver);
      } else {
        // Pre-RFC drafts (2005-2007 Gmail, Yahoo) signed without bh=; nothing can be concluded.
        result = 'permerror';
        comment = 'signature has no body hash (pre-RFC 6376 draft)';
      }
    }
    dkim.push({
      result,
      domain,
      selector,
      aligned: relaxedAligned(domain, fromDomain),
      ...(comment ? { comment } : {}),
      ...(headersVerified !== undefined ? { headersVerified } : {}),
    });
  }
  const dkimAlgos = signatures.map((r) => String((r as MailauthSignature).algo ?? r.algorithm ?? ''));

  let spf: AuthResult['spf'] = null;
  if (envelope.clientIp && res.spf) {
    spf = {
      result: verdict(res.spf.status.result),
      domain: (res.spf.domain ?? '').toLowerCase(),
      ...(res.spf.status.comment ? { comment: res.spf.status.comment } : {}),
    };
  }

  let dmarc: AuthResult['dmarc'] = null;
  if (res.dmarc) {
    let result = verdict(res.dmarc.status.result);
    // RFC 7489 §4.3: with no passing identifier and a temporary error in one of them, the
    // answer is not known yet; mailauth would call it fail.
    const anyTemp = dkim.some((d) => d.result === 'temperror') || spf?.result === 'temperror';
    if (result === 'fail' && anyTemp) result = 'temperror';
    dmarc = {
      result,
      domain: fromDomain || (res.dmarc.domain ?? '').toLowerCase(),
      policy: (res.dmarc.policy ?? '').toString().toLowerCase(),
      ...(res.dmarc.status.comment ? { comment: res.dmarc.status.comment } : {}),
    };
  }

  let arc: AuthResult['arc'] = null;
  if (res.arc) {
    let result = verdict(res.arc.status.result);
    const sealer = newestArcSealer(headers);
    // mailauth treats every ARC problem as permanent, including a key lookup that timed out.
    if (result === 'fail' && [...arcKeyNames(headers)].some((n) => temporaryFailureNames.has(n))) result = 'temperror';
    arc = { result, ...(sealer ? { sealer } : {}), ...(res.arc.status.comment ? { comment: res.arc.status.comment } : {}) };
  }

  return { auth: { source: 'local', spf, dkim, dmarc, arc }, dkimAlgos };
}

/**
 * SPF, DKIM, DMARC and ARC for one message, within a time budget.
 *
 * Evaluated locally when DNS and the client IP are available. Without either, the topmost
 * Authentication-Results from a trusted authserv-id is used when there is one (never any
 * other, never one without an authserv-id); failing that, what can be evaluated locally is
 * (DKIM and DMARC without SPF; offline, only DKIM body hashes, everything else temperror).
 */
export async function authenticate(raw: Buffer, envelope: Envelope, opts: AuthenticateOptions): Promise<AuthResult> {
  const started = Date.now();
  const budgetMs = opts.timeoutMs ?? DEFAULT_AUTH_BUDGET_MS;
  const headers = readHeaderBlock(raw);
  const clientIp = envelope.clientIp && isIP(envelope.clientIp.trim()) ? envelope.clientIp.trim() : undefined;
  const env: Envelope = { clientIp, helo: envelope.helo?.trim() || undefined, mailFrom: cleanMailFrom(envelope.mailFrom) };

  const offline = isOfflineResolver(opts.resolver);
  if (offline || !clientIp) {
    const upstream = trustedUpstream(headers, opts.trustedAuthservIds);
    if (upstream) return upstreamToAuthResult(upstream, headers);
  }

  const mta = opts.mta ?? hostname();
  // DNS stops a little before the hard deadline so mailauth can still turn the timeouts
  // into per-method temperrors instead of the whole evaluation being abandoned.
  const grace = Math.min(250, budgetMs * 0.2);
  const temporaryFailureNames = new Set<string>();
  const resolver = resolverWithDeadline(opts.resolver, started + budgetMs - grace, (name) =>
    temporaryFailureNames.add(name.toLowerCase().replace(/\.$/, '')),
  );

  let timer: NodeJS.Timeout | undefined;
  const hardDeadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, started + budgetMs - Date.now()));
  });
  const evaluation = mailauthAuthenticate(raw, {
    ip: clientIp,
    helo: env.helo,
    sender: env.mailFrom,
    mta,
    resolver: resolver as unknown as DNSResolver,
    disableBimi: true,
  });
  // If the hard deadline wins, the evaluation keeps running on failing DNS; its outcome is moot.
  evaluation.catch(() => {});

  let local: { auth: Omit<AuthResult, 'header'>; dkimAlgos: string[] };
  try {
    const outcome = await Promise.race([evaluation, hardDeadline]);
    local =
      outcome === 'timeout'
        ? { auth: temporaryFailure(headers, env, `authentication time budget of ${budgetMs} ms spent`), dkimAlgos: [] }
        : await fromMailauth(outcome, headers, env, temporaryFailureNames, resolver);
  } catch (err) {
    local = { auth: temporaryFailure(headers, env, `evaluation failed: ${(err as Error).message}`), dkimAlgos: [] };
  } finally {
    clearTimeout(timer);
  }
  return { ...local.auth, header: buildHeader(mta, local.auth, env, local.dkimAlgos) };
}
