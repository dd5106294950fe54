import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ImapServerSettings } from '../settings.ts';

/**
 * A real Dovecot (Debian's dovecot-imapd and dovecot-lmtpd) for tests: its own
 * configuration, users, mail and runtime files in a temporary directory, IMAP and LMTP on
 * free loopback ports, a master user for administrative access, stopped by its process id.
 * Run as root (CI), mail is stored as `nobody` (Dovecot refuses mail access as root); run
 * as anyone else, everything runs as that user.
 */

export interface DovecotUser {
  address: string;
  password: string;
}

export interface RunningDovecot {
  host: string;
  imapPort: number;
  lmtpPort: number;
  dir: string;
  masterUser: string;
  masterPassword: string;
  users: DovecotUser[];
  password(address: string): string;
  /** Dovecot's own log (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** How a test's IMAP client reaches this Dovecot: plain loopback IMAP, no TLS. */
export function dovecotImapServer(d: RunningDovecot): ImapServerSettings {
  return { host: '127.0.0.1', port: d.imapPort, secure: false, startTls: false, verifyCertificate: false, timeoutMs: 10_000 };
}

const CANDIDATES = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'];

export function dovecotBinary(): string {
  for (const c of CANDIDATES) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error('Dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd; .ci/run does this)');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function idOf(user: string, flag: '-u' | '-g'): number | null {
  try {
    return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

async function greeting(port: number, expect: RegExp, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let data = '';
      const done = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(1000, () => done(false));
      s.on('data', (d) => {
        data += d.toString('latin1');
        if (expect.test(data)) done(true);
      });
      s.on('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(o: { users: string[]; masterUser?: string }): Promise<RunningDovecot> {
  const binary = dovecotBinary();
  const dir = mkdtempSync(join(tmpdir(), 'medshield-dovecot-'));
  // Dovecot's unprivileged processes must reach their files under it.
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const mailUid = root ? (idOf('nobody', '-u') ?? 65534) : me.uid;
  const mailGid = root ? (idOf('nobody', '-g') ?? 65534) : me.gid;
  const loginUser = root ? (idOf('dovenull', '-u') !== null ? 'dovenull' : 'nobody') : me.username;
  const internalUser = root ? (idOf('dovecot', '-u') !== null ? 'dovecot' : 'nobody') : me.username;
  const mail = join(dir, 'mail');
  mkdirSync(mail, { mode: 0o700 });
  if (root) chownSync(mail, mailUid, mailGid);

  const users: DovecotUser[] = o.users.map((address) => ({ address: address.toLowerCase(), password: randomBytes(9).toString('base64url') }));
  const masterUser = o.masterUser ?? 'medshield-admin';
  const masterPassword = randomBytes(12).toString('base64url');
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.address}:{PLAIN}${u.password}:${mailUid}:${mailGid}::${join(mail, u.address)}::\n`).join(''), { mode: 0o644 });
  writeFileSync(join(dir, 'masters'), `${masterUser}:{PLAIN}${masterPassword}\n`, { mode: 0o644 });

  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const conf = `# Written by the Medshield tests; removed when they finish.
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
first_valid_uid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
auth_username_format = %Lu
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = ${dir}/masters
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = passwd-file
  args = ${dir}/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`;
  const confPath = join(dir, 'dovecot.conf');
  writeFileSync(confPath, conf, { mode: 0o644 });

  const child: ChildProcess = spawn(binary, ['-F', '-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  // A test process that dies without its after-hooks must not leave Dovecot running.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  const log = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (!exited && child.pid) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 15_000;
    await Promise.race([
      Promise.all([greeting(imapPort, /^\* OK/m, deadline), greeting(lmtpPort, /^220 /m, deadline)]),
      exit.then(() => {
        throw new Error(`Dovecot exited at start: ${stderr.trim() || log().trim()}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const byAddress = new Map(users.map((u) => [u.address, u.password]));
  return {
    host: '127.0.0.1',
    imapPort,
    lmtpPort,
    dir,
    masterUser,
    masterPassword,
    users,
    password: (address) => {
      const p = byAddress.get(address.toLowerCase());
      if (!p) throw new Error(`no Dovecot user ${address}`);
      return p;
    },
    log,
    stop,
  };
}
