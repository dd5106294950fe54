import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, validateConfig } from '../config/load.ts';
import { parseHostPort, resolveRuntimeSettings } from './runtime-settings.ts';

const config = validateConfig({ org: { domains: ['stmarys-health.org'] } });
const BIN = new URL('../../bin/medshield.mjs', import.meta.url).pathname;

describe('runtime settings', () => {
  it('takes ports, data dir and relay from the environment over the file, with defaults', () => {
    const d = resolveRuntimeSettings(config, {}, '/srv');
    assert.deepEqual(d, { dataDir: '/srv/data', smtpPort: 2525, submissionPort: 2587, httpPort: 8080, relay: null });
    const e = resolveRuntimeSettings(
      config,
      { MEDSHIELD_DATA_DIR: '/var/lib/medshield', MEDSHIELD_SMTP_PORT: '25', MEDSHIELD_SUBMISSION_PORT: '587', MEDSHIELD_HTTP_PORT: '9000', MEDSHIELD_RELAY: 'exchange.stmarys-health.org:2525' },
      '/srv',
    );
    assert.deepEqual(e, { dataDir: '/var/lib/medshield', smtpPort: 25, submissionPort: 587, httpPort: 9000, relay: { host: 'exchange.stmarys-health.org', port: 2525 } });
    assert.deepEqual(parseHostPort('[2001:db8::1]:25', 'x'), { host: '2001:db8::1', port: 25 });
    assert.deepEqual(parseHostPort('postfix.internal', 'x'), { host: 'postfix.internal', port: 25 });
  });

  it('names the bad setting', () => {
    assert.throws(() => resolveRuntimeSettings(config, { MEDSHIELD_SMTP_PORT: 'smtp' }), /^SettingError: MEDSHIELD_SMTP_PORT: 'smtp' is not a port number/);
    assert.throws(() => resolveRuntimeSettings(config, { MEDSHIELD_RELAY: 'mail.example.org:99999' }), /MEDSHIELD_RELAY: '99999' is not a port number/);
    assert.throws(() => resolveRuntimeSettings(config, { MEDSHIELD_RELAY: 'a:b:c' }), /MEDSHIELD_RELAY: 'a:b:c' is not host:port/);
    assert.throws(() => resolveRuntimeSettings(config, { MEDSHIELD_HTTP_PORT: '2525' }), /MEDSHIELD_HTTP_PORT: port 2525 is already used for MEDSHIELD_SMTP_PORT/);
    assert.throws(() => validateConfig({ gateway: { sessionBudgetMs: -1 } }), (e: Error) => e instanceof ConfigError && /gateway\.sessionBudgetMs/.test(e.message));
    assert.throws(
      () => validateConfig({ gateway: { submission: { users: [{ username: 'a@b.org', passwordHash: 'hunter2' }] } } }),
      /gateway\.submission\.users\.0\.passwordHash: must be an scrypt hash/,
    );
  });

  it('medshield serve refuses to start on a bad setting, exit status 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve'], { env: { ...process.env, MEDSHIELD_SMTP_PORT: '70000' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /medshield serve: MEDSHIELD_SMTP_PORT: '70000' is not a port number/);
  });
});
