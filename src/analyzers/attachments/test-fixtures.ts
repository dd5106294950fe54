import { deflateSync, gzipSync } from 'node:zlib';
import { strToU8, zipSync, type Zippable } from 'fflate';

/**
 * Builders for real (minimal) files of each format the analyzer opens, so tests exercise the
 * same parsing paths hostile files do. Only used by tests.
 */

/** A minimal Windows PE: DOS header pointing at a "PE\0\0" header with an i386 COFF header. */
export function tinyPe(): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt16LE(0x90, 2);
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.\r\r\n$', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84); // machine: i386
  b.writeUInt16LE(0, 0x86); // no sections
  b.writeUInt16LE(0xe0, 0x94); // optional header size
  b.writeUInt16LE(0x0102, 0x96); // executable, 32-bit
  return b;
}

export function tinyElf(): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(b);
  return b;
}

/** A Windows shortcut (.lnk) header: what LNK droppers start with. */
export function tinyLnk(): Buffer {
  const b = Buffer.alloc(76);
  Buffer.from([0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46]).copy(b);
  return b;
}

export function tinyJpeg(seed = 0): Buffer {
  const b = Buffer.alloc(600, seed);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).copy(b);
  for (let i = 20; i < b.length; i++) b[i] = (i * 7919 + seed * 31) & 0xff;
  b[b.length - 2] = 0xff;
  b[b.length - 1] = 0xd9;
  return b;
}

// ── PDF ────────────────────────────────────────────────────────────────────────────

/** Assembles numbered object bodies (1-based) into a PDF with a correct xref table. */
export function pdfFile(objects: (string | Buffer | null)[], rootRef = '1 0 R'): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let pos = parts[0].length;
  objects.forEach((body, i) => {
    if (body === null) {
      offsets.push(-1); // stored in an object stream instead
      return;
    }
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(pos);
    parts.push(chunk);
    pos += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => (o < 0 ? '0000000000 00001 f \n' : `${String(o).padStart(10, '0')} 00000 n \n`))].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${rootRef} >>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A stream object body; Flate-compressed when `flate` is set. */
