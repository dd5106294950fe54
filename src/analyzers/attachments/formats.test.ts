import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sniffType } from '../../parse/sniff.ts';
import { listArchive } from './archives.ts';
import { judgeName, NAME_SAMPLES, displayedName } from './file-names.ts';
import { HTML_RULES, judgeHtml, parseHtmlAttachment } from './html-attachment.ts';
import { OleFile } from './office.ts';
import { scanPdf, type PdfLimits } from './pdf.ts';
import { listZip, MemberReadError, readZipEntry, readZipEntryHead } from './zip.ts';
import {
  docx,
  iso,
  linkOnlyPdf,
  markEncrypted,
  objectStreamJsPdf,
  oleFile,
  openActionJsPdf,
  pdfFile,
  pdfStream,
  rar5,
  textContent,
  textPdf,
  tinyJpeg,
  tinyLnk,
  tinyPe,
  zip,
} from './test-fixtures.ts';

const PDF_LIMITS: PdfLimits = { maxBytes: 16 << 20, maxStreams: 400, maxStreamBytes: 8 << 20, maxInflateBytes: 64 << 20 };

describe('file-name rules', () => {
  for (const s of NAME_SAMPLES) {
    it(`judges ${JSON.stringify(s.name)}`, () => {
      const v = judgeName(s.name);
      assert.equal(Boolean(v.dangerous), s.dangerous, 'dangerous');
      assert.equal(Boolean(v.disguise), s.disguised, `disguised: ${v.disguise}`);
    });
  }

  it('shows how a right-to-left override name is displayed', () => {
    assert.equal(displayedName('invoice\u202efdp.exe'), 'invoiceexe.pdf');
  });
});

describe('HTML rules (each with its own samples)', () => {
  for (const rule of HTML_RULES) {
    it(`${rule.id} matches its positives and none of its negatives`, () => {
      for (const p of rule.positives) assert.notEqual(rule.match(parseHtmlAttachment(p)), null, `should match: ${p.slice(0, 80)}`);
      for (const n of rule.negatives) assert.equal(rule.match(parseHtmlAttachment(n)), null, `should not match: ${n.slice(0, 80)}`);
    });
  }

  it('lets redirects to a trusted envelope host pass', () => {
    const doc = parseHtmlAttachment('<meta http-equiv="refresh" content="0;url=https://res.cisco.com/websafe/open">');
    assert.deepEqual(judgeHtml(doc, ['res.cisco.com']), []);
  });
});

describe('sniffType extensions', () => {
  const cases: [string, Buffer, string][] = [
    ['PE with stub', tinyPe(), 'application/x-msdownload'],
    ['text starting with MZ', Buffer.from('MZ Healthcare Group annual report\n'), 'text/plain'],
    ['shortcut', tinyLnk(), 'application/x-ms-shortcut'],
    ['docx', docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['plain zip', zip({ 'a.jpg': tinyJpeg() }), 'application/zip'],
    ['jar', zip({ 'META-INF/MANIFEST.MF': 'Main-Class: a.B\n', 'a/B.class': Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]) }), 'application/java-archive'],
    ['ISO image', iso({ 'a.txt': Buffer.from('x') }), 'application/x-iso9660-image'],
    ['RAR5', rar5('a.txt'), 'application/x-rar-compressed'],
    ['PDF with junk before the header', Buffer.concat([Buffer.from('garbage\r\n'), textPdf(['x'])]), 'application/pdf'],
    ['HTML after a lead-in line', Buffer.from('Your attachment has been downloaded\n<html><body><script>x()</script></body></html>'), 'text/html'],
    ['HTML after a comment', Buffer.from('<!-- saved from url=(0014)about:internet -->\n<div>hi</div>'), 'text/html'],
    ['SVG with doctype', Buffer.from('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg></svg>'), 'image/svg+xml'],
    ['Internet shortcut', Buffer.from('[InternetShortcut]\r\nURL=https://example.org/\r\n'), 'application/x-mswinurl'],
    ['registry file (UTF-16)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Windows Registry Editor Version 5.00\r\n', 'utf16le')]), 'text/x-ms-regedit'],
    ['OneNote', Buffer.from('e4525c7b8cd8a74daeb15378d02996d3' + '00'.repeat(16), 'hex'), 'application/onenote'],
    ['Java class', Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 1, 2]), 'application/java-vm'],
    ['universal Mach-O', Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 1, 2]), 'application/x-mach-binary'],
    ['"BM" text is not a bitmap', Buffer.from('BM Medical Supplies quotation\n'), 'text/plain'],
    ['signed Apple profile', Buffer.concat([Buffer.from([0x30, 0x82, 0x17, 0xfa]), Buffer.from('<plist><dict><key>PayloadContent</key><array/><key>PayloadType</key><string>Configuration</string></dict></plist>')]), 'application/x-apple-aspen-config'],
    ['zip with junk before it keeps its flavour', Buffer.concat([Buffer.alloc(500, 0x20), docx()]), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ];
  for (const [label, buf, type] of cases) it(label, () => assert.equal(sniffType(buf), type));
});

