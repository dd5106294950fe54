import { createHash, randomBytes } from 'node:crypto';
import { migrate, type Db } from '../store/database.ts';
import { USERS_SCHEMA } from './schema.ts';

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMinutes: number;
  /** A session ends this long after login, used or not. */
  absoluteHours: number;
}

export interface Session {
  userId: number;
  /** Sent back by the console on every state-changing request (X-CSRF-Token). */
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string;
  /** The digest the session is stored under (identifies it without being the cookie). */
  id: string;
}

interface Row {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string;
}

export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Last-seen times are written at most this often (a busy console would otherwise write on every request). */
const TOUCH_EVERY_MS = 60_000;

/** Login sessions: the cookie holds a random token, the store only its digest. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly policy: SessionPolicy = { idleMinutes: 30, absoluteHours: 12 },
  ) {
    migrate(db, USERS_SCHEMA);
  }

  create(userId: number, ip: string, userAgent: string, now = Date.now()): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const expires = now + this.policy.absoluteHours * 3600_000;
    this.db
      .prepare('INSERT INTO users_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(digest(token), userId, csrf, now, now, expires, ip, userAgent.slice(0, 300));
    return { token, session: this.resolve(token, now)! };
  }

  /** The live session a cookie names; an expired or idle one is deleted and null returned. */
  resolve(token: string, now = Date.now()): Session | null {
    const id = digest(token);
    const r = this.db.prepare('SELECT * FROM users_sessions WHERE token_hash = ?').get(id) as Row | undefined;
    if (!r) return null;
    if (r.expires_at <= now || r.last_seen_at + this.policy.idleMinutes * 60_000 <= now) {
      this.db.prepare('DELETE FROM users_sessions WHERE token_hash = ?').run(id);
      return null;
    }
    if (now - r.last_seen_at >= TOUCH_EVERY_MS) {
      this.db.prepare('UPDATE users_sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, id);
      r.last_seen_at = now;
    }
    return {
      id,
      userId: r.user_id,
      csrfToken: r.csrf_token,
      createdAt: new Date(r.created_at),
      lastSeenAt: new Date(r.last_seen_at),
      expiresAt: new Date(r.expires_at),
      ip: r.ip,
    };
  }

  revoke(sessionId: string): void {
    this.db.prepare('DELETE FROM users_sessions WHERE token_hash = ?').run(sessionId);
  }

  /** Ends every session of a user (disabled, password reset, role changed), except `keep`. */
  revokeAllFor(userId: number, keep?: string): number {
    return this.db.prepare('DELETE FROM users_sessions WHERE user_id = ? AND token_hash != ?').run(userId, keep ?? '').changes;
  }

  /** Removes sessions past their absolute or idle end. */
  sweep(now = Date.now()): number {
    return this.db.prepare('DELETE FROM users_sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - this.policy.idleMinutes * 60_000).changes;
  }
}
