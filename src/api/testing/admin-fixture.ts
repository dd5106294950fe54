import assert from 'node:assert/strict';
import { ApiClient } from './api-client.ts';
import { startConsoleFixture, type ConsoleFixture } from './console-fixture.ts';

/**
 * A whole Medshield for API tests (scripted scanner, no mail, no console files) with the
 * admin signed in; the caller stops `f` when done.
 */
export async function startAdminFixture(): Promise<{ f: ConsoleFixture; admin: ApiClient }> {
  const f = await startConsoleFixture({ scanner: 'scripted', mail: 'none', consoleDir: null });
  const admin = new ApiClient(f.baseUrl);
  assert.equal((await admin.login('admin', f.users.admin.password)).status, 200);
  return { f, admin };
}
