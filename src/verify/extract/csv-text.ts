import { parse } from 'csv-parse/sync';
import { labelledRows } from './ooxml-text.ts';
import { UnreadableError, type ExtractedText, type ExtractLimits } from './limits.ts';

/**
 * A CSV export (a patient list, a claims file) as "Header: value" lines, so each value keeps
 * the column name that says what it is. The delimiter is guessed from the first line
 * (comma, semicolon or tab); at most `maxRows` rows are read.
 */
export function csvText(data: Buffer, limits: ExtractLimits): ExtractedText {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0]!;
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: limits.maxRows + 1, bom: true }) as string[][];
  } catch (err) {
    throw new UnreadableError(`not readable as CSV: ${(err as Error).message}`, 'corrupt');
  }
  const truncated = rows.length > limits.maxRows;
  const out = labelledRows(rows.slice(0, limits.maxRows).map((r) => r.map((c) => c.trim()))).join('\n');
  return { text: out.slice(0, limits.maxCharsPerAttachment), truncated: truncated || out.length > limits.maxCharsPerAttachment };
}
