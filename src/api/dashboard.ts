import type { ConsoleSettings } from './settings.ts';
import type { Db } from '../store/database.ts';
import type { MessageIndex } from './message-index.ts';

export type Bucket = 'hour' | 'day';

export interface DashboardQuery {
  since: Date;
  until: Date;
  bucket: Bucket;
  /** The viewer's UTC offset in minutes (as Date#getTimezoneOffset gives it), so days start at their midnight. */
  tzOffsetMinutes: number;
}

const ACTIONS = ['deliver', 'tag', 'hold', 'quarantine', 'reject'] as const;
const CAUGHT = "('hold', 'quarantine', 'reject')";

/** Mail volume per bucket and verdict (inbound mail only: what reached the organisation). */
export function volumeSeries(db: Db, q: DashboardQuery): { t: string; deliver: number; tag: number; hold: number; quarantine: number; reject: number }[] {
  const size = q.bucket === 'hour' ? 3600_000 : 86_400_000;
  const shift = -q.tzOffsetMinutes * 60_000;
  const rows = db
    .prepare(
      `SELECT CAST((received_at + @shift) / @size AS INTEGER) * @size - @shift AS t, action, COUNT(*) AS n FROM console_messages
       WHERE origin = 'inbound' AND received_at >= @since AND received_at < @until GROUP BY t, action`,
    )
    .all({ shift, size, since: q.since.getTime(), until: q.until.getTime() }) as { t: number; action: string; n: number }[];
  const byT = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const e = byT.get(r.t) ?? {};
    e[r.action] = (e[r.action] ?? 0) + r.n;
    byT.set(r.t, e);
  }
  const out = [];
  const first = Math.floor((q.since.getTime() + shift) / size) * size - shift;
  for (let t = first; t < q.until.getTime(); t += size) {
    const e = byT.get(t) ?? {};
    out.push({ t: new Date(t).toISOString(), ...Object.fromEntries(ACTIONS.map((a) => [a, e[a] ?? 0])) } as { t: string; deliver: number; tag: number; hold: number; quarantine: number; reject: number });
  }
  return out;
}

