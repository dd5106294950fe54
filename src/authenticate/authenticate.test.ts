import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMail } from '../../test/helpers/mail.ts';
import { authenticate } from './authenticate.ts';
import { isTrustedAuthservId, parseAuthenticationResults } from './auth-results-header.ts';
import {
  dnsFixtureResolver,
  isOfflineResolver,
  loadDnsFixture,
  offlineResolver,
  systemResolver,
  type DnsFixture,
  type DnsResolver,
} from './resolver.ts';
import { arcSealMail, dkimSignMail, makeDkimKey, prependHeaders, tamper } from './test-support.ts';

const partnerKey = makeDkimKey();
const attackerKey = makeDkimKey();
const listKey = makeDkimKey();

const ZONE: DnsFixture = {
  // Partner clinic: SPF by MX, DMARC reject.
  'lakesidecardio.com': { TXT: ['v=spf1 mx -all'], MX: [{ exchange: 'mail.lakesidecardio.com', priority: 10 }] },
  'mail.lakesidecardio.com': { A: ['192.0.2.25'] },
  '_dmarc.lakesidecardio.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@lakesidecardio.com'] },
  'lc2024._domainkey.lakesidecardio.com': { TXT: [partnerKey.dnsRecord] },
  // A look-alike the attacker controls: passes its own checks.
  'lakesidecardio-billing.com': { TXT: ['v=spf1 ip4:198.18.7.0/24 -all'] },
  'mx1._domainkey.lakesidecardio-billing.com': { TXT: [attackerKey.dnsRecord] },
  // Consumer mail with ~all and p=none.
  'gmail.com': { TXT: ['v=spf1 ip4:209.85.128.0/17 ~all'] },
  '_dmarc.gmail.com': { TXT: ['v=DMARC1; p=none; sp=quarantine; rua=mailto:mailauth-reports@google.com'] },
  // List service sealing ARC.
  'arc-2024._domainkey.googlegroups.com': { TXT: [listKey.dnsRecord] },
};

const resolver = dnsFixtureResolver(ZONE);
const base = { resolver, trustedAuthservIds: [] as string[], mta: 'mx.stmarys-health.org' };

function partnerMail(text = 'Your referral for Mr. Jones was received. Appointment: Tuesday 10:30, Cardiology wing B.'): Buffer {
  return buildMail({
    from: 'Lakeside Cardiology Referrals <referrals@lakesidecardio.com>',
    to: 'Dr. Amy Chen <a.chen@stmarys-health.org>',
    subject: 'Referral received: J. Jones',
    text,
  });
}

const partnerSigner = { domain: 'lakesidecardio.com', selector: 'lc2024', key: partnerKey };

test('a valid, aligned DKIM signature passes DKIM and DMARC (no client IP: SPF not evaluated)', async () => {
  const raw = await dkimSignMail(partnerMail(), partnerSigner);
  const auth = await authenticate(raw, {}, base);
  assert.equal(auth.source, 'local');
  assert.equal(auth.spf, null);
  assert.deepEqual(
    auth.dkim.map((d) => [d.result, d.domain, d.selector, d.aligned]),
    [['pass', 'lakesidecardio.com', 'lc2024', true]],
  );
  assert.equal(auth.dmarc?.result, 'pass');
  assert.equal(auth.dmarc?.policy, 'reject');
  assert.equal(auth.arc?.result, 'none');
  assert.match(auth.header, /^mx\.stmarys-health\.org;\r\n dkim=pass header\.d=lakesidecardio\.com header\.s=lc2024 header\.a=rsa-sha256;/);
  assert.match(auth.header, /dmarc=pass \(p=reject\) header\.from=lakesidecardio\.com$/);
});

