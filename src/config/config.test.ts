import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, defaultConfig, loadConfigFile, validateConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'medshield-config-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail('expected a ConfigError');
};

describe('configuration', () => {
  it('has complete defaults', () => {
    const c = defaultConfig();
    assert.equal(c.policy.thresholds.tag, 5);
    assert.ok(c.policy.rules.length > 0);
    assert.deepEqual(c.org.domains, []);
  });

  it('loads YAML and JSON, normalizing domains', () => {
    const y = loadConfigFile(write('a.yaml', 'org:\n  name: St Mary\n  domains: [StMarys-Health.org.]\npolicy:\n  thresholds: {tag: 4, quarantine: 8, reject: 20}\n'));
    assert.deepEqual(y.org.domains, ['stmarys-health.org']);
    assert.equal(y.policy.thresholds.quarantine, 8);
    const j = loadConfigFile(write('a.json', JSON.stringify({ org: { partners: [{ name: 'Lakeside', domains: ['lakeside.example'] }] } })));
    assert.equal(j.org.partners[0].name, 'Lakeside');
  });

  it('names the bad key in errors', () => {
    assert.match(message(() => validateConfig({ org: { domainz: [] } })), /org: .*domainz/);
    assert.match(message(() => validateConfig({ org: { domains: ['not a domain'] } })), /org\.domains\.0: not a domain name/);
    assert.match(message(() => validateConfig({ policy: { thresholds: { tag: 'high' } } })), /policy\.thresholds\.tag/);
    assert.match(message(() => validateConfig({ policy: { weights: { NO_SUCH_SIGNAL: 3 } } })), /policy\.weights\.NO_SUCH_SIGNAL: unknown signal/);
    assert.match(message(() => validateConfig({ analyzers: { 'no-such-analyzer': {} } })), /analyzers\.no-such-analyzer: unknown analyzer/);
  });

  it('reports unreadable and unparseable files clearly', () => {
    assert.match(message(() => loadConfigFile(join(dir, 'missing.yaml'))), /cannot read config/);
    assert.match(message(() => loadConfigFile(write('bad.json', '{"org": '))), /not valid JSON/);
    assert.match(message(() => loadConfigFile(write('bad.yaml', 'org: [unclosed'))), /not valid YAML/);
  });
});
