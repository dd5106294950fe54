import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMail } from '../../test/helpers/mail.ts';
import { parseLimitsSchema, UnscannableError } from './limits.ts';
import { parseMessage } from './parse.ts';

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('parseMessage', () => {
  it('normalizes addresses, display names and subject', async () => {
    const m = await parseMessage(
      buildMail({
        from: 'Dr. José Álvarez <JAlvarez@StMarys-Health.org>',
        replyTo: 'Billing <billing@example.net>',
        returnPath: 'bounce@mailer.example.com',
        subject: 'Your   appointment\tis ready',
        text: 'hello',
      }),
    );
    assert.equal(m.from?.address, 'jalvarez@stmarys-health.org');
    assert.equal(m.from?.domain, 'stmarys-health.org');
    assert.equal(m.from?.name, 'Dr. José Álvarez');
    assert.equal(m.replyTo[0].address, 'billing@example.net');
    assert.equal(m.returnPath?.domain, 'mailer.example.com');
    assert.equal(m.subject, 'Your appointment is ready');
  });

  it('renders HTML to text, hiding scripts, styles and hidden filler, and collects links with visible text', async () => {
    const m = await parseMessage(
      buildMail({
        html: `<html><head><style>p{color:red}</style><title>t</title></head><body>
          <p>Please <a href="https://evil.example/login">www.mychart.org</a> today.</p>
          <div style="display:none">lorem ipsum filler words</div>
          <script>alert(1)</script>
          <a href="javascript:alert(1)"><img src="cid:logo@x" alt="Sign in"></a>
          <form action="https://collect.example/post"><input name=p></form>
          <meta http-equiv="refresh" content="0; url=https://redirect.example/">
          </body></html>`,
        attachments: [{ filename: 'logo.png', contentType: 'image/png', content: PNG_1x1, contentId: 'logo@x' }],
      }),
    );
    assert.match(m.text, /Please www\.mychart\.org today\./);
    assert.doesNotMatch(m.text, /alert|color:red|filler/);
    assert.ok(m.hiddenTextChars > 10);
    assert.ok(m.htmlOnly);
    const hrefs = m.links.map((l) => [l.href, l.text, l.host, l.scheme]);
    assert.deepEqual(hrefs[0], ['https://evil.example/login', 'www.mychart.org', 'evil.example', 'https']);
    assert.deepEqual(hrefs[1], ['javascript:alert(1)', 'Sign in', '', 'javascript']);
    assert.ok(m.links.some((l) => l.href === 'https://redirect.example/'));
    assert.deepEqual(m.forms, ['https://collect.example/post']);
    const inline = m.images.find((i) => i.kind === 'inline');
    assert.equal(inline?.contentType, 'image/png');
    assert.equal(inline?.content?.length, PNG_1x1.length);
    assert.equal(m.images.length, 1, 'a cid image is not counted twice');
  });

  it('records data: and remote images without fetching remote ones', async () => {
    const m = await parseMessage(
      buildMail({ html: `<img src="data:image/png;base64,${PNG_1x1.toString('base64')}"><img src="https://tracker.example/p.gif">` }),
    );
    const data = m.images.find((i) => i.kind === 'data');
    assert.equal(data?.contentType, 'image/png');
    const remote = m.images.find((i) => i.kind === 'remote');
    assert.equal(remote?.url, 'https://tracker.example/p.gif');
    assert.equal(remote?.content, undefined);
  });

  it('sniffs attachment types from content, not from the name', async () => {
    const m = await parseMessage(
      buildMail({
        text: 'see attached',
        attachments: [
          { filename: 'invoice.pdf', contentType: 'application/pdf', content: Buffer.from('MZ\x90\x00rest-of-pe', 'latin1') },
          { filename: 'scan.jpg', contentType: 'application/octet-stream', content: Buffer.from('%PDF-1.7\n%…', 'latin1') },
        ],
      }),
    );
    assert.equal(m.attachments[0].sniffedType, 'application/x-msdownload');
    assert.equal(m.attachments[0].declaredType, 'application/pdf');
    assert.equal(m.attachments[1].sniffedType, 'application/pdf');
  });

  it('finds URLs in plain text', async () => {
    const m = await parseMessage(buildMail({ text: 'Go to https://portal.example.com/a?b=c, or www.example.org.' }));
    assert.deepEqual(
      m.links.map((l) => l.href),
      ['https://portal.example.com/a?b=c', 'http://www.example.org'],
    );
  });

  it('parses a forwarded message/rfc822 attachment as a nested message', async () => {
    const inner = buildMail({ from: 'Scammer <x@evil.example>', subject: 'inner', text: 'call 1-800-555-0100' });
    const m = await parseMessage(
      buildMail({ text: 'fwd', attachments: [{ filename: 'fwd.eml', contentType: 'message/rfc822', content: inner }] }),
    );
    const nested = m.attachments.find((a) => a.nested)?.nested;
    assert.equal(nested?.subject, 'inner');
    assert.equal(nested?.from?.domain, 'evil.example');
  });

  it('decodes RFC 2047 names and survives malformed charsets and headers', async () => {
    const raw = Buffer.from(
      'From: =?utf-8?B?Wm9jZG9j?= <noreply@zocdoc-appt.example>\r\nSubject: =?x-unknown?Q?Hi?=\r\nContent-Type: text/plain; charset="nonsense-8"\r\nBad Header Line\r\n\r\nbody\xff\xfe text\r\n',
      'latin1',
    );
    const m = await parseMessage(raw);
    assert.equal(m.from?.name, 'Zocdoc');
    assert.match(m.text, /body/);
  });

  it('reports a message without a From address as a defect, not a failure', async () => {
    const m = await parseMessage(Buffer.from('Subject: x\r\n\r\nhi\r\n'));
    assert.equal(m.from, null);
    assert.ok(m.defects.includes('no From address'));
  });

  describe('limits (fail closed)', () => {
    const limits = parseLimitsSchema.parse({ maxBytes: 2000, maxParts: 20, maxDepth: 4 });
    const reason = async (raw: Buffer) => {
      try {
        await parseMessage(raw, limits);
        return 'parsed';
      } catch (e) {
        assert.ok(e instanceof UnscannableError, `expected UnscannableError, got ${e}`);
        return e.reason;
      }
    };

    it('refuses empty input, non-mail and oversize messages', async () => {
      assert.equal(await reason(Buffer.alloc(0)), 'empty');
      assert.equal(await reason(Buffer.from('\x89PNG\r\n\x1a\n binary junk')), 'malformed');
      assert.equal(await reason(buildMail({ text: 'x'.repeat(3000) })), 'too-large');
    });

    it('refuses too many parts', async () => {
      const parts = Array.from({ length: 30 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
      const raw = Buffer.from(`From: a@b.example\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`);
      assert.equal(await reason(raw), 'too-many-parts');
    });

    it('refuses nesting deeper than the limit', async () => {
      let body = 'Content-Type: text/plain\r\n\r\ndeep\r\n';
      for (let d = 0; d < 6; d++) body = `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n${body}--b${d}--\r\n`;
      assert.equal(await reason(Buffer.from(`From: a@b.example\r\n${body}`)), 'too-deep');
    });

    it('accepts a normal multipart message within the limits', async () => {
      assert.equal(await reason(buildMail({ text: 'hi', html: '<p>hi</p>' })), 'parsed');
    });
  });
});
