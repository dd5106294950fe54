import type { MessageCipher } from '../crypto/message-cipher.ts';
import { migrate, type Db } from '../store/database.ts';
import { DUMMY_HASH_PROMISE, hashPassword, oneTimePassword, passwordProblem, verifyPassword } from './passwords.ts';
import { isRole, type Role } from './roles.ts';
import { USERS_SCHEMA } from './schema.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';

export interface User {
  id: number;
  name: string;
  role: Role;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  lockedUntil: Date | null;
  failedLogins: number;
  createdAt: Date;
  createdBy: string;
  lastLoginAt: Date | null;
}

export type UserErrorCode = 'invalid' | 'exists' | 'not-found' | 'last-admin' | 'password' | 'totp';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export interface LockoutPolicy {
  /** Consecutive failed logins that lock the account. */
  maxFailures: number;
  lockoutMinutes: number;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'bad-credentials' | 'locked' | 'disabled' | 'totp-required' | 'totp-invalid'; user?: User; lockedUntil?: Date };

interface Row {
  id: number;
  name: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  totp_secret: Buffer | null;
  totp_enabled: number;
  totp_last_step: number;
  failed_logins: number;
  locked_until: number | null;
  disabled: number;
  created_at: number;
  created_by: string;
  last_login_at: number | null;
}

const NAME = /^[a-z0-9][a-z0-9._@+-]{0,63}$/i;

function toUser(r: Row): User {
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    mustChangePassword: r.must_change_password === 1,
    totpEnabled: r.totp_enabled === 1,
    disabled: r.disabled === 1,
    lockedUntil: r.locked_until === null ? null : new Date(r.locked_until),
    failedLogins: r.failed_logins,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    lastLoginAt: r.last_login_at === null ? null : new Date(r.last_login_at),
  };
}

/** Console accounts: creation with a one-time password, roles, lockout, TOTP. */
export class UserStore {
  constructor(
    private readonly db: Db,
    /** Encrypts TOTP secrets at rest (they must be recoverable to check codes, so not hashed). */
    private readonly cipher: MessageCipher,
    private readonly lockout: LockoutPolicy = { maxFailures: 5, lockoutMinutes: 15 },
  ) {
    migrate(db, USERS_SCHEMA);
  }

  private row(name: string): Row | undefined {
    // Names match without regard to case. SQLite's NOCASE column does that by itself, PostgreSQL does not; names are ASCII.
    return this.db.prepare('SELECT * FROM users_accounts WHERE lower(name) = lower(?)').get(name.trim()) as Row | undefined;
  }

  private mustRow(name: string): Row {
    const r = this.row(name);
    if (!r) throw new UserError('not-found', `no user '${name}'`);
    return r;
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM users_accounts').pluck().get() as number;
  }

  get(name: string): User | undefined {
    const r = this.row(name);
    return r && toUser(r);
  }

  byId(id: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users_accounts WHERE id = ?').get(id) as Row | undefined;
    return r && toUser(r);
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users_accounts ORDER BY lower(name), id').all() as Row[]).map(toUser);
  }

  /** Creates an account with a one-time password the user must change at first login. */
  async add(name: string, role: Role, createdBy: string): Promise<{ user: User; password: string }> {
    const clean = name.trim();
    if (!NAME.test(clean)) throw new UserError('invalid', `user name '${name}' must be 1–64 letters, digits, or . _ @ + - (starting with a letter or digit)`);
    if (!isRole(role)) throw new UserError('invalid', `unknown role '${String(role)}' (admin, analyst, auditor, viewer)`);
    if (this.row(clean)) throw new UserError('exists', `user '${clean}' already exists`);
    const password = oneTimePassword();
    const h = await hashPassword(password);
    const now = Date.now();
    try {
      this.db
        .prepare(
          `INSERT INTO users_accounts (name, role, password_hash, must_change_password, created_at, created_by, password_changed_at)
           VALUES (?, ?, ?, 1, ?, ?, ?)`,
        )
        .run(clean, role, h, now, createdBy, now);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UserError('exists', `user '${clean}' already exists`);
      throw err;
    }
    return { user: this.get(clean)!, password };
  }

  private activeAdmins(): number {
    return this.db.prepare("SELECT COUNT(*) FROM users_accounts WHERE role = 'admin' AND disabled = 0").pluck().get() as number;
  }

  /** Changes a role; the last enabled admin cannot be demoted (no one could manage accounts after). */
  setRole(name: string, role: Role): User {
    if (!isRole(role)) throw new UserError('invalid', `unknown role '${String(role)}' (admin, analyst, auditor, viewer)`);
    return this.db.transaction(() => {
      const r = this.mustRow(name);
      if (r.role === 'admin' && role !== 'admin' && r.disabled === 0 && this.activeAdmins() <= 1) {
        throw new UserError('last-admin', `'${r.name}' is the last admin; make someone else admin first`);
      }
      this.db.prepare('UPDATE users_accounts SET role = ? WHERE id = ?').run(role, r.id);
      return this.byId(r.id)!;
    }).immediate();
  }

