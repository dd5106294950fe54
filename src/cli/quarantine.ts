import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { defaultConfig, loadConfigFile } from '../config/load.ts';
import { CipherError, KeyError, loadExistingKey, MessageCipher } from '../crypto/message-cipher.ts';
import { enqueueDelivery } from '../gateway/outbound-queue.ts';
import { QUARANTINE_STATUSES, QuarantineError, QuarantineStore, type QuarantineEntry, type QuarantineStatus } from '../quarantine/quarantine-store.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { positiveInt, printable, parseStoreArgs, UsageError } from './common.ts';
import { cliActor, locateStore } from './data-store.ts';

export const quarantineHelp = `Usage: medshield quarantine COMMAND [options]

Held and quarantined mail in the gateway's data directory.

Commands:
  list [--json] [--status S] [--recipient ADDR] [--limit N]
                        newest first: id, time, status, reason, verdict, score, sender,
                        recipients, subject (--json adds Message-ID, signals, rules, …)
  show ID [--json]      one message's record, signals, release requests and audit history
  show ID --raw         print the decrypted original message (recorded in the audit log)
  release ID            deliver it to its original recipients (once; audited)
  delete ID             delete its content for good; the record and audit trail stay
  purge [--days N]      delete content older than the retention period (default:
                        quarantine.retentionDays from the config, 30)
  audit [--target ID] [--limit N] [--json] [--verify]
                        the audit log, newest first; --verify checks its hash chain

Options:
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  -c, --config FILE     configuration file (for purge's retention period)

ID may be shortened to its first 6 or more digits when that is unambiguous.
The message key comes from MEDSHIELD_KEY or <data dir>/keys/message.key, as for
'medshield serve'. Actions are recorded as cli:$USER.
`;

interface Context {
  db: Db;
  dataDir: string;
  store: QuarantineStore;
  audit: AuditLog;
  actor: string;
}

function clip(s: string, n: number): string {
  const p = printable(s);
  return p.length > n ? `${p.slice(0, n - 1)}…` : p;
}

function openContext(dataDirFlag: string | undefined, env: NodeJS.ProcessEnv): Context {
  const { dataDir, dbPath } = locateStore(dataDirFlag, env, (m) => new QuarantineError('invalid', m));
  const cipher = new MessageCipher(loadExistingKey(dataDir, env));
  const db = openDatabase(dbPath);
  const audit = new AuditLog(db);
  const store = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher, audit });
  return { db, dataDir, store, audit, actor: cliActor(env) };
}

function jsonEntry(e: QuarantineEntry): Record<string, unknown> {
  return {
    id: e.id,
    messageId: e.messageId,
    receivedAt: e.receivedAt.toISOString(),
    status: e.status,
    reason: e.reason,
    verdict: e.action,
    score: e.score,
    from: e.from,
    fromName: e.fromName,
    mailFrom: e.mailFrom,
    recipients: e.recipients,
    subject: e.subject,
    signals: e.signals.map((s) => ({ id: s.id, score: s.score, evidence: s.evidence, analyzer: s.analyzer })),
    rules: e.rules,
    unscannable: e.unscannable,
    clientIp: e.clientIp,
    size: e.size,
    statusAt: e.statusAt?.toISOString() ?? null,
    statusBy: e.statusBy,
    contentStored: e.bodyPresent,
    releaseDelivery: e.releaseDelivery,
    releaseRequests: e.releaseRequests.map((q) => ({ recipient: q.recipient, requestedAt: q.requestedAt.toISOString(), state: q.state })),
  };
}

function topSignals(e: QuarantineEntry, n: number): string {
  return [...e.signals]
    .sort((a, b) => b.score - a.score)
    .slice(0, n)
    .map((s) => s.id)
    .join(',');
}

