import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every .eml under `dir`, in a stable order (hidden entries skipped). */
export function listMail(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listMail(p));
    else if (e.isFile() && e.name.endsWith('.eml')) out.push(p);
  }
  return out;
}

/**
 * Up to `count` messages spread evenly across the corpora (all their sources), or the demo
 * mail when the corpora are not on this machine. Benchmarks only: tests never read corpora.
 */
export function sampleMail(corpora: string, count: number): { source: string; files: string[] } {
  let source = corpora;
  let files: string[] = [];
  try {
    statSync(source);
    files = listMail(source);
  } catch {
    /* no shared corpora on this machine */
  }
  if (files.length === 0) {
    source = resolve(import.meta.dirname, '../../demo/mail');
    files = listMail(source);
  }
  const step = Math.max(1, Math.floor(files.length / count));
  return { source, files: files.filter((_, i) => i % step === 0).slice(0, count) };
}

export function readMail(files: string[]): Buffer[] {
  return files.map((f) => readFileSync(f));
}
