import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arfReport, forwardAsAttachment, medstealerVariant } from '../testing/medstealer.ts';
import { ArfError, parseArf } from './arf.ts';
import { decodeQuotedPrintable, parseMimeTree } from './mime-parts.ts';
import { medshieldSpoolIds, messageIdOf, readReport } from './reported-messages.ts';

/** RFC 5965 appendix B, the example report (with CRLF line ends, as on the wire). */
const RFC5965_EXAMPLE = `From: <abusedesk@example.com>
Date: Thu, 8 Mar 2005 17:40:36 EDT
Subject: FW: Earn money
To: <abuse@example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
     boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.  For more information
about this format please see http://www.mipassoc.org/arf/.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <somespammer@example.net>
Original-Rcpt-To: <user@example.com>
Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT
Reporting-MTA: dns; mail.example.com
Source-IP: 192.0.2.1
Authentication-Results: mail.example.com;
               spf=fail smtp.mail=somespammer@example.com
Reported-Domain: example.net
Reported-Uri: http://example.net/earn_money.html
Reported-Uri: mailto:user@example.com
Removal-Recipient: user@example.com

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

From: <somespammer@example.net>
Received: from mailserver.example.net (mailserver.example.net
        [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;
        Thu, 08 Mar 2005 14:00:00 -0400
To: <Undisclosed Recipients>
Subject: Earn money
MIME-Version: 1.0
Content-type: text/plain
Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net
Date: Thu, 02 Sep 2004 12:31:03 -0500

Spam Spam Spam
Spam Spam Spam
Spam Spam Spam
Spam Spam Spam
--part1_13d.2e68ed54_boundary--
`.replace(/\n/g, '\r\n');

describe('ARF (RFC 5965) reports', () => {
  it('parses the RFC’s own example: fields, repeated fields, and the reported message byte for byte', () => {
    const r = parseArf(parseMimeTree(Buffer.from(RFC5965_EXAMPLE)));
    assert.equal(r.feedbackType, 'abuse');
    assert.equal(r.userAgent, 'SomeGenerator/1.0');
    assert.equal(r.version, '1');
    assert.equal(r.originalMailFrom, 'somespammer@example.net');
    assert.deepEqual(r.originalRcptTo, ['user@example.com']);
    assert.equal(r.sourceIp, '192.0.2.1');
    assert.deepEqual(r.reportedDomains, ['example.net']);
    assert.deepEqual(r.reportedUris, ['http://example.net/earn_money.html', 'mailto:user@example.com']);
    assert.equal(r.arrivalDate?.toISOString(), '2005-03-08T18:00:00.000Z');
    assert.deepEqual(r.problems, []);
    assert.equal(r.headersOnly, false);
    const original = r.original!.toString('latin1');
    assert.ok(original.startsWith('From: <somespammer@example.net>\r\nReceived: from mailserver.example.net'));
    assert.ok(original.endsWith('Spam Spam Spam\r\nSpam Spam Spam'), 'the boundary’s CRLF is not part of the message');
  });

  it('names what is wrong with a non-conforming report, and refuses what is no report at all', () => {
    const broken = RFC5965_EXAMPLE.replace('User-Agent: SomeGenerator/1.0\r\n', '').replace('Version: 1\r\n', 'Version: 7\r\n').replace('Feedback-Type: abuse', 'Feedback-Type: bogus');
    const r = parseArf(parseMimeTree(Buffer.from(broken)));
    assert.deepEqual(r.problems, ['unknown Feedback-Type bogus', 'missing User-Agent', 'unknown Version 7']);
    assert.throws(() => parseArf(parseMimeTree(Buffer.from('Subject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n'))), ArfError);
    const noFeedback = RFC5965_EXAMPLE.replace('Content-Type: message/feedback-report', 'Content-Type: text/plain');
    assert.throws(() => parseArf(parseMimeTree(Buffer.from(noFeedback))), /without a message\/feedback-report part/);
  });

  it('reads headers-only reports (text/rfc822-headers)', () => {
    const headersOnly = RFC5965_EXAMPLE.replace('Content-Type: message/rfc822', 'Content-Type: text/rfc822-headers');
    const c = readReport(Buffer.from(headersOnly));
    assert.equal(c.kind, 'headers-only');
    assert.equal(c.originals[0]!.headersOnly, true);
  });
});

describe('user reports', () => {
  const original = Buffer.concat([
    Buffer.from('Received: from relay ([203.0.113.5])\r\n\tby mx.stmarys-health.org (Medshield) with ESMTP id 0mx1b706w-0a4aa1c046df3c03\r\n\tfor <a@stmarys-health.org>; Tue, 03 Nov 2026 10:00:00 +0000\r\n'),
    medstealerVariant(3, 'a@stmarys-health.org'),
  ]);

  it('finds the message forwarded as an attachment, and the Medshield id in its trace', () => {
    const c = readReport(forwardAsAttachment({ from: 'Ana <a@stmarys-health.org>', to: 'report@stmarys-health.org', original }));
    assert.equal(c.kind, 'attachment');
    assert.equal(c.from, 'a@stmarys-health.org');
    assert.equal(c.originals.length, 1);
    assert.deepEqual(c.originals[0]!.raw, original);
    assert.deepEqual(medshieldSpoolIds(c.originals[0]!.raw), ['0mx1b706w-0a4aa1c046df3c03']);
    assert.match(messageIdOf(c.originals[0]!.raw), /^ms3\./);
  });

  it('takes ARF from a report button, and explains a report with nothing attached', () => {
    const c = readReport(arfReport({ from: 'Ben <b@stmarys-health.org>', to: 'reports@stmarys-health.org', original }));
    assert.equal(c.kind, 'arf');
    assert.equal(c.arf?.feedbackType, 'fraud');
    assert.deepEqual(c.originals[0]!.raw, original);
    const empty = readReport(Buffer.from('From: c@stmarys-health.org\r\nSubject: phish!\r\n\r\nI got a weird mail asking for my SSN\r\n'));
    assert.equal(empty.kind, 'none');
    assert.match(empty.problems[0]!, /forward the suspicious mail as an attachment/);
  });

  it('decodes a base64 message part and quoted-printable text', () => {
    const b64 = Buffer.from(
      ['From: a@stmarys-health.org', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', original.toString('base64').replace(/(.{76})/g, '$1\r\n'), '--b--', ''].join('\r\n'),
    );
    assert.deepEqual(readReport(b64).originals[0]!.raw, original);
    assert.equal(decodeQuotedPrintable('Caf=C3=A9 =\r\nau lait=3D').toString('utf8'), 'Café au lait=');
  });

  it('refuses a report nested past the limit with a clear reason, not a crash', () => {
    let raw = 'Subject: deep\r\nContent-Type: text/plain\r\n\r\nx\r\n';
    for (let i = 0; i < 20; i++) raw = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${raw}--b${i}--\r\n`;
    const c = readReport(Buffer.from(`From: a@stmarys-health.org\r\n${raw}`));
    assert.equal(c.kind, 'none');
    assert.match(c.problems[0]!, /nesting deeper/);
  });
});
