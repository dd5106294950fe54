import { randomBytes } from 'node:crypto';

export interface BounceInput {
  hostname: string;
  /** The original envelope sender, who gets the report. */
  sender: string;
  originalRaw: Buffer;
  receivedAt: Date;
  failures: { recipient: string; error: string }[];
  now?: Date;
}

/**
 * A delivery status notification (RFC 3464) for recipients that failed permanently. It
 * returns only the original headers (text/rfc822-headers), never the body: a bounce is
 * mailed back out to the sender and the body may hold PHI.
 */
export function buildDsn(b: BounceInput): Buffer {
  const now = b.now ?? new Date();
  const boundary = `dsn-${randomBytes(12).toString('hex')}`;
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').replace(/\s+/g, ' ').trim();
  const human = [
    `This is the mail system at ${b.hostname}.`,
    '',
    'Your message could not be delivered to the following recipients:',
    '',
    ...b.failures.map((f) => `  <${f.recipient}>: ${ascii(f.error)}`),
    '',
    'The headers of your message are attached. Please contact the recipient by other means if the matter is urgent.',
  ];
  const perRecipient = b.failures.flatMap((f) => [
    '',
    `Final-Recipient: rfc822; ${f.recipient}`,
    'Action: failed',
    `Status: ${statusOf(f.error)}`,
    ...(/^\d{3}\b/.test(f.error) ? [`Diagnostic-Code: smtp; ${ascii(f.error)}`] : [`Diagnostic-Code: X-Medshield; ${ascii(f.error)}`]),
  ]);
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${b.hostname}>`,
    `To: <${b.sender}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <dsn.${randomBytes(8).toString('hex')}@${b.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...human,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${b.hostname}`,
    `Arrival-Date: ${b.receivedAt.toUTCString().replace('GMT', '+0000')}`,
    ...perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
  ];
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n'), headerBlock(b.originalRaw), Buffer.from(`\r\n--${boundary}--\r\n`)]);
}

/** RFC 3463 status: the enhanced code in the reply when there is one, else the class of the reply code. */
function statusOf(error: string): string {
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(error)?.[1];
  if (enhanced) return enhanced.replace(/^[24]/, '5');
  if (/expired|gave up/i.test(error)) return '5.4.7';
  return '5.0.0';
}

function headerBlock(raw: Buffer): Buffer {
  let end = raw.indexOf('\r\n\r\n');
  if (end >= 0) return raw.subarray(0, end + 2);
  end = raw.indexOf('\n\n');
  return end >= 0 ? Buffer.from(raw.subarray(0, end + 1).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : raw;
}
