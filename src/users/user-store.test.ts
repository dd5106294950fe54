import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageCipher } from '../crypto/message-cipher.ts';
import { openDatabase } from '../store/database.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { can, permissionsOf } from './roles.ts';
import { SessionStore } from './session-store.ts';
import { TokenStore } from './token-store.ts';
import { currentTotp } from './totp.ts';
import { UserError, UserStore } from './user-store.ts';

const cipher = new MessageCipher(Buffer.alloc(32, 9));

function stores(lockout = { maxFailures: 3, lockoutMinutes: 10 }) {
  const db = openDatabase(':memory:');
  return { db, users: new UserStore(db, cipher, lockout), sessions: new SessionStore(db, { idleMinutes: 30, absoluteHours: 12 }), tokens: new TokenStore(db) };
}

async function ready(users: UserStore, name: string, role: 'admin' | 'analyst' | 'auditor' | 'viewer', password: string) {
  const { password: otp } = await users.add(name, role, 'test');
  await users.changePassword(name, otp, password);
}

describe('passwords', () => {
  it('are argon2id hashes with OWASP’s minimum cost, salted per password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('x'.repeat(300), a), false, 'over-long input is refused before hashing');
    assert.equal(await verifyPassword('anything', 'not-a-hash'), false);
  });

  it('must be long, not the user name, and not repetitive', () => {
    assert.match(passwordProblem('short', 'alice')!, /at least 12/);
    assert.match(passwordProblem('alice.smith1', 'alice.smith1')!, /user name/);
    assert.match(passwordProblem('aaaaaaaaaaaabbbb', 'alice')!, /repetitive/);
    assert.equal(passwordProblem('a sound passphrase', 'alice'), null);
  });
});

describe('accounts', () => {
  it('start with a one-time password that must be changed, stored only as a hash', async () => {
    const { db, users } = stores();
    const { user, password } = await users.add('Alice', 'analyst', 'cli:root');
    assert.equal(user.mustChangePassword, true);
    assert.equal(user.createdBy, 'cli:root');
    const row = db.prepare('SELECT password_hash FROM users_accounts WHERE lower(name) = ?').get('alice') as { password_hash: string };
    assert.ok(!row.password_hash.includes(password));
    assert.match(row.password_hash, /^\$argon2id\$/);
    await assert.rejects(users.add('ALICE', 'viewer', 'x'), (e: UserError) => e.code === 'exists');
    await assert.rejects(users.add('bad name', 'viewer', 'x'), (e: UserError) => e.code === 'invalid');
    await assert.rejects(users.add('bob', 'root' as never, 'x'), (e: UserError) => e.code === 'invalid');
    assert.equal((await users.authenticate('alice', password, undefined)).ok, true);
    await assert.rejects(users.changePassword('alice', 'wrong', 'a new long password'), /current password is not correct/);
    await assert.rejects(users.changePassword('alice', password, password), (e: UserError) => e.code === 'password');
    const changed = await users.changePassword('alice', password, 'a new long password');
    assert.equal(changed.mustChangePassword, false);
    assert.equal((await users.authenticate('alice', password, undefined)).ok, false);
  });

  it('lock after repeated failures, refuse during the lockout, and open again after it', async () => {
    const { users } = stores({ maxFailures: 3, lockoutMinutes: 10 });
    await ready(users, 'bob', 'viewer', 'bobs long password');
    const t0 = Date.now();
    assert.equal((await users.authenticate('bob', 'x1', undefined, t0)).ok, false);
    assert.equal((await users.authenticate('bob', 'x2', undefined, t0)).ok, false);
    const third = await users.authenticate('bob', 'x3', undefined, t0);
    assert.equal(!third.ok && third.reason, 'locked');
    const during = await users.authenticate('bob', 'bobs long password', undefined, t0 + 9 * 60_000);
    assert.equal(!during.ok && during.reason, 'locked');
    assert.equal((await users.authenticate('bob', 'bobs long password', undefined, t0 + 11 * 60_000)).ok, true);
    // A success resets the count.
    assert.equal(users.get('bob')!.failedLogins, 0);
  });

  it('keep one enabled admin at least', async () => {
    const { users } = stores();
    await users.add('root', 'admin', 'x');
    assert.throws(() => users.setRole('root', 'viewer'), (e: UserError) => e.code === 'last-admin');
    assert.throws(() => users.setDisabled('root', true), (e: UserError) => e.code === 'last-admin');
    await users.add('second', 'admin', 'x');
    assert.equal(users.setRole('root', 'viewer').role, 'viewer');
  });

  it('check a TOTP code once enrolled, never accept a code twice, and keep the secret encrypted', async () => {
    const { db, users } = stores();
    await ready(users, 'carol', 'auditor', 'carols long password');
    const { secret, uri } = users.beginTotp('carol', 'Medshield (St Mary’s)');
    assert.match(uri, /^otpauth:\/\/totp\/.*carol\?.*secret=/);
    const stored = db.prepare('SELECT totp_secret FROM users_accounts WHERE name = ?').pluck().get('carol') as Buffer;
    assert.ok(!stored.toString('latin1').includes(secret));
    // Not required until confirmed.
    assert.equal((await users.authenticate('carol', 'carols long password', undefined)).ok, true);
    const t = Date.now();
    assert.throws(() => users.enableTotp('carol', '12345', t), (e: UserError) => e.code === 'totp');
    users.enableTotp('carol', currentTotp(secret, t), t);
    const noCode = await users.authenticate('carol', 'carols long password', undefined, t);
    assert.equal(!noCode.ok && noCode.reason, 'totp-required');
    const sameStep = await users.authenticate('carol', 'carols long password', currentTotp(secret, t), t);
    assert.equal(!sameStep.ok && sameStep.reason, 'totp-invalid', 'the enrolment code is spent');
    const later = t + 60_000;
    assert.equal((await users.authenticate('carol', 'carols long password', currentTotp(secret, later), later)).ok, true);
    const replay = await users.authenticate('carol', 'carols long password', currentTotp(secret, later), later + 1000);
    assert.equal(!replay.ok && replay.reason, 'totp-invalid');
    const stale = await users.authenticate('carol', 'carols long password', currentTotp(secret, t - 5 * 60_000), later + 90_000);
    assert.equal(!stale.ok && stale.reason, 'totp-invalid');
    await assert.rejects(users.disableTotp('carol', 'wrong'), /not correct/);
    assert.equal((await users.disableTotp('carol', 'carols long password')).totpEnabled, false);
  });
});