test('a body changed after signing fails DKIM (body hash) and so DMARC', async () => {
  const signed = await dkimSignMail(partnerMail(), partnerSigner);
  const footer = Buffer.from('\r\n--\r\nUpdated bank details: see attached form.\r\n');
  const auth = await authenticate(Buffer.concat([signed, footer]), {}, base);
  assert.equal(auth.dkim[0].result, 'fail');
  assert.match(auth.dkim[0].comment ?? '', /body hash/);
  assert.equal(auth.dmarc?.result, 'fail');
  assert.match(auth.header, /dkim=fail \(body hash did not verify\)/);
  assert.equal(auth.dkim[0].headersVerified, true, 'headers untouched: damage in transit');
});

test('a genuine signature copied onto another message fails, and its headers do not verify', async () => {
  const genuine = (await dkimSignMail(partnerMail(), partnerSigner)).toString('latin1');
  const signatureHeader = /^DKIM-Signature:.*(?:\r\n[ \t].*)*\r\n/m.exec(genuine)?.[0];
  assert.ok(signatureHeader);
  const forged = buildMail({
    from: 'Lakeside Cardiology Referrals <referrals@lakesidecardio.com>',
    to: 'Accounts Payable <ap@stmarys-health.org>',
    subject: 'New bank details',
    text: 'Please pay all open invoices to our new account.',
  });
  const auth = await authenticate(Buffer.concat([Buffer.from(signatureHeader, 'latin1'), forged]), {}, base);
  assert.equal(auth.dkim[0].result, 'fail');
  assert.equal(auth.dkim[0].headersVerified, false);
});

test('a signed header changed after signing fails DKIM (bad signature)', async () => {
  const signed = await dkimSignMail(partnerMail(), partnerSigner);
  const auth = await authenticate(tamper(signed, 'Subject: Referral received', 'Subject: URGENT referral'), {}, base);
  assert.equal(auth.dkim[0].result, 'fail');
  assert.equal(auth.dkim[0].comment, 'bad signature');
});

test('a pre-RFC 6376 signature without bh= is a permerror, not a failure', async () => {
  const signed = (await dkimSignMail(partnerMail(), partnerSigner)).toString('latin1');
  const withoutBh = Buffer.from(signed.replace(/\s*bh=[^;]+;/, ''), 'latin1');
  assert.notEqual(withoutBh.length, signed.length);
  const auth = await authenticate(withoutBh, {}, base);
  assert.equal(auth.dkim[0].result, 'permerror');
  assert.match(auth.dkim[0].comment ?? '', /no body hash/);
});

test('a spoofed From of a p=reject domain fails DMARC although SPF and DKIM pass for the attacker', async () => {
  const raw = await dkimSignMail(partnerMail('Please settle the attached invoice today.'), {
    domain: 'lakesidecardio-billing.com',
    selector: 'mx1',
    key: attackerKey,
  });
  const auth = await authenticate(raw, { clientIp: '198.18.7.20', helo: 'mta.lakesidecardio-billing.com', mailFrom: 'bounce@lakesidecardio-billing.com' }, base);
  assert.equal(auth.spf?.result, 'pass');
  assert.equal(auth.spf?.domain, 'lakesidecardio-billing.com');
  assert.deepEqual(
    auth.dkim.map((d) => [d.result, d.domain, d.aligned]),
    [['pass', 'lakesidecardio-billing.com', false]],
  );
  assert.deepEqual([auth.dmarc?.result, auth.dmarc?.domain, auth.dmarc?.policy], ['fail', 'lakesidecardio.com', 'reject']);
});

test('SPF: pass via the MX mechanism, fail from another IP, softfail under ~all', async () => {
  const raw = partnerMail();
  const pass = await authenticate(raw, { clientIp: '192.0.2.25', helo: 'mail.lakesidecardio.com', mailFrom: 'referrals@lakesidecardio.com' }, base);
  assert.equal(pass.spf?.result, 'pass');
  assert.equal(pass.dmarc?.result, 'pass', 'aligned SPF pass alone satisfies DMARC');
  assert.match(pass.header, /spf=pass .* smtp\.mailfrom=referrals@lakesidecardio\.com smtp\.helo=mail\.lakesidecardio\.com/);

  const fail = await authenticate(raw, { clientIp: '203.0.113.99', mailFrom: '<referrals@lakesidecardio.com>' }, base);
  assert.equal(fail.spf?.result, 'fail');
  assert.equal(fail.dmarc?.result, 'fail');

  const soft = await authenticate(buildMail({ from: 'Maria Lopez <maria.lopez1987@gmail.com>' }), { clientIp: '203.0.113.99', mailFrom: 'maria.lopez1987@gmail.com' }, base);
  assert.equal(soft.spf?.result, 'softfail');
  assert.deepEqual([soft.dmarc?.result, soft.dmarc?.policy], ['fail', 'none']);
});

