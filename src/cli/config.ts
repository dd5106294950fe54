import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { defaultConfig, loadConfigFile } from '../config/load.ts';

export async function configCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: medshield config check FILE   validate a configuration file\n       medshield config defaults [--json]   print the default configuration\n',
    );
    return 0;
  }
  const [sub, file] = positionals;
  if (sub === 'check' && file) {
    loadConfigFile(file);
    process.stdout.write(`${file}: valid\n`);
    return 0;
  }
  if (sub === 'defaults') {
    const c = defaultConfig();
    process.stdout.write(values.json ? `${JSON.stringify(c, null, 2)}\n` : YAML.stringify(c));
    return 0;
  }
  process.stderr.write("medshield config: expected 'check FILE' or 'defaults'\n");
  return 2;
}
