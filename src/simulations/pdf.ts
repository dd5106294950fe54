/**
 * A one-page PDF with a title, a few lines of text and one link: the "prescription ready"
 * notice a simulation attaches. Written directly (about fifty lines) rather than with a PDF
 * library: it needs only the standard Helvetica font, text and a URI link annotation, and the
 * attackers' PDFs it imitates are no more elaborate. The tests read it back with pdf.js.
 */

export interface SimplePdf {
  title: string;
  lines: string[];
  linkText: string;
  url: string;
}

/** PDF string literal: latin-1 only (the standard fonts' WinAnsi), with \ ( ) escaped. */
function pdfString(s: string): string {
  const latin = [...s].map((c) => (c.charCodeAt(0) < 256 && c.charCodeAt(0) >= 32 ? c : '?')).join('');
  return `(${latin.replace(/[\\()]/g, (m) => `\\${m}`)})`;
}

export function buildPdf(p: SimplePdf): Buffer {
  const linkY = 640 - p.lines.length * 22 - 40;
  const content = [
    'BT /F2 20 Tf 72 720 Td',
    `${pdfString(p.title)} Tj`,
    'ET',
    ...p.lines.map((line, i) => `BT /F1 12 Tf 72 ${680 - i * 22} Td ${pdfString(line)} Tj ET`),
    '0 0 0.8 rg',
    `BT /F2 13 Tf 72 ${linkY} Td ${pdfString(p.linkText)} Tj ET`,
    `0 0 0.8 RG 72 ${linkY - 3} m ${72 + Math.min(460, p.linkText.length * 7.4)} ${linkY - 3} l S`,
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R /Annots [7 0 R] >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    `<< /Type /Annot /Subtype /Link /Rect [70 ${linkY - 6} 540 ${linkY + 16}] /Border [0 0 0] /A << /S /URI /URI ${pdfString(p.url)} >> >>`,
    `<< /Title ${pdfString(p.title)} /Producer (Medshield simulation) >>`,
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