export function pdfStream(dict: string, data: string | Buffer, flate = false): Buffer {
  const raw = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const body = flate ? deflateSync(raw) : raw;
  const filter = flate ? ' /Filter /FlateDecode' : '';
  return Buffer.concat([Buffer.from(`<< ${dict}${filter} /Length ${body.length} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]);
}

function escapePdfString(s: string): string {
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Page content drawing the given lines of text in Helvetica. */
export function textContent(lines: string[]): string {
  return ['BT', '/F1 11 Tf', '14 TL', '56 780 Td', ...lines.map((l) => `(${escapePdfString(l)}) Tj T*`), 'ET'].join('\n');
}

/** A one-page text PDF, optionally with link annotations. */
export function textPdf(lines: string[], links: string[] = [], flate = true): Buffer {
  const annots = links.map((_, i) => `${6 + i} 0 R`).join(' ');
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /FitH null] >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R${links.length ? ` /Annots [${annots}]` : ''} >>`,
    pdfStream('', textContent(lines), flate),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...links.map((u) => `<< /Type /Annot /Subtype /Link /Rect [56 40 300 60] /Border [0 0 0] /A << /S /URI /URI (${escapePdfString(u)}) >> >>`),
  ]);
}

export const INVOICE_LINES = [
  'Medline Supplies Ltd - Invoice INV-2024-00417',
  'Bill to: St Mary\'s Health Trust, Accounts Payable, 12 Hospital Road',
  'Date: 2024-03-04    Due: 2024-04-03    PO: 4500123987',
  'Item                                   Qty    Unit     Total',
  'Nitrile examination gloves, M (box 100)   40    6.20    248.00',
  'Sterile gauze swabs 10x10cm (pack 100)     25    4.80    120.00',
  'Disposable aprons (roll 200)               10    9.50     95.00',
  'Subtotal 463.00   VAT 20% 92.60   Total due GBP 555.60',
  'Payment by BACS to sort code 20-00-00, account 12345678, quoting the invoice number.',
  'Questions about this invoice: accounts@medline-supplies.example or 0161 555 0142.',
];

export const LAB_RESULT_LINES = [
  'Department of Clinical Biochemistry - Laboratory Report',
  'Patient: DOE, Jane   DOB: 1971-06-02   MRN: 00418822   Requested by: Dr A. Patel',
  'Specimen: Serum, collected 2024-03-01 08:14, received 09:02, reported 14:37',
  'Sodium 139 mmol/L (133-146)   Potassium 4.4 mmol/L (3.5-5.3)',
  'Urea 5.1 mmol/L (2.5-7.8)   Creatinine 78 umol/L (45-84)   eGFR >90',
  'HbA1c 46 mmol/mol (20-41) H   Total cholesterol 5.2 mmol/L',
  'Comment: HbA1c raised; please review in diabetes clinic as per local pathway.',
  'Results available on the patient portal: https://portal.stmarys-health.org/results',
];

/** Catalog whose /OpenAction runs JavaScript, written as plain text. */
export function openActionJsPdf(nameOf: (n: string) => string = (n) => n): Buffer {
  return pdfFile([
    `<< /Type /Catalog /Pages 2 0 R /${nameOf('OpenAction')} 6 0 R >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    pdfStream('', textContent(['Please wait while your document loads...']), true),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Type /Action /S /${nameOf('JavaScript')} /${nameOf('JS')} (var u = this.getURL; app.launchURL\\("https://docs-viewer.example/login", true\\);) >>`,
  ]);
}

/**
 * Same lure, but the catalog and the action live in a Flate-compressed object stream, the
 * way modern PDFs (and evasive ones) store their dictionaries.
 */
export function objectStreamJsPdf(): Buffer {
  const members = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>',
    '<< /Type /Action /S /JavaScript /JS (this.exportDataObject\\({cName: "scan.exe", nLaunch: 2}\\);) >>',
  ];
  const numbers = [1, 6];
  let header = '';
  let body = '';
  members.forEach((m, i) => {
    header += `${numbers[i]} ${body.length} `;
    body += `${m}\n`;
  });
  const objStm = pdfStream(`/Type /ObjStm /N 2 /First ${header.length}`, header + body, true);
  return pdfFile(
    [
      null, // object 1 (catalog) lives in the object stream
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      pdfStream('', textContent(['Scanned document attached.', 'Open with Adobe Reader to view.']), true),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      null, // object 6 (the action) lives in the object stream
      objStm,
    ],
  );
}

export function launchPdf(): Buffer {
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    '<< /Type /Action /S /Launch /Win << /F (cmd.exe) /P (/c powershell -w hidden -enc SQBFAFgA) >> >>',
  ]);
}

