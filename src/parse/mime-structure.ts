import { UnscannableError, type ParseLimits } from './limits.ts';

/**
 * Walks the MIME tree on raw bytes before the real parser runs, so that a message with
 * thousands of parts or pathological nesting is refused in linear time instead of being
 * handed to a parser that would build it all in memory.
 */
export function checkMimeStructure(raw: Buffer, limits: ParseLimits): { parts: number; depth: number } {
  const s = raw.toString('latin1');
  let parts = 0;
  let maxSeen = 0;

  const walk = (start: number, end: number, depth: number): void => {
    parts++;
    if (parts > limits.maxParts) throw new UnscannableError(`more than ${limits.maxParts} MIME parts`, 'too-many-parts');
    if (depth > limits.maxDepth) throw new UnscannableError(`MIME nesting deeper than ${limits.maxDepth}`, 'too-deep');
    if (depth > maxSeen) maxSeen = depth;
    const headerEnd = findHeaderEnd(s, start, end);
    const header = s.slice(start, headerEnd.headerEnd);
    const ct = /^content-type:[ \t]*([^;\s]+)((?:[^\n]*)(?:\r?\n[ \t][^\n]*)*)/im.exec(header);
    if (!ct) return;
    const type = ct[1].toLowerCase();
    if (type.startsWith('multipart/')) {
      const b = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(ct[2]);
      if (!b) return;
      const delimiter = `--${b[1] ?? b[2]}`;
      let pos = headerEnd.bodyStart;
      let partStart = -1;
      while (pos < end) {
        const at = s.indexOf(delimiter, pos);
        if (at < 0 || at >= end) break;
        const lineStart = at === 0 || s[at - 1] === '\n';
        const nl = s.indexOf('\n', at);
        const lineEnd = nl < 0 || nl > end ? end : nl + 1;
        if (lineStart) {
          if (partStart >= 0) walk(partStart, at, depth + 1);
          if (s.startsWith('--', at + delimiter.length)) {
            partStart = -1;
            break;
          }
          partStart = lineEnd;
        }
        pos = lineEnd;
      }
      if (partStart >= 0 && partStart < end) walk(partStart, end, depth + 1);
    } else if (type === 'message/rfc822' || type === 'message/global') {
      walk(headerEnd.bodyStart, end, depth + 1);
    }
  };

  walk(0, s.length, 0);
  return { parts, depth: maxSeen };
}

function findHeaderEnd(s: string, start: number, end: number): { headerEnd: number; bodyStart: number } {
  const re = /\r?\n\r?\n/g;
  re.lastIndex = start;
  // A part may begin with a blank line (no headers at all).
  if (s.startsWith('\r\n', start)) return { headerEnd: start, bodyStart: start + 2 };
  if (s[start] === '\n') return { headerEnd: start, bodyStart: start + 1 };
  const m = re.exec(s);
  if (!m || m.index >= end) return { headerEnd: end, bodyStart: end };
  return { headerEnd: m.index, bodyStart: m.index + m[0].length };
}
