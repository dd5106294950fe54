/**
 * Calendar dates as people write them in US clinical mail: 03/04/1961, 3-4-61, 1961-03-04,
 * 04.03.1961, March 4, 1961, 4 Mar 1961. Month-first is assumed for slashed dates (US
 * usage) unless the first number cannot be a month. Two-digit years are read as the most
 * recent year not after `now` (a birth date is never in the future).
 */

export interface FoundDate {
  start: number;
  end: number;
  raw: string;
  year: number;
  month: number;
  day: number;
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7, july: 7,
  aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

const NUMERIC = /(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|[.]\d)/g;
const ISO = /(?<![\w./-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\w/-]|[.]\d)/g;
const MONTH_FIRST = new RegExp(`(?<![\\w])${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?![\\w])`, 'gi');
const DAY_FIRST = new RegExp(`(?<![\\w])(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})(?![\\w])`, 'gi');

function real(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1850 || year > 2200) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function fullYear(y: string, now: Date): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  const thisYear = now.getUTCFullYear();
  const century = Math.floor(thisYear / 100) * 100;
  return century + n > thisYear ? century - 100 + n : century + n;
}

export function findDates(text: string, now = new Date()): FoundDate[] {
  const out: FoundDate[] = [];
  const push = (m: RegExpMatchArray, year: number, month: number, day: number) => {
    if (real(year, month, day)) out.push({ start: m.index!, end: m.index! + m[0].length, raw: m[0], year, month, day });
  };
  for (const m of text.matchAll(NUMERIC)) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = fullYear(m[4]!, now);
    // Dotted dates are day-first in every country that writes them.
    if (m[2] === '.' || a > 12) push(m, year, b, a);
    else push(m, year, a, b);
  }
  for (const m of text.matchAll(ISO)) push(m, Number(m[1]), Number(m[3]), Number(m[4]));
  for (const m of text.matchAll(MONTH_FIRST)) push(m, Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
  for (const m of text.matchAll(DAY_FIRST)) push(m, Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
  return out.sort((x, y) => x.start - y.start);
}

/** Whether the date could be someone's birth date on `now`: in the past, at most 125 years ago. */
export function plausibleBirthDate(d: FoundDate, now = new Date()): boolean {
  const t = Date.UTC(d.year, d.month - 1, d.day);
  return t <= now.getTime() && d.year >= now.getUTCFullYear() - 125;
}