export function embeddedFilePdf(fileName: string, content: Buffer, lines = INVOICE_LINES): Buffer {
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(att) 6 0 R] >> >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    pdfStream('', textContent(lines), true),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Type /Filespec /F (${fileName}) /UF (${fileName}) /EF << /F 7 0 R >> >>`,
    pdfStream('/Type /EmbeddedFile', content, true),
  ]);
}

/** One page, one full-page image, one link over it: the credential-phish lure. */
export function linkOnlyPdf(url: string): Buffer {
  const pixels = Buffer.alloc(32 * 32 * 3, 0x2a);
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R /Annots [6 0 R] >>',
    pdfStream('', 'q 595 0 0 842 0 0 cm /Im1 Do Q', true),
    pdfStream('/Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceRGB /BitsPerComponent 8', pixels, true),
    `<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /URI /URI (${url}) >> >>`,
  ]);
}

/** An Acrobat fillable form whose only scripts format number and date fields. */
export function formattedFormPdf(): Buffer {
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /Annots [6 0 R 7 0 R] >>',
    pdfStream('', textContent(['Patient registration form', 'Surname', 'Date of birth', 'NHS number', 'Weight (kg)', 'Please return to the reception desk.']), true),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /FT /Tx /T (dob) /Subtype /Widget /Rect [200 700 400 720] /AA << /F << /S /JavaScript /JS (AFDate_FormatEx\\("dd/mm/yyyy"\\);) >> /K << /S /JavaScript /JS (AFDate_KeystrokeEx\\("dd/mm/yyyy"\\);) >> >> >>',
    '<< /FT /Tx /T (weight) /Subtype /Widget /Rect [200 660 400 680] /AA << /F << /S /JavaScript /JS (AFNumber_Format\\(1, 0, 0, 0, "", true\\);) >> >> >>',
  ]);
}

// ── Zip and friends ───────────────────────────────────────────────────────────────

export function zip(files: Record<string, Buffer | string>, level: 0 | 1 | 6 | 9 = 6): Buffer {
  const z: Zippable = {};
  for (const [name, content] of Object.entries(files)) z[name] = [typeof content === 'string' ? strToU8(content) : new Uint8Array(content), { level }];
  return Buffer.from(zipSync(z));
}

/** Sets the "encrypted" general-purpose flag on every member, as a password-protected zip has. */
export function markEncrypted(zipFile: Buffer): Buffer {
  const b = Buffer.from(zipFile);
  for (let p = b.indexOf('PK\x03\x04', 0, 'latin1'); p >= 0; p = b.indexOf('PK\x03\x04', p + 4, 'latin1')) b.writeUInt16LE(b.readUInt16LE(p + 6) | 1, p + 6);
  for (let p = b.indexOf('PK\x01\x02', 0, 'latin1'); p >= 0; p = b.indexOf('PK\x01\x02', p + 4, 'latin1')) b.writeUInt16LE(b.readUInt16LE(p + 8) | 1, p + 8);
  return b;
}

/** Every central-directory entry points at the first member's bytes: the overlapping-files bomb. */
export function overlappingZip(): Buffer {
  const b = Buffer.from(zip({ 'a.txt': 'x'.repeat(5000), 'b.txt': 'y'.repeat(5000), 'c.txt': 'z'.repeat(5000) }));
  for (let p = b.indexOf('PK\x01\x02', 0, 'latin1'); p >= 0; p = b.indexOf('PK\x01\x02', p + 4, 'latin1')) b.writeUInt32LE(0, p + 42);
  return b;
}

/** Rewrites every central-directory "uncompressed size" to `size`: a zip lying about what it holds. */
export function declareSize(zipFile: Buffer, size: number): Buffer {
  const b = Buffer.from(zipFile);
  for (let p = b.indexOf('PK\x01\x02', 0, 'latin1'); p >= 0; p = b.indexOf('PK\x01\x02', p + 4, 'latin1')) b.writeUInt32LE(size, p + 24);
  return b;
}

/** A gzip file whose header keeps the original file name (FNAME), as gzip(1) writes it. */
export function gzipNamed(name: string, content: Buffer): Buffer {
  const g = gzipSync(content);
  const header = Buffer.from(g.subarray(0, 10));
  header[3] |= 0x08;
  return Buffer.concat([header, Buffer.from(`${name}\0`, 'latin1'), g.subarray(10)]);
}

export function tar(files: Record<string, Buffer | string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, value] of Object.entries(files)) {
    const data = typeof value === 'string' ? Buffer.from(value) : value;
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0001750\0', 108, 'latin1');
    h.write('0001750\0', 116, 'latin1');
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('14571526030\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\x0000', 257, 'latin1');
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** RAR 4 archive header + one file header (names are readable without decompressing). */
export function rar4(name: string, opts: { encrypted?: boolean; encryptedHeaders?: boolean } = {}): Buffer {
  const marker = Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00]);
  const main = Buffer.alloc(13);
  main[2] = 0x73;
  main.writeUInt16LE(opts.encryptedHeaders ? 0x0080 : 0, 3);
  main.writeUInt16LE(13, 5);
  const nameBytes = Buffer.from(name, 'latin1');
  const file = Buffer.alloc(32 + nameBytes.length);
  file[2] = 0x74;
  file.writeUInt16LE(0x8000 | (opts.encrypted ? 0x04 : 0), 3);
  file.writeUInt16LE(file.length, 5);
  file.writeUInt32LE(4, 7); // packed size
  file.writeUInt32LE(4, 11); // unpacked size
  file.writeUInt16LE(nameBytes.length, 26);
  nameBytes.copy(file, 32);
  const end = Buffer.from([0, 0, 0x7b, 0, 0x40, 7, 0]);
  return Buffer.concat([marker, main, ...(opts.encryptedHeaders ? [] : [file, Buffer.from('DATA'), end])]);
}

/** RAR 5: signature, main header, one file header. */
export function rar5(name: string): Buffer {
  const sig = Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]);
  const block = (fields: number[], tail: Buffer = Buffer.alloc(0)) => {
    const body = Buffer.concat([Buffer.from(fields), tail]);
    return Buffer.concat([Buffer.alloc(4), Buffer.from([body.length]), body]);
  };
  const main = block([1, 0, 0]);
  const nameBytes = Buffer.from(name, 'utf8');
  // type 2 (file), header flags 2 (has data), data size 4, file flags 0, size 4, attrs 0, comp 0, host 0, name length
  const file = block([2, 2, 4, 0, 4, 0, 0, 0, nameBytes.length], nameBytes);
  const end = block([5, 0, 0]);
  return Buffer.concat([sig, main, file, Buffer.from('DATA'), end]);
}

export function cab(names: string[]): Buffer {
  const header = Buffer.alloc(36);
  header.write('MSCF', 0, 'latin1');
  const files = names.map((n) => {
    const e = Buffer.alloc(16 + n.length + 1);
    e.writeUInt32LE(1024, 0);
    e.write(n, 16, 'latin1');
    return e;
  });
  const folder = Buffer.alloc(8);
  header.writeUInt32LE(36 + 8, 16);
  header[24] = 3;
  header[25] = 1;
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(names.length, 28);
  const out = Buffer.concat([header, folder, ...files]);
  out.writeUInt32LE(out.length, 8);
  return out;
}

/** A minimal ISO 9660 image with files in its root directory. */
export function iso(files: Record<string, Buffer>): Buffer {
  const entries = Object.entries(files);
  const sectors = 19 + entries.length;
  const img = Buffer.alloc(sectors * 2048);
  const record = (name: Buffer, extent: number, size: number, dir: boolean) => {
    const len = 33 + name.length + (name.length % 2 === 0 ? 1 : 0);
    const r = Buffer.alloc(len);
    r[0] = len;
    r.writeUInt32LE(extent, 2);
    r.writeUInt32BE(extent, 6);
    r.writeUInt32LE(size, 10);
    r.writeUInt32BE(size, 14);
    r[25] = dir ? 2 : 0;
    r.writeUInt16LE(1, 28);
    r[32] = name.length;
    name.copy(r, 33);
    return r;
  };
  const pvd = 16 * 2048;
  img[pvd] = 1;
  img.write('CD001', pvd + 1, 'latin1');
  img[pvd + 6] = 1;
  img.writeUInt16LE(2048, pvd + 128);
  record(Buffer.from([0]), 18, 2048, true).copy(img, pvd + 156);
  img[17 * 2048] = 255;
  img.write('CD001', 17 * 2048 + 1, 'latin1');
  let p = 18 * 2048;
  for (const r of [record(Buffer.from([0]), 18, 2048, true), record(Buffer.from([1]), 18, 2048, true)]) {
    r.copy(img, p);
    p += r.length;
  }
  entries.forEach(([name, data], i) => {
    const r = record(Buffer.from(`${name.toUpperCase()};1`, 'latin1'), 19 + i, data.length, false);
    r.copy(img, p);
    p += r.length;
    data.copy(img, (19 + i) * 2048, 0, Math.min(2048, data.length));
  });
  return img;
}

// ── Office ────────────────────────────────────────────────────────────────────────

const CONTENT_TYPES_DOCX = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

export function docx(opts: { paragraphs?: string[]; macro?: boolean; templateTarget?: string; hyperlink?: string; extraParts?: Record<string, Buffer | string> } = {}): Buffer {
  const paragraphs = (opts.paragraphs ?? ['Minutes of the infection control meeting, 4 March.']).map((p) => `<w:p><w:r><w:t>${p}</w:t></w:r></w:p>`).join('');
  const docRels = [
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>',
    ...(opts.hyperlink ? [`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="${opts.hyperlink}" TargetMode="External"/>`] : []),
    ...(opts.macro ? ['<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'] : []),
  ].join('');
  const files: Record<string, Buffer | string> = {
    '[Content_Types].xml': CONTENT_TYPES_DOCX,
    '_rels/.rels': ROOT_RELS,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs}</w:body></w:document>`,
    'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${docRels}</Relationships>`,
    'word/settings.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${opts.templateTarget ? '<w:attachedTemplate r:id="rId1"/>' : ''}</w:settings>`,
    ...(opts.extraParts ?? {}),
  };
  if (opts.templateTarget) {
    files['word/_rels/settings.xml.rels'] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="${opts.templateTarget}" TargetMode="External"/></Relationships>`;
  }
  if (opts.macro) files['word/vbaProject.bin'] = oleFile([{ path: 'VBA/dir', data: Buffer.alloc(16, 1) }, { path: '_VBA_PROJECT', data: Buffer.from([0xcc, 0x61, 0xff, 0xff, 0, 0, 0]) }, { path: 'PROJECT', data: Buffer.from('ID="{00000000}"\r\nDocument=ThisDocument/&H00000000\r\n') }]);
  return zip(files);
}

interface OleStream {
  /** "Storage/Sub/Stream". */
  path: string;
  data: Buffer;
}

/**
 * A compound file (OLE2/CFB, 512-byte sectors) holding the given streams. Streams under 4096
 * bytes go to the mini stream, as Office writes them, so both read paths are exercised.
 */
export function oleFile(streams: OleStream[], rootClsid?: Buffer): Buffer {
  type Node = { name: string; type: 1 | 2 | 5; children: Node[]; data?: Buffer; id?: number; start?: number; size?: number };
  const root: Node = { name: 'Root Entry', type: 5, children: [] };
  for (const s of streams) {
    const parts = s.path.split('/');
    let node = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      let child = node.children.find((c) => c.name === part);
      if (!child) {
        child = { name: part, type: last ? 2 : 1, children: [], data: last ? s.data : undefined };
        node.children.push(child);
      }
      node = child;
    });
  }
  const all: Node[] = [];
  const number = (n: Node) => {
    n.id = all.length;
    all.push(n);
    n.children.forEach(number);
  };
  number(root);

  const SECTOR = 512;
  const mini: Buffer[] = [];
  const big: Buffer[] = [];
  let miniSectors = 0;
  let bigSectors = 0;
  const miniFat: number[] = [];
  for (const n of all) {
    if (n.type !== 2 || !n.data) continue;
    n.size = n.data.length;
    if (n.data.length < 4096) {
      const count = Math.max(1, Math.ceil(n.data.length / 64));
      n.start = miniSectors;
      for (let i = 0; i < count; i++) miniFat.push(i === count - 1 ? 0xfffffffe : miniSectors + i + 1);
      miniSectors += count;
      const padded = Buffer.alloc(count * 64);
      n.data.copy(padded);
      mini.push(padded);
    } else {
      const count = Math.ceil(n.data.length / SECTOR);
      n.start = bigSectors;
      bigSectors += count;
      const padded = Buffer.alloc(count * SECTOR);
      n.data.copy(padded);
      big.push(padded);
    }
  }
  const miniStream = Buffer.concat(mini);
  const miniStreamSectors = Math.ceil(miniStream.length / SECTOR);
  const miniFatSectors = Math.max(1, Math.ceil((miniFat.length * 4) / SECTOR));
  const dirSectors = Math.ceil((all.length * 128) / SECTOR);
  // Layout after the FAT sector: directory, mini FAT, mini stream, big streams.
  const fatSectors = 1;
  const dirStart = fatSectors;
  const miniFatStart = dirStart + dirSectors;
  const miniStreamStart = miniFatStart + miniFatSectors;
  const bigStart = miniStreamStart + miniStreamSectors;
  const total = bigStart + bigSectors;
  if (total > 128) throw new Error('test OLE file too large for one FAT sector');

  const fat = new Array<number>(128).fill(0xffffffff);
  fat[0] = 0xfffffffd;
  const chain = (start: number, count: number) => {
    for (let i = 0; i < count; i++) fat[start + i] = i === count - 1 ? 0xfffffffe : start + i + 1;
  };
  chain(dirStart, dirSectors);
  chain(miniFatStart, miniFatSectors);
  if (miniStreamSectors) chain(miniStreamStart, miniStreamSectors);
  for (const n of all) if (n.type === 2 && n.data && n.data.length >= 4096) {
    const count = Math.ceil(n.data.length / SECTOR);
    n.start = bigStart + n.start!;
    chain(n.start, count);
  }

  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(dirStart, 48);
  header.writeUInt32LE(4096, 56);
  header.writeUInt32LE(miniFatStart, 60);
  header.writeUInt32LE(miniFatSectors, 64);
  header.writeUInt32LE(0xfffffffe, 68);
  header.writeUInt32LE(0, 72);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 76 + i * 4);

  const fatSector = Buffer.alloc(SECTOR);
  fat.forEach((v, i) => fatSector.writeUInt32LE(v, i * 4));
  const dir = Buffer.alloc(dirSectors * SECTOR);
  for (const n of all) {
    const off = n.id! * 128;
    const name = Buffer.from(`${n.name}\0`, 'utf16le');
    name.copy(dir, off);
    dir.writeUInt16LE(name.length, off + 64);
    dir[off + 66] = n.type;
    dir[off + 67] = 1;
    const siblings = all.find((p) => p.children.includes(n))?.children ?? [];
    const next = siblings[siblings.indexOf(n) + 1];
    dir.writeUInt32LE(0xffffffff, off + 68);
    dir.writeUInt32LE(next ? next.id! : 0xffffffff, off + 72);
    dir.writeUInt32LE(n.children.length ? n.children[0].id! : 0xffffffff, off + 76);
    if (n.type === 5 && rootClsid) rootClsid.copy(dir, off + 80);
    if (n.type === 5) {
      dir.writeUInt32LE(miniStream.length ? miniStreamStart : 0xfffffffe, off + 116);
      dir.writeUInt32LE(miniStream.length, off + 120);
    } else if (n.type === 2) {
      dir.writeUInt32LE(n.start!, off + 116);
      dir.writeUInt32LE(n.size!, off + 120);
    }
  }
  const miniFatSector = Buffer.alloc(miniFatSectors * SECTOR, 0xff);
  miniFat.forEach((v, i) => miniFatSector.writeUInt32LE(v, i * 4));
  const miniPadded = Buffer.alloc(miniStreamSectors * SECTOR);
  miniStream.copy(miniPadded);
  return Buffer.concat([header, fatSector, dir, miniFatSector, miniPadded, ...big]);
}

/** The \x01Ole10Native stream of an OLE "Package" object carrying a file. */
export function ole10Native(label: string, content: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([2, 0]),
    Buffer.from(`${label}\0C:\\Users\\admin\\Desktop\\${label}\0`, 'latin1'),
    Buffer.from([0, 0, 3, 0]),
    Buffer.alloc(4),
    Buffer.from(`C:\\Users\\admin\\AppData\\Local\\Temp\\${label}\0`, 'latin1'),
    Buffer.alloc(4),
    content,
  ]);
  body.writeUInt32LE(content.length, body.length - content.length - 4);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([size, body]);
}

/** Workbook stream (BIFF8) with BOF, one BOUNDSHEET for `sheet` of the given type, and EOF. */
export function biffWorkbook(sheet: string, sheetType: 0 | 1, hidden: 0 | 1 | 2 = 0): Buffer {
  const rec = (type: number, data: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(type, 0);
    h.writeUInt16LE(data.length, 2);
    return Buffer.concat([h, data]);
  };
  const bof = rec(0x0809, Buffer.from([0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  const bs = Buffer.alloc(8 + sheet.length);
  bs[4] = hidden;
  bs[5] = sheetType;
  bs[6] = sheet.length;
  bs[7] = 0;
  bs.write(sheet, 8, 'latin1');
  return Buffer.concat([bof, rec(0x0085, bs), rec(0x000a, Buffer.alloc(0))]);
}

export const MSI_CLSID = Buffer.from('84100c0000000000c000000000000046', 'hex');
