/**
 * Reading and writing RFC 8601 Authentication-Results values.
 *
 * The reader is lenient because real headers are: Microsoft 365 omits the authserv-id and
 * adds `action=` and `compauth=`; Proton Mail splits one evaluation over several headers;
 * Google puts long comments with ';'-free prose; some writers leave values empty
 * (`header.from=;`).
 */

export interface ResultInfo {
  /** Lower-case method without version ("spf", "dkim", "dmarc", "arc", "compauth"…). */
  method: string;
  /** Lower-case result word as written ("pass", "bestguesspass"…). */
  result: string;
  reason?: string;
  /** Lower-case property keys ("smtp.mailfrom", "header.d", "action"…) to their values. */
  props: Record<string, string>;
  /** Comment texts in order, parentheses removed. */
  comments: string[];
}

export interface ParsedAuthResults {
  /** null when the header has none (Microsoft 365 style) and so cannot be attributed. */
  authservId: string | null;
  results: ResultInfo[];
}

type Token = { kind: 'word'; text: string } | { kind: 'comment'; text: string } | { kind: 'eq' } | { kind: 'semi' };

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === ';') {
      tokens.push({ kind: 'semi' });
      i++;
    } else if (c === '=') {
      tokens.push({ kind: 'eq' });
      i++;
    } else if (c === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < n && depth > 0) {
        const d = value[i];
        if (d === '\\' && i + 1 < n) {
          text += value[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        else if (d === ')') depth--;
        if (depth > 0) text += d;
        i++;
      }
      tokens.push({ kind: 'comment', text: text.replace(/\s+/g, ' ').trim() });
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < n) i++;
        text += value[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'word', text });
    } else {
      let text = '';
      while (i < n && !/[\s;=()"]/.test(value[i])) text += value[i++];
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

function splitSegments(tokens: Token[]): Token[][] {
  const segments: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'semi') segments.push([]);
    else segments[segments.length - 1].push(t);
  }
  return segments.filter((s) => s.length > 0);
}

function parseResultInfo(segment: Token[]): ResultInfo | null {
  const pairs: [string, string][] = [];
  const comments: string[] = [];
  let i = 0;
  while (i < segment.length) {
    const t = segment[i];
    if (t.kind === 'comment') {
      comments.push(t.text);
      i++;
      continue;
    }
    if (t.kind === 'word' && segment[i + 1]?.kind === 'eq') {
      let j = i + 2;
      let val = '';
      const next = segment[j];
      if (next?.kind === 'word') {
        val = next.text;
        j++;
        // Unquoted base64 (header.b=ab+c=) splits at '='; glue the padding back on.
        while (segment[j]?.kind === 'eq') {
          val += '=';
          j++;
        }
      }
      pairs.push([t.text.toLowerCase(), val]);
      i = j;
      continue;
    }
    i++;
  }
  if (pairs.length === 0) return null;
  const [[methodSpec, result], ...rest] = pairs;
  const info: ResultInfo = { method: methodSpec.replace(/\/\d+$/, ''), result: result.toLowerCase(), props: {}, comments };
  for (const [k, v] of rest) {
    if (k === 'reason') info.reason = v;
    else if (!(k in info.props)) info.props[k] = v;
  }
  return info;
}

export function parseAuthenticationResults(value: string): ParsedAuthResults {
  const segments = splitSegments(tokenize(value));
  let authservId: string | null = null;
  let start = 0;
  const first = segments[0];
  if (first && !first.some((t) => t.kind === 'eq')) {
    const word = first.find((t) => t.kind === 'word');
    if (word && word.kind === 'word' && word.text.toLowerCase() !== 'none') authservId = word.text.toLowerCase();
    start = 1;
  }
  const results: ResultInfo[] = [];
  for (const seg of segments.slice(start)) {
    const info = parseResultInfo(seg);
    if (info) results.push(info);
  }
  return { authservId, results };
}

/**
 * Whether `authservId` is one the operator trusts. Entries match exactly (case-insensitive);
 * an entry "*.example.net" matches any host under example.net (for providers whose MX
 * hosts each stamp their own name, like mailinNNN.protonmail.ch).
 */
export function isTrustedAuthservId(authservId: string | null, trusted: readonly string[]): boolean {
  if (!authservId) return false;
  const id = authservId.toLowerCase();
  return trusted.some((t) => {
    const entry = t.trim().toLowerCase();
    if (!entry) return false;
    if (entry.startsWith('*.')) return id.endsWith(entry.slice(1));
    return id === entry;
  });
}

// ---------------------------------------------------------------------------------------
// Writing

export interface ResultRow {
  method: string;
  result: string;
  comment?: string;
  props: [string, string][];
}

function escapeComment(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

function formatValue(v: string): string {
  // RFC 8601 pvalue: a MIME token, an address/domain, or else a quoted-string.
  if (/^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/.test(v)) return v;
  if (/^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]*@[A-Za-z0-9\-.]+$/.test(v)) return v;
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An Authentication-Results value, one result per folded line. */
export function formatAuthenticationResults(authservId: string, rows: ResultRow[]): string {
  if (rows.length === 0) return `${authservId}; none`;
  const lines = rows.map((r) => {
    const parts = [`${r.method}=${r.result}`];
    if (r.comment) parts.push(`(${escapeComment(r.comment)})`);
    for (const [k, v] of r.props) if (v) parts.push(`${k}=${formatValue(v)}`);
    return parts.join(' ');
  });
  return `${authservId};\r\n ${lines.join(';\r\n ')}`;
}
