import { sniffType } from '../../parse/sniff.ts';
import { listArchive, zipListing, type ArchiveListing } from './archives.ts';
import type { AttachmentsConfig } from './config.ts';
import { contentKind, type ContentKind } from './content-kind.ts';
import { ARCHIVE_EXTENSIONS, DANGEROUS_EXTENSIONS, DECOY_EXTENSIONS, extensionOf, HTML_EXTENSIONS, judgeName, MACRO_EXTENSIONS, showName, type ClaimedKind } from './file-names.ts';
import { judgeHtml, parseHtmlAttachment } from './html-attachment.ts';
import { inspectOle, inspectOoxml, inspectRtf, type OfficeReport } from './office.ts';
import { scanPdf } from './pdf.ts';
import type { SignalId } from './signals.ts';
import { MemberReadError } from './zip.ts';

/**
 * Walks one attachment and everything inside it (archive members, files embedded in PDFs
 * and Office documents), under one budget per message, and records findings. Every
 * container format hands back plain files, so the same checks apply at every depth.
 */

export interface Finding {
  signal: SignalId;
  evidence: string;
  factor: number;
}

export interface FileToInspect {
  name: string;
  declaredType: string;
  content: Buffer;
  /** Path shown in evidence: "invoice.zip → docs/setup.exe". */
  path: string;
  /** 0 for an attachment, +1 per container opened to reach it. */
  depth: number;
  /** Only the first bytes are available (the member was not extracted): sniff, do not open. */
  partial?: boolean;
  /** Non-directory members of the archive this file came from (software bundles are crowded, droppers are not). */
  siblings?: number;
}

export class Inspection {
  readonly findings: Finding[] = [];
  private inflateLeft: number;
  private filesLeft: number;
  private readonly dangerous: Record<string, string>;
  private budgetReported = false;
  private inflateReported = false;

  constructor(
    private readonly config: AttachmentsConfig,
    private readonly deadline: number,
  ) {
    this.inflateLeft = config.limits.maxInflateBytes;
    this.filesLeft = config.limits.maxFiles;
    const table: Record<string, string> = { ...DANGEROUS_EXTENSIONS };
    for (const e of config.allowedExtensions) delete table[e.toLowerCase()];
    for (const e of config.extraDangerousExtensions) table[e.toLowerCase()] ??= 'file type your organisation marks as dangerous';
    this.dangerous = table;
  }

  private add(signal: SignalId, evidence: string, factor = 1): void {
    this.findings.push({ signal, evidence, factor });
  }

  inspect(f: FileToInspect): void {
    if (Date.now() > this.deadline) return;
    if (this.filesLeft-- <= 0) {
      if (!this.budgetReported) this.add('ARCHIVE_UNREADABLE', `${f.path}: more than ${this.config.limits.maxFiles} files in this message; the rest were not inspected`, 0.5);
      this.budgetReported = true;
      return;
    }
    const limits = this.config.limits;
    const inside = f.depth > 0;
    const shown = f.path;
    const verdict = judgeName(f.name, this.dangerous);
    const sniffed = f.content.length > 0 ? sniffType(f.content) : '';
    const kind = contentKind(sniffed);
    const executableContent = kind.kind === 'executable' || kind.kind === 'disk-image';
    const ext = extensionOf(f.name);
    const shortcut = ext === 'url' ? internetShortcut(f.content) : null;
    if (verdict.dangerous && !verdict.disguise && (shortcut?.web || !contentConfirms(ext, f.content, kind.kind))) verdict.dangerous = undefined;

    if (verdict.dangerous || executableContent) {
      const what = executableContent ? kind.label : verdict.dangerous!;
      const how = executableContent && !verdict.dangerous ? ' (recognised by its content)' : '';
      const crowd = inside && (f.siblings ?? 0) > 10 && !verdict.disguise;
      const evidence = `${shown}: ${what}${how}${shortcut ? ` to ${shortcut.target}` : ''}${crowd ? ` among ${f.siblings} files` : ''}`;
      this.add(inside ? 'ARCHIVE_EXECUTABLE' : 'ATTACHMENT_EXECUTABLE', evidence, crowd ? 0.6 : 1);
      if (verdict.disguise) this.add('ATTACHMENT_DOUBLE_EXTENSION', `${shown}: ${what} ${verdict.disguise}`);
    } else if (verdict.disguise) {
      this.add('ATTACHMENT_DOUBLE_EXTENSION', `${shown}: ${verdict.disguise}`);
    }

    if (!f.partial && f.content.length > 0) {
      const mismatch = dangerousMismatch(f.name, f.declaredType, kind.kind);
      if (mismatch) this.add('ATTACHMENT_TYPE_MISMATCH', `${shown}: ${mismatch} but the content is a ${kind.label}`);
    }

    if (f.content.length === 0 && HTML_EXTENSIONS.has(ext) && ext !== 'svg' && ext !== 'svgz') {
      this.add('HTML_ATTACHMENT', `${shown}: web page attachment (by its name; content not available)`);
    }

    const before = this.findings.length;
    if (!f.partial && f.content.length > 0 && f.content.length <= limits.maxInspectBytes) this.openContent(f, kind.kind, sniffed);
    if (verdict.macro && !this.findings.slice(before).some((x) => x.signal === 'OFFICE_MACRO')) {
      this.add('OFFICE_MACRO', `${shown}: ${verdict.macro} (by its name)`);
    }
  }

