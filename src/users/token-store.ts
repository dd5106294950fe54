import { randomBytes } from 'node:crypto';
import { migrate, type Db } from '../store/database.ts';
import { isRole, type Role } from './roles.ts';
import { USERS_SCHEMA } from './schema.ts';
import { digest } from './session-store.ts';
import { UserError } from './user-store.ts';

/**
 * API tokens for automation (`Authorization: Bearer msk_…`): a role, a label, an optional
 * expiry. The token is shown once at creation; the store keeps its SHA-256 digest and a
 * short public id to list and revoke it by. The `msk_` prefix lets secret scanners find
 * tokens pasted where they should not be.
 */
export interface ApiToken {
  id: string;
  label: string;
  role: Role;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

interface Row {
  id: string;
  label: string;
  role: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

function toToken(r: Row): ApiToken {
  return {
    id: r.id,
    label: r.label,
    role: r.role as Role,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
    revokedBy: r.revoked_by,
  };
}

const TOKEN = /^msk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const USE_RECORDED_EVERY_MS = 60_000;

export class TokenStore {
  constructor(private readonly db: Db) {
    migrate(db, USERS_SCHEMA);
  }

  create(o: { role: Role; label: string; createdBy: string; expiresInDays?: number }, now = Date.now()): { token: string; info: ApiToken } {
    if (!isRole(o.role)) throw new UserError('invalid', `unknown role '${String(o.role)}' (admin, analyst, auditor, viewer)`);
    const label = o.label.trim();
    if (!label || label.length > 100) throw new UserError('invalid', 'a token label must be 1–100 characters');
    if (o.expiresInDays !== undefined && !(Number.isInteger(o.expiresInDays) && o.expiresInDays > 0 && o.expiresInDays <= 3650)) {
      throw new UserError('invalid', 'expiry must be a whole number of days between 1 and 3650');
    }
    const id = randomBytes(4).toString('hex');
    const token = `msk_${id}_${randomBytes(32).toString('base64url')}`;
    const expires = o.expiresInDays ? now + o.expiresInDays * 86_400_000 : null;
    this.db
      .prepare('INSERT INTO users_tokens (id, token_hash, label, role, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, digest(token), label, o.role, now, o.createdBy, expires);
    return { token, info: this.get(id)! };
  }

  get(id: string): ApiToken | undefined {
    const r = this.db.prepare('SELECT * FROM users_tokens WHERE id = ?').get(id) as Row | undefined;
    return r && toToken(r);
  }

  list(): ApiToken[] {
    return (this.db.prepare('SELECT * FROM users_tokens ORDER BY created_at DESC').all() as Row[]).map(toToken);
  }

  /** The live token a bearer value names, or null (unknown, revoked, expired, malformed). */
  resolve(token: string, now = Date.now()): ApiToken | null {
    const m = TOKEN.exec(token.trim());
    if (!m) return null;
    const r = this.db.prepare('SELECT * FROM users_tokens WHERE token_hash = ?').get(digest(token.trim())) as Row | undefined;
    if (!r || r.revoked_at !== null || (r.expires_at !== null && r.expires_at <= now)) return null;
    if (r.last_used_at === null || now - r.last_used_at >= USE_RECORDED_EVERY_MS) {
      this.db.prepare('UPDATE users_tokens SET last_used_at = ? WHERE id = ?').run(now, r.id);
      r.last_used_at = now;
    }
    return toToken(r);
  }

  revoke(id: string, by: string, now = Date.now()): ApiToken {
    const t = this.get(id);
    if (!t) throw new UserError('not-found', `no API token '${id}'`);
    if (!t.revokedAt) this.db.prepare('UPDATE users_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?').run(now, by, id);
    return this.get(id)!;
  }
}
