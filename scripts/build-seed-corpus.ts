import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeSeedMessage, readSeedCorpus } from '../src/classifier/seed-corpus.ts';

/**
 * Validates corpus/seed and, with --out DIR, writes it as DIR/seed/<label>/<id>.eml for
 * `medshield train`. `--check` only validates and prints counts per label/category/lang.
 *
 *   node --import tsx scripts/build-seed-corpus.ts --check
 *   node --import tsx scripts/build-seed-corpus.ts --out /tmp/seed-eml
 */
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? resolve(args[outIdx + 1] ?? '') : null;
const seedDir = resolve(new URL('../corpus/seed', import.meta.url).pathname);
const { messages, errors } = readSeedCorpus(seedDir);
for (const e of errors) process.stderr.write(`${e.file}:${e.line}: ${e.message}\n`);
const counts: Record<string, number> = {};
for (const m of messages) {
  for (const k of [m.label, `${m.label}/${m.category}`, `${m.label}/lang:${m.lang}`]) counts[k] = (counts[k] ?? 0) + 1;
}
for (const [k, n] of Object.entries(counts).sort()) process.stdout.write(`${k.padEnd(40)} ${n}\n`);
if (errors.length) {
  process.stderr.write(`${errors.length} invalid line(s)\n`);
  process.exit(1);
}
if (out) {
  rmSync(join(out, 'seed'), { recursive: true, force: true });
  for (const m of messages) {
    const dir = join(out, 'seed', m.label);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${m.id}.eml`), await composeSeedMessage(m));
  }
  process.stdout.write(`wrote ${messages.length} messages to ${join(out, 'seed')}\n`);
}