describe('PDF scanner', () => {
  it('counts pages, URIs and shown text of a plain document', () => {
    const r = scanPdf(textPdf(['Hello', 'World'], ['https://www.stmarys-health.org/']), PDF_LIMITS);
    assert.equal(r.pages, 1);
    assert.deepEqual(r.uris, ['https://www.stmarys-health.org/']);
    assert.equal(r.shownTextChars, 10);
    assert.deepEqual(r.autoActions, [], 'an /OpenAction that only sets the view is not an action');
    assert.equal(r.names.OpenAction, 1);
  });

  it('reads the name inventory from compressed object streams', () => {
    const r = scanPdf(objectStreamJsPdf(), PDF_LIMITS);
    assert.equal(r.names.JavaScript, 1);
    assert.equal(r.names.JS, 1);
    assert.equal(r.names.ObjStm, 1);
    assert.deepEqual(r.autoActions, ['opening the file triggers a JavaScript action']);
  });

  it('records #xx-obfuscated names as found', () => {
    const r = scanPdf(openActionJsPdf((n) => (n === 'JavaScript' ? 'J#61vaScript' : n)), PDF_LIMITS);
    assert.deepEqual(r.obfuscatedNames, ['/J#61vaScript']);
    assert.equal(r.names.JavaScript, 1);
  });

  it('counts text drawn by two-byte fonts as letters, and none for an image-only page', () => {
    const utf16 = Buffer.from('Sign in', 'utf16le').swap16().toString('latin1');
    const pdf = pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>',
      pdfStream('', `BT /F1 12 Tf [(${utf16})] TJ <00480069> Tj ET`, true),
    ]);
    assert.equal(scanPdf(pdf, PDF_LIMITS).shownTextChars, 9);
    assert.equal(scanPdf(linkOnlyPdf('https://x.example/'), PDF_LIMITS).shownTextChars, 0);
  });

  it('sees actions that fire on page open and document-level JavaScript', () => {
    const pageOpen = pdfFile([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /AA << /O 4 0 R >> >>',
      '<< /S /URI /URI (https://login-portal.example/) >>',
    ]);
    assert.deepEqual(scanPdf(pageOpen, PDF_LIMITS).autoActions, ['page open triggers a web link (opens the browser)']);
    const docLevel = pdfFile([
      '<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R >>',
      '<< /Names [(init) 5 0 R] >>',
      '<< /S /JavaScript /JS (app.alert\\(1\\)) >>',
    ]);
    assert.ok(scanPdf(docLevel, PDF_LIMITS).autoActions.includes('document-level JavaScript runs when the file opens'));
  });

  it('reads JavaScript kept in its own compressed stream', () => {
    const pdf = pdfFile([
      '<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R >>',
      '<< /S /JavaScript /JS 5 0 R >>',
      pdfStream('', 'var w = app.launchURL("https://pay-portal.example/", true);', true),
    ]);
    const r = scanPdf(pdf, PDF_LIMITS);
    assert.ok(r.javascript[0].includes('app.launchURL'));
    assert.equal(r.contentStreams, 0, 'a script stream is not page content');
  });

  it('stops inflating at its stream limit and says the scan was cut short', () => {
    const objects: (string | Buffer)[] = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];
    for (let i = 0; i < 50; i++) objects.push(pdfStream('', textContent([`line ${i}`]), true));
    const r = scanPdf(pdfFile(objects), { ...PDF_LIMITS, maxStreams: 10 });
    assert.equal(r.truncated, true);
    assert.ok(r.contentStreams <= 10);
  });

  it('caps the bytes one stream may inflate to', () => {
    const bomb = pdfFile(['<< /Type /Catalog >>', pdfStream('', Buffer.alloc(20 << 20, 0x20), true)]);
    const started = Date.now();
    const r = scanPdf(bomb, { ...PDF_LIMITS, maxStreamBytes: 1 << 20 });
    assert.equal(r.truncated, true);
    assert.ok(Date.now() - started < 2000);
  });
});

