/**
 * Redirectors: URLs on one site that send the reader on to another. Link-protection
 * gateways are unwrapped (the original link is what the reader reaches); open redirects
 * on reputable sites are how phishing borrows a trusted domain for the first hop.
 */

export interface RedirectRule {
  id: string;
  host: RegExp;
  path: RegExp;
  /** How to read the destination: a query parameter, the tail of the path, or not at all (opaque). */
  target: { param: string[] } | { pathTail: RegExp } | { bingBase64: string } | 'opaque';
  matches: string[];
  nonMatches: string[];
}

export const OPEN_REDIRECT_RULES: RedirectRule[] = [
  {
    id: 'google-url',
    host: /^(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?$/,
    path: /^\/url$/,
    target: { param: ['q', 'url'] },
    matches: ['https://www.google.com/url?q=https://evil.example/x&sa=D', 'https://google.co.uk/url?url=http://evil.example/'],
    nonMatches: ['https://www.google.com/search?q=https://evil.example/', 'https://www.google.com/maps'],
  },
  {
    id: 'google-amp',
    host: /^(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?$/,
    path: /^\/amp\/s?\/?/,
    target: { pathTail: /^\/amp\/(s\/)?(.+)$/ },
    matches: ['https://www.google.com/amp/s/evil.example/login'],
    nonMatches: ['https://www.google.com/ampersand'],
  },
  {
    id: 'google-adservices',
    host: /^(?:www\.)?googleadservices\.com$/,
    path: /^\/pagead\/aclk/,
    target: { param: ['adurl'] },
    matches: ['https://www.googleadservices.com/pagead/aclk?sa=L&adurl=https://evil.example/'],
    nonMatches: ['https://www.googleadservices.com/pagead/conversion.js'],
  },
  {
    id: 'bing-ck',
    host: /^(?:www\.)?bing\.com$/,
    path: /^\/ck\/a/,
    target: { bingBase64: 'u' },
    matches: ['https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4&ntb=1'],
    nonMatches: ['https://www.bing.com/search?q=test'],
  },
  {
    id: 'linkedin-slink',
    host: /^(?:www\.)?linkedin\.com$/,
    path: /^\/slink/,
    target: 'opaque',
    matches: ['https://www.linkedin.com/slink?code=abc123'],
    nonMatches: ['https://www.linkedin.com/in/someone'],
  },
  {
    id: 'youtube-redirect',
    host: /^(?:www\.|m\.)?youtube\.com$/,
    path: /^\/redirect/,
    target: { param: ['q'] },
    matches: ['https://www.youtube.com/redirect?q=https://evil.example/&v=x'],
    nonMatches: ['https://www.youtube.com/watch?v=abc'],
  },
  {
    id: 'facebook-l',
    host: /^(?:l|lm)\.facebook\.com$/,
    path: /^\/l\.php/,
    target: { param: ['u'] },
    matches: ['https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F&h=x'],
    nonMatches: ['https://www.facebook.com/stmaryshealth'],
  },
  {
    id: 'duckduckgo-l',
    host: /^(?:www\.)?duckduckgo\.com$/,
    path: /^\/l\//,
    target: { param: ['uddg'] },
    matches: ['https://duckduckgo.com/l/?uddg=https%3A%2F%2Fevil.example%2F'],
    nonMatches: ['https://duckduckgo.com/?q=x'],
  },
  {
    id: 'tumblr-redirect',
    host: /^t\.umblr\.com$/,
    path: /^\/redirect/,
    target: { param: ['z'] },
    matches: ['https://t.umblr.com/redirect?z=https%3A%2F%2Fevil.example%2F'],
    nonMatches: ['https://www.tumblr.com/'],
  },
  {
    id: 'vk-away',
    host: /^(?:m\.)?vk\.com$/,
    path: /^\/away\.php/,
    target: { param: ['to'] },
    matches: ['https://vk.com/away.php?to=https%3A%2F%2Fevil.example%2F'],
    nonMatches: ['https://vk.com/id1'],
  },
  {
    id: 'baidu-link',
    host: /^(?:www\.)?baidu\.com$/,
    path: /^\/link$/,
    target: 'opaque',
    matches: ['https://www.baidu.com/link?url=AbCdEf'],
    nonMatches: ['https://www.baidu.com/s?wd=x'],
  },
];

/** Query parameters that, on an arbitrary site, usually carry "where to send the reader next". */
export const GENERIC_REDIRECT_PARAMS = [
  'url', 'u', 'redirect', 'redirect_uri', 'redirect_url', 'redirecturl', 'redir', 'dest', 'destination', 'target',
  'to', 'next', 'goto', 'go', 'link', 'return', 'returnurl', 'return_url', 'return_to', 'continue', 'r', 'rurl',
  'out', 'href', 'forward', 'fwd', 'location', 'jump',
];

/** Recovers the original URL from a security gateway's rewritten link, or '' when it cannot. */
export function unwrapProtectedLink(url: URL): string {
  const host = url.hostname.toLowerCase();
  const get = (k: string) => url.searchParams.get(k) ?? '';
  if (host.endsWith('safelinks.protection.outlook.com')) return get('url');
  if (host === 'linkprotect.cudasvc.com') return get('a');
  if (host === 'clicktime.symantec.com') return get('u');
  if (host === 'urldefense.proofpoint.com' || host === 'urldefense.com') {
    const v3 = /^\/v3\/__(.+?)__;/.exec(url.pathname + url.search);
    if (v3) return v3[1];
    const u = get('u');
    // Proofpoint v2 encodes "%" as "-" and "/" as "_".
    if (u) return safeDecode(u.replace(/_/g, '/').replace(/-([0-9A-Fa-f]{2})/g, '%$1'));
  }
  return '';
}

/** The destination of a known open redirect: a URL, 'opaque' when hidden, or '' when not a redirect. */
export function knownRedirectTarget(url: URL): { rule: string; target: string } | null {
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  for (const r of OPEN_REDIRECT_RULES) {
    if (!r.host.test(host) || !r.path.test(path)) continue;
    if (r.target === 'opaque') return { rule: r.id, target: 'opaque' };
    if ('param' in r.target) {
      for (const p of r.target.param) {
        const v = absoluteUrl(url.searchParams.get(p) ?? '');
        if (v) return { rule: r.id, target: v };
      }
      continue;
    }
    if ('pathTail' in r.target) {
      const m = r.target.pathTail.exec(path);
      const tail = m ? m[m.length - 1] : '';
      if (tail) return { rule: r.id, target: `https://${tail}${url.search}` };
      continue;
    }
    const b = url.searchParams.get(r.target.bingBase64) ?? '';
    if (b.startsWith('a1')) {
      const decoded = Buffer.from(b.slice(2).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      const v = absoluteUrl(decoded);
      if (v) return { rule: r.id, target: v };
    }
    return { rule: r.id, target: 'opaque' };
  }
  return null;
}

/** First query parameter of the generic redirect kind whose value is an absolute http(s) URL. */
export function genericRedirectTarget(url: URL): { param: string; target: string } | null {
  for (const [k, v] of url.searchParams) {
    if (!GENERIC_REDIRECT_PARAMS.includes(k.toLowerCase())) continue;
    const target = absoluteUrl(v);
    if (target) return { param: k, target };
  }
  return null;
}

function absoluteUrl(v: string): string {
  let s = v.trim();
  for (let i = 0; i < 3 && /^https?%3a/i.test(s); i++) s = safeDecode(s);
  return /^https?:\/\/[^/?#\s]+/i.test(s) ? s : '';
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
