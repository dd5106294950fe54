import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AuditLog } from '../audit/audit-log.ts';
import { jsonOrText, parseStoreArgs, UsageError } from '../cli/common.ts';
import { cliActor, resolveDataDir, StoreError, storeExists } from '../cli/data-store.ts';
import { DEMO_CONFIG, withPathsFrom } from '../cli/serve.ts';
import { loadConfigFile } from '../config/load.ts';
import { loadExistingKey } from '../crypto/message-cipher.ts';
import { silentLogger } from '../gateway/log.ts';
import { QuarantineStore } from '../quarantine/quarantine-store.ts';
import { MessageCipher } from '../crypto/message-cipher.ts';
import { openDatabase } from '../store/database.ts';
import { CampaignError } from './campaign-store.ts';
import { SimulationService } from './service.ts';
import { TemplateError } from './template.ts';

export const simulationsHelp = `Usage: medshield simulations COMMAND [options]

Phishing simulations for staff. The running gateway ('medshield serve') sends launched
campaigns in their sending window at their pace; these commands manage them in its store.

Commands:
  templates                      the templates (shipped healthcare ones and your own)
  show SLUG                      one template's definition (YAML-like JSON)
  add FILE                       add a template from a YAML or JSON file
  from-quarantine ID [--slug S] [--dry-run]
                                 a quarantined phish made safe as a template (links → tracking
                                 links; attachments, pixels, clinicians' photos and names replaced)
  preview SLUG [--email ADDR] --out DIR
                                 write message.eml, landing.html and jit.html as ADDR would see them
  audience [AUDIENCE]            who an audience selects
  create --name N --template SLUG [AUDIENCE] [--per-minute N] [--start ISO]
         [--timezone TZ] [--days mon,tue,…] [--hours 08:00-17:00]
                                 a draft campaign
  launch ID | cancel ID | finish ID
  list                           campaigns with their figures
  results ID                     what people did, scanners and unconfirmed clicks apart

Audience (each repeatable; a person must match every kind given):
  --department D  --role R  --site S  --email ADDR  --exclude ADDR

Options:
  -c, --config FILE     configuration file (default: $MEDSHIELD_CONFIG or the demo organisation)
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  --json                machine-readable output
`;

export interface SimulationContext {
  service: SimulationService;
  actor: string;
  close(): void;
}

/** The simulation service over the gateway's store, outside the gateway (no sending from here). */
export function openSimulationContext(values: { 'data-dir'?: string; config?: string }, env: NodeJS.ProcessEnv): SimulationContext {
  const dataDir = resolveDataDir(values['data-dir'], env);
  const dbPath = join(dataDir, 'medshield.db');
  if (!storeExists(dbPath)) throw new StoreError(`no Medshield store in ${dataDir} (expected ${dbPath}; has 'medshield serve' run with this data directory?)`);
  const configPath = values.config ?? env.MEDSHIELD_CONFIG ?? DEMO_CONFIG;
  const config = withPathsFrom(loadConfigFile(configPath), configPath);
  const key = loadExistingKey(dataDir, env);
  const db = openDatabase(dbPath);
  const audit = new AuditLog(db);
  const quarantine = new QuarantineStore({ db, dir: join(dataDir, 'quarantine'), cipher: new MessageCipher(key), audit });
  const service = new SimulationService({ db, key, config: () => config, audit, logger: silentLogger, dbPath, quarantine });
  return { service, actor: cliActor(env), close: () => db.close() };
}

/** The context for the `medshield <command>` CLI, or null once a store problem is reported to stderr (exit status 1). */
export function openCommandContext(command: string, values: { 'data-dir'?: string; config?: string }, env: NodeJS.ProcessEnv): SimulationContext | null {
  try {
    return openSimulationContext(values, env);
  } catch (err) {
    if (err instanceof StoreError) {
      process.stderr.write(`medshield ${command}: ${err.message}\n`);
      return null;
    }
    throw err;
  }
}

