/**
 * The visible warning at the top of a tagged message. Plain words, no jargon, no score:
 * staff read it on a phone between patients. The HTML uses inline styles and a table only,
 * which every mail client (Outlook included) renders.
 */

const TITLE = 'Caution: this message may not be what it seems';

export function textBanner(lines: string[], source = 'Medshield'): string {
  const rule = '-'.repeat(68);
  return [rule, `${TITLE} (${source})`, ...lines.map((l) => `  * ${l}`), rule, '', ''].join('\r\n');
}

export function htmlBanner(lines: string[], source = 'Medshield'): string {
  const items = lines.map((l) => `<li style="margin:2px 0">${escapeHtml(l)}</li>`).join('');
  return (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 12px 0">' +
    '<tr><td style="background:#fff4e5;border-left:4px solid #d9822b;padding:8px 12px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f1f1f">' +
    `<strong>${escapeHtml(TITLE)}</strong> <span style="color:#666;font-size:12px">(${escapeHtml(source)})</span>` +
    `<ul style="margin:6px 0 0 0;padding-left:20px">${items}</ul>` +
    '</td></tr></table>'
  );
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
