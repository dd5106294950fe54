import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, testMail, type TestGateway } from './testing/harness.ts';
import { sendMessage } from './testing/smtp-clients.ts';

describe('gateway pipeline (scripted scanner, Maildir delivery)', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
  });
  after(async () => {
    await t.stop();
  });

  it('delivers clean mail to the recipient Maildir with verdict headers and a Received trace', async () => {
    const r = await sendMessage(t.gw.ports.smtp, { from: 'results@lakeside-lab.example', to: ['Nurse.Kim@stmarys-health.org'], raw: testMail({ subject: 'Lab results ready' }) });
    assert.equal(r.code, 250, r.response);
    await t.drain();
    const box = t.maildir('nurse.kim@stmarys-health.org');
    assert.equal(box.length, 1);
    const text = box[0]!.toString();
    assert.match(text, /^Return-Path: <results@lakeside-lab\.example>\r\nDelivered-To: nurse\.kim@stmarys-health\.org\r\n/);
    assert.match(text, /\r\nX-Medshield-Verdict: deliver\r\n/);
    assert.match(text, /\r\nReceived: from [^\r\n]*\r\n\tby mx\.test\.local \(Medshield\) with ESMTP id /);
    assert.match(text, /Subject: Lab results ready/);
    assert.equal(t.profiles.inbound.at(-1)?.from, 'results@lakeside-lab.example');
  });

  it('removes X-Medshield-* headers a sender wrote itself', async () => {
    const raw = testMail({ subject: 'spoof attempt', headers: ['X-Medshield-Verdict: deliver', 'X-Medshield-Score: -100'] });
    const r = await sendMessage(t.gw.ports.smtp, { from: 'a@example.net', to: ['spoof@stmarys-health.org'], raw });
    assert.equal(r.code, 250);
    await t.drain();
    const text = t.maildir('spoof@stmarys-health.org')[0]!.toString();
    assert.equal(text.match(/^X-Medshield-Score:/gm)?.length, 1);
    assert.doesNotMatch(text, /-100/);
  });

  it('quarantines and holds instead of delivering, and passes the sender profile to the scanner', async () => {
    const q = await sendMessage(t.gw.ports.smtp, { from: 'x@evil.example', to: ['q@stmarys-health.org'], raw: testMail({ subject: 'Refund [quarantine]', from: 'x@evil.example' }) });
    const h = await sendMessage(t.gw.ports.smtp, { from: 'x@evil.example', to: ['q@stmarys-health.org'], raw: testMail({ subject: 'Your SSN please [hold]', from: 'x@evil.example' }) });
    assert.equal(q.code, 250);
    assert.equal(h.code, 250);
    await t.drain();
    assert.equal(t.maildir('q@stmarys-health.org').length, 0);
    const entries = [...t.quarantine.entries.values()];
    const reasons = entries.filter((e) => e.envelope.rcptTo?.includes('q@stmarys-health.org')).map((e) => e.reason);
    assert.deepEqual(reasons.sort(), ['hold', 'quarantine']);
    const second = entries.find((e) => e.reason === 'hold')!;
    // The second message from the same sender was scanned with what the store knew from the first.
    assert.equal((second.verdict as unknown as { profileSeen: { messagesFromAddress: number } }).profileSeen.messagesFromAddress, 1);
    assert.equal((second.verdict as unknown as { envelopeSeen: { clientIp: string } }).envelopeSeen.clientIp, '127.0.0.1');
  });

  it('answers 550 with the reason when the verdict is reject within the session budget', async () => {
    const r = await sendMessage(t.gw.ports.smtp, { from: 'x@evil.example', to: ['r@stmarys-health.org'], raw: testMail({ subject: 'Invoice [reject]' }) });
    assert.equal(r.code, 550);
    assert.match(r.response, /5\.7\.1 Message rejected as unsafe \(score 30: ATTACHMENT_EXECUTABLE\)/);
    await t.drain();
    assert.equal(t.maildir('r@stmarys-health.org').length, 0);
    assert.equal([...t.quarantine.entries.values()].filter((e) => e.envelope.rcptTo?.includes('r@stmarys-health.org')).length, 0);
    assert.deepEqual(t.gw.core.sweepOrphans(0), 0, 'the rejected message left no spool file');
  });
});
