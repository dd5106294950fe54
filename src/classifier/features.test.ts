import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMail, type TestMail } from '../../test/helpers/mail.ts';
import { parseMessage } from '../parse/parse.ts';
import {
  DEFAULT_FEATURES,
  bucket,
  extractFeatures,
  featureValues,
  fnv1a32,
  hashFeature,
  messageFeatures,
  tokenize,
  vectorize,
} from './features.ts';

async function features(mail: TestMail | Buffer, spec = DEFAULT_FEATURES) {
  return messageFeatures(await parseMessage(Buffer.isBuffer(mail) ? mail : buildMail(mail)), spec);
}

async function vector(raw: Buffer) {
  const x = extractFeatures(await parseMessage(raw));
  return { indices: [...x.indices], values: [...x.values] };
}

/** Replace one header line of a raw message (buildMail always writes Date, Message-ID, To). */
function withHeader(raw: Buffer, name: string, value: string): Buffer {
  const text = raw.toString('utf8');
  const re = new RegExp(`^${name}: .*$`, 'm');
  assert.match(text, re);
  return Buffer.from(text.replace(re, `${name}: ${value}`), 'utf8');
}

function addHeader(raw: Buffer, line: string): Buffer {
  return Buffer.concat([Buffer.from(`${line}\r\n`, 'utf8'), raw]);
}

describe('tokenize', () => {
  it('lower-cases, keeps letters of any script and splits unspaced scripts into bigrams', () => {
    assert.deepEqual(tokenize('Überweisung BITTE prüfen'), ['überweisung', 'bitte', 'prüfen']);
    assert.deepEqual(tokenize('Résultats d’analyse'), ['résultats', 'd’analyse']);
    assert.deepEqual(tokenize('請確認帳戶'), ['請確', '確認', '認帳', '帳戶']);
  });

  it('reduces numbers to their shape and collapses long digit runs', () => {
    assert.deepEqual(tokenize('Pay $1,250.00 or 75% now, ref 123456789'), ['pay', '#$9,999.99', 'or', '#99%', 'now', 'ref', '#9+']);
  });

  it('drops years, dates, times and month/weekday names', () => {
    assert.deepEqual(tokenize('Seen on Wed, 4 Sep 2002 at 10:30 and 2007-05-01 or 12/03/2024'), ['seen', 'on', '#9', 'at', 'and', 'or']);
    assert.deepEqual(tokenize('Clinic in September on Monday'), ['clinic', 'in', 'on']);
    // Ordinary words that are also abbreviations stay.
    assert.deepEqual(tokenize('you may sit in the sun'), ['you', 'may', 'sit', 'in', 'the', 'sun']);
  });

  it('drops every e-mail address, including the corpora placeholders and their mangled forms', () => {
    const tokens = tokenize('Dear phishing@pot, =3Dphishing@pot@hotmail.com wrote to [username] and zzzz@spamassassin.taint.org');
    assert.deepEqual(tokens, ['dear', 'wrote', 'to', 'and']);
  });

  it('drops quoted header lines of replies and forwards', () => {
    const tokens = tokenize('Thanks!\n> From: Bob <bob@example.org>\n> Date: Tue, 3 Nov 2026\n> To: Alice\nSubject: rota');
    assert.deepEqual(tokens, ['thanks', '!', 'subject', 'rota']);
  });

  it('replaces junk runs by one marker', () => {
    assert.deepEqual(tokenize('id QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w end'), ['id', '<long>', 'end']);
  });
});

