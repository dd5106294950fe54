import { randomBytes } from 'node:crypto';

/**
 * A plain-text message, optionally with a message attached, written synchronously so it can
 * be queued inside the database transaction that decides to send it (nodemailer's composer
 * is asynchronous). UTF-8 text goes base64; header words are RFC 2047-encoded when needed.
 */
export function plainMessage(o: { from: string; to: string; subject: string; text: string; date: Date; hostname: string; headers?: Record<string, string>; attach?: { filename: string; raw: Buffer } }): Buffer {
  const id = randomBytes(10).toString('hex');
  const head = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${encodeWords(o.subject)}`,
    `Date: ${o.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <verify.${id}@${o.hostname}>`,
    'MIME-Version: 1.0',
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`),
  ];
  const body = base64Lines(Buffer.from(o.text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  if (!o.attach) {
    return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', body, ''].join('\r\n'), 'latin1');
  }
  const boundary = `verify-${id}`;
  const raw = o.attach.raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      `--${boundary}`,
      `Content-Type: message/rfc822; name="${o.attach.filename}"`,
      `Content-Disposition: attachment; filename="${o.attach.filename}"`,
      'Content-Transfer-Encoding: 8bit',
      '',
      raw.endsWith('\r\n') ? raw.slice(0, -2) : raw,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

function base64Lines(b: Buffer): string {
  return (b.toString('base64').match(/.{1,76}/g) ?? ['']).join('\r\n');
}

function encodeWords(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}