test('a bounce (empty MAIL FROM) is checked against postmaster@HELO', async () => {
  const auth = await authenticate(partnerMail(), { clientIp: '192.0.2.25', helo: 'lakesidecardio.com', mailFrom: '<>' }, base);
  assert.equal(auth.spf?.result, 'pass');
  assert.equal(auth.spf?.domain, 'lakesidecardio.com');
});

test('NXDOMAIN everywhere: SPF none, DKIM no key, DMARC none', async () => {
  const raw = await dkimSignMail(
    buildMail({ from: 'Front Desk <desk@riverside-clinic.example>', text: 'See you on Monday.' }),
    { domain: 'riverside-clinic.example', selector: 'gone', key: partnerKey },
  );
  const auth = await authenticate(raw, { clientIp: '192.0.2.80', mailFrom: 'desk@riverside-clinic.example' }, base);
  assert.equal(auth.spf?.result, 'none');
  assert.deepEqual([auth.dkim[0].result, auth.dkim[0].comment], ['neutral', 'no key']);
  assert.equal(auth.dmarc?.result, 'none');
});

test('an intact ARC chain from a list passes; damaging the sealed message breaks it', async () => {
  const original = await dkimSignMail(partnerMail(), partnerSigner);
  const listed = Buffer.concat([original, Buffer.from('\r\n-- \r\nYou received this because you are subscribed to cardiology-referrals.\r\n')]);
  const sealed = await arcSealMail(
    listed,
    { domain: 'googlegroups.com', selector: 'arc-2024', key: listKey },
    'mx.googlegroups.com; dkim=pass header.d=lakesidecardio.com; spf=pass smtp.mailfrom=lakesidecardio.com; dmarc=pass header.from=lakesidecardio.com',
  );
  const ok = await authenticate(sealed, {}, base);
  assert.deepEqual([ok.arc?.result, ok.arc?.sealer], ['pass', 'googlegroups.com']);
  assert.equal(ok.dkim[0].result, 'fail', 'the footer still breaks the author signature');

  const broken = await authenticate(tamper(sealed, 'Subject: Referral', 'Subject: Re-sent referral'), {}, base);
  assert.equal(broken.arc?.result, 'fail');
});

// ---------------------------------------------------------------------------------------
// Upstream Authentication-Results

const upstreamMail = () =>
  prependHeaders(
    partnerMail(),
    'Authentication-Results: mx1.stmarys-health.org; spf=fail (sender IP is 203.0.113.99) smtp.mailfrom=lakesidecardio.com;',
    '  dkim=none; dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=lakesidecardio.com; arc=none',
    'Received: from mail.attacker.example (unknown [203.0.113.99]) by mx1.stmarys-health.org',
    // Written by the sender, so it must never be believed.
    'Authentication-Results: mx1.stmarys-health.org; spf=pass smtp.mailfrom=lakesidecardio.com; dkim=pass header.d=lakesidecardio.com; dmarc=pass header.from=lakesidecardio.com',
  );

test('offline: the topmost Authentication-Results of a trusted authserv-id is used', async () => {
  const auth = await authenticate(upstreamMail(), {}, { ...base, resolver: offlineResolver(), trustedAuthservIds: ['mx1.stmarys-health.org'] });
  assert.equal(auth.source, 'upstream');
  assert.equal(auth.authservId, 'mx1.stmarys-health.org');
  assert.deepEqual([auth.spf?.result, auth.spf?.domain], ['fail', 'lakesidecardio.com']);
  assert.deepEqual(auth.dkim, []);
  assert.deepEqual([auth.dmarc?.result, auth.dmarc?.policy], ['fail', 'reject']);
  assert.equal(auth.arc?.result, 'none');
  assert.equal(auth.header, '');
});

