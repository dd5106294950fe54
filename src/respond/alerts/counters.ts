import type { Db } from '../../store/database.ts';

/**
 * Monotonic counters kept in the store (so Prometheus counters survive restarts and count
 * what every process did: the gateway, the console, the CLI). Labels are stored as sorted JSON.
 */
export function incrementCounter(db: Db, name: string, labels: Record<string, string> = {}, by = 1): void {
  const key = JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
  db.prepare('INSERT INTO respond_counters (name, labels, value) VALUES (?, ?, ?) ON CONFLICT(name, labels) DO UPDATE SET value = respond_counters.value + excluded.value').run(name, key, by);
}

export function readCounters(db: Db, name: string): { labels: Record<string, string>; value: number }[] {
  return (db.prepare('SELECT labels, value FROM respond_counters WHERE name = ?').all(name) as { labels: string; value: number }[]).map((r) => ({
    labels: JSON.parse(r.labels) as Record<string, string>,
    value: r.value,
  }));
}
