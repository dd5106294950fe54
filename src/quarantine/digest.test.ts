import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { buildDigests } from './digest.ts';
import { signReleaseToken, verifyReleaseToken } from './release-token.ts';
import { quarantinable, tempStore } from './test-fixtures.ts';

const secret = randomBytes(32);
const now = new Date('2025-06-02T08:00:00Z');
const base = { now, baseUrl: 'https://medshield.hospital.example/', secret, from: 'Medshield <quarantine@hospital.example>', timeZone: 'UTC' };

function tokensIn(text: string): string[] {
  return [...text.matchAll(/https:\/\/medshield\.hospital\.example\/quarantine\/release-request\?token=([^\s"<]+)/g)].map((m) => m[1]!);
}

async function setup() {
  const s = tempStore();
  const forA = s.store.add(quarantinable({ to: ['a@hospital.example'], subject: 'Only for A', receivedAt: new Date('2025-06-01T10:00:00Z') }));
  const forB = s.store.add(quarantinable({ to: ['b@hospital.example'], subject: 'Only for B', receivedAt: new Date('2025-06-01T11:00:00Z'), reason: 'hold' }));
  const forBoth = s.store.add(quarantinable({ to: ['a@hospital.example', 'b@hospital.example'], subject: 'For A and B', receivedAt: new Date('2025-06-01T12:00:00Z') }));
  const released = s.store.add(quarantinable({ to: ['a@hospital.example'], subject: 'Already released', receivedAt: new Date('2025-06-01T13:00:00Z') }));
  s.store.release(released, 'cli:alice', () => 'out');
  const digests = await buildDigests(s.store, base);
  const parsed = new Map<string, { text: string; html: string; subject: string; raw: string }>();
  for (const d of digests) {
    const m = await simpleParser(d.raw);
    parsed.set(d.recipient, { text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '', subject: m.subject ?? '', raw: d.raw.toString('latin1') });
  }
  return { ...s, ids: { forA, forB, forBoth, released }, digests, parsed };
}

test('one digest per recipient with held mail, each listing only that recipient’s messages', async () => {
  const { digests, parsed } = await setup();
  assert.deepEqual(digests.map((d) => d.recipient), ['a@hospital.example', 'b@hospital.example']);
  const a = parsed.get('a@hospital.example')!;
  const b = parsed.get('b@hospital.example')!;
  assert.equal(a.subject, 'Medshield: 2 messages held for you');
  for (const part of [a.text, a.html]) {
    assert.match(part, /Only for A/);
    assert.match(part, /For A and B/);
    assert.doesNotMatch(part, /Only for B/);
    assert.doesNotMatch(part, /Already released/);
  }
  for (const part of [b.text, b.html]) {
    assert.match(part, /Only for B/);
    assert.match(part, /For A and B/);
    assert.doesNotMatch(part, /Only for A/);
  }
  assert.match(a.raw, /^To: a@hospital\.example\r$/m);
  assert.match(a.raw, /^Auto-Submitted: auto-generated\r$/m);
  assert.match(a.raw, /multipart\/alternative/);
});

test('a digest says who, what and why in plain words, and never carries message content or signal evidence', async () => {
  const { parsed, digests } = await setup();
  const b = parsed.get('b@hospital.example')!;
  for (const part of [b.text, b.html]) {
    assert.match(part, /Zocdoc/);
    assert.match(part, /noreply@zocdoc-appts\.net/);
    assert.match(part, /Held until the sender is verified/);
    assert.match(part, /Quarantined as likely phishing or harmful/);
    assert.match(part, /Asks for your SSN, date of birth, insurance or patient details/);
  }
  for (const d of digests) {
    const raw = d.raw.toString('utf8');
    assert.doesNotMatch(raw, /BODY-SECRET-MARKER/);
    assert.doesNotMatch(raw, /Please reply with your SSN/);
    assert.doesNotMatch(raw, /your SSN and date of birth/, 'signal evidence quotes content');
  }
  for (const p of parsed.values()) {
    assert.doesNotMatch(p.text + p.html, /BODY-SECRET-MARKER|Please reply with your SSN|your SSN and date of birth/);
  }
});

test('each link carries a token for that message and that recipient, valid until it expires', async () => {
  const { parsed, ids } = await setup();
  const a = parsed.get('a@hospital.example')!;
  const tokens = tokensIn(a.text);
  assert.equal(tokens.length, 2);
  assert.deepEqual(tokensIn(a.html).map((t) => t.replace(/&amp;/g, '&')), tokens);
  const claims = tokens.map((t) => verifyReleaseToken(decodeURIComponent(t), secret, now));
  assert.deepEqual(
    claims.map((c) => (c.ok ? [c.id, c.recipient] : c.reason)),
    [
      [ids.forBoth, 'a@hospital.example'],
      [ids.forA, 'a@hospital.example'],
    ],
  );
  const c = claims[0]!;
  assert.ok(c.ok);
  assert.deepEqual(c.expiresAt, new Date(now.getTime() + 72 * 3600_000));
  assert.deepEqual(verifyReleaseToken(tokens[0]!, secret, new Date(now.getTime() + 72 * 3600_000)), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyReleaseToken(tokens[0]!, randomBytes(32), now), { ok: false, reason: 'bad-signature' });
});

test('tokens: any change to id, recipient or expiry breaks the signature; junk is malformed', () => {
  const claims = { id: '0123456789abcdef', recipient: 'a@hospital.example', expiresAt: new Date('2025-06-05T08:00:00Z') };
  const token = signReleaseToken(claims, secret);
  const ok = verifyReleaseToken(token, secret, now);
  assert.deepEqual(ok, { ok: true, ...claims });
  const [id, rcpt, exp, sig] = token.split('.') as [string, string, string, string];
  const forged = [
    ['fedcba9876543210', rcpt, exp, sig],
    [id, Buffer.from('b@hospital.example').toString('base64url'), exp, sig],
    [id, rcpt, String(Number(exp) + 3600), sig],
    [id, rcpt, exp, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`],
  ].map((p) => p.join('.'));
  for (const f of forged) assert.deepEqual(verifyReleaseToken(f, secret, now), { ok: false, reason: 'bad-signature' }, f);
  for (const junk of ['', 'abc', `${token}.x`, token.replace(/\./g, '-'), 'a.b.c.d']) {
    assert.deepEqual(verifyReleaseToken(junk, secret, now), { ok: false, reason: 'malformed' }, junk);
  }
  assert.deepEqual(verifyReleaseToken(token, secret, new Date('2025-06-06T00:00:00Z')), { ok: false, reason: 'expired' });
});

test('since limits a digest to newly held mail; nobody with nothing new gets one', async () => {
  const { store } = await setup();
  const digests = await buildDigests(store, { ...base, since: new Date('2025-06-01T11:30:00Z') });
  assert.deepEqual(digests.map((d) => d.recipient), ['a@hospital.example', 'b@hospital.example']);
  const only = await buildDigests(store, { ...base, since: new Date('2025-06-01T12:30:00Z') });
  assert.deepEqual(only, []);
});

test('senders’ text is escaped in the HTML part, and long lists are capped with a count', async () => {
  const { store } = tempStore();
  store.add(quarantinable({ to: ['c@hospital.example'], subject: '<script>alert(1)</script> & "more"', receivedAt: new Date('2025-06-01T12:00:00Z') }));
  for (let i = 0; i < 4; i++) store.add(quarantinable({ to: ['c@hospital.example'], receivedAt: new Date('2025-06-01T10:00:00Z') }));
  const [d] = await buildDigests(store, { ...base, maxPerDigest: 3 });
  const m = await simpleParser(d!.raw);
  const html = String(m.html);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;more&quot;/);
  assert.equal(m.subject, 'Medshield: 5 messages held for you');
  assert.equal(tokensIn(m.text ?? '').length, 3);
  assert.match(m.text ?? '', /…and 2 more/);
});
