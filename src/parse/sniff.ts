/**
 * Content type from the first bytes (magic numbers). The sender's declared type and file
 * name are claims; this is what the bytes are.
 */
interface Magic {
  type: string;
  offset?: number;
  bytes: number[];
}

const MAGICS: Magic[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/bmp', bytes: [0x42, 0x4d] },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'image/x-icon', bytes: [0x00, 0x00, 0x01, 0x00] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { type: 'application/x-rar-compressed', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { type: 'application/x-7z-compressed', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
  { type: 'application/x-bzip2', bytes: [0x42, 0x5a, 0x68] },
  { type: 'application/x-xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { type: 'application/vnd.ms-cab-compressed', bytes: [0x4d, 0x53, 0x43, 0x46] },
  { type: 'application/x-ole-storage', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { type: 'application/rtf', bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66] },
  { type: 'application/x-msdownload', bytes: [0x4d, 0x5a] }, // MZ: PE/DOS executable
  { type: 'application/x-elf', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { type: 'application/x-mach-binary', bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { type: 'application/x-mach-binary', bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { type: 'application/x-mach-binary', bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { type: 'application/x-ms-shortcut', bytes: [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00] },
  { type: 'application/x-iso9660-image', offset: 0x8001, bytes: [0x43, 0x44, 0x30, 0x30, 0x31] }, // CD001
  { type: 'application/java-archive', bytes: [0xca, 0xfe, 0xd0, 0x0d] },
  { type: 'image/webp', offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
];

function matches(buf: Buffer, m: Magic): boolean {
  const off = m.offset ?? 0;
  if (m.bytes.length === 0 || buf.length < off + m.bytes.length) return false;
  for (let i = 0; i < m.bytes.length; i++) if (buf[off + i] !== m.bytes[i]) return false;
  return true;
}

export function sniffType(buf: Buffer): string {
  for (const m of MAGICS) if (matches(buf, m)) return m.type;
  // Text formats: look at the start, skipping a BOM and whitespace.
  const head = buf.subarray(0, 1024).toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|script|meta|div|form|iframe)[\s>]/.test(head)) return 'text/html';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'image/svg+xml';
  if (head.startsWith('<?xml')) return 'application/xml';
  if (head.startsWith('begin:vcalendar')) return 'text/calendar';
  if (head.startsWith('begin:vcard')) return 'text/vcard';
  if (/^(received|from|return-path|message-id|mime-version|date|subject|to|delivered-to):/m.test(head.slice(0, 300)) && /\n\r?\n/.test(head + '\n\n')) {
    if (/^(from|received|return-path|message-id):/m.test(head)) return 'message/rfc822';
  }
  if (isMostlyText(buf)) return 'text/plain';
  return '';
}

function isMostlyText(buf: Buffer): boolean {
  const n = Math.min(buf.length, 512);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) bad++;
  }
  return bad / n < 0.02;
}
