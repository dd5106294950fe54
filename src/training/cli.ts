import { readFileSync, writeFileSync } from 'node:fs';
import { jsonOrText, parseStoreArgs, UsageError } from '../cli/common.ts';
import { audienceSchema, selectAudience } from '../simulations/audience.ts';
import { audienceFrom, audienceOptions, openCommandContext } from '../simulations/cli.ts';
import { RosterError } from './people.ts';
import { TrainingError } from './service.ts';

export const trainingHelp = `Usage: medshield training COMMAND [options]

Security training: modules (Markdown with a quiz, in content/training/modules), assignments
with reminders by mail (sent by the running gateway), and the per-person risk score.

Commands:
  modules                              the modules
  assign --module M (--email ADDR… | AUDIENCE) [--due ISO]
                                       assign a module (an open assignment of it is kept)
  assignments [--email ADDR] [--state open|overdue|completed]
  people [--department D]              staff with their risk scores, highest first
  departments                          per department: risk, clicks, reports, completion
  export [--kind people|departments|assignments] [--out FILE]
                                       CSV
  roster FILE                          replace the staff roster (CSV: email, name, department,
                                       role, site, phi_access); a file with a bad row is refused

Audience (each repeatable): --department D  --role R  --site S  --email ADDR  --exclude ADDR

Options:
  -c, --config FILE     configuration file (default: $MEDSHIELD_CONFIG or the demo organisation)
  --data-dir DIR        the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  --json                machine-readable output
`;

export async function trainingCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseStoreArgs(argv, {
    module: { type: 'string' },
    due: { type: 'string' },
    state: { type: 'string' },
    kind: { type: 'string' },
    out: { type: 'string' },
    ...audienceOptions,
  });
  const [cmd, arg] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(trainingHelp);
    return cmd || values.help ? 0 : 2;
  }
  const out = jsonOrText(values.json);
  const ctx = openCommandContext('training', values, env);
  if (!ctx) return 1;
  const t = ctx.service.training;
  try {
    switch (cmd) {
      case 'modules':
        out(t.modules.modules.map((m) => ({ id: m.id, title: m.title, minutes: m.minutes, tactics: m.tactics, questions: m.quiz.length })), () => t.modules.modules.map((m) => `${m.id.padEnd(26)} ${String(m.minutes).padStart(2)} min  ${m.title}\n`).join(''));
        return 0;
      case 'assign': {
        if (!values.module) throw new UsageError('assign needs --module');
        const audience = audienceFrom(values);
        const filtered = audience.departments.length || audience.roles.length || audience.sites.length;
        const emails = new Set(filtered ? selectAudience(t.staff.all(), audienceSchema.parse(audience)).members.map((m) => m.email) : audience.emails.map((e) => e.toLowerCase()));
        if (emails.size === 0) throw new UsageError('nobody to assign: give --email or an audience');
        const due = values.due ? Date.parse(values.due) : undefined;
        if (values.due && Number.isNaN(due)) throw new UsageError('--due is an ISO date');
        let created = 0;
        for (const email of emails) if (t.assign({ email, module: values.module, by: ctx.actor, dueAt: due }).created) created++;
        out({ assigned: created, alreadyOpen: emails.size - created }, () => `assigned ${values.module} to ${created} ${created === 1 ? 'person' : 'people'}${emails.size - created ? ` (${emails.size - created} had it open already)` : ''}; the running gateway mails them\n`);
        return 0;
      }
      case 'assignments': {
        const state = values.state as 'open' | 'overdue' | 'completed' | undefined;
        if (state && !['open', 'overdue', 'completed'].includes(state)) throw new UsageError('--state is open, overdue or completed');
        const r = t.listAssignments({ email: values.email?.[0], state });
        const day = (x: number | null) => (x === null ? '-' : new Date(x).toISOString().slice(0, 10));
        out(r, () => r.items.map((a) => `${String(a.id).padStart(4)}  ${a.email.padEnd(40)} ${a.module.padEnd(26)} due ${day(a.dueAt)}  ${a.completedAt ? `completed ${day(a.completedAt)}` : 'open'}  (${a.reason})\n`).join(''));
        return 0;
      }
      case 'people': {
        const people = t.people().filter((p) => !values.department?.length || values.department.some((d) => d.toLowerCase() === p.department.toLowerCase()));
        out(people, () => people.map((p) => `${String(p.risk.score).padStart(5)} ${p.risk.level.padEnd(6)} ${p.email.padEnd(40)} ${p.department} · ${p.role} · PHI ${p.phiAccess}\n`).join(''));
        return 0;
      }
      case 'departments': {
        const d = t.departments();
        out(d, () => d.map((x) => `${x.department.padEnd(28)} ${String(x.people).padStart(3)} people, average risk ${x.averageRisk}, ${x.clicked} clicked, ${x.reported} reported, training ${x.completionRate === null ? '-' : `${Math.round(x.completionRate * 100)}%`} complete\n`).join(''));
        return 0;
      }
      case 'export': {
        const kind = (values.kind ?? 'people') as 'people' | 'departments' | 'assignments';
        if (!['people', 'departments', 'assignments'].includes(kind)) throw new UsageError('--kind is people, departments or assignments');
        const csv = t.csv(kind);
        if (values.out) writeFileSync(values.out, csv);
        else process.stdout.write(csv);
        return 0;
      }
      case 'roster': {
        if (!arg) throw new UsageError('roster needs a CSV file');
        const r = t.staff.importRoster(readFileSync(arg, 'utf8'));
        out(r, () => `roster: ${r.rows} people; ${t.staff.all().length} staff in all (directory and roster)\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (err) {
    if (err instanceof RosterError) {
      process.stderr.write(`medshield training: ${err.message}\n${err.errors.map((e) => `  ${e}\n`).join('')}`);
      return 1;
    }
    if (err instanceof TrainingError) {
      process.stderr.write(`medshield training: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    ctx.close();
  }
}
