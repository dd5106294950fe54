import { listZip } from '../../analyzers/attachments/zip.ts';
import { csvText } from './csv-text.ts';
import { UnreadableError, type ExtractedText, type ExtractLimits } from './limits.ts';
import { docxText, xlsxText } from './ooxml-text.ts';
import { pdfText } from './pdf-text.ts';

export type AttachmentKind = 'pdf' | 'docx' | 'xlsx' | 'csv' | 'text' | 'archive' | 'other';

export interface AttachmentInput {
  filename: string;
  declaredType: string;
  sniffedType: string;
  content: Buffer;
}

export interface AttachmentReport {
  name: string;
  kind: AttachmentKind;
  size: number;
  /** Characters of text read. */
  chars: number;
  truncated: boolean;
  /** Why a document that may hold PHI could not be read ('' when it was, or when it is not that kind of file). */
  unreadable: string;
}

/**
 * Which kind of document an attachment is: the bytes first (a .pdf named .txt is a PDF),
 * then the name and declared type for formats without a magic number (CSV, text). OOXML
 * files are zips; which one is told by the part names inside, not by the file name.
 */
export function attachmentKind(a: AttachmentInput): AttachmentKind {
  const name = a.filename.toLowerCase();
  const declared = a.declaredType.toLowerCase();
  if (a.sniffedType === 'application/pdf' || a.content.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  if (a.sniffedType === 'application/zip' || a.content.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    const names = new Set((listZip(a.content, 5000)?.entries ?? []).map((e) => e.name.replace(/^\//, '')));
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) return 'xlsx';
    return 'archive';
  }
  if (/^application\/(?:x-(?:rar|7z|tar|bzip2|xz|ace)|gzip|zstd|vnd\.ms-cab)/.test(a.sniffedType)) return 'archive';
  if (a.sniffedType === 'application/x-ole-storage' && /\.(?:docx|xlsx|docm|xlsm)$/.test(name)) return 'archive'; // an encrypted OOXML file
  if (name.endsWith('.csv') || declared === 'text/csv' || declared === 'application/csv' || name.endsWith('.tsv')) return 'csv';
  if (declared.startsWith('text/plain') || /\.(?:txt|text|log|hl7|json|xml)$/.test(name)) return 'text';
  return 'other';
}

export async function attachmentText(a: AttachmentInput, limits: ExtractLimits): Promise<{ report: AttachmentReport; text: string }> {
  const kind = attachmentKind(a);
  const report: AttachmentReport = { name: a.filename || '(unnamed)', kind, size: a.content.length, chars: 0, truncated: false, unreadable: '' };
  if (kind === 'other') return { report, text: '' };
  if (kind === 'archive') {
    report.unreadable = a.sniffedType === 'application/x-ole-storage' ? 'an encrypted Office document' : 'an archive (not opened)';
    return { report, text: '' };
  }
  if (a.content.length > limits.maxAttachmentBytes) {
    report.unreadable = `larger than ${Math.round(limits.maxAttachmentBytes / 1024 / 1024)} MB`;
    return { report, text: '' };
  }
  try {
    const r: ExtractedText =
      kind === 'pdf'
        ? await pdfText(a.content, limits)
        : kind === 'docx'
          ? docxText(a.content, limits)
          : kind === 'xlsx'
            ? xlsxText(a.content, limits)
            : kind === 'csv'
              ? csvText(a.content, limits)
              : { text: a.content.toString('utf8').slice(0, limits.maxCharsPerAttachment), truncated: a.content.length > limits.maxCharsPerAttachment };
    report.chars = r.text.length;
    report.truncated = r.truncated;
    return { report, text: r.text };
  } catch (err) {
    report.unreadable = err instanceof UnreadableError ? err.message : `could not be read: ${(err as Error).message}`;
    return { report, text: '' };
  }
}