test('an untrusted authserv-id is ignored: offline evaluation gives temperror, not the claimed pass', async () => {
  const auth = await authenticate(upstreamMail(), {}, { ...base, resolver: offlineResolver(), trustedAuthservIds: ['mx.other-hospital.org'] });
  assert.equal(auth.source, 'local');
  assert.equal(auth.dmarc?.result, 'temperror');
});

test('Microsoft 365 results without an authserv-id are never trusted', async () => {
  const raw = prependHeaders(
    partnerMail(),
    'Authentication-Results: spf=pass (sender IP is 198.18.7.20) smtp.mailfrom=lakesidecardio.com; dkim=pass (signature was verified)',
    ' header.d=lakesidecardio.com;dmarc=pass action=none header.from=lakesidecardio.com;compauth=pass reason=100',
  );
  const auth = await authenticate(raw, {}, { ...base, resolver: offlineResolver(), trustedAuthservIds: ['', 'spf=pass', '*.com'] });
  assert.equal(auth.source, 'local');
});

test('a trusted upstream is not consulted when Medshield can evaluate itself', async () => {
  const auth = await authenticate(upstreamMail(), { clientIp: '192.0.2.25', mailFrom: 'referrals@lakesidecardio.com' }, { ...base, trustedAuthservIds: ['mx1.stmarys-health.org'] });
  assert.equal(auth.source, 'local');
  assert.equal(auth.dmarc?.result, 'pass');
});

test('Proton-style split headers from one host are read together; wildcard ids match hosts of a family', async () => {
  const raw = prependHeaders(
    partnerMail(),
    'Authentication-Results: mailin014.protonmail.ch; dmarc=pass (p=reject dis=none) header.from=lakesidecardio.com',
    'Authentication-Results: mailin014.protonmail.ch; spf=pass smtp.mailfrom=lakesidecardio.com',
    'Authentication-Results: mailin014.protonmail.ch; arc=none smtp.remote-ip=192.0.2.25',
    'Authentication-Results: mailin014.protonmail.ch; dkim=pass (2048-bit key) header.d=lakesidecardio.com header.i=@lakesidecardio.com header.b="EtAAySXF"',
    'Received: from mail.lakesidecardio.com (mail.lakesidecardio.com [192.0.2.25])',
  );
  const auth = await authenticate(raw, {}, { ...base, resolver: offlineResolver(), trustedAuthservIds: ['*.protonmail.ch'] });
  assert.equal(auth.source, 'upstream');
  assert.deepEqual(
    [auth.dmarc?.result, auth.dmarc?.policy, auth.spf?.result, auth.arc?.result, auth.dkim[0]?.result, auth.dkim[0]?.aligned],
    ['pass', 'reject', 'pass', 'none', 'pass', true],
  );
});

test('parseAuthenticationResults handles comments, quoting, versions, M365 and Google forms', () => {
  const g = parseAuthenticationResults(
    'mx.google.com; dkim=pass header.i=@hotmail.com header.s=selector1 header.b=GbjzdqRa; arc=pass (i=1); ' +
      'spf=pass (google.com: domain of x@y designates 40.92.43.100 as permitted sender; really) smtp.mailfrom=x@y; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=hotmail.com',
  );
  assert.equal(g.authservId, 'mx.google.com');
  assert.deepEqual(g.results.map((r) => `${r.method}=${r.result}`), ['dkim=pass', 'arc=pass', 'spf=pass', 'dmarc=pass']);
  assert.equal(g.results[2].props['smtp.mailfrom'], 'x@y');
  assert.match(g.results[3].comments[0], /p=NONE/);

  const m = parseAuthenticationResults('spf=none (sender IP is 1.2.3.4) smtp.helo=h.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=;compauth=fail reason=001');
  assert.equal(m.authservId, null);
  assert.deepEqual(m.results.map((r) => r.method), ['spf', 'dkim', 'dmarc', 'compauth']);
  assert.equal(m.results[2].props['action'], 'oreject');
  assert.equal(m.results[2].props['header.from'], '');
  assert.equal(m.results[3].reason, '001');

  const v = parseAuthenticationResults('example.org 1; dkim/1=pass header.b=ab+c/d=');
  assert.deepEqual([v.authservId, v.results[0].method, v.results[0].props['header.b']], ['example.org', 'dkim', 'ab+c/d=']);
  assert.deepEqual(parseAuthenticationResults('example.org; none'), { authservId: 'example.org', results: [] });

  assert.equal(isTrustedAuthservId('MX1.Stmarys-Health.org', ['mx1.stmarys-health.org']), true);
  assert.equal(isTrustedAuthservId('evil-protonmail.ch', ['*.protonmail.ch']), false);
  assert.equal(isTrustedAuthservId(null, ['']), false);
});

