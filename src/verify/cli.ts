import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { printable, parseStoreArgs, UsageError } from '../cli/common.ts';
import { cliActor, locateStore } from '../cli/data-store.ts';
import { defaultConfig, loadConfigFile } from '../config/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { CipherError, KeyError, loadExistingKey, MessageCipher } from '../crypto/message-cipher.ts';
import { silentLogger } from '../gateway/log.ts';
import { enqueueDelivery } from '../gateway/outbound-queue.ts';
import { QuarantineError, QuarantineStore } from '../quarantine/quarantine-store.ts';
import { RespondService } from '../respond/service.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { messageFacts } from './facts/message-facts.ts';
import { formatPhone } from './number-of-record.ts';
import { presentTaskDetail } from './present.ts';
import { factsRequest } from './reader.ts';
import { respondIncidents } from './respond-incidents.ts';
import { VerifyService } from './service.ts';
import { TASK_OUTCOMES, TASK_STATUSES, TaskError, type TaskOutcome, type TaskStatus, type VerificationTask } from './store/tasks.ts';

export const verifyHelp = `Usage: medshield verify COMMAND [options]

Sender verification: the queue of people to verify by phone before sensitive data moves,
verified contacts, and the numbers and addresses blocked after failed verifications.

Commands:
  tasks [--status S] [--overdue] [--json] [--limit N]
                        the queue, open tasks first by due time
  show ID [--json] [--subject]
                        a task: the protocol, the numbers on record to call, the numbers
                        from the mail (never to be called), its trail; --subject also
                        prints the message subject (recorded in the audit log)
  complete ID --outcome verified|failed|unreachable --phone NUMBER --attestation TEXT
                        record the call: verified releases the message and makes the
                        party a verified contact; failed opens an incident and blocks the
                        campaign's numbers and addresses; unreachable keeps inbound mail
                        held and returns outbound mail to its sender
  assign ID OWNER       give an open task to someone else
  contacts [--all] [--json]
                        verified contacts (--all: expired and revoked too)
  add-contact ADDRESS --phone NUMBER --attestation TEXT [--days N]
                        record a contact verified by a call outside a task
  revoke ADDRESS        end a verified contact at once
  blocked [--all] [--json]
                        numbers and addresses blocked after failed verifications
  unblock ID            lift a block (the record stays)
  check FILE...         read messages (.eml) for PHI as the outbound guard does and print
                        what it finds, masked (for tuning verify.phi.mrnPatterns)

Options:
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  -c, --config FILE     configuration file (the verify section: contact days, phone regions)

Actions are recorded in the audit log as cli:$USER.
`;

interface Context {
  db: Db;
  service: VerifyService;
  quarantine: QuarantineStore;
  actor: string;
  config: MedshieldConfig;
}

function openContext(values: { 'data-dir'?: string; config?: string }, env: NodeJS.ProcessEnv): Context {
  const { dataDir, dbPath } = locateStore(values['data-dir'], env, (m) => new UsageError(m));
  const config = values.config ? loadConfigFile(values.config) : defaultConfig();
  const key = loadExistingKey(dataDir, env);
  const cipher = new MessageCipher(key);
  const db = openDatabase(dbPath);
  const audit = new AuditLog(db);
  const quarantine = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher, audit });
  let respond: RespondService | null = null;
  const incidents = respondIncidents(() => {
    if (!config.respond.enabled) return null;
    respond ??= new RespondService({ db, cipher, key, config: () => config, audit, logger: silentLogger });
    return respond;
  });
  const service = new VerifyService({ db, cipher, audit, quarantine, config: () => config, incidents, enqueue: (m) => enqueueDelivery(db, dataDir, m), kick: () => {}, logger: silentLogger });
  return { db, service, quarantine, actor: cliActor(env), config };
}

function taskId(v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1) throw new UsageError(`give a task number, not '${v ?? ''}'`);
  return n;
}

