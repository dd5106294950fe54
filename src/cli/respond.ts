import { writeFileSync } from 'node:fs';
import { defaultConfig, loadConfigFile } from '../config/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { CipherError, KeyError, loadExistingKey } from '../crypto/message-cipher.ts';
import { jsonLogger } from '../gateway/log.ts';
import { CAMPAIGN_STATUSES } from '../respond/campaigns/campaign-store.ts';
import { RespondError } from '../respond/errors.ts';
import { campaignMispEvent } from '../respond/export/misp.ts';
import { campaignBundle } from '../respond/export/stix.ts';
import { validateStixBundle } from '../respond/export/stix-validate.ts';
import { KIND_LABEL } from '../respond/features/indicators.ts';
import { incidentReportMarkdown } from '../respond/incidents/incident-report.ts';
import { INCIDENT_STATUSES, type IncidentStatus } from '../respond/incidents/incident-store.ts';
import type { PullbackSummary } from '../respond/pullback/pullback.ts';
import { RespondService } from '../respond/service.ts';
import { campaignDetail, campaignExport, incidentDetail } from '../respond/views.ts';
import { parseStoreArgs, printable, UsageError } from './common.ts';
import { openDataStore, StoreError, type DataStore } from './data-store.ts';

export const incidentsHelp = `Usage: medshield incidents COMMAND [options]

Incidents: opened by high-severity verdicts, user reports, verification failures and campaigns.

Commands:
  list [--status S[,S]] [--limit N] [--json]
  show ID [--json]              timeline, messages, recipients, indicators, exposure
  status ID STATUS              ${INCIDENT_STATUSES.join(' | ')}
  assign ID OWNER | --none
  note ID TEXT                  add a note to the timeline (stored encrypted)
  report ID [--json] [--out FILE]
                                the incident report with subjects and breach exposure (audited)

Options:
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  -c, --config FILE     configuration file (default: $MEDSHIELD_CONFIG; exposure figures)
`;

export const campaignsHelp = `Usage: medshield campaigns COMMAND [options]

Campaigns: messages grouped by the indicators they share.

Commands:
  list [--status S[,S]] [--json]
  show ID [--json]              timeline, variants, recipients, indicators, reports, pull-backs
  contain ID [--no-pull] [--action move|delete]
                                quarantine future matches; pull delivered copies (waits)
  release ID                    lift the block (a false positive)
  purge ID [--action move|delete]
                                remove every delivered copy from users' mailboxes over IMAP
                                (respond.pullback.imap in the configuration); prints what was
                                removed or not found per mailbox
  export ID [--format stix|misp] [--out FILE]

Options:
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  -c, --config FILE     configuration file (default: $MEDSHIELD_CONFIG; IMAP for pull-back)

'medshield purge ID' is 'medshield campaigns purge ID'. Actions are recorded as cli:$USER.
`;

function id(v: string | undefined, what: string): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1) throw new UsageError(`${what} ID must be a positive number${v ? `, not '${v}'` : ''}`);
  return n;
}

function when(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16);
}

function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv): MedshieldConfig {
  const path = flag ?? env.MEDSHIELD_CONFIG;
  return path ? loadConfigFile(path) : defaultConfig();
}

function openService(values: { 'data-dir'?: string; config?: string }, env: NodeJS.ProcessEnv): { store: DataStore; svc: RespondService } {
  const config = loadConfig(values.config, env);
  const store = openDataStore(values['data-dir'], env);
  const svc = new RespondService({ db: store.db, cipher: store.cipher, key: loadExistingKey(store.dataDir, env), config: () => config, audit: store.audit, logger: jsonLogger({ level: 'warn' }) });
  return { store, svc };
}