export const audienceOptions = {
  department: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  site: { type: 'string', multiple: true },
  email: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

export function audienceFrom(v: { department?: string[]; role?: string[]; site?: string[]; email?: string[]; exclude?: string[] }) {
  return { departments: v.department ?? [], roles: v.role ?? [], sites: v.site ?? [], emails: v.email ?? [], exclude: v.exclude ?? [] };
}

export async function simulationsCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, {
    slug: { type: 'string' },
    'dry-run': { type: 'boolean' },
    out: { type: 'string' },
    name: { type: 'string' },
    template: { type: 'string' },
    'per-minute': { type: 'string' },
    start: { type: 'string' },
    timezone: { type: 'string' },
    days: { type: 'string' },
    hours: { type: 'string' },
    ...audienceOptions,
  });
  const [cmd, arg] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(simulationsHelp);
    return cmd || values.help ? 0 : 2;
  }
  const out = jsonOrText(values.json);
  const id = () => {
    const n = Number(arg);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${cmd} needs a campaign id`);
    return n;
  };
  const ctx = openCommandContext('simulations', values, env);
  if (!ctx) return 1;
  const s = ctx.service;
  try {
    switch (cmd) {
      case 'templates': {
        const list = s.templates.list();
        out(list.map((t) => ({ id: t.id, slug: t.slug, name: t.name, tactic: t.tactic, source: t.source })), () => list.map((t) => `${String(t.id).padStart(3)}  ${t.slug.padEnd(28)} ${t.tactic.padEnd(16)} ${t.name}${t.builtin ? '' : `  (${t.source})`}\n`).join(''));
        return 0;
      }
      case 'show': {
        const t = arg ? s.templates.get(/^\d+$/.test(arg) ? Number(arg) : arg) : undefined;
        if (!t) throw new UsageError(`no template ${arg ?? ''}`);
        process.stdout.write(`${JSON.stringify(t.template, null, 2)}\n`);
        return 0;
      }
      case 'add': {
        if (!arg) throw new UsageError('add needs a YAML or JSON file');
        const text = readFileSync(arg, 'utf8');
        const t = s.createTemplate(/\.json$/i.test(arg) ? JSON.parse(text) : parseYaml(text), ctx.actor);
        out({ id: t.id, slug: t.slug }, () => `added template ${t.slug} (${t.id})\n`);
        return 0;
      }
      case 'from-quarantine': {
        if (!arg) throw new UsageError('from-quarantine needs a quarantine id');
        const r = await s.templateFromQuarantine(arg, ctx.actor, { slug: values.slug, save: !values['dry-run'], context: { via: 'cli' } });
        out(r, () => `${r.saved ? `saved template ${r.saved.slug} (${r.saved.id})` : 'not saved (--dry-run)'}\n${JSON.stringify(r.report, null, 2)}\n`);
        return 0;
      }
      case 'preview': {
        const t = arg ? s.templates.get(arg) : undefined;
        if (!t) throw new UsageError(`no template ${arg ?? ''}`);
        if (!values.out) throw new UsageError('preview needs --out DIR');
        const p = await s.preview(t.template, values.email?.[0]);
        mkdirSync(values.out, { recursive: true });
        writeFileSync(join(values.out, 'message.eml'), p.raw);
        writeFileSync(join(values.out, 'landing.html'), p.landing);
        writeFileSync(join(values.out, 'jit.html'), p.jit);
        out({ dir: values.out, subject: p.subject, from: p.from }, () => `${p.from}\n${p.subject}\nwritten to ${values.out}: message.eml, landing.html, jit.html\n`);
        return 0;
      }
      case 'audience': {
        const r = s.audience(audienceFrom(values));
        out(r, () => `${r.members.length} people\n${r.members.map((m) => `  ${m.email.padEnd(42)} ${m.department} · ${m.role} · ${m.site}\n`).join('')}${r.unknownEmails.length ? `not staff: ${r.unknownEmails.join(', ')}\n` : ''}`);
        return 0;
      }
      case 'create': {
        if (!values.name || !values.template) throw new UsageError('create needs --name and --template');
        const hours = values.hours ? /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(values.hours) : null;
        if (values.hours && !hours) throw new UsageError('--hours is HH:MM-HH:MM');
        const window = values.timezone || values.days || hours ? { ...s.settings.window, ...(values.timezone ? { timezone: values.timezone } : {}), ...(values.days ? { days: values.days.split(',').map((d) => d.trim()) } : {}), ...(hours ? { start: hours[1], end: hours[2] } : {}) } : undefined;
        const c = s.createCampaign({ name: values.name, template: values.template, audience: audienceFrom(values), window: window as never, perMinute: values['per-minute'] ? Number(values['per-minute']) : undefined, startsAt: values.start }, ctx.actor);
        out(c, () => `draft campaign ${c.id} '${c.name}'; launch it with: medshield simulations launch ${c.id}\n`);
        return 0;
      }
      case 'launch':
      case 'cancel':
      case 'finish': {
        const c = cmd === 'launch' ? s.launch(id(), ctx.actor) : cmd === 'cancel' ? s.cancel(id(), ctx.actor) : s.finish(id(), ctx.actor);
        out(c, () => `campaign ${c.id}: ${c.status}${cmd === 'launch' ? ` (${s.campaigns.targets(c.id).length} recipients; the running gateway sends it from ${new Date(c.startsAt).toISOString()})` : ''}\n`);
        return 0;
      }
      case 'list': {
        const list = s.campaigns.list().map((c) => ({ ...c, results: s.results(c.id) }));
        out(
          list.map((c) => ({ id: c.id, name: c.name, status: c.status, recipients: c.results.recipients, people: c.results.people, scanners: c.results.scanners.requests })),
          () => list.map((c) => `${String(c.id).padStart(3)}  ${c.status.padEnd(10)} ${c.name}  — ${c.results.recipients.total} recipients, ${c.results.people.clicked} clicked, ${c.results.people.submitted} submitted, ${c.results.people.reported} reported; ${c.results.scanners.requests} scanner requests\n`).join(''),
        );
        return 0;
      }
      case 'results': {
        const r = s.results(id());
        out(r, () => {
          const p = r.people;
          return [
            `${r.campaign.name} (${r.campaign.status}): ${r.recipients.total} recipients, ${r.recipients.sent} sent, ${r.recipients.delivered} delivered, ${r.recipients.failed} failed`,
            `people:   opened ${p.opened}, clicked ${p.clicked}, submitted ${p.submitted}, replied ${p.replied}, reported ${p.reported}`,
            `scanners: ${r.scanners.requests} requests on ${r.scanners.recipients} recipients' links (${Object.entries(r.scanners.byReason).map(([k, v]) => `${k}: ${v}`).join('; ') || 'none'})`,
            `unconfirmed: ${r.unconfirmed.requests} page loads without the landing step (${r.unconfirmed.recipients} recipients), not counted`,
            ...r.departments.map((d) => `  ${d.department.padEnd(28)} ${d.recipients} recipients, ${d.clicked} clicked, ${d.reported} reported`),
            '',
          ].join('\n');
        });
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (err) {
    if (err instanceof TemplateError || err instanceof CampaignError) {
      process.stderr.write(`medshield simulations: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    ctx.close();
  }
}
