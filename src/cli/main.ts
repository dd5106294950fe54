import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.ts';
import { UsageError } from './common.ts';

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  scan: { summary: 'scan messages and print verdicts', run: async (a) => (await import('./scan.ts')).scanCommand(a) },
  eval: { summary: 'measure catch rates and false positives on labelled corpora', run: async (a) => (await import('./eval.ts')).evalCommand(a) },
  train: { summary: 'train the content classifier from labelled folders', run: async (a) => (await import('./train.ts')).trainCommand(a) },
  config: { summary: 'validate a configuration file or print the defaults', run: async (a) => (await import('./config.ts')).configCommand(a) },
  signals: { summary: 'list every signal with its weight and meaning', run: async (a) => (await import('./signals.ts')).signalsCommand(a) },
  directory: { summary: 'import and inspect the provider directory (FHIR, CSV, NPPES)', run: async (a) => (await import('./directory.ts')).directoryCommand(a) },
  serve: { summary: 'run the mail gateway (SMTP in, scan, quarantine, deliver)', run: async (a) => (await import('./serve.ts')).serveCommand(a) },
  demo: { summary: 'send sample hospital mail and phishing through a running gateway and show the verdicts', run: async (a) => (await import('./demo.ts')).demoCommand(a) },
  quarantine: { summary: 'list, show, release and delete quarantined mail', run: async (a) => (await import('./quarantine.ts')).quarantineCommand(a) },
  users: { summary: 'console accounts: add (one-time password), list, role, disable, unlock', run: async (a) => (await import('./users.ts')).usersCommand(a) },
  tokens: { summary: 'API tokens for automation (Authorization: Bearer)', run: async (a) => (await import('./tokens.ts')).tokensCommand(a) },
  feedback: { summary: "export analysts' phish / false-positive labels as training data", run: async (a) => (await import('./feedback.ts')).feedbackCommand(a) },
  verify: { summary: 'sender verification: the task queue, verified contacts, blocked numbers, PHI check', run: async (a) => (await import('../verify/cli.ts')).verifyCommand(a) },
  incidents: { summary: 'incidents: list, show, status, assign, note, report (with breach exposure)', run: async (a) => (await import('./respond.ts')).incidentsCommand(a) },
  campaigns: { summary: 'phishing campaigns: list, show, contain, release, purge, export (STIX 2.1, MISP)', run: async (a) => (await import('./respond.ts')).campaignsCommand(a) },
  purge: { summary: "remove a campaign's delivered copies from users' mailboxes over IMAP", run: async (a) => (await import('./respond.ts')).purgeCommand(a) },
  simulations: { summary: 'phishing simulations: templates, campaigns, results (scanners apart)', run: async (a) => (await import('../simulations/cli.ts')).simulationsCommand(a) },
  training: { summary: 'security training: modules, assignments, risk scores, department reports, CSV', run: async (a) => (await import('../training/cli.ts')).trainingCommand(a) },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: medshield COMMAND [options]',
    '',
    'Medshield: email defense for hospitals and clinics.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'medshield COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(help());
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === 'version') {
    process.stdout.write(`medshield ${version()}\n`);
    return 0;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    process.stderr.write(`medshield: unknown command '${cmd}'\n\n${help()}`);
    return 2;
  }
  try {
    return await c.run(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`medshield ${cmd}: ${(err as Error).message}\nRun 'medshield ${cmd} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`medshield ${cmd}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
