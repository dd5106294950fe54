import { isAbsolute, resolve } from 'node:path';
import type { MedshieldConfig } from '../config/schema.ts';

/** Settings that may come from the environment (which wins over the config file). */
export interface RuntimeSettings {
  dataDir: string;
  smtpPort: number;
  submissionPort: number | null;
  httpPort: number;
  relay: { host: string; port: number } | null;
  /** MEDSHIELD_QUEUE_URL: the shared NATS JetStream queue of a split deployment (absent: scan in this process). */
  queueUrl?: string;
}

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

function port(value: string, setting: string): number {
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 65535) throw new SettingError(`${setting}: '${value}' is not a port number (0-65535)`);
  return Number(value);
}

/** `host:port`, `[v6]:port`, or a bare host (port 25). */
export function parseHostPort(value: string, setting: string): { host: string; port: number } {
  const v = value.trim();
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(v);
  if (!m || !m[1]) throw new SettingError(`${setting}: '${value}' is not host:port (e.g. mail.example.org:25)`);
  const p = m[2] === undefined ? 25 : port(m[2], setting);
  if (p === 0) throw new SettingError(`${setting}: port 0 is not a relay port`);
  return { host: m[1], port: p };
}

/**
 * MEDSHIELD_DATA_DIR (default ./data), MEDSHIELD_SMTP_PORT, MEDSHIELD_SUBMISSION_PORT,
 * MEDSHIELD_HTTP_PORT, MEDSHIELD_RELAY over the config file's gateway section. Every error
 * names the setting that is wrong.
 */
export function resolveRuntimeSettings(config: MedshieldConfig, env: NodeJS.ProcessEnv, cwd = process.cwd()): RuntimeSettings {
  const g = config.gateway;
  const dataDirRaw = env.MEDSHIELD_DATA_DIR?.trim() || './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const smtpPort = env.MEDSHIELD_SMTP_PORT ? port(env.MEDSHIELD_SMTP_PORT, 'MEDSHIELD_SMTP_PORT') : g.smtpPort;
  let submissionPort: number | null = env.MEDSHIELD_SUBMISSION_PORT ? port(env.MEDSHIELD_SUBMISSION_PORT, 'MEDSHIELD_SUBMISSION_PORT') : g.submissionPort;
  if (!g.submission.enabled) submissionPort = null;
  const httpRaw = env.MEDSHIELD_HTTP_PORT ? port(env.MEDSHIELD_HTTP_PORT, 'MEDSHIELD_HTTP_PORT') : g.httpPort;
  const relayRaw = env.MEDSHIELD_RELAY?.trim() || g.relay.target;
  const relay = relayRaw ? parseHostPort(relayRaw, env.MEDSHIELD_RELAY?.trim() ? 'MEDSHIELD_RELAY' : 'gateway.relay.target') : null;
  const fixed = [
    ['MEDSHIELD_SMTP_PORT', smtpPort],
    ['MEDSHIELD_SUBMISSION_PORT', submissionPort],
    ['MEDSHIELD_HTTP_PORT', httpRaw],
  ] as const;
  for (let i = 0; i < fixed.length; i++) {
    for (let j = i + 1; j < fixed.length; j++) {
      const a = fixed[i]!;
      const b = fixed[j]!;
      if (a[1] && b[1] && a[1] === b[1]) throw new SettingError(`${b[0]}: port ${b[1]} is already used for ${a[0]}`);
    }
  }
  const queueUrl = env.MEDSHIELD_QUEUE_URL?.trim() || null;
  if (queueUrl && !/^nats:\/\/[^\s]+$/.test(queueUrl)) throw new SettingError(`MEDSHIELD_QUEUE_URL: '${queueUrl}' is not a nats:// URL`);
  return { dataDir, smtpPort, submissionPort, httpPort: httpRaw, relay, ...(queueUrl ? { queueUrl } : {}) };
}