function list(ctx: Context, values: { json?: boolean; status?: string; recipient?: string; limit?: string }): number {
  let status: QuarantineStatus | undefined;
  if (values.status !== undefined) {
    if (!(QUARANTINE_STATUSES as readonly string[]).includes(values.status)) {
      throw new UsageError(`--status must be one of ${QUARANTINE_STATUSES.join(', ')}, not '${values.status}'`);
    }
    status = values.status as QuarantineStatus;
  }
  const entries = ctx.store.list({ status, recipient: values.recipient, limit: positiveInt('limit', values.limit) ?? 100 });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(entries.map(jsonEntry), null, 2)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    process.stdout.write('No quarantined messages match.\n');
    return 0;
  }
  const rows = entries.map((e) => [
    e.id,
    e.receivedAt.toISOString().slice(0, 16).replace('T', ' '),
    e.status,
    e.reason,
    `${e.action} ${e.score.toFixed(1)}`,
    clip(e.from || e.mailFrom || '<>', 32),
    clip(e.recipients.join(',') || '-', 28),
    clip(e.subject || '(no subject)', 40),
    clip(topSignals(e, 3), 48),
  ]);
  const header = ['ID', 'RECEIVED (UTC)', 'STATUS', 'REASON', 'VERDICT', 'FROM', 'TO', 'SUBJECT', 'TOP SIGNALS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const counts = ctx.store.counts();
  process.stdout.write(
    [line(header), ...rows.map(line), '', `held ${counts.held} · released ${counts.released} · deleted ${counts.deleted} · expired ${counts.expired}`, ''].join('\n'),
  );
  return 0;
}

function show(ctx: Context, id: string, values: { json?: boolean; raw?: boolean }): number {
  if (values.raw) {
    process.stdout.write(ctx.store.readMessage(id, ctx.actor));
    return 0;
  }
  const e = ctx.store.get(id)!;
  const history = ctx.audit.list({ target: id, limit: 1000 }).reverse();
  if (values.json) {
    const out = {
      ...jsonEntry(e),
      history: history.map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, detail: h.detail })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const field = (k: string, v: string) => `  ${k.padEnd(17)}${v}`;
  const status = e.statusAt ? `${e.status} (${e.statusAt.toISOString()}${e.statusBy ? ` by ${printable(e.statusBy)}` : ''})` : e.status;
  const lines = [
    `Quarantined message ${e.id}`,
    field('Status:', status + (e.bodyPresent ? '' : ', content no longer stored')),
    field('Reason:', e.reason),
    field('Received:', e.receivedAt.toISOString()),
    field('Message-ID:', printable(e.messageId) || '-'),
    field('From:', printable(e.fromName ? `${e.fromName} <${e.from}>` : e.from) || '-'),
    field('Envelope from:', printable(e.mailFrom) || '<>'),
    field('Recipients:', printable(e.recipients.join(', ')) || '-'),
    field('Subject:', printable(e.subject) || '(no subject)'),
    field('Client IP:', e.clientIp ?? '-'),
    field('Size:', `${e.size} bytes`),
    field('Verdict:', `${e.action}, score ${e.score.toFixed(1)}${e.unscannable ? ', not fully scanned' : ''}`),
  ];
  if (e.rules.length) lines.push(field('Rules:', printable(e.rules.join('; '))));
  if (e.releaseDelivery) lines.push(field('Released as:', e.releaseDelivery));
  lines.push('  Signals:');
  const ranked = [...e.signals].sort((a, b) => b.score - a.score);
  for (const s of ranked) lines.push(`    ${(s.score >= 0 ? '+' : '') + s.score.toFixed(1)}`.padEnd(12) + `${s.id}  ${printable(s.evidence)}`);
  if (ranked.length === 0) lines.push('    (none)');
  if (e.releaseRequests.length) {
    lines.push('  Release requests:');
    for (const q of e.releaseRequests) lines.push(`    ${q.requestedAt.toISOString()}  ${printable(q.recipient)}  ${q.state}`);
  }
  lines.push('  History:');
  for (const h of history) lines.push(`    ${h.at.toISOString()}  ${printable(h.actor)}  ${h.action}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function release(ctx: Context, id: string): number {
  const r = ctx.store.release(id, ctx.actor, (m) => enqueueDelivery(ctx.db, ctx.dataDir, { ...m, origin: `release:${id}` }));
  if (r.alreadyReleased) {
    process.stdout.write(`${id} was already released on ${r.releasedAt.toISOString()} by ${r.releasedBy} (delivery ${r.delivery}); nothing was sent again.\n`);
    return 0;
  }
  const e = ctx.store.get(id)!;
  process.stdout.write(
    `Released ${id} to ${printable(e.recipients.join(', '))} (delivery ${r.delivery}). ` +
      `The running gateway delivers it; if none is running, the next 'medshield serve' will.\n`,
  );
  return 0;
}

function purge(ctx: Context, values: { days?: string; config?: string }): number {
  const days = positiveInt('days', values.days) ?? (values.config ? loadConfigFile(values.config) : defaultConfig()).quarantine.retentionDays;
  const r = ctx.store.purgeExpired(new Date(), days);
  process.stdout.write(
    `Removed the content of ${r.expired.length} message${r.expired.length === 1 ? '' : 's'} received more than ${days} days ago` +
      (r.orphansRemoved ? `, and ${r.orphansRemoved} stored file${r.orphansRemoved === 1 ? '' : 's'} no record needed` : '') +
      '.\n',
  );
  return 0;
}

function audit(ctx: Context, values: { target?: string; limit?: string; json?: boolean; verify?: boolean }): number {
  if (values.verify) {
    const v = ctx.audit.verify();
    if (values.json) process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    else if (v.ok) process.stdout.write(`Audit log intact: ${v.checked} entries, head ${v.head}\n`);
    else process.stdout.write(`Audit log BROKEN at entry ${v.firstBroken!.id}: ${v.firstBroken!.reason} (${v.checked} entries before it are intact)\n`);
    return v.ok ? 0 : 1;
  }
  const target = values.target === undefined ? undefined : ctx.store.resolveId(values.target);
  const entries = ctx.audit.list({ target, limit: positiveInt('limit', values.limit) ?? 50 });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(entries.map((e) => ({ ...e, at: e.at.toISOString() })), null, 2)}\n`);
    return 0;
  }
  for (const e of entries) process.stdout.write(`${e.id}\t${e.at.toISOString()}\t${printable(e.actor)}\t${e.action}\t${e.target}\n`);
  return 0;
}