// ---------------------------------------------------------------------------------------
// Time budget

test('a resolver that never answers still returns within the budget, with temperrors', async () => {
  const silent: DnsResolver = () => new Promise(() => {});
  const raw = await dkimSignMail(partnerMail(), partnerSigner);
  const started = Date.now();
  const auth = await authenticate(raw, { clientIp: '192.0.2.25', mailFrom: 'referrals@lakesidecardio.com' }, { ...base, resolver: silent, timeoutMs: 400 });
  const took = Date.now() - started;
  assert.ok(took < 400 + 150, `took ${took} ms`);
  assert.equal(auth.spf?.result, 'temperror');
  assert.equal(auth.dkim[0].result, 'temperror');
  assert.equal(auth.dmarc?.result, 'temperror');
});

test('a slow resolver: what answered in time is kept, the rest is temperror', async () => {
  // mailauth asks for the DKIM key, then SPF, then DMARC; here DMARC never answers.
  const slowDmarc: DnsResolver = (name, type) => (name.startsWith('_dmarc.') ? new Promise(() => {}) : resolver(name, type));
  const raw = await dkimSignMail(partnerMail(), partnerSigner);
  const started = Date.now();
  const auth = await authenticate(raw, { clientIp: '203.0.113.99', mailFrom: 'referrals@lakesidecardio.com' }, { ...base, resolver: slowDmarc, timeoutMs: 300 });
  assert.ok(Date.now() - started < 300 + 150);
  assert.equal(auth.dkim[0].result, 'pass');
  assert.equal(auth.spf?.result, 'fail');
  assert.equal(auth.dmarc?.result, 'temperror');
});

test('a DKIM key lookup that timed out makes a would-be DMARC fail a temperror', async () => {
  const keyTimeout: DnsResolver = async (name, type) => {
    if (name.includes('._domainkey.')) throw Object.assign(new Error(`queryTxt ETIMEOUT ${name}`), { code: 'ETIMEOUT' });
    return resolver(name, type);
  };
  const raw = await dkimSignMail(partnerMail(), partnerSigner);
  const auth = await authenticate(raw, { clientIp: '203.0.113.99', mailFrom: 'referrals@lakesidecardio.com' }, { ...base, resolver: keyTimeout });
  assert.equal(auth.dkim[0].result, 'temperror');
  assert.equal(auth.spf?.result, 'fail');
  assert.equal(auth.dmarc?.result, 'temperror', 'the key might have made it pass');
});

// ---------------------------------------------------------------------------------------
// Resolvers

