import type { ArchiveListing } from './archives.ts';

/**
 * Office documents that carry code or fetch it: VBA projects in OLE2 (.doc/.xls) and OOXML
 * (vbaProject.bin), Excel 4.0 macro sheets, OpenDocument Basic, remote templates and
 * objects pulled in when the document opens, and embedded OLE packages (files hidden in a
 * document). The OLE2 reader follows the FAT like olefile does, bounded, and falls back to
 * scanning for directory entries when the FAT has been mangled to defeat parsers.
 */

export interface OfficeFinding {
  signal: 'OFFICE_MACRO' | 'TEMPLATE_INJECTION' | 'OFFICE_EMBEDDED_OBJECT' | 'ARCHIVE_ENCRYPTED' | 'ATTACHMENT_EXECUTABLE';
  evidence: string;
  factor?: number;
}

/** A file found inside a document (OLE package, embedded workbook…), inspected like any attachment. */
export interface EmbeddedFile {
  name: string;
  content: Buffer;
}

export interface OfficeReport {
  findings: OfficeFinding[];
  children: EmbeddedFile[];
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const END_OF_CHAIN = 0xfffffffe;
const MSI_CLSIDS = ['84100c0000000000c000000000000046', '86100c0000000000c000000000000046'];

interface DirEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  clsid: string;
  start: number;
  size: number;
  path: string;
}

export class OleFile {
  readonly entries: DirEntry[] = [];
  /** Why the FAT could not be followed ('' when it could). */
  damage = '';
  private readonly sectorSize: number;
  private fat: Uint32Array = new Uint32Array(0);
  private miniFat: Uint32Array = new Uint32Array(0);
  private miniStream: Buffer = Buffer.alloc(0);
  private readonly miniCutoff: number;

  constructor(private readonly buf: Buffer) {
    const shift = buf.length >= 32 ? buf.readUInt16LE(30) : 9;
    this.sectorSize = shift === 12 ? 4096 : 512;
    this.miniCutoff = buf.length >= 60 ? buf.readUInt32LE(56) || 4096 : 4096;
    try {
      this.readFat();
      this.readDirectory();
      const root = this.entries[0];
      if (root && root.type === 5) this.miniStream = this.chain(root.start, root.size);
      this.miniFat = this.toUint32(this.chain(buf.readUInt32LE(60), buf.readUInt32LE(64) * this.sectorSize));
    } catch (err) {
      this.damage = (err as Error).message;
    }
    if (this.entries.length === 0) this.scanForEntries();
    this.assignPaths();
  }

  private sectorOffset(n: number): number {
    return (n + 1) * this.sectorSize;
  }

  private toUint32(b: Buffer): Uint32Array {
    const out = new Uint32Array(Math.floor(b.length / 4));
    for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(i * 4);
    return out;
  }

  private readFat(): void {
    const b = this.buf;
    const fatCount = b.readUInt32LE(44);
    const maxSectors = Math.ceil(b.length / this.sectorSize);
    if (fatCount > maxSectors) throw new Error('FAT larger than the file');
    const fatSectors: number[] = [];
    for (let i = 0; i < 109 && fatSectors.length < fatCount; i++) fatSectors.push(b.readUInt32LE(76 + i * 4));
    let difat = b.readUInt32LE(68);
    for (let guard = 0; fatSectors.length < fatCount && difat < maxSectors && guard < maxSectors; guard++) {
      const off = this.sectorOffset(difat);
      const per = this.sectorSize / 4 - 1;
      for (let i = 0; i < per && fatSectors.length < fatCount; i++) fatSectors.push(b.readUInt32LE(off + i * 4));
      difat = b.readUInt32LE(off + per * 4);
    }
    const fat = new Uint32Array(fatSectors.length * (this.sectorSize / 4));
    fatSectors.forEach((s, i) => {
      const off = this.sectorOffset(s);
      if (off + this.sectorSize > b.length) throw new Error('FAT sector outside the file');
      for (let j = 0; j < this.sectorSize / 4; j++) fat[i * (this.sectorSize / 4) + j] = b.readUInt32LE(off + j * 4);
    });
    this.fat = fat;
  }

  private chain(start: number, size: number): Buffer {
    const parts: Buffer[] = [];
    let total = 0;
    const limit = Math.min(size, this.buf.length);
    for (let s = start, guard = 0; s !== END_OF_CHAIN && s < this.fat.length && total < limit && guard <= this.fat.length; guard++) {
      const off = this.sectorOffset(s);
      if (off >= this.buf.length) break;
      const part = this.buf.subarray(off, Math.min(off + this.sectorSize, this.buf.length));
      parts.push(part);
      total += part.length;
      s = this.fat[s];
    }
    return Buffer.concat(parts).subarray(0, size);
  }