function line(t: VerificationTask, now: Date): string {
  const overdue = t.status === 'open' && t.dueAt <= now ? ' OVERDUE' : '';
  return `#${String(t.id).padEnd(5)} ${t.status.padEnd(11)} ${t.kind === 'outbound-phi' ? 'outbound' : 'inbound '} ${t.dueAt.toISOString().slice(0, 16)}${overdue.padEnd(8)} ${t.owner.padEnd(14)} ${printable(t.partyAddress)}${t.claimed ? ` (as ${printable(t.claimed)})` : ''}`;
}

export async function verifyCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, {
    status: { type: 'string' },
    overdue: { type: 'boolean' },
    limit: { type: 'string' },
    subject: { type: 'boolean' },
    outcome: { type: 'string' },
    phone: { type: 'string' },
    attestation: { type: 'string' },
    all: { type: 'boolean' },
    days: { type: 'string' },
  });
  const [cmd, ...args] = positionals;
  if (values.help || !cmd) {
    out(verifyHelp);
    return cmd || values.help ? 0 : 2;
  }
  if (cmd === 'check') return check(args, values.config, out);
  let ctx: Context;
  try {
    ctx = openContext(values, env);
  } catch (err) {
    if (err instanceof KeyError || err instanceof CipherError) {
      process.stderr.write(`medshield verify: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  try {
    return run(ctx, cmd, args, values, out);
  } catch (err) {
    if (err instanceof TaskError || err instanceof QuarantineError) {
      process.stderr.write(`medshield verify: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    ctx.db.close();
  }
}

function run(ctx: Context, cmd: string, args: string[], values: Record<string, string | boolean | undefined>, out: (s: string) => void): number {
  const s = ctx.service;
  const now = new Date();
  switch (cmd) {
    case 'tasks': {
      const status = values.status as string | undefined;
      if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${TASK_STATUSES.join(', ')}`);
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      const tasks = s.tasks.list({ status: status as TaskStatus | undefined, overdueAt: values.overdue ? now : undefined, limit });
      if (values.json) out(`${JSON.stringify(tasks, null, 2)}\n`);
      else if (tasks.length === 0) out('No verification tasks.\n');
      else out(`${tasks.map((t) => line(t, now)).join('\n')}\n`);
      return 0;
    }
    case 'show': {
      const t = s.tasks.mustGet(taskId(args[0]));
      const subject = values.subject ? s.subject(t.id, ctx.actor, { via: 'cli' }) : null;
      const attestation = values.subject ? s.attestation(t.id, ctx.actor, { via: 'cli' }) || null : null;
      const d = presentTaskDetail(t, { events: s.tasks.events(t.id), quarantine: ctx.quarantine, subject, attestation, now });
      if (values.json) {
        out(`${JSON.stringify(d, null, 2)}\n`);
        return 0;
      }
      out(
        [
          line(t, now),
          ...(subject !== null ? [`subject:   ${printable(subject)}`] : []),
          `verify:    ${d.parties.join(', ')}${d.claimed ? ` (presenting as ${printable(d.claimed)})` : ''}`,
          `asked:     ${d.asked.join('; ')}`,
          ...d.reasons.map((r) => `why:       ${printable(r.words)}`),
          ...d.numbersOfRecord.map((n) => `call:      ${n.display}  ${n.label} (${n.source})`),
          ...d.numbersInMail.filter((n) => n.unverified).map((n) => `NOT this:  ${n.display}  (from the mail, unverified)`),
          `message:   ${d.messageAction}${d.messageStatus ? `, now ${d.messageStatus}` : ''}${d.disposition ? `; ${d.disposition}` : ''}`,
          ...(d.incidentId ? [`incident:  ${d.incidentId}${d.campaignId ? ` (campaign ${d.campaignId})` : ''}`] : []),
          '',
          ...d.protocol.map((p, i) => `${i + 1}. ${p}`),
          '',
          ...d.events.map((e) => `${e.at}  ${e.actor}  ${e.kind}: ${printable(e.summary)}`),
          '',
        ].join('\n'),
      );
      return 0;
    }
    case 'complete': {
      const outcome = values.outcome as string | undefined;
      if (!outcome || !(TASK_OUTCOMES as readonly string[]).includes(outcome)) throw new UsageError(`--outcome must be one of ${TASK_OUTCOMES.join(', ')}`);
      if (typeof values.attestation !== 'string') throw new UsageError('--attestation TEXT is required: whom you called, who answered, what they confirmed');
      const r = s.complete(taskId(args[0]), { outcome: outcome as TaskOutcome, attestation: values.attestation, phoneUsed: values.phone as string | undefined, actor: ctx.actor, context: { via: 'cli' } });
      out(`task #${r.task.id} ${r.task.status}: ${r.message}\n`);
      return 0;
    }
    case 'assign': {
      if (!args[1]) throw new UsageError('usage: medshield verify assign ID OWNER');
      const t = s.assign(taskId(args[0]), args[1], ctx.actor, { via: 'cli' });
      out(`task #${t.id} is now assigned to ${t.owner}\n`);
      return 0;
    }
    case 'contacts': {
      const list = s.contacts.list({ includeInactive: !!values.all, now });
      if (values.json) out(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) out('No verified contacts.\n');
      else out(`${list.map((c) => `${c.address.padEnd(40)} until ${c.expiresAt.toISOString().slice(0, 10)}  ${c.phone ? formatPhone(c.phone) : ''}  by ${c.verifiedBy}${c.revokedAt ? '  REVOKED' : ''}`).join('\n')}\n`);
      return 0;
    }
    case 'add-contact': {
      if (!args[0] || typeof values.phone !== 'string' || typeof values.attestation !== 'string') throw new UsageError('usage: medshield verify add-contact ADDRESS --phone NUMBER --attestation TEXT [--days N]');
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new UsageError('--days must be a positive integer');
      const c = s.addContact({ address: args[0], phoneUsed: values.phone, attestation: values.attestation, actor: ctx.actor, days, context: { via: 'cli' } });
      out(`${c.address} is a verified contact until ${c.expiresAt.toISOString().slice(0, 10)}\n`);
      return 0;
    }
    case 'revoke': {
      if (!args[0]) throw new UsageError('usage: medshield verify revoke ADDRESS');
      if (!s.revokeContact(args[0], ctx.actor, { via: 'cli' })) {
        process.stderr.write(`medshield verify: ${args[0]} is not an active verified contact\n`);
        return 1;
      }
      out(`${args[0]} is no longer a verified contact\n`);
      return 0;
    }
    case 'blocked': {
      const list = s.blocklist.list({ includeLifted: !!values.all });
      if (values.json) out(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) out('Nothing is blocked.\n');
      else out(`${list.map((b) => `#${String(b.id).padEnd(5)} ${b.kind.padEnd(8)} ${(b.kind === 'phone' ? formatPhone(b.value) : b.value).padEnd(36)} ${printable(b.reason)}${b.liftedAt ? '  LIFTED' : ''}`).join('\n')}\n`);
      return 0;
    }
    case 'unblock': {
      const id = taskId(args[0]);
      if (!s.liftBlock(id, ctx.actor, { via: 'cli' })) {
        process.stderr.write(`medshield verify: no active block #${id}\n`);
        return 1;
      }
      out(`block #${id} lifted\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

/** The outbound guard's reading of message files, findings masked: to see what it would hold, and tune MRN patterns. */
async function check(files: string[], configFile: string | undefined, out: (s: string) => void): Promise<number> {
  if (files.length === 0) throw new UsageError('usage: medshield verify check FILE...');
  const config = configFile ? loadConfigFile(configFile) : defaultConfig();
  const req = factsRequest(config, { phiScan: true, textChars: 0 });
  let status = 0;
  for (const file of files) {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (err) {
      process.stderr.write(`medshield verify: cannot read ${file}: ${(err as Error).message}\n`);
      status = 1;
      continue;
    }
    const f = await messageFacts(raw, req);
    out(`${file}: ${f.phi.phi ? 'PHI' : 'no PHI'}${f.phi.kinds.length ? ` (${f.phi.kinds.join(', ')})` : ''}${f.unreadable.length ? `; unreadable: ${f.unreadable.join('; ')}` : ''}\n`);
    for (const x of f.phi.findings) out(`  ${x.kind.padEnd(9)} ${x.confidence.padEnd(6)} ${x.masked.padEnd(16)} ${x.source}: ${x.reason}\n`);
  }
  return status;
}
