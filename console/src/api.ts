import type {
  AuditEntryInfo,
  Dashboard,
  DirectoryInfo,
  EditableSettings,
  FeedItem,
  MessageContent,
  MessageDetail,
  MessageList,
  MessageSummary,
  SessionInfo,
  SettingsInfo,
  TokenInfo,
  UserInfo,
} from '../../src/api/schemas.ts';

/*
 * The console talks to the API on its own origin. The session rides on an HttpOnly cookie
 * the browser sends by itself; state-changing calls also carry the session's CSRF token,
 * which the API hands out with the session info.
 */

export type { AuditEntryInfo, Dashboard, DirectoryInfo, EditableSettings, FeedItem, MessageContent, MessageDetail, MessageList, MessageSummary, SessionInfo, SettingsInfo, TokenInfo, UserInfo };
export type Role = SessionInfo['user']['role'];

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session is gone (expired, revoked), so the console shows the sign-in page. */
export function onSessionLost(handler: () => void): void {
  onSignedOut = handler;
}

type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function queryString(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) p.set(k, v.join(','));
    } else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { quietAuth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiFailure(0, 'Medshield cannot be reached. Check that the service is running and your network connection, then try again.');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; details?: string[] };
    if (res.status === 401 && !opts.quietAuth && onSignedOut) onSignedOut();
    throw new ApiFailure(res.status, e.error ?? `${res.status} ${res.statusText}`, e.details ?? []);
  }
  return data as T;
}

export interface SignalInfo {
  id: string;
  analyzer: string;
  weight: number;
  description: string;
}

export interface ActionResult {
  ok: boolean;
  message: string;
  delivery?: string;
}

export interface BulkResult {
  results: { id: string; ok: boolean; message: string }[];
  succeeded: number;
  failed: number;
}

export interface AuditList {
  items: AuditEntryInfo[];
  actions: string[];
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  head: string;
  firstBroken?: { id: number; reason: string };
}

export interface SettingsResult {
  settings: SettingsInfo;
  applied: string[];
  atRestart: string[];
  message: string;
}

export interface ImportResult {
  persons: number;
  organizations: number;
  knownPhones: number;
  photos: number;
  scannerReloaded: boolean;
  message: string;
}

export type SettingsUpdate = Partial<EditableSettings> & { brandPackJson?: string | null };

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session', undefined, { quietAuth: true }),
  login: (username: string, password: string, totp?: string) => request<SessionInfo>('POST', '/api/auth/login', { username, password, ...(totp ? { totp } : {}) }, { quietAuth: true }),
  logout: () => request<{ ok: true }>('POST', '/api/auth/logout'),
  changePassword: (current: string, next: string) => request<SessionInfo>('POST', '/api/auth/password', { current, next }),
  totpSetup: () => request<{ secret: string; uri: string; qrSvg: string }>('POST', '/api/auth/totp/setup'),
  totpEnable: (code: string) => request<SessionInfo>('POST', '/api/auth/totp/enable', { code }),
  totpDisable: (password: string) => request<SessionInfo>('POST', '/api/auth/totp/disable', { password }),

  dashboard: (range: string) => request<Dashboard>('GET', `/api/dashboard${queryString({ range, tz: new Date().getTimezoneOffset() })}`),
  messages: (q: Query) => request<MessageList>('GET', `/api/messages${queryString(q)}`),
  message: (id: string) => request<MessageDetail>('GET', `/api/messages/${encodeURIComponent(id)}`),
  content: (id: string) => request<MessageContent>('GET', `/api/messages/${encodeURIComponent(id)}/content`),
  signals: () => request<{ items: SignalInfo[] }>('GET', '/api/signals'),
  release: (id: string) => request<ActionResult>('POST', `/api/messages/${encodeURIComponent(id)}/release`),
  remove: (id: string) => request<ActionResult>('POST', `/api/messages/${encodeURIComponent(id)}/delete`),
  feedback: (id: string, kind: 'phish' | 'not-phish', note = '') => request<ActionResult>('POST', `/api/messages/${encodeURIComponent(id)}/feedback`, { kind, note }),
  bulk: (ids: string[], action: 'release' | 'delete' | 'phish' | 'not-phish', note?: string) => request<BulkResult>('POST', '/api/messages/bulk', { ids, action, ...(note ? { note } : {}) }),

  audit: (q: Query) => request<AuditList>('GET', `/api/audit${queryString(q)}`),
  auditVerify: () => request<ChainCheck>('GET', '/api/audit/verify'),

  directory: (q: Query) => request<DirectoryInfo>('GET', `/api/directory${queryString(q)}`),
  directoryImport: (body: { filename: string; content: string; kind?: 'internal' | 'partner'; organization?: string }) => request<ImportResult>('POST', '/api/directory/import', body),

  settings: () => request<SettingsInfo>('GET', '/api/settings'),
  saveSettings: (change: SettingsUpdate) => request<SettingsResult>('PUT', '/api/settings', change),

  users: () => request<{ items: UserInfo[] }>('GET', '/api/users'),
  addUser: (name: string, role: Role) => request<{ user: UserInfo; password: string }>('POST', '/api/users', { name, role }),
  changeUser: (name: string, change: { role?: Role; disabled?: boolean }) => request<UserInfo>('PATCH', `/api/users/${encodeURIComponent(name)}`, change),
  resetPassword: (name: string) => request<{ user: UserInfo; password: string }>('POST', `/api/users/${encodeURIComponent(name)}/reset-password`),
  unlockUser: (name: string) => request<UserInfo>('POST', `/api/users/${encodeURIComponent(name)}/unlock`),
  resetTotp: (name: string) => request<UserInfo>('POST', `/api/users/${encodeURIComponent(name)}/reset-totp`),
  tokens: () => request<{ items: TokenInfo[] }>('GET', '/api/tokens'),
  createToken: (role: Role, label: string, expiresInDays?: number) => request<{ token: string; info: TokenInfo }>('POST', '/api/tokens', { role, label, ...(expiresInDays ? { expiresInDays } : {}) }),
  revokeToken: (id: string) => request<TokenInfo>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
};

/** The audit export is a download: a plain link the browser follows with the session cookie (GET, so no CSRF token is needed). */
export function auditExportUrl(format: 'csv' | 'json', filter: Query): string {
  return `/api/audit/export${queryString({ ...filter, format })}`;
}
