/**
 * A small HTTP client for the API tests, as a browser or a script uses the API: a session
 * cookie and the CSRF token from sign-in (sent on every state-changing request), or a
 * bearer token. Real loopback HTTP, so cookies, headers and the server's limits are the
 * production ones.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
}

export class ApiClient {
  cookie: string | null = null;
  csrf: string | null = null;
  /** Send the CSRF token (false: to test that the server refuses without it). */
  sendCsrf = true;

  constructor(
    readonly baseUrl: string,
    readonly bearer: string | null = null,
  ) {}

  static token(baseUrl: string, token: string): ApiClient {
    return new ApiClient(baseUrl, token);
  }

  async login(username: string, password: string, totp?: string): Promise<ApiResponse> {
    const r = await this.request('POST', '/api/auth/login', { username, password, ...(totp ? { totp } : {}) });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }

  get<T = any>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body);
  }

  async request<T = any>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.csrf && this.sendCsrf && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    this.keepCookie(res.headers);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** The status and headers of a response whose body does not end (the live feed); the stream is then dropped. */
  async open(path: string): Promise<{ status: number; headers: Headers; first: string; close(): void }> {
    const controller = new AbortController();
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(this.baseUrl + path, { headers, signal: controller.signal });
    let first = '';
    if (res.body && res.ok && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      const reader = res.body.getReader();
      const chunk = await reader.read();
      first = new TextDecoder().decode(chunk.value ?? new Uint8Array());
      return { status: res.status, headers: res.headers, first, close: () => controller.abort() };
    }
    first = await res.text();
    return { status: res.status, headers: res.headers, first, close: () => controller.abort() };
  }

  private keepCookie(h: Headers): void {
    for (const c of h.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (!name?.includes('medshield_session')) continue;
      this.cookie = value ? `${name}=${value}` : null;
      if (!value || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookie = null;
    }
  }
}
