import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { AuditLog } from '../../audit/audit-log.ts';
import { MessageCipher } from '../../crypto/message-cipher.ts';
import { silentLogger } from '../../gateway/log.ts';
import { openDatabase, type Db } from '../../store/database.ts';
import { IndicatorDigester } from '../features/digests.ts';
import { MessageLog } from '../messages/message-log.ts';
import { respondSchema } from '../settings.ts';
import { dovecotImapServer, startDovecot, type RunningDovecot } from '../testing/dovecot.ts';
import { withMailbox } from './imap-admin.ts';
import { PullbackRunner } from './pullback.ts';

const KEY = Buffer.alloc(32, 3);

function message(spoolId: string, subject: string, to: string): string {
  return [
    `Received: from relay.example ([203.0.113.9])\r\n\tby mx.stmarys-health.org (Medshield) with ESMTP id ${spoolId}\r\n\tfor <${to}>; Tue, 03 Nov 2026 10:00:00 +0000`,
    'From: Billing <billing@claims-desk.example>',
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${spoolId}@claims-desk.example>`,
    'Date: Tue, 03 Nov 2026 10:00:00 +0000',
    '',
    'Please call us.',
    '',
  ].join('\r\n');
}

describe('pull-back over IMAP (real Dovecot, master user)', () => {
  let dovecot: RunningDovecot;
  let db: Db;
  let log: MessageLog;
  const users = ['ana@stmarys-health.org', 'ben@stmarys-health.org', 'cy@stmarys-health.org'];
  /** A mailbox reached through Dovecot's master user, as the pull-back reaches it. */
  const admin = (owner: string) => ({ server: dovecotImapServer(dovecot), login: () => `${owner}*${dovecot.masterUser}`, password: dovecot.masterPassword });
  /** The message log's record of a message accepted for delivery to `to`. */
  const logDelivering = (spoolId: string, to: string[], features: Parameters<MessageLog['record']>[0]['features']) =>
    log.record({
      spoolId,
      receivedAt: new Date(),
      origin: 'inbound',
      action: 'deliver',
      outcome: 'delivering',
      quarantineId: null,
      score: 1,
      signals: [],
      rcptTo: to,
      recipients: to.length,
      features,
    });

  before(async () => {
    dovecot = await startDovecot({ users });
    db = openDatabase(':memory:');
    log = new MessageLog(db, new MessageCipher(KEY), new IndicatorDigester(Buffer.alloc(32, 1)));
    const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: dovecot.lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
    const deliver = async (spoolId: string, to: string[], subject: string) => {
      for (const r of to) await lmtp.sendMail({ envelope: { from: 'billing@claims-desk.example', to: [r] }, raw: message(spoolId, subject, r) });
      logDelivering(spoolId, to, { indicators: [], minhash: null, messageId: `${spoolId}@claims-desk.example`, subject, fromName: 'Billing', fromAddress: 'billing@claims-desk.example' });
      log.settleDeliveries(spoolId, to.map((r) => ({ recipient: r, state: 'delivered' as const, detail: 'lmtp' })));
    };
    await deliver('00000000a-00000000000000a1', users, 'Invoice overdue');
    await deliver('00000000a-00000000000000a2', ['ana@stmarys-health.org', 'ben@stmarys-health.org'], 'Second notice');
    await deliver('00000000a-00000000000000b1', ['ana@stmarys-health.org'], 'Team lunch on Friday');
    lmtp.close();
    // Ben filed the second notice in a folder of his own; Cy already deleted the first.
    await withMailbox(admin('ben@stmarys-health.org'), 'ben@stmarys-health.org', async (s) => {
      const found = await s.locate({ spoolId: '00000000a-00000000000000a2', messageId: '', from: '' }, ['INBOX']);
      assert.equal(found.length, 1);
      assert.equal(await s.remove(found, 'move', 'Billing'), 1);
    });
    await withMailbox(admin('cy@stmarys-health.org'), 'cy@stmarys-health.org', async (s) => {
      await s.remove(await s.locate({ spoolId: '00000000a-00000000000000a1', messageId: '', from: '' }, ['INBOX']), 'delete', '');
    });
  });

  after(async () => {
    db?.close();
    await dovecot?.stop();
  });

  const settings = (action: 'move' | 'delete') =>
    respondSchema.parse({
      pullback: {
        imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, startTls: false, verifyCertificate: false, masterUser: dovecot.masterUser, masterPassword: { value: dovecot.masterPassword } },
        action,
      },
    }).pullback;

  it('removes every delivered copy, in any folder, and reports per mailbox what was removed or not found', async () => {
    const audit = new AuditLog(db);
    const runner = new PullbackRunner({ db, log, audit, logger: silentLogger, settings: () => settings('move') });
    const { id, done } = runner.start({ spoolIds: ['00000000a-00000000000000a1', '00000000a-00000000000000a2'], actor: 'user:alice' });
    const summary = await done;
    assert.equal(summary.pullback.state, 'done', summary.pullback.error ?? '');
    const byKey = new Map(summary.results.map((r) => [`${r.mailbox} ${r.spoolId}`, r]));
    assert.equal(byKey.get('ana@stmarys-health.org 00000000a-00000000000000a1')?.outcome, 'removed');
    assert.equal(byKey.get('ana@stmarys-health.org 00000000a-00000000000000a2')?.outcome, 'removed');
    assert.equal(byKey.get('ben@stmarys-health.org 00000000a-00000000000000a1')?.outcome, 'removed');
    const filed = byKey.get('ben@stmarys-health.org 00000000a-00000000000000a2')!;
    assert.equal(filed.outcome, 'removed');
    assert.deepEqual(filed.folders, ['Billing'], 'found where the user had filed it');
    assert.equal(byKey.get('cy@stmarys-health.org 00000000a-00000000000000a1')?.outcome, 'not-found');
    assert.equal(summary.removed, 4);
    assert.equal(summary.notFound, 1);
    assert.equal(summary.errors, 0);

    // What each mailbox holds now, read over IMAP as its owner would see it.
    const ana = await withMailbox(admin('ana@stmarys-health.org'), 'ana@stmarys-health.org', (s) => s.inventory());
    const anaFolders = Object.fromEntries(ana.map((f) => [f.folder, f.messages.map((m) => m.messageId).sort()]));
    assert.deepEqual(anaFolders.INBOX, ['00000000a-00000000000000b1@claims-desk.example'], 'the unrelated message stays');
    assert.deepEqual(anaFolders['Medshield Quarantine'], ['00000000a-00000000000000a1@claims-desk.example', '00000000a-00000000000000a2@claims-desk.example']);
    assert.equal(log.deliveries(['00000000a-00000000000000a1']).find((d) => d.recipient === 'cy@stmarys-health.org')?.state, 'not-found');
    assert.ok(audit.list({ target: `pullback:${id}` }).some((e) => e.action === 'respond.pullback.finish'));

    // A second purge finds nothing left to do: removed copies are not looked for again.
    const again = await runner.start({ spoolIds: ['00000000a-00000000000000a1'], actor: 'user:alice' }).done;
    assert.equal(again.results.length, 0);
  });

  it('deletes when so configured, and reports a mailbox it cannot open as an error for each message', async () => {
    const runner = new PullbackRunner({ db, log, audit: new AuditLog(db), logger: silentLogger, settings: () => settings('delete') });
    logDelivering('00000000a-00000000000000c1', ['ghost@stmarys-health.org', 'ana@stmarys-health.org'], { indicators: [], minhash: null, messageId: 'c1@x', subject: 's', fromName: '', fromAddress: 'a@b.example' });
    const s = await runner.start({ spoolIds: ['00000000a-00000000000000c1'], actor: 'user:alice', action: 'delete' }).done;
    const ghost = s.results.find((r) => r.mailbox === 'ghost@stmarys-health.org')!;
    assert.equal(ghost.outcome, 'error');
    assert.match(ghost.detail ?? '', /cannot open the mailbox/);
    assert.equal(s.results.find((r) => r.mailbox === 'ana@stmarys-health.org')?.outcome, 'not-found');
  });
});