async function guarded(out: NodeJS.WritableStream, err: NodeJS.WritableStream, f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RespondError || e instanceof StoreError || e instanceof KeyError || e instanceof CipherError) {
      err.write(`medshield: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * Runs a command on the respond service over the gateway's store: store, key and respond
 * errors are reported for the operator (exit status 1), and any pull-back the command
 * started finishes before the store closes.
 */
function withService(values: { 'data-dir'?: string; config?: string }, env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, err: NodeJS.WritableStream, run: (store: DataStore, svc: RespondService) => Promise<number>): Promise<number> {
  return guarded(out, err, async () => {
    const { store, svc } = openService(values, env);
    try {
      return await run(store, svc);
    } finally {
      await svc.pullbacks.idle();
      store.close();
    }
  });
}

/** `--status a,b`: each must be one of `allowed`. */
function statusFilter<T extends string>(raw: string | undefined, allowed: readonly T[]): T[] | undefined {
  const status = raw?.split(',').map((s) => s.trim()) as T[] | undefined;
  for (const s of status ?? []) if (!(allowed as readonly string[]).includes(s)) throw new UsageError(`unknown status '${s}' (${allowed.join(', ')})`);
  return status;
}

/** Prints `v` as JSON; returns the exit status, 0. */
function writeJson(out: NodeJS.WritableStream, v: unknown): number {
  out.write(`${JSON.stringify(v, null, 2)}\n`);
  return 0;
}

/** Fingerprints are long hashes that mean nothing on a terminal. */
function indicatorText(x: { kind: string; value: string }): string {
  return x.kind === 'text-minhash' || x.kind === 'image-phash' ? '(fingerprint)' : x.value;
}

function printPullback(out: NodeJS.WritableStream, s: PullbackSummary): void {
  out.write(`pull-back #${s.pullback.id} ${s.pullback.state}${s.pullback.error ? ` (${s.pullback.error})` : ''}: ${s.removed} removed, ${s.notFound} not found, ${s.errors} errors in ${s.mailboxes} mailbox(es)\n`);
  for (const r of s.results) out.write(`  ${r.mailbox}  ${r.spoolId}  ${r.outcome}${r.detail ? `  ${printable(r.detail)}` : ''}\n`);
}

export async function incidentsCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, { status: { type: 'string' }, limit: { type: 'string' }, none: { type: 'boolean' }, out: { type: 'string' } });
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    out.write(incidentsHelp);
    return values.help ? 0 : 2;
  }
  return withService(values, env, out, err, async (store, svc) => {
    switch (cmd) {
      case 'list': {
        const status = statusFilter(values.status, INCIDENT_STATUSES);
        const r = svc.incidents.list({ status, limit: values.limit ? Number(values.limit) : 50 });
        if (values.json) writeJson(out, r);
        else {
          out.write(`${r.total} incident(s)\n`);
          for (const i of r.items) out.write(`${String(i.id).padStart(5)}  ${when(i.updatedAt)}  ${i.status.padEnd(14)} ${i.severity.padEnd(8)} ${i.kind.padEnd(12)} ${(i.owner ?? '-').padEnd(12)} ${printable(i.title)}\n`);
        }
        return 0;
      }
      case 'show': {
        const d = incidentDetail(svc, id(rest[0], 'incident'));
        if (values.json) return writeJson(out, d);
        const i = d.incident;
        out.write(`Incident ${i.id}: ${printable(i.title)}\n${i.kind}, ${i.severity}, ${i.status}, owner ${i.owner ?? '-'}${d.campaign ? `, campaign #${d.campaign.id}` : ''}\n`);
        out.write(`Exposure: ${d.exposure.mailboxesReached} mailbox(es) reached (${d.exposure.mailboxesStillExposed} still hold a copy), ${d.exposure.recordsAtRisk} records at risk, $${d.exposure.costLow}–$${d.exposure.costHigh} to recover\n`);
        out.write(`Messages: ${d.messages.length}; recipients: ${d.recipients.length}; reports: ${d.reports.length}\n`);
        for (const x of d.indicators) out.write(`  ${KIND_LABEL[x.kind]}: ${indicatorText(x)}\n`);
        out.write('Timeline:\n');
        for (const t of d.timeline) out.write(`  ${when(t.at)}  ${t.actor}: ${printable(t.summary)}${t.note ? ` — ${printable(t.note)}` : ''}\n`);
        return 0;
      }
      case 'status': {
        const status = rest[1] as IncidentStatus;
        if (!(INCIDENT_STATUSES as readonly string[]).includes(status)) throw new UsageError(`status must be one of ${INCIDENT_STATUSES.join(', ')}`);
        const i = svc.setIncidentStatus(id(rest[0], 'incident'), status, store.actor);
        out.write(`incident ${i.id}: ${i.status}\n`);
        return 0;
      }
      case 'assign': {
        const owner = values.none ? null : (rest[1] ?? null);
        if (!owner && !values.none) throw new UsageError('give an OWNER, or --none');
        const i = svc.setIncidentOwner(id(rest[0], 'incident'), owner, store.actor);
        out.write(`incident ${i.id}: owner ${i.owner ?? '-'}\n`);
        return 0;
      }
      case 'note': {
        const text = rest.slice(1).join(' ').trim();
        if (!text) throw new UsageError('give the note text');
        svc.addIncidentNote(id(rest[0], 'incident'), text, store.actor);
        out.write('note added\n');
        return 0;
      }
      case 'report': {
        const n = id(rest[0], 'incident');
        const d = incidentDetail(svc, n, { subjects: { actor: store.actor, purpose: `incident ${n} report` } });
        store.audit.record({ actor: store.actor, action: 'respond.incident.report', target: `incident:${n}`, detail: { format: values.json ? 'json' : 'markdown', out: values.out ?? 'stdout' } });
        const text = values.json ? `${JSON.stringify(d, null, 2)}\n` : incidentReportMarkdown(d, { organisation: svc.config().org.name, generatedBy: store.actor });
        if (values.out) writeFileSync(values.out, text, { mode: 0o600 });
        else out.write(text);
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  });
}

export async function campaignsCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, { status: { type: 'string' }, 'no-pull': { type: 'boolean' }, action: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } });
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    out.write(campaignsHelp);
    return values.help ? 0 : 2;
  }
  const action = values.action as 'move' | 'delete' | undefined;
  if (action !== undefined && action !== 'move' && action !== 'delete') throw new UsageError('--action must be move or delete');
  return withService(values, env, out, err, async (store, svc) => {
    switch (cmd) {
      case 'list': {
        const status = statusFilter(values.status, CAMPAIGN_STATUSES);
        const r = svc.campaigns.list({ status, limit: 500 });
        if (values.json) writeJson(out, r);
        else {
          out.write(`${r.total} campaign(s)\n`);
          for (const c of r.items) {
            const members = svc.campaigns.members(c.id).map((m) => m.spoolId);
            out.write(`${String(c.id).padStart(5)}  ${when(c.lastSeen)}  ${c.status.padEnd(10)} ${c.blocked ? 'blocked' : '       '}  ${String(members.length).padStart(5)} msg  ${String(svc.log.reporters(members).length).padStart(3)} reports  ${printable(c.name)}\n`);
          }
        }
        return 0;
      }
      case 'show': {
        const d = campaignDetail(svc, id(rest[0], 'campaign'));
        if (values.json) return writeJson(out, d);
        const c = d.campaign;
        out.write(`Campaign ${c.id}: ${printable(c.name)}\n${c.status}${c.blocked ? ', blocked' : ''}; first seen ${when(c.firstSeen)}, last seen ${when(c.lastSeen)}; incident ${d.incidentId ?? '-'}\n`);
        out.write(`${d.messages.length} message(s) from ${d.variants.length} sender(s) to ${d.recipients.length} mailbox(es); reported by ${d.reporters.map((r) => r.reporter).join(', ') || 'no one'}\n`);
        out.write('Indicators:\n');
        for (const x of d.indicators) out.write(`  ${x.specific ? '*' : ' '} ${KIND_LABEL[x.kind]}: ${indicatorText(x)}  (${x.messages} msg)\n`);
        out.write('Recipients:\n');
        for (const r of d.recipients) out.write(`  ${r.mailbox}  delivered ${r.delivered}, pulled back ${r.removed}, not found ${r.notFound}, stopped ${r.stopped}\n`);
        return 0;
      }
      case 'contain': {
        const r = await svc.containCampaign(id(rest[0], 'campaign'), store.actor, { pull: !values['no-pull'] && svc.pullbacks.available(), action });
        out.write(`campaign ${r.campaign.id}: ${r.changed ? 'contained' : 'already contained'}; future matches are quarantined\n`);
        if (r.pullbackId !== null) {
          await svc.pullbacks.idle();
          printPullback(out, svc.pullbacks.summary(r.pullbackId)!);
        } else if (!values['no-pull']) out.write('no pull-back: respond.pullback.imap is not configured\n');
        return 0;
      }
      case 'release': {
        const c = svc.releaseCampaign(id(rest[0], 'campaign'), store.actor);
        out.write(`campaign ${c.id}: block lifted\n`);
        return 0;
      }
      case 'purge': {
        const run = svc.purgeCampaign(id(rest[0], 'campaign'), store.actor, action);
        printPullback(out, await run.done);
        return 0;
      }
      case 'export': {
        const format = values.format ?? 'stix';
        if (format !== 'stix' && format !== 'misp') throw new UsageError('--format must be stix or misp');
        const n = id(rest[0], 'campaign');
        const x = campaignExport(svc, n);
        const body = format === 'stix' ? campaignBundle(x) : campaignMispEvent(x);
        if (format === 'stix') {
          const problems = validateStixBundle(body as never);
          if (problems.length) throw new Error(`the STIX bundle failed its own check: ${problems.join('; ')}`);
        }
        store.audit.record({ actor: store.actor, action: 'respond.campaign.export', target: `campaign:${n}`, detail: { format } });
        const text = `${JSON.stringify(body, null, 2)}\n`;
        if (values.out) writeFileSync(values.out, text);
        else out.write(text);
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  });
}

/** `medshield purge ID` = `medshield campaigns purge ID`. */
export function purgeCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    process.stdout.write('Usage: medshield purge CAMPAIGN-ID [--action move|delete] [--data-dir DIR] [-c FILE]\n\nRemoves every delivered copy of a campaign from users’ mailboxes; see medshield campaigns --help.\n');
    return Promise.resolve(argv.length === 0 ? 2 : 0);
  }
  return campaignsCommand(['purge', ...argv], env);
}
