import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../audit/audit-log.ts';
import { defaultConfig } from '../config/load.ts';
import { loadOrCreateKey, MessageCipher } from '../crypto/message-cipher.ts';
import { silentLogger } from '../gateway/log.ts';
import { validateStixBundle } from '../respond/export/stix-validate.ts';
import { RespondService } from '../respond/service.ts';
import { medstealerVariant } from '../respond/testing/medstealer.ts';
import { openDatabase } from '../store/database.ts';
import { campaignsCommand, incidentsCommand, purgeCommand } from './respond.ts';
import { main } from './main.ts';

async function run(f: (out: PassThrough, err: PassThrough) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const code = await f(out, err);
  return { code, out: o, err: e };
}

describe('medshield incidents / campaigns / purge', () => {
  let dir: string;
  const env = () => ({ MEDSHIELD_DATA_DIR: dir, USER: 'tester' }) as NodeJS.ProcessEnv;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medshield-cli-respond-'));
    const key = loadOrCreateKey(dir, {});
    const db = openDatabase(join(dir, 'medshield.db'));
    const svc = new RespondService({ db, cipher: new MessageCipher(key), key, config: () => defaultConfig(), audit: new AuditLog(db), logger: silentLogger });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const raw = medstealerVariant(n, `staff${n}@stmarys-health.org`);
      const features = (await svc.features(raw, { images: false }))!;
      const spoolId = `0mx1c0000-00000000000000${String(n).padStart(2, '0')}`;
      svc.log.record({ spoolId, receivedAt: new Date(), origin: 'inbound', action: 'deliver', outcome: 'delivering', quarantineId: null, score: 6, signals: [], rcptTo: [`staff${n}@stmarys-health.org`], recipients: 1, features });
      svc.log.settleDeliveries(spoolId, [{ recipient: `staff${n}@stmarys-health.org`, state: 'delivered', detail: 'lmtp' }]);
      ids.push(spoolId);
    }
    const c = svc.tracker.consider(ids[0]!, svc.log.sealed(ids[0]!)!.indicators, { seed: true, force: true });
    svc.incidents.linkMessages(svc.campaignIncident(c.campaignId!, 'test'), c.added);
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists, shows and works incidents', async () => {
    const list = await run((o, e) => incidentsCommand(['list'], env(), o, e));
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^1 incident\(s\)\n\s+1 .* open\s+high\s+campaign\s+-\s+Campaign #1: call \+18885550147/m);
    assert.equal((await run((o, e) => incidentsCommand(['status', '1', 'investigating'], env(), o, e))).code, 0);
    assert.equal((await run((o, e) => incidentsCommand(['note', '1', 'called', 'staff0'], env(), o, e))).code, 0);
    const show = await run((o, e) => incidentsCommand(['show', '1'], env(), o, e));
    assert.match(show.out, /investigating/);
    assert.match(show.out, /3 mailbox\(es\) reached \(3 still hold a copy\), 3000 records at risk, \$900000–\$1200000 to recover/);
    assert.match(show.out, /cli:tester: note added — called staff0/);
    const report = await run((o, e) => incidentsCommand(['report', '1'], env(), o, e));
    assert.match(report.out, /^# Incident 1: /);
    assert.match(report.out, /Your Appointment is Ready!/, 'the report names subjects (an audited read)');
    const missing = await run((o, e) => incidentsCommand(['show', '42'], env(), o, e));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no incident 42/);
  });

  it('shows and exports campaigns, and says why it cannot purge without IMAP', async () => {
    const show = await run((o, e) => campaignsCommand(['show', '1'], env(), o, e));
    assert.match(show.out, /3 message\(s\) from 3 sender\(s\) to 3 mailbox\(es\)/);
    assert.match(show.out, /\* callback number: \+18885550147/);
    const stix = await run((o, e) => campaignsCommand(['export', '1', '--format', 'stix'], env(), o, e));
    assert.deepEqual(validateStixBundle(JSON.parse(stix.out)), []);
    const misp = await run((o, e) => campaignsCommand(['export', '1', '--format', 'misp'], env(), o, e));
    assert.ok(JSON.parse(misp.out).Event.Attribute.length > 0);
    const purge = await run((o, e) => campaignsCommand(['purge', '1'], env(), o, e));
    assert.equal(purge.code, 1);
    assert.match(purge.err, /pull-back needs respond\.pullback\.imap/);
    const contain = await run((o, e) => campaignsCommand(['contain', '1'], env(), o, e));
    assert.match(contain.out, /campaign 1: contained; future matches are quarantined\nno pull-back: respond.pullback.imap is not configured/);
    assert.equal(await main(['campaigns', 'export', '1', '--format', 'yaml', '--data-dir', dir]), 2, 'a usage error exits 2');
    assert.equal(await purgeCommand([]), 2);
  });
});
