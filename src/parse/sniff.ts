/**
 * Content type from the first bytes (magic numbers). The sender's declared type and file
 * name are claims; this is what the bytes are.
 */
interface Magic {
  type: string;
  offset?: number;
  bytes: number[];
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const MAGICS: Magic[] = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'image/x-icon', bytes: [0x00, 0x00, 0x01, 0x00] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  // Spanned-archive marker some tools write before the first local header.
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x07, 0x08, 0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/x-rar-compressed', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { type: 'application/x-7z-compressed', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b, 0x08] },
  { type: 'application/x-bzip2', bytes: [0x42, 0x5a, 0x68] },
  { type: 'application/x-xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { type: 'application/zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { type: 'application/x-ace-compressed', offset: 7, bytes: ascii('**ACE**') },
  { type: 'application/x-tar', offset: 257, bytes: ascii('ustar') },
  { type: 'application/vnd.ms-cab-compressed', bytes: ascii('MSCF') },
  { type: 'application/x-ole-storage', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  // Word opens anything starting "{\rt" as RTF; malicious RTF relies on that looseness.
  { type: 'application/rtf', bytes: ascii('{\\rt') },
  { type: 'application/x-elf', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { type: 'application/x-mach-binary', bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { type: 'application/x-mach-binary', bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { type: 'application/x-mach-binary', bytes: [0xfe, 0xed, 0xfa, 0xce] },
  { type: 'application/x-mach-binary', bytes: [0xfe, 0xed, 0xfa, 0xcf] },
  { type: 'application/x-ms-shortcut', bytes: [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00] },
  { type: 'application/vnd.ms-htmlhelp', bytes: ascii('ITSF') },
  { type: 'application/onenote', bytes: [0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3] },
  { type: 'application/x-vhdx', bytes: ascii('vhdxfile') },
  { type: 'application/x-vhd', bytes: ascii('conectix') },
  { type: 'application/x-iso9660-image', offset: 0x8001, bytes: ascii('CD001') },
  { type: 'application/x-iso9660-image', offset: 0x8801, bytes: ascii('CD001') },
  { type: 'application/x-udf-image', offset: 0x8001, bytes: ascii('BEA01') },
  { type: 'application/java-archive', bytes: [0xca, 0xfe, 0xd0, 0x0d] },
  { type: 'image/webp', offset: 8, bytes: ascii('WEBP') },
  { type: 'image/bmp', bytes: [0x42, 0x4d] },
];

function matches(buf: Buffer, m: Magic): boolean {
  const off = m.offset ?? 0;
  if (m.bytes.length === 0 || buf.length < off + m.bytes.length) return false;
  for (let i = 0; i < m.bytes.length; i++) if (buf[off + i] !== m.bytes[i]) return false;
  return true;
}

export function sniffType(buf: Buffer): string {
  // Readers accept "%PDF-" anywhere in the first KiB; junk in front is an evasion trick.
  if (/%PDF-\d/.test(buf.subarray(0, 1024).toString('latin1'))) return 'application/pdf';
  if (buf.length >= 2 && buf[0] === 0x4d && buf[1] === 0x5a && !isMostlyText(buf)) return 'application/x-msdownload'; // MZ: PE/DOS executable
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xcafebabe) {
    // Java class files and universal Mach-O binaries share this magic; the next word tells them apart.
    return buf.readUInt16BE(6) >= 45 ? 'application/java-vm' : 'application/x-mach-binary';
  }
  for (const m of MAGICS) {
    if (!matches(buf, m)) continue;
    if (m.type === 'application/zip') return zipFlavour(buf);
    if (m.type === 'image/bmp' && !looksLikeBmp(buf)) continue;
    return m.type;
  }
  if (isAppleConfigProfile(buf)) return 'application/x-apple-aspen-config';
  // A zip with data prepended (junk added to dodge scanners) still opens in archivers.
  if (!isMostlyText(buf) && centralDirectoryStart(buf) >= 0) return zipFlavour(buf);
  if (buf.length >= 512 && buf.subarray(buf.length - 512, buf.length - 504).toString('latin1') === 'conectix') return 'application/x-vhd';
  if (buf.length >= 512 && buf.subarray(buf.length - 512, buf.length - 508).toString('latin1') === 'koly') return 'application/x-apple-diskimage';

  const text = textHead(buf);
  if (text === null) return '';
  const head = text.replace(/^(?:\s*<!--[\s\S]*?-->)+/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|script|meta|div|form|iframe|hta:application)[\s>]/.test(head)) return 'text/html';
  if (head.startsWith('<svg') || head.startsWith('<!doctype svg') || (head.startsWith('<?xml') && /<svg[\s>]/.test(head))) return 'image/svg+xml';
  if (head.startsWith('<?xml')) return /<html[\s>]/.test(head) ? 'text/html' : 'application/xml';
  if (head.startsWith('begin:vcalendar')) return 'text/calendar';
  if (head.startsWith('begin:vcard')) return 'text/vcard';
  if (head.startsWith('[internetshortcut]')) return 'application/x-mswinurl';
  if (head.startsWith('windows registry editor version') || head.startsWith('regedit4')) return 'text/x-ms-regedit';
  if (head.startsWith('#!')) return 'text/x-shellscript';
  if (/^(received|from|return-path|message-id|mime-version|date|subject|to|delivered-to):/m.test(head.slice(0, 300)) && /\n\r?\n/.test(head + '\n\n')) {
    if (/^(from|received|return-path|message-id):/m.test(head)) return 'message/rfc822';
  }
  // Text with a little lead-in before the markup ("Your attachment has been downloaded <html>…")
  // still renders as a web page when opened.
  if (/<html[\s>]|<script[\s>]|<body[\s>]|<!doctype html/.test(head.slice(0, 4096))) return 'text/html';
  return 'text/plain';
}

/**
 * Apple configuration profiles (.mobileconfig): an XML property list, often wrapped in a
 * PKCS#7 signature (DER), that installs mail accounts, VPNs and root certificates.
 */
function isAppleConfigProfile(buf: Buffer): boolean {
  const signed = buf[0] === 0x30 && (buf[1] & 0x80) !== 0;
  if (!signed && !(buf[0] === 0x3c || buf[0] === 0xef)) return false;
  const head = buf.subarray(0, 16384).toString('latin1');
  return head.includes('<plist') && head.includes('<key>PayloadType</key>') && head.includes('<key>PayloadContent</key>');
}

/** The file's start as text (BOMs honoured), or null when the bytes are not text. */
function textHead(buf: Buffer): string | null {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2, 4098).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2, 4098)).swap16().toString('utf16le');
  if (!isMostlyText(buf)) return null;
  return buf.subarray(0, 4096).toString('latin1').replace(/^\xef\xbb\xbf/, '');
}

