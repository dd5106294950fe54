import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestGateway, testMail } from './testing/harness.ts';
import { sendMessage } from './testing/smtp-clients.ts';

describe('scanner failure', () => {
  it('quarantines a message whose scan hangs or crashes as unscannable, and keeps serving everyone else', async () => {
    // The pool kills a worker silent for timeoutMs + 5 s; the session stops waiting after 1 s.
    const t = await startTestGateway({ config: { limits: { timeoutMs: 100 }, gateway: { sessionBudgetMs: 1000 } } });
    try {
      const to = ['radiology@stmarys-health.org'];
      const send = (subject: string) => sendMessage(t.gw.ports.smtp, { from: 'a@partner.example', to, raw: testMail({ subject }) });
      const [hang, crash, ...fine] = await Promise.all([send('HANG'), send('CRASH'), send('ok 1'), send('ok 2'), send('ok 3')]);
      // Accepted: the message is safe on disk whatever the scanner does.
      assert.equal(hang!.code, 250);
      assert.match(hang!.response, /verdict pending/);
      assert.equal(crash!.code, 250);
      for (const r of fine) assert.equal(r.code, 250);
      // While the hung scan is still pending, other mail goes through.
      const during = await send('ok during');
      assert.equal(during.code, 250);
      await t.drain();
      const q = [...t.quarantine.entries.values()];
      assert.deepEqual(q.map((e) => e.reason).sort(), ['unscannable', 'unscannable']);
      const evidence = q.map((e) => e.verdict.signals[0]!.evidence).sort();
      assert.match(evidence[0]!, /scan did not finish within 5100 ms/);
      assert.match(evidence[1]!, /crashed: simulated scanner crash/);
      const delivered = t.maildir(to[0]!).map((m) => /Subject: (.*)/.exec(m.toString())![1]);
      assert.deepEqual(delivered.sort(), ['ok 1', 'ok 2', 'ok 3', 'ok during']);
      // The replaced workers keep scanning.
      assert.equal((await send('ok after')).code, 250);
      await t.drain();
      assert.equal(t.maildir(to[0]!).length, 5);
    } finally {
      await t.stop();
    }
  });
});