  private openContent(f: FileToInspect, kind: ContentKind, sniffed: string): void {
    const ext = extensionOf(f.name);
    switch (kind) {
      case 'pdf':
        return this.inspectPdf(f);
      case 'ooxml':
      case 'opendocument': {
        const listing = zipListing(f.content, this.config.limits.maxArchiveEntries);
        if (listing) this.office(f, inspectOoxml(this.budgeted(listing, f.path), f.path, this.memberCap()));
        return;
      }
      case 'ole':
        return this.office(f, inspectOle(f.content, f.path, this.memberCap()));
      case 'rtf':
        return this.office(f, inspectRtf(f.content, f.path));
      case 'zip': {
        const listing = zipListing(f.content, this.config.limits.maxArchiveEntries);
        if (!listing) {
          this.add('ARCHIVE_UNREADABLE', `${f.path}: zip archive with no readable file list`, 0.5);
          return;
        }
        // OOXML that sniffing missed (central directory beyond the sniff window).
        if (listing.members.some((m) => m.name === '[Content_Types].xml')) {
          this.office(f, inspectOoxml(this.budgeted(listing, f.path), f.path, this.memberCap()));
          return;
        }
        // A Java or Android package is one program, already judged as such; its classes are not separate finds.
        if (ext === 'jar' || ext === 'apk' || ext === 'war' || ext === 'ear') return;
        return this.inspectArchive(f, listing);
      }
      case 'archive':
      case 'disk-image': {
        const listing = listArchive(f.content, sniffed, f.name, this.config.limits.maxArchiveEntries);
        if (listing) this.inspectArchive(f, listing);
        return;
      }
      case 'html':
      case 'svg':
        // Reports "exported to Excel/Word" are HTML under a .xls/.doc name; Office opens them and runs no script.
        if (ext === 'xls' || ext === 'doc') return;
        return this.inspectHtml(f, kind);
      case 'text':
        if (HTML_EXTENSIONS.has(ext)) this.inspectHtml(f, 'html');
        return;
      default:
        return;
    }
  }

  private memberCap(): number {
    return Math.max(0, Math.min(this.config.limits.maxMemberBytes, this.inflateLeft));
  }

  /** Member reads, and the sniffing of member heads, draw from the message-wide inflation budget. */
  private budgeted(listing: ArchiveListing, where: string): ArchiveListing {
    return {
      ...listing,
      members: listing.members.map((m) => ({
        ...m,
        read: m.read
          ? (max: number) => {
              const out = m.read!(Math.min(max, this.memberCap()));
              this.inflateLeft -= out.length;
              return out;
            }
          : undefined,
        head: m.head
          ? () => {
              if (this.inflateLeft <= 0) {
                this.budgetExhausted(where);
                return null;
              }
              const out = m.head!();
              this.inflateLeft -= out?.length ?? 0;
              return out;
            }
          : undefined,
      })),
    };
  }

  private budgetExhausted(where: string): void {
    if (this.inflateReported) return;
    this.inflateReported = true;
    this.add('ARCHIVE_UNREADABLE', `${where}: the message's decompression budget (${formatBytes(this.config.limits.maxInflateBytes)}) ran out; the rest was not inspected`);
  }

  private office(f: FileToInspect, report: OfficeReport): void {
    for (const x of report.findings) {
      const signal = x.signal === 'ATTACHMENT_EXECUTABLE' && f.depth > 0 ? 'ARCHIVE_EXECUTABLE' : x.signal;
      this.add(signal, x.evidence, x.factor ?? 1);
    }
    this.children(f, report.children);
  }

