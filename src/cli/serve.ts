import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load.ts';
import type { MedshieldConfig } from '../config/schema.ts';
import { jsonLogger } from '../gateway/log.ts';
import { hashPassword } from '../gateway/passwords.ts';
import { resolveRuntimeSettings, SettingError } from '../gateway/runtime-settings.ts';
import { startGateway } from '../gateway/server.ts';
import { parseRole, type Role } from '../gateway/roles.ts';

export const serveHelp = `Usage: medshield serve [--config FILE] [--role all|smtp|scanner|delivery|api]
       medshield serve --hash-password < password.txt

Runs the mail gateway: SMTP (MX) and submission listeners, scanning, quarantine and
delivery (to MEDSHIELD_RELAY, or local Maildirs under the data directory), and on the HTTP
port the security team's API (/api, OpenAPI at /api/openapi.json) and web console (the
built console in dist/console/). Without a configuration it runs the demo organisation
(demo/medshield.yaml). On first start with no console accounts it creates 'admin' with a
one-time password in <data dir>/console/initial-admin-password; 'medshield users add'
creates more.

Options:
  -c, --config FILE   configuration file (YAML or JSON); also MEDSHIELD_CONFIG
  --role ROLE         what this process does (default all; also MEDSHIELD_ROLE). A split
                      deployment shares PostgreSQL and NATS (docs/scaling.md):
                        smtp      SMTP listeners: accept, journal, queue for scanning
                        scanner   take queued messages, scan, quarantine or release to delivery
                        delivery  deliver, retry, bounce; background jobs (digests, respond, verify)
                        api       the console and API
                      Roles without the console answer /healthz, /readyz and /metrics.
  --hash-password     read a password on standard input and print the scrypt hash to put
                      in gateway.submission.users[].passwordHash

Environment (wins over the file):
  MEDSHIELD_DATA_DIR         data directory (default ./data): store, spool, quarantine, keys, Maildirs
  MEDSHIELD_SMTP_PORT        SMTP (MX) port (default 2525)
  MEDSHIELD_SUBMISSION_PORT  authenticated submission port (default 2587)
  MEDSHIELD_HTTP_PORT        HTTP port (default 8080): console, /api, /healthz
  MEDSHIELD_RELAY            downstream MTA as host:port; unset = local Maildir delivery
  MEDSHIELD_KEY              message encryption key (base64); default <data>/keys/message.key
                             (every process of a split deployment needs the same key)
  MEDSHIELD_DATABASE_URL     postgres://… : the shared store (default: SQLite in the data directory)
  MEDSHIELD_QUEUE_URL        nats://host:port : the shared scan queue (NATS JetStream)
  MEDSHIELD_QUEUE_STREAM     JetStream stream name (default MEDSHIELD_SCAN)
`;

export const DEMO_CONFIG = fileURLToPath(new URL('../../demo/medshield.yaml', import.meta.url));

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, role: { type: 'string' }, 'hash-password': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(serveHelp);
    return 0;
  }
  if (values['hash-password']) return printHash();

  const logger = jsonLogger();
  const configPath = values.config ?? process.env.MEDSHIELD_CONFIG ?? DEMO_CONFIG;
  if (!values.config && !process.env.MEDSHIELD_CONFIG) {
    logger.warn('no --config given: running the demo organisation (demo/medshield.yaml); run `medshield demo` to send it sample mail', { config: relative(process.cwd(), configPath) });
  }
  let config: MedshieldConfig;
  let runtime;
  let role: Role;
  try {
    role = parseRole(values.role ?? process.env.MEDSHIELD_ROLE ?? 'all');
    config = withPathsFrom(loadConfigFile(configPath), configPath);
    runtime = resolveRuntimeSettings(config, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SettingError) {
      process.stderr.write(`medshield serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  let gateway;
  try {
    gateway = await startGateway({ config, runtime, logger, role });
  } catch (err) {
    process.stderr.write(`medshield serve: ${(err as Error).message}\n`);
    return err instanceof SettingError ? 2 : 1;
  }

  return new Promise<number>((resolveExit) => {
    let signalled = false;
    const shutdown = (signal: string) => {
      if (signalled) return;
      signalled = true;
      logger.info('shutdown requested', { signal });
      gateway.stop().then(
        () => resolveExit(0),
        (err: Error) => {
          logger.error('shutdown failed', { error: err.message });
          resolveExit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/** File paths inside the config are relative to the config file, as a reader of the file expects. */
export function withPathsFrom(config: MedshieldConfig, configPath: string): MedshieldConfig {
  const base = dirname(resolve(configPath));
  const at = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(base, p));
  const g = config.gateway;
  const c = config.console;
  const fixture = at(g.dns.fixture);
  if (fixture && !existsSync(fixture)) throw new ConfigError(`config ${configPath} is invalid:\ngateway.dns.fixture: ${fixture} does not exist`);
  return {
    ...config,
    brands: { ...config.brands, file: at(config.brands.file) },
    gateway: { ...g, dns: { ...g.dns, fixture }, tls: { cert: at(g.tls.cert), key: at(g.tls.key) } },
    console: { ...c, tls: { cert: at(c.tls.cert), key: at(c.tls.key) } },
    directory: { ...config.directory, file: at(config.directory.file) },
  };
}

async function printHash(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!password) {
    process.stderr.write('medshield serve --hash-password: no password on standard input\n');
    return 2;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}
