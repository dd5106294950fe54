/**
 * Builds small RFC 5322 messages for tests, so fixtures are readable in the test itself.
 */
export interface TestAttachment {
  filename: string;
  contentType: string;
  content: Buffer | string;
  /** Set to make it an inline part referenced as cid:<contentId>. */
  contentId?: string;
}

export interface TestMail {
  from?: string;
  to?: string;
  replyTo?: string;
  returnPath?: string;
  sender?: string;
  subject?: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: TestAttachment[];
}

let counter = 0;

function b64(content: Buffer | string): string {
  const b = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return (b.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function encodeHeader(v: string): string {
  // RFC 2047 for non-ASCII header text, so fixtures can use real-world names.
  return /[^\x20-\x7e]/.test(v) ? `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=` : v;
}

function encodeAddressHeader(v: string): string {
  const m = /^(.*?)\s*<([^>]*)>$/.exec(v);
  if (!m || !/[^\x20-\x7e]/.test(m[1])) return v;
  return `${encodeHeader(m[1].replace(/^"|"$/g, ''))} <${m[2]}>`;
}

export function buildMail(m: TestMail): Buffer {
  counter++;
  const lines: string[] = [];
  const h = (k: string, v: string | undefined) => {
    if (v !== undefined) lines.push(`${k}: ${v}`);
  };
  h('Return-Path', m.returnPath ? `<${m.returnPath}>` : undefined);
  h('From', encodeAddressHeader(m.from ?? 'Alice Example <alice@example.org>'));
  h('Sender', m.sender);
  h('Reply-To', m.replyTo);
  h('To', m.to ?? 'Staff <staff@stmarys-health.org>');
  h('Subject', encodeHeader(m.subject ?? 'Test message'));
  h('Date', 'Tue, 03 Nov 2026 10:00:00 +0000');
  h('Message-ID', `<test-${counter}@example.org>`);
  h('MIME-Version', '1.0');
  for (const [k, v] of Object.entries(m.headers ?? {})) h(k, v);

  const bodyParts: string[][] = [];
  const textPart = (type: string, body: string) => [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(body),
  ];
  const alt: string[][] = [];
  if (m.text !== undefined) alt.push(textPart('text/plain', m.text));
  if (m.html !== undefined) alt.push(textPart('text/html', m.html));
  if (alt.length === 0) alt.push(textPart('text/plain', ''));

  const atts = m.attachments ?? [];
  const multipart = (subtype: string, parts: string[][], boundary: string) => [
    `Content-Type: multipart/${subtype}; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
  ];
  let body: string[];
  const altBlock = alt.length === 1 ? alt[0] : multipart('alternative', alt, `alt-${counter}`);
  if (atts.length === 0) {
    body = altBlock;
  } else {
    bodyParts.push(altBlock);
    for (const a of atts) {
      bodyParts.push([
        `Content-Type: ${a.contentType}; name="${a.filename}"`,
        'Content-Transfer-Encoding: base64',
        a.contentId
          ? `Content-Disposition: inline; filename="${a.filename}"`
          : `Content-Disposition: attachment; filename="${a.filename}"`,
        ...(a.contentId ? [`Content-ID: <${a.contentId}>`] : []),
        '',
        b64(a.content),
      ]);
    }
    const related = atts.some((a) => a.contentId);
    body = multipart(related ? 'related' : 'mixed', bodyParts, `mix-${counter}`);
  }
  return Buffer.from([...lines, ...body].join('\r\n') + '\r\n', 'utf8');
}
