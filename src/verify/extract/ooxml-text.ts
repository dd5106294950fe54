import { Parser } from 'htmlparser2';
import { listZip, MemberReadError, readZipEntry, type ZipEntry } from '../../analyzers/attachments/zip.ts';
import { UnreadableError, type ExtractedText, type ExtractLimits } from './limits.ts';

/**
 * Text of Word (.docx) and Excel (.xlsx) files. Both are zip packages of XML parts; the
 * parts are inflated one at a time under a shared byte budget with the bounded zip reader
 * the attachment analyzer uses (a member that expands past the budget is not inflated
 * further), and the XML is streamed through htmlparser2. Why not mammoth or exceljs: both
 * inflate whole packages with JSZip without a size bound, and we need only the text.
 */

class Budget {
  used = 0;
  truncated = false;
  constructor(readonly limits: ExtractLimits) {}
  read(buf: Buffer, e: ZipEntry): string | null {
    const left = this.limits.maxInflateBytes - this.used;
    if (left <= 0) {
      this.truncated = true;
      return null;
    }
    try {
      const data = readZipEntry(buf, e, left);
      this.used += data.length;
      return data.toString('utf8');
    } catch (err) {
      if (err instanceof MemberReadError && err.reason === 'too-large') {
        this.truncated = true;
        return null;
      }
      if (err instanceof MemberReadError && err.reason === 'encrypted') throw new UnreadableError('the document is encrypted', 'encrypted');
      throw new UnreadableError(`the document is damaged: ${(err as Error).message}`, 'corrupt');
    }
  }
}

