import { readFileSync } from 'node:fs';
import { RespondError } from './errors.ts';
import type { SecretSetting } from './settings.ts';

/** A configured secret: its value, or the file's content without the trailing newline. Read at use, so a rotated file takes effect. */
export function readSecret(s: SecretSetting, what: string): string {
  if (s.value) return s.value;
  try {
    const v = readFileSync(s.file!, 'utf8').replace(/\r?\n$/, '');
    if (!v) throw new Error('the file is empty');
    return v;
  } catch (err) {
    throw new RespondError('unavailable', `${what}: cannot read the secret file ${s.file}: ${(err as Error).message}`);
  }
}
