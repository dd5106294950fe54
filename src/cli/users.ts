import { parseArgs } from 'node:util';
import { CipherError, KeyError } from '../crypto/message-cipher.ts';
import { isRole, ROLE_DESCRIPTIONS, ROLES, type Role } from '../users/roles.ts';
import { SessionStore } from '../users/session-store.ts';
import { UserError, UserStore, type User } from '../users/user-store.ts';
import { UsageError } from './common.ts';
import { openDataStore, StoreError, type DataStore } from './data-store.ts';

export const usersHelp = `Usage: medshield users COMMAND [options]

Accounts of the web console and API (roles: ${ROLES.join(', ')}).

Commands:
  add NAME --role ROLE    create an account; prints a one-time password: at the first
                          sign-in the user must choose a new one before anything else
  list [--json]           accounts, roles, state (disabled, locked, two-factor, last sign-in)
  role NAME ROLE          change an account's role (ends its sessions)
  disable NAME            refuse its sign-ins and end its sessions
  enable NAME
  reset-password NAME     a new one-time password (ends its sessions)
  unlock NAME             lift a lockout after failed sign-ins
  reset-totp NAME         turn off its second factor (lost phone); it can enrol again

Roles:
${ROLES.map((r) => `  ${r.padEnd(8)}  ${ROLE_DESCRIPTIONS[r]}`).join('\n')}

Options:
  --data-dir DIR          the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  --json                  machine-readable output

Changes are recorded in the audit log as cli:$USER. 'add' on a data directory that does
not exist yet creates it (store and message key), as the first 'medshield serve' would.
`;

function role(value: string | undefined): Role {
  if (!value) throw new UsageError(`a role is needed (--role ${ROLES.join('|')})`);
  if (!isRole(value)) throw new UsageError(`unknown role '${value}' (${ROLES.join(', ')})`);
  return value;
}

function userJson(u: User): Record<string, unknown> {
  return {
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    totpEnabled: u.totpEnabled,
    lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    createdBy: u.createdBy,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}

function state(u: User): string {
  const s: string[] = [];
  if (u.disabled) s.push('disabled');
  if (u.lockedUntil && u.lockedUntil.getTime() > Date.now()) s.push(`locked until ${u.lockedUntil.toISOString().slice(0, 16).replace('T', ' ')}`);
  if (u.mustChangePassword) s.push('one-time password not yet changed');
  if (u.totpEnabled) s.push('two-factor');
  return s.join(', ') || 'active';
}

function oneTimePasswordText(name: string, password: string, created: boolean): string {
  return [
    `${created ? 'Created' : 'Reset'} console account '${name}'.`,
    '',
    `  One-time password: ${password}`,
    '',
    'It is shown only now. It opens nothing but the password change: at the first sign-in the',
    'console asks for a new password before anything else. Hand it over in person or through',
    'a channel you trust.',
    '',
  ].join('\n');
}

export async function usersCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', short: 'r' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, name, extra, ...rest] = positionals;
  if (values.help || !sub) {
    (values.help ? process.stdout : process.stderr).write(usersHelp);
    return values.help ? 0 : 2;
  }
  const commands = ['add', 'list', 'role', 'disable', 'enable', 'reset-password', 'unlock', 'reset-totp'];
  if (!commands.includes(sub)) throw new UsageError(`unknown users command '${sub}' (${commands.join(', ')})`);
  if (sub !== 'list' && !name) throw new UsageError(`${sub} needs a user NAME`);
  if (sub === 'role' && !extra) throw new UsageError(`role needs NAME and ROLE (${ROLES.join(', ')})`);
  const unexpected = sub === 'list' ? name : sub === 'role' ? rest[0] : extra;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument '${unexpected}'`);
  if (values.role !== undefined && sub !== 'add') throw new UsageError('--role belongs to add (use: medshield users role NAME ROLE)');
  const newRole = sub === 'add' ? role(values.role) : sub === 'role' ? role(extra) : null;

  let store: DataStore | undefined;
  try {
    store = openDataStore(values['data-dir'], env, { create: sub === 'add' });
    const users = new UserStore(store.db, store.cipher);
    const sessions = new SessionStore(store.db);
    const s = store;
    const audit = (action: string, u: User, detail: Record<string, unknown> = {}) => s.audit.record({ actor: s.actor, action, target: `user:${u.name}`, detail: { ...detail, via: 'cli' } });
    const out = (u: User, text: string) => process.stdout.write(values.json ? `${JSON.stringify(userJson(u))}\n` : text);

    switch (sub) {
      case 'add': {
        const { user, password } = await users.add(name!, newRole!, store.actor);
        audit('users.add', user, { role: user.role });
        process.stdout.write(values.json ? `${JSON.stringify({ ...userJson(user), oneTimePassword: password })}\n` : oneTimePasswordText(user.name, password, true));
        return 0;
      }
      case 'list': {
        const list = users.list();
        if (values.json) {
          process.stdout.write(`${JSON.stringify(list.map(userJson), null, 2)}\n`);
          return 0;
        }
        if (list.length === 0) {
          process.stdout.write("No console accounts yet ('medshield users add NAME --role admin').\n");
          return 0;
        }
        const rows = list.map((u) => [u.name, u.role, u.lastLoginAt?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never', state(u)]);
        const head = ['NAME', 'ROLE', 'LAST SIGN-IN (UTC)', 'STATE'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
        return 0;
      }
      case 'role': {
        const before = users.get(name!);
        const user = users.setRole(name!, newRole!);
        if (before && before.role !== user.role) {
          sessions.revokeAllFor(user.id);
          audit('users.change', user, { before: { role: before.role }, after: { role: user.role } });
        }
        out(user, `'${user.name}' is now ${user.role}.\n`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const user = users.setDisabled(name!, sub === 'disable');
        if (sub === 'disable') sessions.revokeAllFor(user.id);
        audit('users.change', user, { after: { disabled: user.disabled } });
        out(user, `'${user.name}' is ${user.disabled ? 'disabled; its sessions have ended' : 'enabled'}.\n`);
        return 0;
      }
      case 'reset-password': {
        const { user, password } = await users.resetPassword(name!);
        sessions.revokeAllFor(user.id);
        audit('users.reset-password', user);
        process.stdout.write(values.json ? `${JSON.stringify({ ...userJson(user), oneTimePassword: password })}\n` : oneTimePasswordText(user.name, password, false));
        return 0;
      }
      case 'unlock': {
        const user = users.unlock(name!);
        audit('users.unlock', user);
        out(user, `'${user.name}' is unlocked.\n`);
        return 0;
      }
      default: {
        const user = users.resetTotp(name!);
        audit('users.reset-totp', user);
        out(user, `Two-factor authentication is off for '${user.name}'; they can enrol again from the console.\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UserError || err instanceof StoreError || err instanceof KeyError || err instanceof CipherError) {
      process.stderr.write(`medshield users: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    store?.close();
  }
}