  private readDirectory(): void {
    const dir = this.chain(this.buf.readUInt32LE(48), this.buf.length);
    for (let off = 0; off + 128 <= dir.length && this.entries.length < 10_000; off += 128) {
      this.entries.push(parseDirEntry(dir, off) ?? { name: '', type: 0, left: -1, right: -1, child: -1, clsid: '', start: 0, size: 0, path: '' });
    }
    if (!this.entries[0] || this.entries[0].type !== 5) {
      this.entries.length = 0;
      throw new Error('directory has no root entry');
    }
  }

  /** Fallback: directory entries sit on 128-byte boundaries; pick out the ones that look real. */
  private scanForEntries(): void {
    for (let off = 512; off + 128 <= this.buf.length && this.entries.length < 10_000; off += 128) {
      const e = parseDirEntry(this.buf, off);
      if (e && e.type !== 0) this.entries.push({ ...e, left: -1, right: -1, child: -1 });
    }
  }

  private assignPaths(): void {
    if (this.entries[0]?.type !== 5 || this.entries[0].child < 0) {
      for (const e of this.entries) e.path = e.name;
      return;
    }
    const seen = new Set<number>();
    const stack: [number, string][] = [[this.entries[0].child, '']];
    while (stack.length > 0) {
      const [i, parent] = stack.pop()!;
      const e = this.entries[i];
      if (!e || seen.has(i)) continue;
      seen.add(i);
      e.path = parent + e.name;
      if (e.left >= 0) stack.push([e.left, parent]);
      if (e.right >= 0) stack.push([e.right, parent]);
      if (e.child >= 0) stack.push([e.child, `${e.path}/`]);
    }
    for (const e of this.entries) if (!e.path) e.path = e.name;
  }

  /** A stream's bytes, or null when the FAT could not be followed. */
  read(e: DirEntry, maxBytes: number): Buffer | null {
    if (this.damage || e.type !== 2) return null;
    const size = Math.min(e.size, maxBytes);
    if (e.size < this.miniCutoff) {
      const parts: Buffer[] = [];
      let total = 0;
      for (let s = e.start, guard = 0; s !== END_OF_CHAIN && s < this.miniFat.length && total < size && guard <= this.miniFat.length; guard++) {
        parts.push(this.miniStream.subarray(s * 64, s * 64 + 64));
        total += 64;
        s = this.miniFat[s];
      }
      return Buffer.concat(parts).subarray(0, size);
    }
    return this.chain(e.start, size);
  }

  streams(): DirEntry[] {
    return this.entries.filter((e) => e.type === 2);
  }
}

function parseDirEntry(b: Buffer, off: number): DirEntry | null {
  const nameLen = b.readUInt16LE(off + 64);
  const type = b[off + 66];
  const color = b[off + 67];
  if (nameLen < 2 || nameLen > 64 || nameLen % 2 !== 0 || ![1, 2, 5].includes(type) || color > 1) return null;
  if (b.readUInt16LE(off + nameLen - 2) !== 0) return null;
  const name = b.subarray(off, off + nameLen - 2).toString('utf16le');
  if (/[\u0000\ufffd]/.test(name) || !/^[\u0001-\u0006]?[\x20-\x7e\u00a0-\uffef]+$/.test(name)) return null;
  const id = (v: number) => (v === 0xffffffff ? -1 : v);
  return {
    name,
    type,
    left: id(b.readUInt32LE(off + 68)),
    right: id(b.readUInt32LE(off + 72)),
    child: id(b.readUInt32LE(off + 76)),
    clsid: b.subarray(off + 80, off + 96).toString('hex'),
    start: b.readUInt32LE(off + 116),
    size: b.readUInt32LE(off + 120),
    path: '',
  };
}

