import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FeedbackStore } from '../api/feedback-store.ts';
import { CipherError, KeyError } from '../crypto/message-cipher.ts';
import { SenderProfileStore } from '../profiles/sender-profiles.ts';
import { UsageError } from './common.ts';
import { openDataStore, StoreError, type DataStore } from './data-store.ts';

export const feedbackHelp = `Usage: medshield feedback COMMAND [options]

What analysts taught Medshield in the console: messages they confirmed as phishing or
marked as false positives. Held and quarantined messages they labelled are kept, encrypted,
as training samples (console.trainingSampleDays, default 180 days).

Commands:
  stats                   how many labelled samples there are
  export DIR [--since DATE]
                          write the samples as DIR/phish/<id>.eml and DIR/ham/<id>.eml
                          (false positives are ham), the layout 'medshield train' reads:
                            medshield feedback export retrain/
                            medshield train retrain/ corpus/seed --out models/local.json
                          The files are decrypted patient mail: DIR is created 0700, the
                          files 0600; delete them after training. The export is audited.

Options:
  --data-dir DIR          the gateway's data directory (default: $MEDSHIELD_DATA_DIR or ./data)
  --json                  machine-readable output
`;

export async function feedbackCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, dir, ...rest] = positionals;
  if (values.help || !sub) {
    (values.help ? process.stdout : process.stderr).write(feedbackHelp);
    return values.help ? 0 : 2;
  }
  if (sub !== 'stats' && sub !== 'export') throw new UsageError(`unknown feedback command '${sub}' (stats, export)`);
  if (sub === 'export' && !dir) throw new UsageError('export needs a DIR to write the samples into');
  const unexpected = sub === 'stats' ? dir : rest[0];
  if (unexpected !== undefined) throw new UsageError(`unexpected argument '${unexpected}'`);
  let since: Date | undefined;
  if (values.since !== undefined) {
    since = new Date(values.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since must be a date (2026-01-31 or an ISO time), not '${values.since}'`);
  }
  if (sub === 'export') {
    const out = resolve(dir!);
    let entries: string[] = [];
    try {
      entries = statSync(out).isDirectory() ? readdirSync(out).filter((n) => n !== 'ham' && n !== 'phish') : ['(a file)'];
    } catch {
      /* does not exist yet: created below */
    }
    if (entries.length) throw new UsageError(`${out} holds other files; export into a new or empty directory (train learns every file below it)`);
  }

  let store: DataStore | undefined;
  try {
    store = openDataStore(values['data-dir'], env);
    const feedback = new FeedbackStore(store.db, new SenderProfileStore(store.db), store.cipher);
    if (sub === 'stats') {
      const c = feedback.sampleCounts();
      process.stdout.write(values.json ? `${JSON.stringify(c)}\n` : `${c.phish} confirmed phishing, ${c.ham} false positives (ham) kept as training samples.\n`);
      return 0;
    }
    const out = resolve(dir!);
    const written = { phish: [] as string[], ham: [] as string[] };
    for (const s of feedback.samples(since)) {
      const folder = join(out, s.label);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(join(folder, `${s.spoolId}.eml`), s.raw, { mode: 0o600 });
      written[s.label].push(s.spoolId);
    }
    store.audit.record({
      actor: store.actor,
      action: 'feedback.export',
      target: 'training-samples',
      detail: { dir: out, since: since?.toISOString() ?? null, phish: written.phish, ham: written.ham, via: 'cli' },
    });
    const n = written.phish.length + written.ham.length;
    if (values.json) process.stdout.write(`${JSON.stringify({ dir: out, phish: written.phish.length, ham: written.ham.length })}\n`);
    else if (n === 0) process.stdout.write('No labelled samples to export.\n');
    else process.stdout.write(`Wrote ${written.phish.length} phishing and ${written.ham.length} ham samples to ${out}.\nTrain with: medshield train ${dir} <your other labelled folders> --out MODEL\n`);
    return 0;
  } catch (err) {
    if (err instanceof StoreError || err instanceof KeyError || err instanceof CipherError) {
      process.stderr.write(`medshield feedback: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    store?.close();
  }
}
