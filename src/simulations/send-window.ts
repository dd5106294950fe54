import type { SendingWindow, Weekday } from './settings.ts';

/**
 * Sending windows and pace. Simulation mail goes out on working days and hours in the
 * organisation's time zone (mail at 3 a.m. is suspicious in itself, and nobody is there to
 * click), at most `perMinute` messages a minute, so a campaign to a whole hospital arrives
 * spread out like real mail rather than as one burst that filters and colleagues notice.
 */

const DAY_NAMES: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: number, timeZone: string): { day: Weekday; hhmm: string } {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = f.formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
  return { day: DAY_NAMES.includes(day) ? day : 'mon', hhmm: `${get('hour').padStart(2, '0')}:${get('minute').padStart(2, '0')}` };
}

/** The window is open at this moment. */
export function windowOpen(w: SendingWindow, at: number): boolean {
  const { day, hhmm } = localParts(at, w.timezone);
  return w.days.includes(day) && hhmm >= w.start && hhmm < w.end;
}

/** The next moment (to the minute) the window opens, at or after `from`; null if it never does within two weeks. */
export function nextOpening(w: SendingWindow, from: number): number | null {
  const start = Math.ceil(from / 60_000) * 60_000;
  if (windowOpen(w, from)) return from;
  for (let t = start; t < from + 15 * 86_400_000; t += 60_000) if (windowOpen(w, t)) return t;
  return null;
}

/** How many more messages may go out now: `perMinute` less those sent in the last minute. */
export function allowance(perMinute: number, sentInLastMinute: number): number {
  return Math.max(0, perMinute - sentInLastMinute);
}
