import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docx, LAB_RESULT_LINES, textPdf, zip } from '../../analyzers/attachments/test-fixtures.ts';
import { attachmentKind, attachmentText } from './attachment-text.ts';
import { xlsx } from './fixtures.ts';
import { DEFAULT_EXTRACT_LIMITS } from './limits.ts';

const att = (filename: string, content: Buffer, declaredType = 'application/octet-stream', sniffedType = '') => ({ filename, content, declaredType, sniffedType });

describe('attachment text', () => {
  it('reads a PDF text layer with pdf.js', async () => {
    const { report, text } = await attachmentText(att('labs.pdf', textPdf(LAB_RESULT_LINES), 'application/pdf', 'application/pdf'), DEFAULT_EXTRACT_LIMITS);
    assert.equal(report.kind, 'pdf');
    assert.equal(report.unreadable, '');
    assert.match(text, /Patient: DOE, Jane\s+DOB: 1971-06-02\s+MRN: 00418822/);
  });

  it('stops at the page limit and says so', async () => {
    const { report } = await attachmentText(att('labs.pdf', textPdf(['one'])), { ...DEFAULT_EXTRACT_LIMITS, maxPdfPages: 0 });
    assert.equal(report.truncated, true);
  });

  it('reports a damaged PDF as unreadable instead of failing', async () => {
    const { report } = await attachmentText(att('x.pdf', Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage')), DEFAULT_EXTRACT_LIMITS);
    assert.equal(report.kind, 'pdf');
    assert.notEqual(report.unreadable, '');
  });

  it('reads Word paragraphs and table cells', async () => {
    const { report, text } = await attachmentText(att('referral.docx', docx({ paragraphs: ['Referral for Roe, John', 'SSN 212-48-6617'] })), DEFAULT_EXTRACT_LIMITS);
    assert.equal(report.kind, 'docx');
    assert.match(text, /Referral for Roe, John\nSSN 212-48-6617/);
  });

  it('reads Excel sheets with their header labels and serial dates as dates', async () => {
    const book = xlsx([
      ['Name', 'DOB', 'SSN'],
      ['Roe, John', { date: 21287 }, '212-48-6617'],
    ]);
    const { report, text } = await attachmentText(att('list.xlsx', book), DEFAULT_EXTRACT_LIMITS);
    assert.equal(report.kind, 'xlsx');
    assert.match(text, /Name: Roe, John\tDOB: 04\/12\/1958\tSSN: 212-48-6617/);
  });

  it('reads CSV with header labels', async () => {
    const { report, text } = await attachmentText(att('export.csv', Buffer.from('last;first;dob\nRoe;John;04/12/1958\n'), 'text/csv'), DEFAULT_EXTRACT_LIMITS);
    assert.equal(report.kind, 'csv');
    assert.match(text, /last: Roe\tfirst: John\tdob: 04\/12\/1958/);
  });

  it('does not inflate a document past the byte budget', async () => {
    const huge = `<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>${'A'.repeat(5_000_000)}</w:t></w:r></w:p></w:body></w:document>`;
    const bomb = zip({ 'word/document.xml': huge }, 9);
    assert.ok(bomb.length < 50_000, 'the fixture is small compressed');
    const { report } = await attachmentText(att('bomb.docx', bomb), { ...DEFAULT_EXTRACT_LIMITS, maxInflateBytes: 1_000_000 });
    assert.equal(report.truncated, true);
    assert.equal(report.chars, 0);
  });

  it('tells archives and other files apart', () => {
    assert.equal(attachmentKind(att('a.zip', zip({ 'list.csv': 'a,b' }))), 'archive');
    assert.equal(attachmentKind(att('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png', 'image/png')), 'other');
    assert.equal(attachmentKind(att('notes.txt', Buffer.from('hello'), 'text/plain', 'text/plain')), 'text');
  });
});