export function inspectOle(buf: Buffer, displayName: string, maxBytes: number): OfficeReport {
  const report: OfficeReport = { findings: [], children: [] };
  if (!buf.subarray(0, 8).equals(OLE_MAGIC)) return report;
  const ole = new OleFile(buf);
  const names = new Set(ole.entries.map((e) => e.name.toLowerCase()));
  const root = ole.entries[0];

  if (root?.type === 5 && MSI_CLSIDS.includes(root.clsid)) {
    report.findings.push({ signal: 'ATTACHMENT_EXECUTABLE', evidence: `${displayName}: Windows installer package (by content)` });
  }
  const vbaDir = ole.entries.some((e) => e.name === 'dir' && /(^|\/)VBA\/dir$/i.test(e.path)) || (names.has('vba') && names.has('dir'));
  if (names.has('_vba_project') || vbaDir) {
    report.findings.push({ signal: 'OFFICE_MACRO', evidence: `${displayName}: contains a VBA macro project` });
  }
  if (names.has('encryptedpackage') && names.has('encryptioninfo')) {
    report.findings.push({ signal: 'ARCHIVE_ENCRYPTED', evidence: `${displayName}: password-protected Office document (its content cannot be inspected)` });
  }
  for (const e of ole.streams()) {
    const lower = e.name.toLowerCase();
    if (lower === 'workbook' || lower === 'book') {
      const data = ole.read(e, maxBytes);
      const sheets = data ? xlmMacroSheets(data) : [];
      if (sheets.length > 0) report.findings.push({ signal: 'OFFICE_MACRO', evidence: `${displayName}: contains Excel 4.0 macro sheet(s) ${sheets.map((s) => JSON.stringify(s)).join(', ')}` });
    } else if (lower === '\u0001ole10native') {
      const data = ole.read(e, maxBytes);
      const pkg = data ? parseOle10Native(data) : null;
      if (pkg) {
        report.findings.push({ signal: 'OFFICE_EMBEDDED_OBJECT', evidence: `${displayName}: embeds a packaged file ${JSON.stringify(pkg.name)}`, factor: 0.5 });
        report.children.push(pkg);
      }
    } else if (lower === 'package' || lower === 'contents') {
      // An embedded OOXML document or PDF, stored whole.
      const data = ole.read(e, maxBytes);
      if (data && data.length > 0) report.children.push({ name: `${e.path}`, content: data });
    }
  }
  return report;
}

/** Excel BIFF8 BOUNDSHEET records whose sheet type is "Excel 4.0 macro sheet". */
function xlmMacroSheets(wb: Buffer): string[] {
  const out: string[] = [];
  for (let p = 0, guard = 0; p + 4 <= wb.length && guard < 200_000; guard++) {
    const type = wb.readUInt16LE(p);
    const len = wb.readUInt16LE(p + 2);
    if (type === 0x0085 && len >= 8 && p + 4 + len <= wb.length) {
      const sheetType = wb[p + 4 + 5];
      if (sheetType === 0x01) {
        const cch = wb[p + 4 + 6];
        const unicode = wb[p + 4 + 7] & 1;
        const raw = wb.subarray(p + 12, p + 12 + (unicode ? cch * 2 : cch));
        const visibility = ['', ' (hidden)', ' (very hidden)'][wb[p + 4 + 4]] ?? '';
        out.push(raw.toString(unicode ? 'utf16le' : 'latin1') + visibility);
      }
    }
    // Sheet declarations live in the workbook-globals substream, which ends at the first EOF record.
    if (type === 0x000a) break;
    p += 4 + len;
  }
  return out;
}

/** The "Package" OLE object (\x01Ole10Native): a file dropped into a document, run on double-click. */
function parseOle10Native(d: Buffer): EmbeddedFile | null {
  try {
    let p = 6;
    const cstr = () => {
      const end = d.indexOf(0, p);
      if (end < 0) throw new Error('unterminated');
      const s = d.subarray(p, end).toString('latin1');
      p = end + 1;
      return s;
    };
    const label = cstr();
    const source = cstr();
    p += 8;
    cstr(); // temporary path on the author's machine
    const size = d.readUInt32LE(p);
    p += 4;
    const name = label || source.split(/[\\/]/).pop() || 'package';
    return { name, content: d.subarray(p, p + size) };
  } catch {
    return null;
  }
}

interface Relationship {
  type: string;
  target: string;
  external: boolean;
}

function parseRelationships(xml: string): Relationship[] {
  const out: Relationship[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"|\\b${name}\\s*=\\s*'([^']*)'`, 'i').exec(m[1]);
    const t = attr('Type');
    const target = attr('Target');
    const mode = attr('TargetMode');
    out.push({
      type: (t?.[1] ?? t?.[2] ?? '').split('/').pop()?.toLowerCase() ?? '',
      target: decodeXmlEntities(target?.[1] ?? target?.[2] ?? ''),
      external: /^external$/i.test(mode?.[1] ?? mode?.[2] ?? ''),
    });
  }
  return out;
}

function decodeXmlEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

// URI schemes that hand the target to a Windows component instead of a browser (Follina & co).
const PROTOCOL_HANDLER = /^(ms-msdt|search-ms|ms-search|ms-officecmd|ms-word|ms-excel|ms-powerpoint|mhtml|ms-appinstaller|ms-cxh|ms-cxh-full):/i;
const REMOTE_TARGET = /^(https?:|\\\\|\/\/|file:\/\/[^/])/i;