test('fixture resolver: node-shaped answers and errors, TXT split into 255-byte strings, CNAME followed', async () => {
  const long = `v=spf1 ${Array.from({ length: 40 }, (_, i) => `ip4:10.${i}.0.0/16`).join(' ')} -all`;
  const r = dnsFixtureResolver({
    'Example.ORG.': { TXT: [long, ['v=DKIM1; ', 'p=abc']], MX: [{ exchange: 'mx.example.org.', priority: 5 }] },
    'alias.example.org': { CNAME: 'example.org' },
  });
  const txt = (await r('example.org', 'TXT')) as string[][];
  assert.ok(txt[0].length > 1 && txt[0].every((c) => Buffer.byteLength(c) <= 255));
  assert.equal(txt[0].join(''), long);
  assert.deepEqual(txt[1], ['v=DKIM1; ', 'p=abc']);
  assert.deepEqual(await r('EXAMPLE.org.', 'MX'), [{ exchange: 'mx.example.org', priority: 5 }]);
  assert.deepEqual(await r('alias.example.org', 'MX'), [{ exchange: 'mx.example.org', priority: 5 }]);
  await assert.rejects(r('nope.example.org', 'TXT'), { code: 'ENOTFOUND', hostname: 'nope.example.org' });
  await assert.rejects(r('example.org', 'A'), { code: 'ENODATA' });
});

test('fixture validation names the bad key; loadDnsFixture names the file', () => {
  assert.throws(() => dnsFixtureResolver({ 'example.org': { Txt: ['x'] } as never }), /"example\.org": Unrecognized key.*Txt/);
  assert.throws(() => dnsFixtureResolver({ 'example.org': { A: ['300.1.1.1'] } }), /"example\.org"\.A\[0\]/);
  assert.throws(() => dnsFixtureResolver({ 'example.org': { MX: [{ exchange: 'mx', priority: -1 }] } }), /"example\.org"\.MX\[0\]\.priority/);
  const dir = mkdtempSync(join(tmpdir(), 'medshield-dns-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'ok.example': { TXT: ['v=spf1 -all'] }, 'bad.example': { AAAA: ['192.0.2.1'] } }));
    assert.throws(() => loadDnsFixture(bad), (err: Error) => err.message.includes(bad) && err.message.includes('"bad.example".AAAA[0]'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"a.example": ');
    assert.throws(() => loadDnsFixture(broken), /not valid JSON/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(ZONE));
    assert.deepEqual(Object.keys(loadDnsFixture(good)), Object.keys(ZONE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('offline resolver fails every query temporarily', async () => {
  const r = offlineResolver();
  assert.ok(isOfflineResolver(r));
  assert.ok(!isOfflineResolver(resolver));
  await assert.rejects(r('example.org', 'TXT'), (err: { code?: string }) => err.code !== 'ENOTFOUND' && err.code !== 'ENODATA');
});

/** A loopback DNS server answering TXT queries for one name, counting the queries it gets. */
async function loopbackDns(answerTxt: string | null): Promise<{ socket: Socket; port: number; queries: () => number }> {
  const socket = createSocket('udp4');
  let count = 0;
  socket.on('message', (q, rinfo) => {
    count++;
    if (answerTxt === null) return; // a server that never answers
    // Question section ends after the QNAME's zero byte + QTYPE + QCLASS.
    let end = 12;
    while (q[end] !== 0) end += q[end] + 1;
    end += 5;
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // response, recursion available, NOERROR
    header.writeUInt16BE(1, 6); // one answer
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const txt = Buffer.from(answerTxt);
    const rdata = Buffer.concat([Buffer.from([txt.length]), txt]);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    rr.writeUInt16BE(16, 2); // TXT
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    socket.send(Buffer.concat([header, q.subarray(12, end), rr, rdata]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, queries: () => count };
}

test('system resolver answers from a (loopback) server and caches the answer', async () => {
  const server = await loopbackDns('v=spf1 -all');
  try {
    const r = systemResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 1000 });
    assert.deepEqual(await r('example.org', 'TXT'), [['v=spf1 -all']]);
    assert.deepEqual(await r('Example.org.', 'TXT'), [['v=spf1 -all']]);
    assert.equal(server.queries(), 1);
  } finally {
    server.socket.close();
  }
});

test('system resolver gives up after its per-lookup timeout with ETIMEOUT', async () => {
  const server = await loopbackDns(null);
  try {
    const r = systemResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(r('example.org', 'TXT'), { code: 'ETIMEOUT' });
    assert.ok(Date.now() - started < 1000);
  } finally {
    server.socket.close();
  }
});