  private children(f: FileToInspect, files: { name: string; content: Buffer }[]): void {
    for (const c of files) {
      const path = `${f.path} → ${showName(c.name)}`;
      if (f.depth + 1 > this.config.limits.maxDepth) {
        this.add('ARCHIVE_UNREADABLE', `${path}: nested more than ${this.config.limits.maxDepth} levels deep; not inspected`, 0.5);
        continue;
      }
      this.inspect({ name: c.name, declaredType: '', content: c.content, path, depth: f.depth + 1 });
    }
  }

  private inspectArchive(f: FileToInspect, raw: ArchiveListing): void {
    const limits = this.config.limits;
    const listing = this.budgeted(raw, f.path);
    const label = listing.format;
    if (listing.opaque) {
      this.add('ARCHIVE_OPAQUE', `${f.path}: ${label} whose content is not checked (${listing.opaque})`);
    }
    if (listing.headersEncrypted) this.add('ARCHIVE_ENCRYPTED', `${f.path}: password-protected ${label} with its file list encrypted too`);
    if (listing.damage) this.add('ARCHIVE_UNREADABLE', `${f.path}: damaged ${label}: ${listing.damage}`, 0.5);
    if (listing.bombConstruction) {
      this.add('ARCHIVE_UNREADABLE', `${f.path}: decompression bomb (${listing.bombConstruction})`, 2);
      return;
    }
    const declared = listing.members.reduce((n, m) => n + m.size, 0);
    if (declared > limits.bombExpandedBytes || (declared > limits.bombRatioMinBytes && declared / Math.max(1, f.content.length) > limits.bombRatio)) {
      this.add('ARCHIVE_UNREADABLE', `${f.path}: decompression bomb: ${formatBytes(f.content.length)} would expand to ${formatBytes(declared)}`, 2);
      return;
    }
    if (listing.declaredMembers > limits.maxArchiveEntries) {
      this.add('ARCHIVE_UNREADABLE', `${f.path}: ${label} declares ${listing.declaredMembers} files; only the first ${limits.maxArchiveEntries} were inspected`);
    }
    const locked = listing.members.filter((m) => m.encrypted);
    if (locked.length > 0) {
      const names = locked.slice(0, 3).map((m) => showName(m.name)).join(', ');
      this.add('ARCHIVE_ENCRYPTED', `${f.path}: password-protected ${label} (${names}${locked.length > 3 ? `, +${locked.length - 3} more` : ''})`);
    }

    const siblings = listing.members.length;
    for (const m of listing.members) {
      if (Date.now() > this.deadline) return;
      const path = `${f.path} → ${showName(m.name)}`;
      const head = m.encrypted ? null : (m.head?.() ?? null);
      const headKind = head && head.length > 0 ? contentKind(sniffType(head)).kind : 'unknown';
      const ext = extensionOf(m.name);
      const container =
        ['zip', 'archive', 'disk-image', 'pdf', 'ole', 'ooxml', 'opendocument', 'rtf', 'html', 'svg'].includes(headKind) ||
        HTML_EXTENSIONS.has(ext) ||
        (Object.hasOwn(DECOY_EXTENSIONS, ext) && DECOY_EXTENSIONS[ext] === 'document');
      let content: Buffer | null = null;
      if (container && m.read && !m.encrypted) {
        if (f.depth + 1 > limits.maxDepth) {
          this.add('ARCHIVE_UNREADABLE', `${path}: nested more than ${limits.maxDepth} levels deep; not inspected`, 0.5);
        } else {
          content = this.readMember(m, path, headKind);
        }
      }
      this.inspect({
        name: m.name,
        declaredType: '',
        content: content ?? head ?? Buffer.alloc(0),
        path,
        depth: f.depth + 1,
        partial: content === null,
        siblings,
      });
    }
  }

  private readMember(m: ArchiveListing['members'][number], path: string, headKind: ContentKind): Buffer | null {
    const cap = this.memberCap();
    try {
      return m.read!(cap);
    } catch (err) {
      if (!(err instanceof MemberReadError)) throw err;
      if (err.reason === 'too-large') {
        if (cap < this.config.limits.maxMemberBytes) {
          this.budgetExhausted(path);
        } else if (m.size > 0 && m.size < cap) {
          this.add('ARCHIVE_UNREADABLE', `${path}: declares ${formatBytes(m.size)} but expands beyond ${formatBytes(cap)} (decompression bomb)`, 2);
        } else if (headKind === 'zip' || headKind === 'archive') {
          this.add('ARCHIVE_UNREADABLE', `${path}: nested archive larger than ${formatBytes(cap)}; not inspected`);
        }
      } else if (err.reason === 'corrupt') {
        this.add('ARCHIVE_UNREADABLE', `${path}: cannot be decompressed (${err.message})`, 0.5);
      }
      return null;
    }
  }

