import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../audit/audit-log.ts';
import { loadExistingKey, MessageCipher } from '../crypto/message-cipher.ts';
import { labelledFiles } from '../classifier/train.ts';
import { FeedbackStore } from '../api/feedback-store.ts';
import { SenderProfileStore } from '../profiles/sender-profiles.ts';
import { openDatabase } from '../store/database.ts';
import { UserStore } from '../users/user-store.ts';
import { TokenStore } from '../users/token-store.ts';
import { ApiClient } from '../api/testing/api-client.ts';

const BIN = fileURLToPath(new URL('../../bin/medshield.mjs', import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function env(dataDir: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, MEDSHIELD_DATA_DIR: dataDir, USER: 'tester' };
  delete e.MEDSHIELD_KEY;
  return e;
}

function cli(args: string[], e: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: e, timeout: 60_000 });
  return { status: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

function open(dataDir: string) {
  const db = openDatabase(join(dataDir, 'medshield.db'));
  const cipher = new MessageCipher(loadExistingKey(dataDir, {}));
  return { db, cipher, users: new UserStore(db, cipher), tokens: new TokenStore(db), audit: new AuditLog(db) };
}

describe('medshield users / tokens', () => {
  it('adds an account on a fresh installation and prints a one-time password that must be changed', async () => {
    const dataDir = join(tempDir('medshield-cli-users-'), 'data');
    const r = cli(['users', 'add', 'alice', '--role', 'analyst'], env(dataDir));
    assert.equal(r.status, 0, r.err);
    const otp = /One-time password: (\S+)/.exec(r.out)?.[1];
    assert.ok(otp, r.out);
    assert.match(r.out, /new password before anything else/);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'keys/message.key')).mode & 0o777, 0o600);
    const s = open(dataDir);
    try {
      const login = await s.users.authenticate('alice', otp, undefined);
      assert.ok(login.ok && login.user.mustChangePassword && login.user.role === 'analyst');
      const entry = s.audit.list({ action: 'users.add' })[0]!;
      assert.equal(entry.actor, 'cli:tester');
      assert.equal(entry.target, 'user:alice');
      assert.ok(!JSON.stringify(entry).includes(otp), 'the password is never in the audit log');
    } finally {
      s.db.close();
    }
  });

  it('lists, changes roles, disables, resets and refuses what makes no sense', () => {
    const dataDir = tempDir('medshield-cli-users-');
    const e = env(dataDir);
    assert.equal(cli(['users', 'add', 'root', '--role', 'admin'], e).status, 0);
    assert.equal(cli(['users', 'add', 'bob', '--role', 'viewer'], e).status, 0);
    const list = cli(['users', 'list', '--json'], e);
    assert.equal(list.status, 0, list.err);
    assert.deepEqual(
      JSON.parse(list.out).map((u: { name: string; role: string; mustChangePassword: boolean }) => [u.name, u.role, u.mustChangePassword]),
      [
        ['bob', 'viewer', true],
        ['root', 'admin', true],
      ],
    );
    assert.match(cli(['users', 'list'], e).out, /^NAME +ROLE +LAST SIGN-IN \(UTC\) +STATE\nbob +viewer +never +one-time password not yet changed\n/);
    assert.match(cli(['users', 'role', 'bob', 'auditor'], e).out, /'bob' is now auditor/);
    assert.match(cli(['users', 'disable', 'bob'], e).out, /disabled/);
    const reset = cli(['users', 'reset-password', 'bob', '--json'], e);
    assert.match(JSON.parse(reset.out).oneTimePassword, /^[A-Za-z2-9-]{23}$/);
    const last = cli(['users', 'disable', 'root'], e);
    assert.equal(last.status, 1);
    assert.match(last.err, /last admin/);
    const dup = cli(['users', 'add', 'bob', '--role', 'viewer'], e);
    assert.equal(dup.status, 1);
    assert.match(dup.err, /already exists/);
    const badRole = cli(['users', 'add', 'eve', '--role', 'superuser'], e);
    assert.equal(badRole.status, 2);
    assert.match(badRole.err, /unknown role 'superuser'/);
    assert.equal(cli(['users', 'add', 'eve'], e).status, 2);
    assert.match(cli(['users', 'frobnicate'], e).err, /unknown users command/);
    const missing = cli(['users', 'list'], env(join(dataDir, 'nope')));
    assert.equal(missing.status, 1);
    assert.match(missing.err, /does not exist/);
  });

  it('creates API tokens shown once, lists them without the secret, and revokes them', () => {
    const dataDir = tempDir('medshield-cli-tokens-');
    const e = env(dataDir);
    assert.equal(cli(['users', 'add', 'root', '--role', 'admin'], e).status, 0);
    const created = cli(['tokens', 'create', '--role', 'viewer', '--name', 'wallboard', '--expires-days', '90'], e);
    assert.equal(created.status, 0, created.err);
    const token = /^ {2}(msk_[0-9a-f]{8}_\S+)$/m.exec(created.out)?.[1];
    assert.ok(token, created.out);
    assert.match(created.out, /Authorization: Bearer/);
    const list = cli(['tokens', 'list'], e);
    assert.match(list.out, /viewer +wallboard +never +valid until/);
    assert.ok(!list.out.includes(token.slice(13)));
    const s = open(dataDir);
    try {
      assert.equal(s.tokens.resolve(token)?.label, 'wallboard');
    } finally {
      s.db.close();
    }
    const id = token.slice(4, 12);
    assert.equal(cli(['tokens', 'revoke', id], e).status, 0);
    const after = open(dataDir);
    try {
      assert.equal(after.tokens.resolve(token), null);
      assert.deepEqual(after.audit.list({ action: 'tokens.revoke' }).map((x) => x.target), [`token:${id}`]);
    } finally {
      after.db.close();
    }
    assert.equal(cli(['tokens', 'create', '--role', 'god'], e).status, 2);
    assert.equal(cli(['tokens', 'create'], e).status, 2);
    assert.equal(cli(['tokens', 'revoke', 'ffffffff'], e).status, 1);
  });
});