export function totals(db: Db, since: Date, until: Date): { messages: number; delivered: number; tagged: number; caught: number; unscannable: number; markedFalsePositive: number } {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS messages, SUM(CASE WHEN action = 'deliver' THEN 1 ELSE 0 END) AS delivered,
         SUM(CASE WHEN action = 'tag' THEN 1 ELSE 0 END) AS tagged,
         SUM(CASE WHEN action IN ${CAUGHT} THEN 1 ELSE 0 END) AS caught, SUM(unscannable) AS unscannable
       FROM console_messages WHERE origin = 'inbound' AND received_at >= ? AND received_at < ?`,
    )
    .get(since.getTime(), until.getTime()) as Record<string, number | null>;
  const fp = db
    .prepare(
      `SELECT COUNT(DISTINCT f.spool_id) FROM console_feedback f JOIN console_messages m ON m.spool_id = f.spool_id
       WHERE f.kind = 'not-phish' AND m.received_at >= ? AND m.received_at < ?`,
    )
    .pluck()
    .get(since.getTime(), until.getTime()) as number;
  return { messages: r.messages ?? 0, delivered: r.delivered ?? 0, tagged: r.tagged ?? 0, caught: r.caught ?? 0, unscannable: r.unscannable ?? 0, markedFalsePositive: fp };
}

/** Signals behind caught and tagged mail, by the number of messages they fired on. */
export function topSignals(db: Db, since: Date, until: Date, limit = 10): { id: string; messages: number }[] {
  return db
    .prepare(
      `SELECT s.signal AS id, COUNT(*) AS messages FROM console_message_signals s JOIN console_messages m ON m.spool_id = s.spool_id
       WHERE m.origin = 'inbound' AND m.received_at >= ? AND m.received_at < ? AND s.score > 0 AND m.action != 'deliver'
       GROUP BY s.signal ORDER BY messages DESC, s.signal LIMIT ?`,
    )
    .all(since.getTime(), until.getTime(), limit) as { id: string; messages: number }[];
}

interface CaughtRow {
  spool_id: string;
  received_at: number;
  from_domain: string;
  recipient_count: number;
  sealed: Buffer | null;
  signals: string | null;
  fp: number;
}

function caughtRows(db: Db, since: Date, until: Date): CaughtRow[] {
  // Each message's signals as one JSON array of [signal, score] pairs; the JSON functions differ by engine.
  const signalPairs =
    db.dialect === 'postgres' ? 'CAST(json_agg(json_build_array(signal, score)) AS TEXT)' : 'json_group_array(json_array(signal, score))';
  return db
    .prepare(
      `SELECT m.spool_id, m.received_at, m.from_domain, m.recipient_count, m.sealed,
         (SELECT ${signalPairs} FROM console_message_signals s WHERE s.spool_id = m.spool_id) AS signals,
         EXISTS (SELECT 1 FROM console_feedback f WHERE f.spool_id = m.spool_id AND f.kind = 'not-phish'
                 AND f.id = (SELECT MAX(id) FROM console_feedback g WHERE g.spool_id = m.spool_id)) AS fp
       FROM console_messages m
       WHERE m.origin = 'inbound' AND m.received_at >= ? AND m.received_at < ? AND m.action IN ${CAUGHT} AND m.unscannable = 0
       ORDER BY m.received_at, m.spool_id`,
    )
    .all(since.getTime(), until.getTime()) as CaughtRow[];
}

function positiveSignals(r: CaughtRow): { id: string; score: number }[] {
  return (JSON.parse(r.signals ?? '[]') as [string, number][]).filter(([, s]) => s > 0).map(([id, score]) => ({ id, score }));
}

/**
 * Exposure avoided: caught attacks (held, quarantined or rejected; not bulk spam only; not
 * marked a false positive) × their recipients × records a mailbox reaches × cost per record.
 */
export function exposure(db: Db, since: Date, until: Date, a: ConsoleSettings['exposure']) {
  const spam = new Set(a.spamOnlySignals);
  let attacksCaught = 0;
  let recipients = 0;
  for (const r of caughtRows(db, since, until)) {
    if (r.fp) continue;
    const sig = positiveSignals(r);
    if (sig.length > 0 && sig.every((s) => spam.has(s.id))) continue;
    attacksCaught++;
    recipients += r.recipient_count;
  }
  const recordsAtRisk = recipients * a.recordsPerRecipient;
  return {
    attacksCaught,
    recipients,
    recordsAtRisk,
    dollarsLow: recordsAtRisk * a.costPerRecordLow,
    dollarsHigh: recordsAtRisk * a.costPerRecordHigh,
    assumptions: { recordsPerRecipient: a.recordsPerRecipient, costPerRecordLow: a.costPerRecordLow, costPerRecordHigh: a.costPerRecordHigh, spamOnlySignals: a.spamOnlySignals },
  };
}

/** "Re: [EXT] Your account #48213 is locked" and "Your account #99120 is locked" are one campaign. */
export function normalizeSubject(subject: string): string {
  return subject
    .toLowerCase()
    .replace(/^(\s*(re|fw|fwd|aw|wg|sv|tr)\s*:\s*|\s*\[[^\]]{0,20}\]\s*)+/g, '')
    .replace(/[0-9]+/g, '#')
    .replace(/[^\p{L}\p{N}#]+/gu, ' ')
    .trim();
}

/**
 * Campaigns: caught mail grouped by normalised subject (decrypted here, in memory only),
 * else by sender domain, with at least two messages. Subjects are returned only when the
 * caller may see content.
 */
export function campaigns(db: Db, index: MessageIndex, since: Date, until: Date, withSubjects: boolean, limit = 8) {
  const groups = new Map<string, { subject: string; messages: number; recipients: number; domains: Set<string>; first: number; last: number; signals: Map<string, number> }>();
  for (const r of caughtRows(db, since, until)) {
    const subject = index.unseal(r.sealed)?.subject ?? '';
    const norm = normalizeSubject(subject);
    const key = norm.length >= 8 ? `s:${norm}` : `d:${r.from_domain}`;
    const g = groups.get(key) ?? { subject, messages: 0, recipients: 0, domains: new Set<string>(), first: r.received_at, last: r.received_at, signals: new Map<string, number>() };
    g.messages++;
    g.recipients += r.recipient_count;
    if (r.from_domain) g.domains.add(r.from_domain);
    g.last = Math.max(g.last, r.received_at);
    for (const s of positiveSignals(r)) g.signals.set(s.id, (g.signals.get(s.id) ?? 0) + s.score);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .filter(([, g]) => g.messages >= 2)
    .sort((a, b) => b[1].messages - a[1].messages || b[1].last - a[1].last)
    .slice(0, limit)
    .map(([key, g], i) => ({
      key: `campaign-${i + 1}`,
      ...(withSubjects ? { subject: key.startsWith('s:') ? g.subject : '' } : {}),
      messages: g.messages,
      recipients: g.recipients,
      senderDomains: [...g.domains].sort().slice(0, 6),
      firstSeen: new Date(g.first).toISOString(),
      lastSeen: new Date(g.last).toISOString(),
      topSignal: [...g.signals.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
    }));
}

export function quarantineSummary(db: Db): { held: number; released: number; deleted: number; expired: number; heldBytes: number; releaseRequests: number } {
  const out = { held: 0, released: 0, deleted: 0, expired: 0, heldBytes: 0, releaseRequests: 0 };
  for (const r of db.prepare('SELECT status, COUNT(*) AS n, SUM(CASE WHEN body_present = 1 THEN size ELSE 0 END) AS bytes FROM quarantine_messages GROUP BY status').all() as {
    status: keyof typeof out;
    n: number;
    bytes: number | null;
  }[]) {
    out[r.status] = r.n;
    if (r.status === 'held') out.heldBytes = r.bytes ?? 0;
  }
  out.releaseRequests = db.prepare("SELECT COUNT(*) FROM quarantine_release_requests WHERE state = 'open'").pluck().get() as number;
  return out;
}
