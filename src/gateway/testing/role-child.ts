// One process of a split deployment, for the scale-out test: `medshield serve --role ROLE`
// with the shared store and queue from the environment (MEDSHIELD_DATABASE_URL,
// MEDSHIELD_QUEUE_URL, MEDSHIELD_QUEUE_STREAM, MEDSHIELD_KEY) and the scripted scan worker.
// Prints one JSON line with its ports once it serves.
// Usage: node --import tsx role-child.ts ROLE DATA_DIR RELAY_PORT [real]
// `real` scans with the product's scan worker (benchmarks) instead of the scripted one.
import { validateConfig } from '../../config/load.ts';
import { jsonLogger } from '../log.ts';
import { parseRole } from '../roles.ts';
import { startGateway } from '../server.ts';

const [roleArg, dataDir, relayPort, scanner] = process.argv.slice(2);
if (!roleArg || !dataDir || !relayPort) throw new Error('usage: role-child.ts ROLE DATA_DIR RELAY_PORT');
const config = validateConfig({
  org: { name: 'St Mary’s Health', domains: ['stmarys-health.org'] },
  gateway: {
    listenHost: '127.0.0.1',
    hostname: 'mx.test.local',
    scanWorkers: 1,
    dns: { mode: 'offline' },
    limits: { maxConnectionsPerIp: 200, messagesPerMinutePerIp: 1_000_000, maxConnections: 400 },
    retry: { initialDelayMs: 50, maxDelayMs: 200 },
  },
  console: { enabled: false },
});
const gw = await startGateway({
  config,
  role: parseRole(roleArg),
  runtime: { dataDir, smtpPort: 0, submissionPort: null, httpPort: 0, relay: { host: '127.0.0.1', port: Number(relayPort) }, queueUrl: process.env.MEDSHIELD_QUEUE_URL },
  logger: jsonLogger({ level: process.env.MEDSHIELD_TEST_LOG_LEVEL === 'info' ? 'info' : 'warn', write: (l) => process.stderr.write(l) }),
  scanWorkerUrl: scanner === 'real' ? undefined : new URL('./scripted-scan-worker.mjs', import.meta.url),
  closeTimeoutMs: 500,
});
process.stdout.write(`${JSON.stringify({ ready: true, ...gw.ports })}\n`);
process.once('SIGTERM', () => {
  void gw.stop().then(() => process.exit(0));
});
