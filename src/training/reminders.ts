import type { TrainingSettings } from './settings.ts';

const DAY = 86_400_000;

/**
 * When reminders about an open assignment are due: `remindDaysBefore` days before the due
 * date, then every `overdueEveryDays` after it, at most `maxOverdueReminders` times.
 */
export function reminderSchedule(dueAt: number, s: Pick<TrainingSettings, 'remindDaysBefore' | 'overdueEveryDays' | 'maxOverdueReminders'>): number[] {
  const before = [...new Set(s.remindDaysBefore)].sort((a, b) => b - a).map((d) => dueAt - d * DAY);
  const after = Array.from({ length: s.maxOverdueReminders }, (_, i) => dueAt + (i + 1) * s.overdueEveryDays * DAY);
  return [...before, ...after];
}

/**
 * Whether to send a reminder now, and how many scheduled ones that accounts for. Reminders
 * missed while the server was down are not sent in a burst: one goes out, and counts for all
 * that are past. A reminder time that was already past when the assignment was made (a short
 * due date) is skipped rather than sent together with the assignment notice.
 */
export function reminderDue(a: { assignedAt: number; dueAt: number; reminders: number }, now: number, s: Pick<TrainingSettings, 'remindDaysBefore' | 'overdueEveryDays' | 'maxOverdueReminders'>): { send: boolean; reminders: number } {
  const schedule = reminderSchedule(a.dueAt, s);
  const skipped = schedule.filter((t) => t <= a.assignedAt).length;
  const passed = schedule.filter((t) => t <= now).length;
  const counted = Math.max(a.reminders, skipped);
  return passed > counted ? { send: true, reminders: passed } : { send: false, reminders: counted };
}
