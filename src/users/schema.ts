import type { ModuleSchema } from '../store/database.ts';

/**
 * Console accounts, their sessions and API tokens. Secrets are never stored as given:
 * passwords as argon2id hashes, session and API tokens as SHA-256 digests (they are 256-bit
 * random values, so a slow hash adds nothing), TOTP secrets encrypted with the message key.
 */
export const USERS_SCHEMA: ModuleSchema = {
  module: 'users',
  migrations: [
    `CREATE TABLE users_accounts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor', 'viewer')),
      password_hash TEXT NOT NULL,
      must_change_password INTEGER NOT NULL DEFAULT 1,
      totp_secret BLOB,
      totp_enabled INTEGER NOT NULL DEFAULT 0,
      totp_last_step INTEGER NOT NULL DEFAULT 0,
      failed_logins INTEGER NOT NULL DEFAULT 0,
      locked_until INTEGER,
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      last_login_at INTEGER,
      password_changed_at INTEGER NOT NULL
    );
    CREATE TABLE users_sessions (
      token_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users_accounts(id),
      csrf_token TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      ip TEXT NOT NULL,
      user_agent TEXT NOT NULL
    );
    CREATE INDEX users_sessions_user ON users_sessions(user_id);
    CREATE TABLE users_tokens (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor', 'viewer')),
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      expires_at INTEGER,
      last_used_at INTEGER,
      revoked_at INTEGER,
      revoked_by TEXT
    );`,
    // One account per name regardless of case on PostgreSQL too, where NOCASE is not available.
    `CREATE UNIQUE INDEX users_accounts_name_folded ON users_accounts (lower(name));`,
  ],
};