  private inspectPdf(f: FileToInspect): void {
    const limits = this.config.limits;
    const r = scanPdf(f.content, {
      maxBytes: limits.pdfMaxBytes,
      maxStreams: limits.pdfMaxStreams,
      maxStreamBytes: limits.pdfMaxStreamBytes,
      maxInflateBytes: Math.max(0, this.inflateLeft),
    });
    this.inflateLeft -= r.inflatedBytes;
    const obfuscation = r.obfuscatedNames.length > 0 ? ` (names disguised with #xx escapes: ${r.obfuscatedNames.slice(0, 3).join(' ')})` : '';
    if ((r.names.JavaScript ?? 0) + (r.names.JS ?? 0) > 0) {
      const runsOnOpen = r.autoActions.some((a) => a.includes('JavaScript'));
      const formattingOnly = r.javascript.length > 0 && r.javascript.every(isFormFormattingScript);
      if (runsOnOpen || !formattingOnly || obfuscation) {
        const factor = obfuscation ? 1.5 : runsOnOpen ? 1 : r.names.AcroForm ? 0.5 : 0.8;
        const sample = r.javascript.find((j) => j.trim() && !isFormFormattingScript(j));
        this.add(
          'PDF_JAVASCRIPT',
          `${f.path}: PDF contains JavaScript${runsOnOpen ? ' that runs when the file opens' : r.names.AcroForm ? ' in a fillable form' : ''}${obfuscation}${sample ? `: ${JSON.stringify(sample.replace(/\s+/g, ' ').trim().slice(0, 60))}` : ''}`,
          factor,
        );
      }
    } else if (obfuscation) {
      this.add('PDF_JAVASCRIPT', `${f.path}: PDF hides active names${obfuscation}`, 0.7);
    }
    if (r.autoActions.length > 0) this.add('PDF_OPENACTION', `${f.path}: ${r.autoActions.slice(0, 3).join('; ')}`);
    if (r.names.Launch) {
      this.add('PDF_LAUNCH', `${f.path}: PDF has a Launch action${r.launchTargets.length ? ` starting ${JSON.stringify(r.launchTargets[0].slice(0, 80))}` : ''}`);
    }
    const embeddedNames = r.embeddedFiles.map((e) => e.name);
    const onlyInvoiceXml = embeddedNames.length > 0 && embeddedNames.every((n) => /\.xml$/i.test(n));
    if ((r.names.EmbeddedFile || r.embeddedFiles.length > 0) && !onlyInvoiceXml) {
      this.add('PDF_EMBEDDED_FILE', `${f.path}: PDF carries embedded file(s)${embeddedNames.length ? `: ${embeddedNames.slice(0, 3).map(showName).join(', ')}` : ''}`);
    }
    this.children(
      f,
      r.embeddedFiles.map((e) => ({ name: e.name, content: e.content ?? Buffer.alloc(0) })),
    );
    if (r.pages === 1 && r.uris.length > 0 && r.shownTextChars < this.config.linkOnlyMaxTextChars && !r.encrypted && !r.truncated && !r.names.AcroForm) {
      const hosts = [...new Set(r.uris.map((u) => /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(u)?.[1]?.toLowerCase() ?? u.slice(0, 40)))];
      this.add(
        'PDF_LINK_ONLY',
        `${f.path}: one-page PDF showing ${r.shownTextChars === 0 ? 'no text' : `only ${r.shownTextChars} characters of text`}, built around a link to ${hosts.slice(0, 2).join(', ')}`,
      );
    }
  }

  private inspectHtml(f: FileToInspect, kind: 'html' | 'svg'): void {
    const text = decodeText(f.content.subarray(0, 4 * 1024 * 1024));
    const doc = parseHtmlAttachment(text);
    const svg = kind === 'svg' || doc.isSvg;
    // A plain SVG drawing is an image, not a page; it only counts once it runs script.
    if (!svg) this.add('HTML_ATTACHMENT', `${f.path}: web page attachment (opens in the browser from the local disk)`);
    for (const v of judgeHtml(doc, this.config.trustedHtmlFormHosts)) {
      this.add(v.signal, `${f.path}: ${svg ? 'SVG image' : 'web page'} ${v.says} (${v.detail})`, v.factor);
    }
  }
}

/**
 * People used to mail each other .url bookmarks; a shortcut to a web page is little more than
 * a link. One pointing at a file share, WebDAV or a protocol handler is how SmartScreen
 * bypasses and NTLM-hash theft are delivered.
 */