  /** Disabling also ends the account's sessions (the caller revokes them). */
  setDisabled(name: string, disabled: boolean): User {
    return this.db.transaction(() => {
      const r = this.mustRow(name);
      if (disabled && r.role === 'admin' && r.disabled === 0 && this.activeAdmins() <= 1) {
        throw new UserError('last-admin', `'${r.name}' is the last admin; make someone else admin first`);
      }
      this.db.prepare('UPDATE users_accounts SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, r.id);
      return this.byId(r.id)!;
    }).immediate();
  }

  unlock(name: string): User {
    const r = this.mustRow(name);
    this.db.prepare('UPDATE users_accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(r.id);
    return this.byId(r.id)!;
  }

  /** A new one-time password (the old one stops working; TOTP stays as it was). */
  async resetPassword(name: string): Promise<{ user: User; password: string }> {
    const r = this.mustRow(name);
    const password = oneTimePassword();
    const h = await hashPassword(password);
    this.db
      .prepare('UPDATE users_accounts SET password_hash = ?, must_change_password = 1, failed_logins = 0, locked_until = NULL, password_changed_at = ? WHERE id = ?')
      .run(h, Date.now(), r.id);
    return { user: this.byId(r.id)!, password };
  }

  /**
   * Checks a login. Unknown names cost a hash too, so timing does not tell who exists; a
   * locked account is refused before the password is checked (a correct guess during the
   * lockout teaches nothing); `maxFailures` wrong passwords or codes in a row lock it.
   */
  async authenticate(name: string, password: string, totpCode: string | undefined, now = Date.now()): Promise<LoginResult> {
    const r = NAME.test(name.trim()) ? this.row(name) : undefined;
    if (!r) {
      await verifyPassword(password, await DUMMY_HASH_PROMISE);
      return { ok: false, reason: 'bad-credentials' };
    }
    if (r.locked_until !== null && r.locked_until > now) return { ok: false, reason: 'locked', user: toUser(r), lockedUntil: new Date(r.locked_until) };
    const passwordOk = await verifyPassword(password, r.password_hash);
    if (!passwordOk) return this.failed(r, 'bad-credentials', now);
    if (r.disabled === 1) return { ok: false, reason: 'disabled', user: toUser(r) };
    if (r.totp_enabled === 1) {
      if (!totpCode) return { ok: false, reason: 'totp-required', user: toUser(r) };
      const step = checkTotp(this.totpSecret(r), totpCode, now);
      if (step === null || step <= r.totp_last_step) return this.failed(r, 'totp-invalid', now);
      this.db.prepare('UPDATE users_accounts SET totp_last_step = ? WHERE id = ?').run(step, r.id);
    }
    this.db.prepare('UPDATE users_accounts SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?').run(now, r.id);
    return { ok: true, user: this.byId(r.id)! };
  }

  private failed(r: Row, reason: 'bad-credentials' | 'totp-invalid', now: number): LoginResult {
    const failures = r.failed_logins + 1;
    const lock = failures >= this.lockout.maxFailures ? now + this.lockout.lockoutMinutes * 60_000 : null;
    this.db.prepare('UPDATE users_accounts SET failed_logins = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failures, lock, r.id);
    if (lock) return { ok: false, reason: 'locked', user: this.byId(r.id)!, lockedUntil: new Date(lock) };
    return { ok: false, reason, user: toUser(r) };
  }

  async changePassword(name: string, current: string, next: string): Promise<User> {
    const r = this.mustRow(name);
    if (!(await verifyPassword(current, r.password_hash))) throw new UserError('password', 'the current password is not correct');
    const problem = passwordProblem(next, r.name);
    if (problem) throw new UserError('password', problem);
    if (await verifyPassword(next, r.password_hash)) throw new UserError('password', 'the new password must differ from the current one');
    const h = await hashPassword(next);
    this.db.prepare('UPDATE users_accounts SET password_hash = ?, must_change_password = 0, password_changed_at = ? WHERE id = ?').run(h, Date.now(), r.id);
    return this.byId(r.id)!;
  }

  /** Starts TOTP enrolment: a new secret, kept (encrypted) but not required until confirmed with a code. */
  beginTotp(name: string, issuer: string): { secret: string; uri: string } {
    const r = this.mustRow(name);
    if (r.totp_enabled === 1) throw new UserError('totp', 'two-factor authentication is already on; turn it off first to enrol a new device');
    const secret = newTotpSecret();
    this.db.prepare('UPDATE users_accounts SET totp_secret = ? WHERE id = ?').run(this.cipher.encrypt(Buffer.from(secret, 'utf8')), r.id);
    return { secret, uri: totpUri(secret, r.name, issuer) };
  }

  /** Confirms enrolment with a current code from the user's app. */
  enableTotp(name: string, code: string, now = Date.now()): User {
    const r = this.mustRow(name);
    if (r.totp_enabled === 1) throw new UserError('totp', 'two-factor authentication is already on');
    if (!r.totp_secret) throw new UserError('totp', 'start the two-factor set-up first');
    const step = checkTotp(this.totpSecret(r), code, now);
    if (step === null) throw new UserError('totp', 'that code is not valid; check the time on your device and try the current code');
    this.db.prepare('UPDATE users_accounts SET totp_enabled = 1, totp_last_step = ? WHERE id = ?').run(step, r.id);
    return this.byId(r.id)!;
  }

  async disableTotp(name: string, password: string): Promise<User> {
    const r = this.mustRow(name);
    if (!(await verifyPassword(password, r.password_hash))) throw new UserError('password', 'the password is not correct');
    this.db.prepare('UPDATE users_accounts SET totp_enabled = 0, totp_secret = NULL, totp_last_step = 0 WHERE id = ?').run(r.id);
    return this.byId(r.id)!;
  }

  /** An admin turns off a user's second factor (lost phone); the user enrols again. */
  resetTotp(name: string): User {
    const r = this.mustRow(name);
    this.db.prepare('UPDATE users_accounts SET totp_enabled = 0, totp_secret = NULL, totp_last_step = 0 WHERE id = ?').run(r.id);
    return this.byId(r.id)!;
  }

  private totpSecret(r: Row): string {
    return this.cipher.decrypt(r.totp_secret!).toString('utf8');
  }
}