function looksLikeBmp(buf: Buffer): boolean {
  // "BM" alone starts plenty of text; a real bitmap header has a sane DIB header size.
  if (buf.length < 26) return false;
  const dib = buf.readUInt32LE(14);
  return dib === 12 || dib === 40 || dib === 52 || dib === 56 || dib === 64 || dib === 108 || dib === 124;
}

/**
 * OOXML, OpenDocument, Java and Android packages are all zip files; the member names in the
 * central directory say which. Bounded: at most the last 256 KiB and 2000 entries are looked at.
 */
function zipFlavour(buf: Buffer): string {
  // OpenDocument stores its MIME type uncompressed as the first member.
  if (buf.length > 38 && buf.subarray(30, 38).toString('latin1') === 'mimetype' && buf.readUInt16LE(8) === 0) {
    const size = buf.readUInt32LE(18);
    const extra = buf.readUInt16LE(28);
    const mime = buf.subarray(38 + extra, 38 + extra + Math.min(size, 100)).toString('latin1');
    if (/^application\/vnd\.oasis\.opendocument\.[a-z.-]+$/.test(mime)) return mime;
  }
  const names = new Set<string>();
  let pos = centralDirectoryStart(buf);
  for (let n = 0; pos >= 0 && n < 5000 && pos + 46 <= buf.length && buf.readUInt32LE(pos) === 0x02014b50; n++) {
    const nameLen = buf.readUInt16LE(pos + 28);
    names.add(buf.subarray(pos + 46, pos + 46 + nameLen).toString('latin1'));
    pos += 46 + nameLen + buf.readUInt16LE(pos + 30) + buf.readUInt16LE(pos + 32);
  }
  if (names.has('[Content_Types].xml')) {
    const any = (prefix: string) => [...names].some((n) => n.startsWith(prefix));
    if (any('word/')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (any('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (any('ppt/')) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  }
  if (names.has('AndroidManifest.xml') && names.has('classes.dex')) return 'application/vnd.android.package-archive';
  if (names.has('META-INF/MANIFEST.MF') && [...names].some((n) => n.endsWith('.class'))) return 'application/java-archive';
  return 'application/zip';
}

/** Offset of the first central-directory entry, from the end-of-central-directory record; -1 if absent. */
function centralDirectoryStart(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf[i] !== 0x50 || buf.readUInt32LE(i) !== 0x06054b50) continue;
    const size = buf.readUInt32LE(i + 12);
    const declared = buf.readUInt32LE(i + 16);
    // Prepended data shifts the recorded offset; the directory ends where the record starts.
    for (const at of [declared, i - size]) if (at >= 0 && at + 4 <= buf.length && buf.readUInt32LE(at) === 0x02014b50) return at;
    return -1;
  }
  return -1;
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