describe('zip reader', () => {
  it('lists members without inflating, reads heads and whole members under a cap', () => {
    const z = zip({ 'a.txt': 'hello '.repeat(1000), 'b/c.exe': tinyPe() });
    const listing = listZip(z, 100)!;
    assert.deepEqual(listing.entries.map((e) => e.name), ['a.txt', 'b/c.exe']);
    assert.equal(listing.entries[0].size, 6000);
    assert.equal(readZipEntryHead(z, listing.entries[1])!.subarray(0, 2).toString('latin1'), 'MZ');
    assert.equal(readZipEntry(z, listing.entries[0], 10_000).length, 6000);
    assert.throws(() => readZipEntry(z, listing.entries[0], 100), (e: unknown) => e instanceof MemberReadError && e.reason === 'too-large');
  });

  it('sees the encryption flag and refuses to read encrypted members', () => {
    const z = markEncrypted(zip({ 'secret.pdf': 'x' }));
    const e = listZip(z, 10)!.entries[0];
    assert.equal(e.encrypted, true);
    assert.throws(() => readZipEntry(z, e, 100), (err: unknown) => err instanceof MemberReadError && err.reason === 'encrypted');
  });

  it('copes with junk before the archive and with a missing central directory', () => {
    const z = zip({ 'invoice.js': 'x' });
    const prefixed = Buffer.concat([Buffer.alloc(1000, 0x20), z]);
    const e = listZip(prefixed, 10)!.entries[0];
    assert.equal(readZipEntry(prefixed, e, 100).toString(), 'x');
    const truncated = z.subarray(0, z.indexOf('PK\x01\x02', 0, 'latin1'));
    const damaged = listZip(truncated, 10)!;
    assert.deepEqual(damaged.entries.map((x) => x.name), ['invoice.js']);
    assert.ok(damaged.damage);
  });
});

describe('other containers', () => {
  it('lists ISO 9660 files with their content', () => {
    const listing = listArchive(iso({ 'setup.exe': tinyPe(), 'readme.txt': Buffer.from('read me') }), 'application/x-iso9660-image', 'x.iso', 100)!;
    assert.deepEqual(listing.members.map((m) => m.name), ['SETUP.EXE', 'README.TXT']);
    assert.equal(listing.members[0].read!(1 << 20).subarray(0, 2).toString('latin1'), 'MZ');
  });

  it('follows the OLE FAT and mini stream', () => {
    const big = Buffer.alloc(6000, 0x41);
    const small = Buffer.from('small stream content');
    const ole = new OleFile(oleFile([{ path: 'Big', data: big }, { path: 'Dir/Small', data: small }]));
    assert.equal(ole.damage, '');
    const byName = new Map(ole.streams().map((e) => [e.name, e]));
    assert.ok(ole.read(byName.get('Big')!, 1 << 20)!.equals(big));
    assert.ok(ole.read(byName.get('Small')!, 1 << 20)!.equals(small));
  });

  it('falls back to scanning for directory entries when the FAT is mangled', () => {
    const file = oleFile([{ path: 'Macros/VBA/dir', data: Buffer.alloc(10) }, { path: '_VBA_PROJECT', data: Buffer.alloc(10) }]);
    file.writeUInt32LE(0x7fffffff, 44); // absurd FAT sector count
    const ole = new OleFile(file);
    assert.ok(ole.damage);
    assert.ok(ole.entries.some((e) => e.name === '_VBA_PROJECT'));
  });
});
