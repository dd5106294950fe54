import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMail } from '../../test/helpers/mail.ts';
import { startTestGateway, testMail } from './testing/harness.ts';
import { sendMessage } from './testing/smtp-clients.ts';

describe('reject', () => {
  it('answers 550 with the reason when the real engine rejects within the session budget', async () => {
    const t = await startTestGateway({
      scanWorkerUrl: null,
      config: {
        gateway: { scanWorkers: 1 },
        policy: {
          rules: [
            { name: 'fail closed: not fully scanned', any: ['UNSCANNABLE', 'ANALYZER_FAILED'], action: 'quarantine' },
            { name: 'executable attachment refused', any: ['ATTACHMENT_EXECUTABLE'], action: 'reject' },
          ],
        },
      },
    });
    try {
      const raw = buildMail({
        from: 'Billing <billing@invoices-portal.example>',
        to: 'ap@stmarys-health.org',
        subject: 'Invoice 4471',
        text: 'Please see the attached invoice.',
        attachments: [{ filename: 'invoice.exe', contentType: 'application/octet-stream', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]) }],
      });
      const r = await sendMessage(t.gw.ports.smtp, { from: 'billing@invoices-portal.example', to: ['ap@stmarys-health.org'], raw });
      assert.equal(r.code, 550, r.response);
      assert.match(r.response, /^550 5\.7\.1 Message rejected as unsafe \(score [\d.]+: executable attachment refused\)$/);
      const clean = await sendMessage(t.gw.ports.smtp, {
        from: 'ward@stmarys-health.org',
        to: ['ap@stmarys-health.org'],
        raw: buildMail({ from: 'Ward 3 <ward3@stmarys-health.org>', to: 'ap@stmarys-health.org', subject: 'Rota', text: 'The rota for next week is attached to the intranet page.' }),
      });
      assert.equal(clean.code, 250);
      await t.drain();
      const box = t.maildir('ap@stmarys-health.org');
      assert.equal(box.length, 1, 'only the clean message was delivered');
      assert.match(box[0]!.toString(), /Subject: Rota/);
      assert.equal(t.quarantine.entries.size, 0, 'a rejected message is not kept: the sender was told');
    } finally {
      await t.stop();
    }
  });

  it('accepts and quarantines as reject-after-accept when the verdict comes after the session budget', async () => {
    const t = await startTestGateway({ config: { gateway: { sessionBudgetMs: 300 } } });
    try {
      const r = await sendMessage(t.gw.ports.smtp, { from: 'x@evil.example', to: ['late@stmarys-health.org'], raw: testMail({ subject: 'slow [reject] SLOW=900' }) });
      assert.equal(r.code, 250);
      assert.match(r.response, /verdict pending/);
      await t.drain();
      const [entry] = [...t.quarantine.entries.values()];
      assert.equal(entry?.reason, 'reject-after-accept');
      assert.equal(t.maildir('late@stmarys-health.org').length, 0);
    } finally {
      await t.stop();
    }
  });
});
