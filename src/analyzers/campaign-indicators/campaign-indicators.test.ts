import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze, ids } from '../../../test/helpers/analyze.ts';
import { MessageCipher } from '../../crypto/message-cipher.ts';
import { BlocklistReplica } from '../../respond/campaigns/blocklist-replica.ts';
import { CampaignStore } from '../../respond/campaigns/campaign-store.ts';
import { CampaignTracker } from '../../respond/campaigns/tracker.ts';
import { IndicatorDigester } from '../../respond/features/digests.ts';
import { extractFeatures } from '../../respond/features/extract.ts';
import { MessageLog } from '../../respond/messages/message-log.ts';
import { respondSchema } from '../../respond/settings.ts';
import { medstealerVariant, ordinaryMail } from '../../respond/testing/medstealer.ts';
import { parseMessage } from '../../parse/parse.ts';
import { openDatabase, type Db } from '../../store/database.ts';
import { campaignIndicators } from './index.ts';

describe('campaign-indicators analyzer', () => {
  let dir: string;
  let db: Db;
  let store: CampaignStore;
  let campaignId: number;
  let replica: BlocklistReplica | null = null;
  // Scan workers read the store file; with PostgreSQL they read the scanner's local replica.
  const config = () => {
    if (db.dialect !== 'postgres') return { store: join(dir, 'medshield.db') };
    replica ??= new BlocklistReplica(db, join(dir, 'blocklist-replica.db'));
    replica.refresh();
    return { store: replica.path };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medshield-ci-'));
    db = openDatabase(join(dir, 'medshield.db'));
    const log = new MessageLog(db, new MessageCipher(Buffer.alloc(32, 1)), new IndicatorDigester(Buffer.alloc(32, 2)));
    store = new CampaignStore(db);
    const tracker = new CampaignTracker(log, store, () => respondSchema.parse({}).campaigns);
    const wellKnown = new Set(['stmarys-health.org', 'lakesidecardio.com', 'zocdoc.com']);
    const spoolIds: string[] = [];
    for (let n = 0; n < 3; n++) {
      const features = await extractFeatures(await parseMessage(medstealerVariant(n, 'a@stmarys-health.org')), { wellKnownDomains: wellKnown });
      const spoolId = `0mx00000${n}-00000000000000a${n}`;
      log.record({ spoolId, receivedAt: new Date(), origin: 'inbound', action: 'deliver', outcome: 'delivering', quarantineId: null, score: 3, signals: [], rcptTo: ['a@stmarys-health.org'], recipients: 1, features });
      spoolIds.push(spoolId);
    }
    const c = tracker.consider(spoolIds[2]!, log.sealed(spoolIds[2]!)!.indicators, { seed: true, force: true });
    campaignId = c.campaignId!;
  });

  after(() => {
    replica?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does nothing while the campaign is only known, not contained', async () => {
    assert.deepEqual(ids(await analyze(campaignIndicators, medstealerVariant(11, 'b@stmarys-health.org'), { config: config() })), []);
  });

  it('flags new variants of a contained campaign, and nothing else', async () => {
    store.contain(campaignId, 'user:alice');
    for (const n of [9, 14, 17]) {
      const s = await analyze(campaignIndicators, medstealerVariant(n, 'b@stmarys-health.org'), { config: config() });
      assert.deepEqual(ids(s), ['CAMPAIGN_BLOCKED_INDICATOR'], `variant ${n}`);
      assert.match(s[0]!.evidence, /callback number \+18885550147/);
      assert.equal(s[0]!.score, 12);
    }
    for (let n = 0; n < 3; n++) assert.deepEqual(ids(await analyze(campaignIndicators, ordinaryMail(n, 'b@stmarys-health.org'), { config: config() })), [], `ordinary mail ${n}`);
    // Sharing only a sending domain is not enough (attackers' domains are reused by others only rarely, but one fact is not proof).
    const lookalike = Buffer.from('From: Desk <info@zocdoc-appointments.net>\r\nTo: b@stmarys-health.org\r\nSubject: Newsletter\r\nMessage-ID: <n1@x>\r\n\r\nOur monthly news about healthy living, seasonal recipes and the new opening hours of our offices.\r\n');
    assert.deepEqual(ids(await analyze(campaignIndicators, lookalike, { config: config() })), []);
  });

  it('stops flagging once the block is lifted, and scans without a store block nothing', async () => {
    store.setStatus(campaignId, 'active', { blocked: false });
    assert.deepEqual(ids(await analyze(campaignIndicators, medstealerVariant(9, 'b@stmarys-health.org'), { config: config() })), []);
    assert.deepEqual(ids(await analyze(campaignIndicators, medstealerVariant(9, 'b@stmarys-health.org'))), []);
    assert.deepEqual(ids(await analyze(campaignIndicators, medstealerVariant(9, 'b@stmarys-health.org'), { config: { store: join(dir, 'missing.db') } })), []);
  });
});