/** OOXML (and OpenDocument) packages: macro parts, remote templates/objects, embedded files. */
export function inspectOoxml(listing: ArchiveListing, displayName: string, maxPartBytes: number): OfficeReport {
  const report: OfficeReport = { findings: [], children: [] };
  const names = listing.members.map((m) => m.name);
  const macroPart = names.find((n) => /(^|\/)vbaProject\.bin$/i.test(n));
  if (macroPart) report.findings.push({ signal: 'OFFICE_MACRO', evidence: `${displayName}: contains a VBA macro project (${macroPart})` });
  const macroSheet = names.find((n) => /^xl\/macrosheets\//i.test(n));
  if (macroSheet) report.findings.push({ signal: 'OFFICE_MACRO', evidence: `${displayName}: contains an Excel 4.0 macro sheet (${macroSheet})` });
  const basic = names.find((n) => /^(Basic\/[^/]+\/(?!script-lb\.xml|dialog-lb\.xml)[^/]+\.xml|Scripts\/(python|javascript|beanshell)\/)/i.test(n));
  if (basic) report.findings.push({ signal: 'OFFICE_MACRO', evidence: `${displayName}: contains OpenDocument macros (${basic})` });

  let relsRead = 0;
  for (const m of listing.members) {
    if (!m.read) continue;
    if (/\.rels$/i.test(m.name) && relsRead < 64) {
      relsRead++;
      let xml: string;
      try {
        xml = m.read(Math.min(maxPartBytes, 1024 * 1024)).toString('utf8');
      } catch {
        continue;
      }
      for (const r of parseRelationships(xml)) {
        if (!r.external) continue;
        const target = r.target.trim();
        if (PROTOCOL_HANDLER.test(target)) {
          report.findings.push({ signal: 'TEMPLATE_INJECTION', evidence: `${displayName}: ${r.type} relationship hands ${JSON.stringify(target.slice(0, 80))} to a Windows protocol handler when opened`, factor: 1.5 });
        } else if (r.type === 'attachedtemplate' && REMOTE_TARGET.test(target)) {
          report.findings.push({ signal: 'TEMPLATE_INJECTION', evidence: `${displayName}: loads its template from ${JSON.stringify(target.slice(0, 80))} when opened` });
        } else if ((r.type === 'oleobject' || r.type === 'frame' || r.type === 'subdocument') && REMOTE_TARGET.test(target)) {
          report.findings.push({ signal: 'TEMPLATE_INJECTION', evidence: `${displayName}: pulls a remote ${r.type === 'oleobject' ? 'object' : r.type} from ${JSON.stringify(target.slice(0, 80))} when opened` });
        }
      }
    } else if (/(^|\/)embeddings\/[^/]+$/i.test(m.name) || /^Object \d+\/[^/]+$/i.test(m.name)) {
      try {
        report.children.push({ name: m.name, content: m.read(maxPartBytes) });
      } catch {
        // An embedded part we cannot read within limits is left to the archive checks.
      }
    }
  }
  return report;
}

/**
 * RTF cannot hold macros, but it can hold OLE objects: the Equation Editor exploits
 * (CVE-2017-11882), "Package" objects carrying files, and \objupdate, which makes Word load
 * the object without the reader clicking anything.
 */
export function inspectRtf(buf: Buffer, displayName: string): OfficeReport {
  const report: OfficeReport = { findings: [], children: [] };
  const text = buf.subarray(0, 16 * 1024 * 1024).toString('latin1');
  if (!/\\objdata/i.test(text)) return report;
  const reasons: string[] = [];
  const classes = [...text.matchAll(/\\objclass\s+([^}\\\s]+)/gi)].map((m) => m[1]);
  const compact = text.replace(/[\s{}]|\\[a-z]+-?\d* ?/gi, '').toLowerCase();
  if (classes.some((c) => /^equation/i.test(c)) || compact.includes('4571756174696f6e2e33')) reasons.push('an Equation Editor object (a long-exploited component)');
  if (classes.some((c) => /^package$/i.test(c)) || compact.includes('5061636b61676500')) reasons.push('a packaged file');
  if (/\\objupdate/i.test(text)) reasons.push('an object set to load automatically (\\objupdate)');
  if (reasons.length > 0) report.findings.push({ signal: 'OFFICE_EMBEDDED_OBJECT', evidence: `${displayName}: RTF with ${reasons.join(' and ')}` });
  return report;
}