describe('messageFeatures', () => {
  const base: TestMail = {
    from: 'Pay Roll <payroll@stmarys-health.org>',
    to: 'Jane Doe <jane.doe@stmarys-health.org>',
    subject: 'Your payslip is ready',
    text: 'Dear colleague, your payslip for this month is ready in the staff portal.',
  };

  it('ignores recipients, Date, Message-ID, Received and other headers', async () => {
    const raw = buildMail(base);
    const reference = await vector(raw);
    const variants = [
      withHeader(raw, 'To', 'phishing@pot'),
      withHeader(raw, 'To', '"[username]" <zzzz@spamassassin.taint.org>'),
      withHeader(raw, 'Date', 'Thu, 01 Aug 2002 09:15:00 -0700'),
      withHeader(raw, 'Message-ID', '<20070412.ABC123@mail.uwaterloo.ca>'),
      addHeader(raw, 'Received: from mx.collector.example (1.2.3.4) by honeypot; Mon, 1 Jan 2024 00:00:00 +0000'),
      addHeader(raw, 'X-MS-Exchange-Organization-SCL: 9'),
      addHeader(raw, 'Cc: someone@else.example'),
    ];
    for (const v of variants) assert.deepEqual(await vector(v), reference);
  });

  it('does not key on the sender address, only on the display name', async () => {
    const a = await features(base);
    const b = await features({ ...base, from: 'Pay Roll <zz-other@elsewhere.example>' });
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    assert.ok(a.has('f:pay') && a.has('f:roll'));
  });

  it('never turns recipient placeholders in the body into tokens', async () => {
    const f = await features({
      subject: 'Mailbox notice for phishing@pot',
      html: '<p>Hello [username],</p><p>Your mailbox phishing@pot is full. <a href="https://evil.example/x?u=phishing@pot">Upgrade</a></p>',
    });
    for (const name of f.keys()) assert.doesNotMatch(name, /phishing|\bpot\b|username|@/, name);
  });

  it('describes links by registrable domain, TLD, scheme, IP host, count and shown-vs-real mismatch', async () => {
    const f = await features({
      html:
        '<p><a href="https://login.secure.paypa1-verify.co.uk/signin">https://www.paypal.com/signin</a>' +
        ' <a href="http://192.0.2.7/payload">here</a> <a href="mailto:help@stmarys-health.org">mail us</a></p>',
    });
    assert.ok(f.has('u:dom:paypa1-verify.co.uk'));
    assert.ok(f.has('u:tld:uk'));
    assert.ok(f.has('u:scheme:https') && f.has('u:scheme:http') && f.has('u:scheme:mailto'));
    assert.ok(f.has('u:ip'));
    assert.ok(f.has('u:text-mismatch'));
    assert.ok(f.has(`u:count:${bucket(3)}`));
    // Path words only when the spec asks for them (models trained before the switch).
    assert.ok(![...f.keys()].some((k) => k.startsWith('up:')));
    const withPaths = await features({ html: '<p><a href="https://login.secure.paypa1-verify.co.uk/signin">sign in</a></p>' }, { ...DEFAULT_FEATURES, linkPathWords: true });
    assert.ok(withPaths.has('up:signin'));
  });

  it('has no mismatch flag when the shown domain is the real one', async () => {
    const f = await features({ html: '<p><a href="https://www.stmarys-health.org/clinics">stmarys-health.org/clinics</a></p>' });
    assert.ok(f.has('u:dom:stmarys-health.org'));
    assert.ok(!f.has('u:text-mismatch'));
    // nhs.uk is itself a public suffix: www.nhs.uk is the site, shown and linked alike.
    const nhs = await features({ html: '<p><a href="https://www.nhs.uk/conditions/">www.nhs.uk/conditions</a></p>' });
    assert.ok(!nhs.has('u:text-mismatch'));
  });

  it('describes attachments by sniffed type and extension, and the HTML/image layout', async () => {
    const f = await features({
      html: '<p>See attached</p><img src="cid:logo1"><img src="https://cdn.example.com/a.png">',
      attachments: [
        { filename: 'invoice.pdf.exe', contentType: 'application/pdf', content: Buffer.from('MZ\x90\x00rest', 'latin1') },
        { filename: 'logo.png', contentType: 'image/png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), contentId: 'logo1' },
      ],
    });
    assert.ok(f.has('a:type:application/x-msdownload'));
    assert.ok(f.has('a:ext:exe'));
    assert.ok(f.has('a:type:image/png'));
    assert.ok(f.has('m:html-only'));
    assert.ok(f.has(`m:images:${bucket(2)}`));
    assert.ok(f.has('m:image-kind:inline') && f.has('m:image-kind:remote'));
  });

  it('marks plain-text mail and has body bigrams only when asked', async () => {
    const mail: TestMail = { subject: 'Clinic moved', text: 'The diabetes clinic moved to room four.' };
    const plain = await features(mail);
    assert.ok(plain.has('m:text-only'));
    assert.ok(plain.has('sb:clinic moved'));
    assert.ok(!plain.has('b:diabetes clinic'));
    const withBigrams = await features(mail, { ...DEFAULT_FEATURES, bodyBigrams: true });
    assert.ok(withBigrams.has('b:diabetes clinic'));
  });
});

describe('feature values and hashing', () => {
  it('counts text with log term frequency and scales the vector to unit length', () => {
    const v = featureValues(new Map([['w:free', 3], ['w:offer', 1], ['m:html-only', 1]]));
    const raw = [1 + Math.log(3), 1, 1];
    const norm = Math.hypot(...raw);
    assert.ok(Math.abs(v.get('w:free')! - raw[0] / norm) < 1e-12);
    assert.ok(Math.abs(v.get('m:html-only')! - 1 / norm) < 1e-12);
  });

  it('is FNV-1a 32-bit over UTF-8 (known answers), so another implementation can read a model', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    const reference = (bytes: Buffer) => {
      let h = 0x811c9dc5;
      for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      return h;
    };
    for (const s of ['w:prüfen', 'w:請確', 's:🙂 emoji', 'w:lone\ud800x']) assert.equal(fnv1a32(s), reference(Buffer.from(s, 'utf8')));
  });

  it('folds hashes into the table and sums colliding features', () => {
    const params = { algorithm: 'fnv1a32' as const, bits: 4, seed: 7 };
    const names = Array.from({ length: 40 }, (_, i) => `w:t${i}`);
    for (const n of names) assert.ok(hashFeature(n, params) >= 0 && hashFeature(n, params) < 16);
    const x = vectorize(new Map(names.map((n) => [n, 1])), params);
    assert.ok(x.indices.length <= 16);
    assert.equal(x.values.reduce((a, b) => a + b, 0), 40);
    assert.deepEqual([...x.indices], [...x.indices].sort((a, b) => a - b));
  });
});
