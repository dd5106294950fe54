import { parseArgs } from 'node:util';
import { ANALYZERS } from '../analyzers/index.ts';
import { defaultConfig, loadConfigFile } from '../config/load.ts';

export const signalsHelp = `Usage: medshield signals [--config FILE] [--json] [--markdown]

List every signal the analyzers can emit, with its effective weight (the config's
policy.weights override the default) and what it means, and the policy's hard rules.
`;

export async function signalsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, markdown: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(signalsHelp);
    return 0;
  }
  const config = values.config ? loadConfigFile(values.config) : defaultConfig();
  const overrides = config.policy.weights as Record<string, number>;
  const rows = ANALYZERS.flatMap((a) =>
    Object.entries(a.signals).map(([id, s]) => ({ analyzer: a.id, id, weight: overrides[id] ?? s.weight, defaultWeight: s.weight, description: s.description })),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ signals: rows, thresholds: config.policy.thresholds, rules: config.policy.rules }, null, 2)}\n`);
    return 0;
  }
  if (values.markdown) {
    const lines = ['| analyzer | signal | weight | meaning |', '|---|---|---:|---|'];
    for (const r of rows) lines.push(`| ${r.analyzer} | \`${r.id}\` | ${r.weight} | ${r.description.replace(/\|/g, '\\|')} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  let last = '';
  for (const r of rows) {
    if (r.analyzer !== last) {
      process.stdout.write(`${last ? '\n' : ''}${r.analyzer}\n`);
      last = r.analyzer;
    }
    process.stdout.write(`  ${r.id.padEnd(width)}  ${String(r.weight).padStart(5)}  ${r.description}\n`);
  }
  const t = config.policy.thresholds;
  process.stdout.write(`\nthresholds: tag ≥ ${t.tag}, quarantine ≥ ${t.quarantine}, reject ≥ ${t.reject}\n`);
  return 0;
}