describe('medshield feedback export', () => {
  it('writes labelled samples into the ham/phish folders medshield train reads, and audits the export', () => {
    const dataDir = tempDir('medshield-cli-feedback-');
    const e = env(dataDir);
    assert.equal(cli(['users', 'add', 'root', '--role', 'admin'], e).status, 0);
    const s = open(dataDir);
    try {
      const fb = new FeedbackStore(s.db, new SenderProfileStore(s.db), s.cipher);
      fb.record({ spoolId: 'sp-1', quarantineId: 'q1', kind: 'phish', fromAddress: 'a@evil.example', actor: 'user:x', note: '' }, () => Buffer.from('Subject: phish one\r\n\r\nverify your ssn\r\n'));
      fb.record({ spoolId: 'sp-2', quarantineId: 'q2', kind: 'not-phish', fromAddress: 'b@good.example', actor: 'user:x', note: '' }, () => Buffer.from('Subject: fine\r\n\r\nrota attached\r\n'));
    } finally {
      s.db.close();
    }
    assert.match(cli(['feedback', 'stats'], e).out, /1 confirmed phishing, 1 false positives/);
    const out = join(tempDir('medshield-retrain-'), 'retrain');
    const r = cli(['feedback', 'export', out], e);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /Wrote 1 phishing and 1 ham samples/);
    assert.deepEqual(
      labelledFiles([out]).map((x) => [x.path.slice(out.length + 1), x.label]),
      [
        ['ham/sp-2.eml', 'ham'],
        ['phish/sp-1.eml', 'phish'],
      ],
    );
    assert.equal(readFileSync(join(out, 'phish/sp-1.eml'), 'utf8'), 'Subject: phish one\r\n\r\nverify your ssn\r\n');
    assert.equal(statSync(join(out, 'phish/sp-1.eml')).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, 'phish')).mode & 0o777, 0o700);
    const a = open(dataDir);
    try {
      const entry = a.audit.list({ action: 'feedback.export' })[0]!;
      assert.equal(entry.actor, 'cli:tester');
      assert.deepEqual(entry.detail?.phish, ['sp-1']);
    } finally {
      a.db.close();
    }
    // Into a folder with other files: refused (train would learn those too).
    const busy = cli(['feedback', 'export', join(out, '..')], e);
    assert.equal(busy.status, 2);
    assert.deepEqual(readdirSync(join(out, '..')), ['retrain']);
  });
});

describe('medshield serve runs the API and console on the HTTP port', () => {
  it('serves /healthz, /api with the first admin’s one-time password, and API tokens from the CLI', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('medshield-serve-console-');
    const e = { ...env(dataDir), MEDSHIELD_SMTP_PORT: '0', MEDSHIELD_SUBMISSION_PORT: '0', MEDSHIELD_HTTP_PORT: '0' };
    const child = spawn(process.execPath, [BIN, 'serve'], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const line = log.split('\n').find((l) => l.includes('"console and API listening"'));
          if (line) {
            clearInterval(timer);
            resolve(JSON.parse(line).port);
          }
          if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`serve exited: ${log}`));
          }
        }, 50);
      });
      const base = `http://127.0.0.1:${port}`;
      const health = await (await fetch(`${base}/healthz`)).json();
      assert.equal(health.status, 'ok');
      assert.equal(health.ports.http, port);
      const spec = await (await fetch(`${base}/api/openapi.json`)).json();
      assert.equal(spec.openapi.slice(0, 2), '3.');
      assert.ok(spec.paths['/api/messages/{id}/release'].post);
      assert.ok(log.includes('initial-admin-password'), 'the log says where the first password is, never the password');
      const otp = readFileSync(join(dataDir, 'console/initial-admin-password'), 'utf8').trim();
      assert.ok(!log.includes(otp));
      assert.equal(statSync(join(dataDir, 'console/initial-admin-password')).mode & 0o777, 0o600);
      const admin = new ApiClient(base);
      const login = await admin.login('admin', otp);
      assert.equal(login.status, 200);
      assert.equal(login.body.user.mustChangePassword, true);
      assert.equal((await admin.post('/api/auth/password', { current: otp, next: 'the admins own passphrase' })).status, 200);
      assert.throws(() => statSync(join(dataDir, 'console/initial-admin-password')), 'the file goes once the password is changed');

      const created = cli(['tokens', 'create', '--role', 'auditor', '--json'], e);
      assert.equal(created.status, 0, created.err);
      const bot = ApiClient.token(base, JSON.parse(created.out).token);
      const auditLog = await bot.get('/api/audit?action=auth.');
      assert.equal(auditLog.status, 200);
      assert.ok(auditLog.body.items.some((x: { action: string; actor: string }) => x.action === 'auth.login' && x.actor === 'user:admin'));
      const page = await fetch(`${base}/messages`);
      assert.ok(page.status === 200 || page.status === 503, `${page.status}`);
      if (page.status === 200) assert.match(await page.text(), /<html/i);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    assert.equal(child.exitCode, 0, log.slice(-2000));
  });
});
