import { basename } from 'node:path';

/** One rejected row (or entry) of an import file. */
export interface RowError {
  file: string;
  /** 1-based data row for CSV (header excluded), entry index for FHIR, null for file-level problems. */
  row: number | null;
  /** What `row` counts: CSV data rows or FHIR Bundle entries. */
  unit?: 'row' | 'entry';
  /** Column, field or FHIR path the problem is in; '' when it concerns the whole row. */
  column: string;
  reason: string;
}

export function formatRowError(e: RowError): string {
  const where = e.row === null ? basename(e.file) : `${basename(e.file)} ${e.unit ?? 'row'} ${e.row}`;
  return `${where}${e.column ? `, ${e.column}` : ''}: ${e.reason}`;
}

/** An import that was refused as a whole; nothing of it was stored. */
export class DirectoryImportError extends Error {
  constructor(
    message: string,
    readonly errors: RowError[] = [],
  ) {
    const shown = errors.slice(0, 20).map((e) => `  ${formatRowError(e)}`);
    const more = errors.length > 20 ? [`  … and ${errors.length - 20} more`] : [];
    super([message, ...shown, ...more].join('\n'));
    this.name = 'DirectoryImportError';
  }
}
