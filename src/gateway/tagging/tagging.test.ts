import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Verdict } from '../../engine/verdict.ts';
import { NO_AUTH } from '../../authenticate/auth-result.ts';
import { bannerLines, PLAIN_WORDS, plainWords } from './plain-words.ts';
import { renderForDelivery } from './render.ts';
import { ANALYZERS } from '../../analyzers/index.ts';

const verdict: Verdict = {
  action: 'tag',
  score: 7,
  signals: [
    { id: 'PHI_SOLICITATION', score: 3.5, evidence: 'asks for SSN', analyzer: 'content-intent' },
    { id: 'REPLYTO_FREEMAIL', score: 3, evidence: 'gmail', analyzer: 'sender-anomalies' },
    { id: 'DMARC_PASS_ALIGNED', score: -0.5, evidence: 'pass', analyzer: 'authentication' },
  ],
  rules: [],
  unscannable: false,
  auth: { ...NO_AUTH, source: 'local', header: 'medshield;\r\n spf=fail smtp.mailfrom=portal-notice.example;\r\n dmarc=fail header.from=portal-notice.example' },
  summary: { from: 'a@portal-notice.example', fromName: '', subject: '', messageId: '' },
  ms: 1,
  timings: {},
};
const banner = bannerLines(verdict.signals, true);
const render = (raw: string) => renderForDelivery(Buffer.from(raw, 'latin1'), { verdict, label: 'tag', authservId: 'medshield', banner, bannerSource: 'Medshield' });

const PDF_B64 = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3 signed bytes stay the same\n', 'latin1').toString('base64');

