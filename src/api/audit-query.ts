import type { Db } from '../store/database.ts';

/**
 * Reading the audit log for the console: filters, paging and export. The AuditLog class
 * stays the only writer; this only reads its table.
 */
export interface AuditQuery {
  /** Substring of the actor (`user:alice`, `token:…`, `gateway`). */
  actor?: string;
  /** An action (`quarantine.read`) or a module prefix (`quarantine.`). */
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** Entries older than this id (paging back). */
  beforeId?: number;
  limit?: number;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  ip: string | null;
  detail: Record<string, unknown> | null;
  hash: string;
}

export function queryAudit(db: Db, q: AuditQuery): AuditRow[] {
  const where: string[] = [];
  const p: Record<string, unknown> = { limit: Math.min(q.limit ?? 100, 100_000) };
  if (q.actor) (where.push("actor LIKE @actor ESCAPE '\\'"), (p.actor = `%${q.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (q.action) {
    if (q.action.endsWith('.')) (where.push('substr(action, 1, length(@action)) = @action'), (p.action = q.action));
    else (where.push('action = @action'), (p.action = q.action));
  }
  if (q.target) (where.push('target = @target'), (p.target = q.target));
  if (q.since) (where.push('at >= @since'), (p.since = q.since.toISOString()));
  if (q.until) (where.push('at < @until'), (p.until = q.until.toISOString()));
  if (q.beforeId) (where.push('id < @beforeId'), (p.beforeId = q.beforeId));
  const sql = `SELECT id, at, actor, action, target, detail, hash FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return (db.prepare(sql).all(p) as { id: number; at: string; actor: string; action: string; target: string; detail: string | null; hash: string }[]).map((r) => {
    const detail = r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>);
    return { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, ip: typeof detail?.ip === 'string' ? detail.ip : null, detail, hash: r.hash };
  });
}

export function auditActions(db: Db): string[] {
  return db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
}

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // A cell starting with = + - @ would be a formula in a spreadsheet (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(rows: AuditRow[]): string {
  const head = ['id', 'at', 'actor', 'action', 'target', 'ip', 'detail', 'hash'];
  const lines = [head.join(',')];
  for (const r of rows) lines.push([r.id, r.at, r.actor, r.action, r.target, r.ip, r.detail, r.hash].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