describe('sessions', () => {
  it('are stored as digests and end when idle or past their absolute limit', async () => {
    const { db, users, sessions } = stores();
    await ready(users, 'dave', 'viewer', 'daves long password');
    const id = users.get('dave')!.id;
    const t0 = Date.now();
    const { token, session } = sessions.create(id, '10.0.0.1', 'test', t0);
    assert.ok(!JSON.stringify(db.prepare('SELECT * FROM users_sessions').all()).includes(token));
    assert.equal(session.csrfToken.length, 43);
    assert.ok(sessions.resolve(token, t0 + 20 * 60_000), 'used within the idle time');
    assert.ok(sessions.resolve(token, t0 + 45 * 60_000), 'the use above moved the idle window');
    assert.equal(sessions.resolve(token, t0 + 80 * 60_000), null, 'idle 35 minutes');
    const again = sessions.create(id, '10.0.0.1', 'test', t0);
    for (let m = 25; m < 12 * 60; m += 25) assert.ok(sessions.resolve(again.token, t0 + m * 60_000), `minute ${m}`);
    assert.equal(sessions.resolve(again.token, t0 + 12 * 3600_000), null, 'absolute end');
  });
});

describe('API tokens', () => {
  it('are shown once, stored as a digest, carry a role, expire and can be revoked', () => {
    const { db, tokens } = stores();
    const t0 = Date.now();
    const { token, info } = tokens.create({ role: 'analyst', label: 'SOAR', createdBy: 'user:admin', expiresInDays: 30 }, t0);
    assert.match(token, /^msk_[0-9a-f]{8}_/);
    assert.ok(!JSON.stringify(db.prepare('SELECT * FROM users_tokens').all()).includes(token.slice(13)));
    assert.equal(tokens.resolve(token, t0)?.role, 'analyst');
    assert.equal(tokens.resolve(`${token}x`, t0), null);
    assert.equal(tokens.resolve('msk_00000000_' + 'A'.repeat(43), t0), null);
    assert.equal(tokens.resolve(token, t0 + 31 * 86_400_000), null, 'expired');
    tokens.revoke(info.id, 'user:admin');
    assert.equal(tokens.resolve(token, t0), null, 'revoked');
    assert.throws(() => tokens.create({ role: 'analyst', label: ' ', createdBy: 'x' }), (e: UserError) => e.code === 'invalid');
    assert.throws(() => tokens.create({ role: 'analyst', label: 'x', createdBy: 'x', expiresInDays: 0 }), (e: UserError) => e.code === 'invalid');
  });
});

describe('roles', () => {
  it('give a viewer no content, an auditor the audit log, an analyst actions, only an admin configuration and raw mail', () => {
    assert.equal(can('viewer', 'messages.content'), false);
    assert.equal(can('viewer', 'messages.list'), true);
    assert.equal(can('auditor', 'audit.read'), true);
    assert.equal(can('auditor', 'messages.act'), false);
    assert.equal(can('analyst', 'messages.act'), true);
    assert.equal(can('analyst', 'audit.read'), false);
    for (const p of ['settings.write', 'messages.raw', 'users.manage', 'tokens.manage', 'directory.import'] as const) {
      assert.deepEqual(
        (['admin', 'analyst', 'auditor', 'viewer'] as const).filter((r) => can(r, p)),
        ['admin'],
        p,
      );
    }
    assert.equal(permissionsOf('admin').length, 13);
  });
});