function internetShortcut(content: Buffer): { target: string; web: boolean } | null {
  const text = content.subarray(0, 8192).toString('latin1');
  const target = /^\s*URL\s*=\s*(.+)$/im.exec(text)?.[1]?.trim();
  if (!target) return null;
  const iconOnShare = /^\s*IconFile\s*=\s*(\\\\|file:|\/\/)/im.test(text);
  return { target: JSON.stringify(target.slice(0, 80)), web: /^https?:\/\/[^@\s]+$/i.test(target) && !iconOnShare };
}

/**
 * Extensions shared with harmless formats need the content to agree: ".img" is also the
 * Analyze medical-imaging format (raw voxels), ".com" ends many saved web-page names. When
 * the content is absent (stripped by a gateway) the name alone decides.
 */
function contentConfirms(ext: string, content: Buffer, kind: ContentKind): boolean {
  if (content.length === 0) return true;
  if (ext === 'img') return kind === 'disk-image' || (content.length >= 512 && content[510] === 0x55 && content[511] === 0xaa);
  if (ext === 'com') return kind === 'executable' || kind === 'unknown';
  return true;
}

/** "Named/declared as a document" when that claim is safer than what the content turned out to be. */
function dangerousMismatch(name: string, declaredType: string, actual: ContentKind): string | null {
  const ext = extensionOf(name);
  const claims: { kind: ClaimedKind; says: string }[] = [];
  // The reader sees the name; the declared type only speaks when the name has no recognised extension.
  const knownExtension = Object.hasOwn(DECOY_EXTENSIONS, ext) || HTML_EXTENSIONS.has(ext) || ARCHIVE_EXTENSIONS.has(ext) || Object.hasOwn(DANGEROUS_EXTENSIONS, ext) || Object.hasOwn(MACRO_EXTENSIONS, ext);
  if (Object.hasOwn(DECOY_EXTENSIONS, ext)) claims.push({ kind: DECOY_EXTENSIONS[ext], says: `named as a .${ext} file` });
  const declared = knownExtension ? null : declaredClaim(declaredType);
  if (declared) claims.push({ kind: declared, says: `declared as ${declaredType.split(';')[0]}` });
  for (const c of claims) {
    if (isDangerousDirection(c.kind, ext, actual)) return c.says;
  }
  return null;
}

function declaredClaim(type: string): ClaimedKind | null {
  const t = type.split(';')[0].trim().toLowerCase();
  if (t === 'application/pdf' || t === 'application/msword' || t.startsWith('application/vnd.openxmlformats-officedocument.') || t === 'application/rtf') return 'document';
  if (t.startsWith('image/') && t !== 'image/svg+xml') return 'image';
  if (t.startsWith('audio/') || t.startsWith('video/')) return 'media';
  if (t === 'text/calendar' || t === 'application/ics') return 'calendar';
  return null;
}

function isDangerousDirection(claim: ClaimedKind, ext: string, actual: ContentKind): boolean {
  if (actual === 'executable' || actual === 'disk-image') return true;
  const strict = claim === 'document' || claim === 'image' || claim === 'media' || claim === 'calendar';
  if (!strict) return false;
  if (actual === 'html' || actual === 'svg') {
    // Reports exported "as Word" are often HTML; Word opens them fine and nothing runs.
    return !(ext === 'doc' || ext === 'xls');
  }
  if (actual === 'zip' || actual === 'archive') {
    // OOXML and OpenDocument are zip files; a .docx that is "just a zip" is not a disguise.
    return !['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'].includes(ext) || claim !== 'document';
  }
  if (actual === 'ole' || actual === 'ooxml' || actual === 'rtf' || actual === 'opendocument') {
    return claim === 'image' || claim === 'media' || claim === 'calendar' || ext === 'pdf';
  }
  return false;
}

/** Scripts Acrobat writes for form fields (number/date formatting, sums): not a threat. */
function isFormFormattingScript(js: string): boolean {
  const rest = js
    .replace(/\b(AFNumber_(Format|Keystroke)|AFDate_(Format|Keystroke)(Ex)?|AFTime_(Format|Keystroke)(Ex)?|AFSpecial_(Format|Keystroke)(Ex)?|AFPercent_(Format|Keystroke)|AFSimple_Calculate|AFRange_Validate|AFMergeChange)\s*\([^()]*(\([^()]*\)[^()]*)*\)\s*;?/g, '')
    .trim();
  return rest === '';
}

function decodeText(b: Buffer): string {
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
  return b.toString('utf8');
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