/** MIME samples: name, raw message, and what must hold after tagging. */
const SAMPLES: { name: string; raw: string; text?: string; html?: string; untouched?: string[] }[] = [
  {
    name: 'multipart/alternative with an attachment, base64 UTF-8',
    raw: [
      'From: a@portal-notice.example',
      'To: b@stmarys-health.org',
      'Subject: Your Appointment is Ready!',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Please confirm your date of birth — thank you. Café').toString('base64'),
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<html><head><title>x</title></head><body style=3D"margin:0"><p>Please confirm=',
      ' your date of birth</p></body></html>',
      '--alt--',
      '--outer',
      'Content-Type: application/pdf; name="form.pdf"',
      'Content-Disposition: attachment; filename="form.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      PDF_B64,
      '--outer--',
      '',
    ].join('\r\n'),
    text: 'Please confirm your date of birth — thank you. Café',
    html: '<p>Please confirm your date of birth</p>',
    untouched: [PDF_B64],
  },
  {
    name: 'Latin-1 quoted-printable text, nested related/alternative',
    raw: [
      'From: a@portal-notice.example',
      'Subject: Rendez-vous',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: multipart/alternative; boundary="alt2"',
      '',
      '--alt2',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Votre rendez-vous est confirm=E9. Merci de r=E9pondre.',
      '--alt2',
      'Content-Type: text/html; charset=windows-1252',
      'Content-Transfer-Encoding: 8bit',
      '',
      '<p>Confirm\xe9 \x93today\x94</p>',
      '--alt2--',
      '--rel',
      'Content-Type: image/png',
      'Content-ID: <logo>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--rel--',
      '',
    ].join('\r\n'),
    text: 'Votre rendez-vous est confirmé. Merci de répondre.',
    html: '<p>Confirmé “today”</p>',
    untouched: ['iVBORw0KGgo='],
  },
  {
    name: 'a plain non-MIME message with LF line ends',
    raw: 'From: a@portal-notice.example\nSubject: hi\n\nCall us at 555-0100 about your account.\n',
    text: 'Call us at 555-0100 about your account.',
  },
  {
    name: 'text/plain format=flowed',
    raw: [
      'From: a@portal-notice.example',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii; format=flowed',
      '',
      'This line is soft ',
      'wrapped here.',
      '',
    ].join('\r\n'),
    text: 'This line is soft wrapped here.',
  },
  {
    name: 'HTML fragment without <body>',
    raw: ['From: a@portal-notice.example', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', '<div>Reply with your member ID</div>', ''].join('\r\n'),
    html: '<div>Reply with your member ID</div>',
  },
];

describe('tagging: banner insertion keeps every message intact', () => {
  for (const s of SAMPLES) {
    it(s.name, async () => {
      const out = await render(s.raw);
      const parsed = await simpleParser(out);
      if (s.text !== undefined) {
        const text = parsed.text ?? '';
        assert.ok(text.startsWith('-'.repeat(68)), 'the text part opens with the banner');
        assert.ok(text.includes('Caution: this message may not be what it seems'));
        for (const line of banner) assert.ok(text.includes(`* ${line}`), `banner line: ${line}`);
        assert.ok(text.includes(s.text), `original text kept: ${text}`);
      }
      if (s.html !== undefined) {
        const html = parsed.html || '';
        assert.ok(html.includes('Caution: this message may not be what it seems'));
        assert.ok(html.indexOf('Caution') < html.indexOf(s.html.slice(0, 10)), 'banner above the content');
        assert.ok(html.includes(s.html), `original HTML kept: ${html}`);
        if (/<body/.test(s.raw)) assert.match(html, /<body[^>]*><table role="presentation"/, 'inserted right after <body>');
      }
      for (const u of s.untouched ?? []) assert.ok(out.includes(u), 'other parts byte-for-byte unchanged');
      const unfolded = out.toString('latin1').replace(/\r\n[ \t]+/g, ' ');
      assert.match(unfolded, /^Authentication-Results: medshield; spf=fail smtp\.mailfrom=portal-notice\.example; dmarc=fail header\.from=portal-notice\.example\r\n/);
      assert.match(unfolded, /\r\nX-Medshield-Verdict: tag\r\nX-Medshield-Score: 7\r\nX-Medshield-Signals: PHI_SOLICITATION=3.5, REPLYTO_FREEMAIL=3, DMARC_PASS_ALIGNED=-0.5\r\n/);
      for (const line of out.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n')) assert.ok(line.length <= 998, 'header lines within RFC 5322 limits');
      if (!/MIME-Version/.test(s.raw)) assert.match(out.toString('latin1'), /^MIME-Version: 1\.0\r\n/m);
      // Attachments survive with their content.
      const before = await simpleParser(Buffer.from(s.raw, 'latin1'));
      assert.deepEqual(
        parsed.attachments.map((a) => [a.filename, a.content.toString('base64')]),
        before.attachments.map((a) => [a.filename, a.content.toString('base64')]),
      );
    });
  }

  it('leaves text attachments and the parts of an attached message alone', async () => {
    const raw = [
      'From: a@portal-notice.example',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the forwarded message.',
      '--m',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      '',
      'attached notes',
      '--m',
      'Content-Type: message/rfc822',
      '',
      'From: inner@example.org',
      'Subject: inner',
      'Content-Type: text/html',
      '',
      '<p>inner body</p>',
      '--m--',
      '',
    ].join('\r\n');
    const out = (await render(raw)).toString();
    assert.equal(out.match(/Caution: this message may not be what it seems/g)?.length, 1, 'one banner, in the body text only');
    assert.match(out, /\r\n\r\nattached notes\r\n/);
    assert.match(out, /\r\n\r\n<p>inner body<\/p>\r\n/);
  });

  it('removes forged X-Medshield-* headers and Authentication-Results claiming our authserv-id, keeps others', async () => {
    const raw = [
      'Authentication-Results: medshield; dmarc=pass header.from=stmarys-health.org',
      'Authentication-Results: mx.upstream.example; spf=pass',
      'X-Medshield-Verdict: deliver',
      'x-medshield-score: -50',
      'From: a@portal-notice.example',
      '',
      'body',
      '',
    ].join('\r\n');
    const out = (await renderForDelivery(Buffer.from(raw), { verdict: { ...verdict, action: 'deliver' }, label: 'deliver', authservId: 'medshield', banner: null })).toString();
    assert.doesNotMatch(out, /dmarc=pass header\.from=stmarys-health\.org/);
    assert.doesNotMatch(out, /-50/);
    assert.match(out, /Authentication-Results: mx\.upstream\.example; spf=pass/);
    assert.equal(out.match(/^X-Medshield-Verdict:/gim)?.length, 1);
    assert.doesNotMatch(out, /Caution/);
    assert.match(out, /\r\n\r\nbody\r\n$/, 'body unchanged without a banner');
  });

  it('words every signal the analyzers can raise in plain language, ordered by weight, with "External sender" first', () => {
    const known = new Set(ANALYZERS.flatMap((a) => Object.keys(a.signals)));
    for (const sentence of Object.values(PLAIN_WORDS)) assert.ok(sentence.length > 5 && sentence.length < 120 && !/\.$/.test(sentence), sentence);
    // Signals added later without a sentence here still get a short one from their description.
    for (const id of known) assert.ok(plainWords(id).length > 5 && plainWords(id).length <= 110, `${id}: "${plainWords(id)}"`);
    const stale = Object.keys(PLAIN_WORDS).filter((id) => !known.has(id) && id !== 'UNSCANNABLE' && id !== 'ANALYZER_FAILED');
    assert.deepEqual(stale, [], 'no sentence for a signal that no longer exists');
    assert.deepEqual(banner, ['External sender', PLAIN_WORDS.PHI_SOLICITATION, PLAIN_WORDS.REPLYTO_FREEMAIL]);
    assert.match(PLAIN_WORDS.PHI_SOLICITATION!, /SSN.*verify by calling the number on record/);
    assert.deepEqual(bannerLines(verdict.signals, false), [PLAIN_WORDS.PHI_SOLICITATION, PLAIN_WORDS.REPLYTO_FREEMAIL]);
  });
});