export async function quarantineCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, {
    status: { type: 'string' },
    recipient: { type: 'string' },
    limit: { type: 'string' },
    raw: { type: 'boolean' },
    days: { type: 'string' },
    target: { type: 'string' },
    verify: { type: 'boolean' },
  });
  const [sub, arg, ...extra] = positionals;
  if (values.help || !sub) {
    (values.help ? process.stdout : process.stderr).write(quarantineHelp);
    return values.help ? 0 : 2;
  }
  const needsId = sub === 'show' || sub === 'release' || sub === 'delete';
  const known = needsId || sub === 'list' || sub === 'purge' || sub === 'audit';
  if (!known) throw new UsageError(`unknown quarantine command '${sub}' (list, show, release, delete, purge, audit)`);
  if (needsId && !arg) throw new UsageError(`${sub} needs a quarantine ID (see 'medshield quarantine list')`);
  if ((needsId ? extra : [arg, ...extra].filter((a) => a !== undefined)).length) throw new UsageError(`unexpected argument '${needsId ? extra[0] : arg}'`);

  let ctx: Context | undefined;
  try {
    ctx = openContext(values['data-dir'], env);
    const id = needsId ? ctx.store.resolveId(arg!) : '';
    switch (sub) {
      case 'list':
        return list(ctx, values);
      case 'show':
        return show(ctx, id, values);
      case 'release':
        return release(ctx, id);
      case 'delete':
        ctx.store.delete(id, ctx.actor);
        process.stdout.write(`Deleted the content of ${id}; its record and audit trail are kept.\n`);
        return 0;
      case 'purge':
        return purge(ctx, values);
      default:
        return audit(ctx, values);
    }
  } catch (err) {
    if (err instanceof QuarantineError || err instanceof KeyError || err instanceof CipherError) {
      process.stderr.write(`medshield quarantine: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    ctx?.db.close();
  }
}
