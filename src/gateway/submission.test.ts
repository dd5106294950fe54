import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';
import { startTestGateway, testMail } from './testing/harness.ts';
import { RawSmtp, sendMessage } from './testing/smtp-clients.ts';

describe('submission listener', () => {
  it('takes outbound mail from authenticated staff over STARTTLS only, and learns solicited correspondents', async () => {
    const passwordHash = await hashPassword('correct horse battery staple');
    assert.ok(await verifyPassword('correct horse battery staple', passwordHash));
    assert.ok(!(await verifyPassword('wrong', passwordHash)));
    const t = await startTestGateway({ config: { gateway: { submission: { users: [{ username: 'dr.reyes@stmarys-health.org', passwordHash }] } } } });
    try {
      const port = t.gw.ports.submission!;
      // In clear text a password is never taken, and nothing is accepted without one.
      const { client } = await RawSmtp.open(port);
      assert.match(await client.command('EHLO laptop.stmarys-health.org'), /STARTTLS/);
      assert.match(await client.command(`AUTH PLAIN ${Buffer.from('\0dr.reyes@stmarys-health.org\0correct horse battery staple').toString('base64')}`), /^538 /);
      assert.match(await client.command('MAIL FROM:<dr.reyes@stmarys-health.org>'), /^530 /);
      client.close();

      const auth = { user: 'dr.reyes@stmarys-health.org', pass: 'correct horse battery staple' };
      const bad = await sendMessage(port, { from: 'dr.reyes@stmarys-health.org', to: ['x@lakesidecardio.example'], raw: testMail({ subject: 'x' }) }, { auth: { ...auth, pass: 'nope' } });
      assert.equal(bad.code, 535);
      const forged = await sendMessage(port, { from: 'ceo@stmarys-health.org', to: ['x@lakesidecardio.example'], raw: testMail({ subject: 'x' }) }, { auth });
      assert.equal(forged.code, 553);

      const out = await sendMessage(
        port,
        { from: 'dr.reyes@stmarys-health.org', to: ['Referrals@LakesideCardio.example'], raw: testMail({ subject: 'Referral for Mr Roe', from: 'Dr Reyes <dr.reyes@stmarys-health.org>', headers: ['X-Medshield-Verdict: deliver'] }) },
        { auth },
      );
      assert.equal(out.code, 250, out.response);
      await t.drain();
      assert.deepEqual(t.profiles.outbound, ['referrals@lakesidecardio.example']);
      const [sent] = t.maildir('referrals@lakesidecardio.example');
      assert.match(sent!.toString(), /with ESMTPSA id/);
      assert.doesNotMatch(sent!.toString(), /X-Medshield/, 'no internal scoring on outbound mail');

      // The reply from that correspondent is scanned as solicited.
      const reply = await sendMessage(t.gw.ports.smtp, {
        from: 'referrals@lakesidecardio.example',
        to: ['dr.reyes@stmarys-health.org'],
        raw: testMail({ subject: 'Re: Referral [quarantine]', from: 'Referrals <referrals@lakesidecardio.example>' }),
      });
      assert.equal(reply.code, 250);
      await t.drain();
      const [entry] = [...t.quarantine.entries.values()];
      assert.equal((entry!.verdict as unknown as { profileSeen: { solicited: boolean } }).profileSeen.solicited, true);
    } finally {
      await t.stop();
    }
  });
});
