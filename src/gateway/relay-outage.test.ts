import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeRelay } from './testing/fake-relay.ts';
import { startTestGateway, testMail } from './testing/harness.ts';
import { sendMessage } from './testing/smtp-clients.ts';

const RETRY = { retry: { initialDelayMs: 40, maxDelayMs: 160 } };
const idOf = (raw: Buffer) => /X-Test-Id: (\S+)/.exec(raw.toString('latin1'))?.[1];

describe('relay delivery', () => {
  it('holds mail through a downstream outage, then delivers all of it in arrival order per recipient, bouncing nothing', async () => {
    const port = await FakeRelay.freePort();
    const relay = new FakeRelay(port);
    const t = await startTestGateway({ relay: { host: '127.0.0.1', port }, config: { gateway: RETRY } });
    try {
      const boxes = ['icu@stmarys-health.org', 'er@stmarys-health.org'];
      const sent: { id: string; to: string[] }[] = [];
      for (let i = 0; i < 24; i++) {
        // Later messages scan faster than earlier ones: order must still follow arrival.
        const to = i % 5 === 0 ? boxes : [boxes[i % 2]!];
        const id = `m${i}`;
        const r = await sendMessage(t.gw.ports.smtp, { from: 'lab@lakeside-lab.example', to, raw: testMail({ subject: `${id} SLOW=${(24 - i) * 3}`, headers: [`X-Test-Id: ${id}`] }) });
        assert.equal(r.code, 250, r.response);
        sent.push({ id, to });
      }
      // Relay down: attempts fail and back off.
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(relay.received.length, 0);
      const stats = t.gw.core.journal.stats();
      assert.ok(stats.retrying > 0, 'deliveries are being retried');

      await relay.start();
      for (let i = 0; i < 200 && t.gw.core.journal.stats().delivering > 0; i++) await new Promise((r) => setTimeout(r, 25));
      await t.drain();

      for (const box of boxes) {
        const expected = sent.filter((s) => s.to.includes(box)).map((s) => s.id);
        const got = relay.received.filter((m) => m.rcptTo.includes(box)).map((m) => idOf(m.raw));
        assert.deepEqual(got, expected, `arrival order kept for ${box}`);
      }
      assert.equal(relay.received.filter((m) => m.mailFrom === '').length, 0, 'no bounce was sent');
      const bounced = t.gw.core.journal.db.prepare("SELECT COUNT(*) FROM gateway_deliveries WHERE state = 'bounced'").pluck().get();
      assert.equal(bounced, 0);
      assert.match(relay.received[0]!.raw.toString(), /^Authentication-Results: medshield; spf=none/m);
    } finally {
      await t.stop();
      await relay.stop();
    }
  });

  it('bounces a recipient the relay refuses permanently with a DSN that carries headers but no body, and retries a 4xx', async () => {
    const port = await FakeRelay.freePort();
    let deferOnce = true;
    const relay = new FakeRelay(port, (rcpt) => {
      if (rcpt === 'gone@stmarys-health.org') return { code: 550, message: '5.1.1 No such user' };
      if (rcpt === 'busy@stmarys-health.org' && deferOnce) {
        deferOnce = false;
        return { code: 451, message: '4.3.0 Try later' };
      }
      return null;
    });
    await relay.start();
    const t = await startTestGateway({ relay: { host: '127.0.0.1', port }, config: { gateway: RETRY } });
    try {
      const raw = testMail({ subject: 'Referral', body: 'Patient John Roe, DOB 01/02/1960', headers: ['X-Test-Id: ref1'] });
      const r = await sendMessage(t.gw.ports.smtp, { from: 'referrals@lakesidecardio.example', to: ['gone@stmarys-health.org', 'busy@stmarys-health.org', 'ok@stmarys-health.org'], raw });
      assert.equal(r.code, 250);
      for (let i = 0; i < 200 && relay.received.length < 3; i++) await new Promise((r) => setTimeout(r, 25));
      await t.drain();
      const original = relay.received.filter((m) => m.mailFrom !== '' && idOf(m.raw) === 'ref1');
      assert.deepEqual(original.flatMap((m) => m.rcptTo).sort(), ['busy@stmarys-health.org', 'ok@stmarys-health.org']);
      const dsn = relay.received.find((m) => m.mailFrom === '');
      assert.ok(dsn, 'a DSN was sent');
      assert.deepEqual(dsn.rcptTo, ['referrals@lakesidecardio.example']);
      const text = dsn.raw.toString();
      assert.match(text, /Content-Type: multipart\/report; report-type=delivery-status/);
      assert.match(text, /Final-Recipient: rfc822; gone@stmarys-health\.org\r\nAction: failed\r\nStatus: 5\.1\.1/);
      assert.match(text, /Subject: Referral/);
      assert.doesNotMatch(text, /John Roe/, 'the body (PHI) is not returned');
      assert.doesNotMatch(text, /busy@stmarys-health\.org/, 'a deferred recipient is not bounced');
    } finally {
      await t.stop();
      await relay.stop();
    }
  });
});
