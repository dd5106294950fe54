import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ANALYZERS } from '../analyzers/index.ts';
import { configSchema, type MedshieldConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `path.to.key: problem` lines, so the user knows which key is wrong. */
export function formatIssues(prefix: string, err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      const keys = i.code === 'unrecognized_keys' ? ` (${(i as { keys: string[] }).keys.join(', ')})` : '';
      return `${path || '(root)'}: ${i.message}${keys}`;
    })
    .join('\n');
}

/** Validates a config object: the top level, then each analyzer section and weight override. */
export function validateConfig(input: unknown, source = 'config'): MedshieldConfig {
  const r = configSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${source} is invalid:\n${formatIssues('', r.error)}`);
  const config = r.data;
  const problems: string[] = [];
  const known = new Map(ANALYZERS.map((a) => [a.id, a]));
  for (const [id, section] of Object.entries(config.analyzers)) {
    const a = known.get(id);
    if (!a) {
      problems.push(`analyzers.${id}: unknown analyzer (known: ${[...known.keys()].join(', ')})`);
      continue;
    }
    const { enabled, ...rest } = (section ?? {}) as { enabled?: unknown };
    if (enabled !== undefined && typeof enabled !== 'boolean') problems.push(`analyzers.${id}.enabled: expected boolean`);
    const pr = a.config.safeParse(rest);
    if (!pr.success) problems.push(formatIssues(`analyzers.${id}`, pr.error));
  }
  const signalIds = new Set(ANALYZERS.flatMap((a) => Object.keys(a.signals)));
  for (const id of ENGINE_SIGNAL_IDS) signalIds.add(id);
  for (const id of Object.keys(config.policy.weights)) {
    if (!signalIds.has(id)) problems.push(`policy.weights.${id}: unknown signal`);
  }
  config.policy.rules.forEach((rule, i) => {
    for (const id of [...rule.all, ...rule.any, ...rule.none]) {
      if (!signalIds.has(id) && !OPTIONAL_RULE_SIGNALS.has(id)) problems.push(`policy.rules.${i}: unknown signal ${id}`);
    }
  });
  if (problems.length) throw new ConfigError(`${source} is invalid:\n${problems.join('\n')}`);
  return config;
}

/** Signals the engine itself emits. */
export const ENGINE_SIGNAL_IDS = ['UNSCANNABLE', 'ANALYZER_FAILED'];
/** Signals that later capabilities (directory, verification) emit; rules may name them before those are enabled. */
const OPTIONAL_RULE_SIGNALS = new Set(['SENDER_VERIFIED', 'DMARC_PASS_ALIGNED_PARTNER']);

export function loadConfigFile(path: string): MedshieldConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`config ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return validateConfig(data, `config ${path}`);
}

export function defaultConfig(): MedshieldConfig {
  return validateConfig({});
}
