/**
 * Builds the web console into dist/console when it is missing or older than its sources.
 * `npm start` runs it first (prestart), so a fresh clone serves a console without a manual
 * step and a pulled change to console/ is never served stale; the browser tests call it too.
 * Concurrent callers (parallel test files) take a lock directory, so one builds and the
 * others wait for it.
 *
 *   node --import tsx scripts/console-build.ts [--force]
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '..');
export const CONSOLE_SRC = join(ROOT, 'console');
export const CONSOLE_DIST = join(ROOT, 'dist', 'console');
const LOCK = join(ROOT, 'dist', '.console-build.lock');
const STALE_LOCK_MS = 5 * 60_000;
const WAIT_LOCK_MS = 3 * 60_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether dist/console exists and is at least as new as every file under console/. */
export function consoleIsFresh(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return false;
  if (!existsSync(CONSOLE_SRC)) return true; // an installed package ships dist only
  return statSync(index).mtimeMs >= newestMtime(CONSOLE_SRC);
}

async function lock(): Promise<() => void> {
  mkdirSync(dirname(LOCK), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue; // released just now
      }
      if (age > STALE_LOCK_MS) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - start > WAIT_LOCK_MS) throw new Error(`another console build holds ${LOCK}; remove it if no build is running`);
      await sleep(250);
    }
  }
}

/** Builds the console unless it is fresh; answers whether it built. */
export async function ensureConsoleBuilt(opts: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!opts.force && consoleIsFresh()) return false;
  const release = await lock();
  try {
    if (!opts.force && consoleIsFresh()) return false;
    const { build } = await import('vite');
    if (!opts.quiet) process.stderr.write('medshield: building the web console (dist/console)…\n');
    await build({ configFile: join(CONSOLE_SRC, 'vite.config.ts'), logLevel: opts.quiet ? 'error' : 'warn', clearScreen: false });
    return true;
  } finally {
    release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureConsoleBuilt({ force: process.argv.includes('--force') }).then(
    (built) => {
      if (!built) process.stderr.write('medshield: the web console is up to date (dist/console)\n');
    },
    (err: Error) => {
      process.stderr.write(`medshield: building the web console failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
