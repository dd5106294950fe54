// A gateway in a child process, for tests that SIGKILL it: production stores (quarantine,
// profiles, SQLite, encrypted spool), the scripted scan worker. Prints one JSON line with its
// ports once it listens. Usage: node --import tsx gateway-child.ts DATA_DIR [RELAY_PORT]
import { validateConfig } from '../../config/load.ts';
import { jsonLogger } from '../log.ts';
import { startGateway } from '../server.ts';

const [dataDir, relayPort] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: gateway-child.ts DATA_DIR [RELAY_PORT]');
const config = validateConfig({
  org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'] },
  gateway: {
    listenHost: '127.0.0.1',
    hostname: 'mx.test.local',
    scanWorkers: 2,
    dns: { mode: 'offline' },
    limits: { maxConnectionsPerIp: 50, messagesPerMinutePerIp: 100_000 },
    retry: { initialDelayMs: 50, maxDelayMs: 200 },
  },
});
const gw = await startGateway({
  config,
  runtime: { dataDir, smtpPort: 0, submissionPort: 0, httpPort: 0, relay: relayPort ? { host: '127.0.0.1', port: Number(relayPort) } : null },
  logger: jsonLogger({ level: 'warn', write: (l) => process.stderr.write(l) }),
  scanWorkerUrl: new URL('./scripted-scan-worker.mjs', import.meta.url),
  pollIntervalMs: 50,
  closeTimeoutMs: 500,
});
process.stdout.write(`${JSON.stringify({ ready: true, ...gw.ports })}\n`);
process.once('SIGTERM', () => {
  void gw.stop().then(() => process.exit(0));
});