function entries(buf: Buffer): Map<string, ZipEntry> {
  // An encrypted Office file is an OLE2 container, not a zip: it lands in the caller's type check.
  const listing = listZip(buf, 5000);
  if (!listing) throw new UnreadableError('not a zip package', 'corrupt');
  if (listing.overlapping) throw new UnreadableError('the package reuses compressed data between parts (a zip bomb construction)', 'corrupt');
  return new Map(listing.entries.filter((e) => !e.directory).map((e) => [e.name.replace(/^\//, ''), e]));
}

function walk(xml: string, on: { open?: (name: string, attrs: Record<string, string>) => void; text?: (t: string) => void; close?: (name: string) => void }): void {
  const p = new Parser({ onopentag: on.open, ontext: on.text, onclosetag: on.close }, { xmlMode: true, decodeEntities: true });
  p.write(xml);
  p.end();
}

/** Body, headers, footers, footnotes and comments of a .docx. */
export function docxText(buf: Buffer, limits: ExtractLimits): ExtractedText {
  const parts = entries(buf);
  const budget = new Budget(limits);
  const names = [...parts.keys()].filter((n) => /^word\/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n)).sort((a, b) => (a === 'word/document.xml' ? -1 : b === 'word/document.xml' ? 1 : a.localeCompare(b)));
  if (!names.includes('word/document.xml')) throw new UnreadableError('not a Word document (no word/document.xml)', 'unsupported');
  let out = '';
  for (const name of names) {
    const xml = budget.read(buf, parts.get(name)!);
    if (xml === null) break;
    let inText = false;
    walk(xml, {
      open: (n) => {
        if (n === 'w:t') inText = true;
        else if (n === 'w:tab') out += '\t';
        else if (n === 'w:br' || n === 'w:cr') out += '\n';
      },
      text: (t) => {
        if (inText) out += t;
      },
      close: (n) => {
        if (n === 'w:t') inText = false;
        else if (n === 'w:p') out += '\n';
        else if (n === 'w:tc') out += '\t';
      },
    });
    out += '\n';
    if (out.length >= limits.maxCharsPerAttachment) return { text: out.slice(0, limits.maxCharsPerAttachment), truncated: true };
  }
  return { text: out, truncated: budget.truncated };
}

/** Excel's built-in number formats that show dates (ECMA-376 18.8.30). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/**
 * Every sheet of an .xlsx as lines of text. A sheet whose first row reads like a header
 * ("Name", "DOB", "SSN") is written "Header: value" cell by cell, so a value keeps the label
 * that says what it is; dates stored as serial numbers are written as dates.
 */
export function xlsxText(buf: Buffer, limits: ExtractLimits): ExtractedText {
  const parts = entries(buf);
  const budget = new Budget(limits);
  if (!parts.has('xl/workbook.xml')) throw new UnreadableError('not an Excel workbook (no xl/workbook.xml)', 'unsupported');
  const strings: string[] = [];
  const shared = parts.get('xl/sharedStrings.xml');
  if (shared) {
    const xml = budget.read(buf, shared) ?? '';
    let cur: string | null = null;
    let inT = false;
    walk(xml, {
      open: (n) => {
        if (n === 'si') cur = '';
        else if (n === 't') inT = true;
      },
      text: (t) => {
        if (inT && cur !== null) cur += t;
      },
      close: (n) => {
        if (n === 't') inT = false;
        else if (n === 'si') {
          strings.push(cur ?? '');
          cur = null;
        }
      },
    });
  }
  const dateStyles = dateStyleIndexes(parts.has('xl/styles.xml') ? (budget.read(buf, parts.get('xl/styles.xml')!) ?? '') : '');
  const sheets = [...parts.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  const lines: string[] = [];
  let rows = 0;
  let truncated = false;
  for (const name of sheets) {
    const xml = budget.read(buf, parts.get(name)!);
    if (xml === null) break;
    const grid: string[][] = [];
    let row: string[] | null = null;
    let cell: { type: string; style: number; col: number; value: string } | null = null;
    let inValue = false;
    walk(xml, {
      open: (n, a) => {
        if (n === 'row') row = [];
        else if (n === 'c') cell = { type: a.t ?? 'n', style: Number(a.s ?? 0), col: columnIndex(a.r ?? ''), value: '' };
        else if (n === 'v' || n === 't') inValue = true;
      },
      text: (t) => {
        if (inValue && cell) cell.value += t;
      },
      close: (n) => {
        if (n === 'v' || n === 't') inValue = false;
        else if (n === 'c' && cell && row) {
          const col = cell.col >= 0 ? cell.col : row.length;
          row[col] = cellText(cell, strings, dateStyles);
          cell = null;
        } else if (n === 'row' && row) {
          if (rows < limits.maxRows) grid.push(Array.from(row, (v) => v ?? ''));
          else truncated = true;
          rows++;
          row = null;
        }
      },
    });
    lines.push(...labelledRows(grid));
    if (lines.reduce((s, l) => s + l.length + 1, 0) >= limits.maxCharsPerAttachment) {
      truncated = true;
      break;
    }
  }
  const text = lines.join('\n');
  return { text: text.slice(0, limits.maxCharsPerAttachment), truncated: truncated || budget.truncated || text.length > limits.maxCharsPerAttachment };
}

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0];
  if (!letters) return -1;
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 64);
  return n - 1;
}

function cellText(c: { type: string; style: number; value: string }, strings: string[], dateStyles: Set<number>): string {
  if (c.type === 's') return strings[Number(c.value)] ?? '';
  if (c.type === 'n' && dateStyles.has(c.style) && /^\d+(?:\.\d+)?$/.test(c.value)) return serialDate(Number(c.value));
  return c.value;
}

/** Excel's 1900 date system: serial 1 is 1900-01-01, and 60 is the 29 February 1900 that never was. */
function serialDate(serial: number): string {
  const days = Math.floor(serial) - (serial > 60 ? 1 : 0);
  const d = new Date(Date.UTC(1899, 11, 31) + days * 86_400_000);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

function dateStyleIndexes(stylesXml: string): Set<number> {
  const custom = new Map<number, string>();
  const out = new Set<number>();
  let inXfs = false;
  let index = 0;
  walk(stylesXml, {
    open: (n, a) => {
      if (n === 'numFmt') custom.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (n === 'cellXfs') inXfs = true;
      else if (n === 'xf' && inXfs) {
        const id = Number(a.numFmtId ?? 0);
        const code = custom.get(id);
        // A custom format shows a date when it has day/month/year codes outside quoted text.
        if (DATE_FORMAT_IDS.has(id) || (code !== undefined && /[dmy]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]/g, '')) && !/^[#0.,%]+$/.test(code))) out.add(index);
        index++;
      }
    },
    close: (n) => {
      if (n === 'cellXfs') inXfs = false;
    },
  });
  return out;
}

/** A first row of short texts without digits is a header: later rows become "Header: value" pairs. */
export function labelledRows(grid: string[][]): string[] {
  if (grid.length === 0) return [];
  const head = grid[0]!;
  const isHeader = grid.length > 1 && head.filter(Boolean).length >= 2 && head.every((h) => h === '' || (h.length <= 40 && !/\d{3}/.test(h)));
  if (!isHeader) return grid.map((r) => r.join('\t'));
  return [head.join('\t'), ...grid.slice(1).map((r) => r.map((v, i) => (v === '' ? '' : head[i] ? `${head[i]}: ${v}` : v)).filter(Boolean).join('\t'))];
}
