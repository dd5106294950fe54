/* How the console writes dates, sizes, money and verdicts. */

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** For table cells: the time alone for today, else day and time (and the year only when it is not this one). */
export function fmtWhen(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return seconds ? timeSeconds.format(d) : hourFormat.format(d);
  return d.getFullYear() === now.getFullYear() ? shortDate.format(d) : dateTime.format(d);
}

export const fmtDate = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : '—');
export const fmtDateSeconds = (iso: string | null | undefined): string => (iso ? dateTimeSeconds.format(new Date(iso)) : '—');
export const fmtDay = (iso: string): string => dayFormat.format(new Date(iso));
export const fmtHour = (iso: string): string => hourFormat.format(new Date(iso));
export const fmtInt = (n: number): string => integer.format(n);
export const fmtUsd = (n: number): string => usd.format(n);
export const fmtUsdCompact = (n: number): string => (n >= 100_000 ? usdCompact.format(n) : usd.format(n));
export const fmtScore = (n: number): string => (Math.round(n * 10) / 10).toString();

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export const VERDICTS = ['deliver', 'tag', 'hold', 'quarantine', 'reject'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_LABEL: Record<string, string> = {
  deliver: 'Delivered',
  tag: 'Delivered with warning',
  hold: 'Held',
  quarantine: 'Quarantined',
  reject: 'Rejected',
};

export const VERDICT_SHORT: Record<string, string> = { deliver: 'Delivered', tag: 'Tagged', hold: 'Held', quarantine: 'Quarantined', reject: 'Rejected' };

export const STATUS_LABEL: Record<string, string> = { held: 'In quarantine', released: 'Released', deleted: 'Deleted', expired: 'Expired' };

/** <input type="datetime-local"> value → ISO instant in the browser's zone (the API wants an offset). */
export function localInputToIso(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}
