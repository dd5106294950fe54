import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../gateway/log.ts';
import type { UserStore } from '../users/user-store.ts';

export function initialPasswordFile(dataDir: string): string {
  return join(dataDir, 'console', 'initial-admin-password');
}

/**
 * A fresh installation has no accounts, so nobody could sign in to create one. The first
 * start creates `admin` with a one-time password written to a file only the service user can
 * read (never to the log, which may be shipped elsewhere); the console makes the admin
 * change it at first sign-in, and the file is deleted then. `medshield users add` is the
 * other way in.
 */
export async function ensureFirstAdmin(users: UserStore, dataDir: string, logger: Logger): Promise<void> {
  if (users.count() > 0) return;
  const { password } = await users.add('admin', 'admin', 'system:first-start');
  const file = initialPasswordFile(dataDir);
  mkdirSync(join(dataDir, 'console'), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  logger.warn('first start: created console user "admin"; its one-time password is in the file named here (readable by this service user only); change it at first sign-in', { file });
}

export function hasInitialPasswordFile(dataDir: string): boolean {
  return existsSync(initialPasswordFile(dataDir));
}
