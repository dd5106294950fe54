import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A message to scan: where it came from and how to read it. */
export interface InputMessage {
  file: string;
  read: () => Promise<Buffer>;
}

/**
 * Expands scan arguments: files as given, directories recursively (sorted, hidden
 * entries skipped), '-' for standard input. Missing paths are reported, not fatal.
 */
export async function* expandInputs(paths: string[], onError: (path: string, err: Error) => void): AsyncGenerator<InputMessage> {
  for (const p of paths) {
    if (p === '-') {
      yield { file: '-', read: readStdin };
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      onError(p, err as Error);
      continue;
    }
    if (st.isDirectory()) yield* walk(p, onError);
    else yield { file: p, read: () => readFile(p) };
  }
}

async function* walk(dir: string, onError: (path: string, err: Error) => void): AsyncGenerator<InputMessage> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    onError(dir, err as Error);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* walk(full, onError);
    else if (e.isFile() || (e.isSymbolicLink() && (await isFileBehindLink(full)))) yield { file: full, read: () => readFile(full) };
  }
}

/** Links to files are messages too (corpora split into folds by links); links to folders are not walked, so no loops. */
async function isFileBehindLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
