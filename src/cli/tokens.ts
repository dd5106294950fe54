import { parseArgs } from 'node:util';
import { CipherError, KeyError } from '../crypto/message-cipher.ts';
import { isRole, ROLES } from '../users/roles.ts';
import { TokenStore, type ApiToken } from '../users/token-store.ts';
import { UserError } from '../users/user-store.ts';
import { UsageError } from './common.ts';
import { openDataStore, StoreError, type DataStore } from './data-store.ts';

export const tokensHelp = `Usage: medshield tokens COMMAND [options]

API tokens for automation: send one as 'Authorization: Bearer <token>' to the API under
/api on the HTTP port. A token has a role (${ROLES.join(', ')}) like a console account.

Commands:
  create --role ROLE [--name LABEL] [--expires-days N]
                          prints the new token; it is shown only now (Medshield keeps a
                          hash of it), so store it in your secret manager at once
  list [--json]           tokens with their id, label, role, expiry and last use
  revoke ID               the token stops working at once

Options:
  --data-dir DIR          the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  --json                  machine-readable output

Created and revoked tokens are recorded in the audit log as cli:$USER.
`;

function tokenJson(t: ApiToken): Record<string, unknown> {
  return {
    id: t.id,
    label: t.label,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

function tokenState(t: ApiToken): string {
  if (t.revokedAt) return `revoked ${t.revokedAt.toISOString().slice(0, 10)}`;
  if (t.expiresAt && t.expiresAt.getTime() <= Date.now()) return `expired ${t.expiresAt.toISOString().slice(0, 10)}`;
  return t.expiresAt ? `valid until ${t.expiresAt.toISOString().slice(0, 10)}` : 'valid';
}

export async function tokensCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', short: 'r' },
      name: { type: 'string', short: 'n' },
      'expires-days': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, arg, ...rest] = positionals;
  if (values.help || !sub) {
    (values.help ? process.stdout : process.stderr).write(tokensHelp);
    return values.help ? 0 : 2;
  }
  if (!['create', 'list', 'revoke'].includes(sub)) throw new UsageError(`unknown tokens command '${sub}' (create, list, revoke)`);
  if (sub === 'revoke' && !arg) throw new UsageError("revoke needs a token ID (see 'medshield tokens list')");
  const unexpected = sub === 'revoke' ? rest[0] : arg;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument '${unexpected}'`);
  if (sub !== 'create' && (values.role !== undefined || values.name !== undefined || values['expires-days'] !== undefined)) {
    throw new UsageError('--role, --name and --expires-days belong to create');
  }
  let expiresInDays: number | undefined;
  if (sub === 'create') {
    if (!values.role) throw new UsageError(`create needs --role (${ROLES.join(', ')})`);
    if (!isRole(values.role)) throw new UsageError(`unknown role '${values.role}' (${ROLES.join(', ')})`);
    if (values['expires-days'] !== undefined) {
      expiresInDays = Number(values['expires-days']);
      if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650) throw new UsageError(`--expires-days must be a whole number from 1 to 3650, not '${values['expires-days']}'`);
    }
  }

  let store: DataStore | undefined;
  try {
    store = openDataStore(values['data-dir'], env);
    const tokens = new TokenStore(store.db);
    switch (sub) {
      case 'create': {
        const role = values.role as (typeof ROLES)[number];
        const { token, info } = tokens.create({ role, label: values.name ?? `${role} token`, createdBy: store.actor, expiresInDays });
        store.audit.record({ actor: store.actor, action: 'tokens.create', target: `token:${info.id}`, detail: { role, label: info.label, expiresAt: info.expiresAt?.toISOString() ?? null, via: 'cli' } });
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ token, ...tokenJson(info) })}\n`);
        } else {
          process.stdout.write(
            `Created API token ${info.id} ('${info.label}', role ${info.role}${info.expiresAt ? `, valid until ${info.expiresAt.toISOString().slice(0, 10)}` : ''}):\n\n  ${token}\n\nIt is shown only now. Use it as: Authorization: Bearer ${token.slice(0, 13)}…\n`,
          );
        }
        return 0;
      }
      case 'list': {
        const list = tokens.list();
        if (values.json) {
          process.stdout.write(`${JSON.stringify(list.map(tokenJson), null, 2)}\n`);
          return 0;
        }
        if (list.length === 0) {
          process.stdout.write("No API tokens ('medshield tokens create --role viewer --name monitoring').\n");
          return 0;
        }
        const rows = list.map((t) => [t.id, t.role, t.label, t.lastUsedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never', tokenState(t)]);
        const head = ['ID', 'ROLE', 'LABEL', 'LAST USED (UTC)', 'STATE'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
        return 0;
      }
      default: {
        const t = tokens.revoke(arg!.trim().toLowerCase(), store.actor);
        store.audit.record({ actor: store.actor, action: 'tokens.revoke', target: `token:${t.id}`, detail: { via: 'cli' } });
        process.stdout.write(values.json ? `${JSON.stringify(tokenJson(t))}\n` : `Token ${t.id} ('${t.label}') is revoked.\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UserError || err instanceof StoreError || err instanceof KeyError || err instanceof CipherError) {
      process.stderr.write(`medshield tokens: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    store?.close();
  }
}
