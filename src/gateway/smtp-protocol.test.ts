import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, testMail, type TestGateway } from './testing/harness.ts';
import { RawSmtp, sendMessage } from './testing/smtp-clients.ts';

describe('SMTP protocol edge cases', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway({ config: { gateway: { maxMessageBytes: 4000, maxRecipients: 3, acceptedRecipients: [] } } });
  });
  after(async () => {
    await t.stop();
  });

  async function session(): Promise<RawSmtp> {
    const { client, greeting } = await RawSmtp.open(t.gw.ports.smtp);
    assert.match(greeting, /^220 mx\.test\.local /);
    assert.match(await client.command('EHLO client.example'), /^250-/);
    return client;
  }

  it('announces SIZE, STARTTLS and PIPELINING, and no AUTH on the MX port', async () => {
    const { client } = await RawSmtp.open(t.gw.ports.smtp);
    const ehlo = await client.command('EHLO client.example');
    assert.match(ehlo, /^250[- ]SIZE 4000$/m);
    assert.match(ehlo, /^250[- ]STARTTLS$/m);
    assert.match(ehlo, /PIPELINING/);
    assert.doesNotMatch(ehlo, /AUTH/);
    assert.match(await client.command('AUTH PLAIN AGpvZQBzZWNyZXQ='), /^50[02] /);
    client.close();
  });

  it('answers commands out of sequence, bad syntax and unknown commands with 5xx and keeps the session', async () => {
    const c = await session();
    assert.match(await c.command('RCPT TO:<a@stmarys-health.org>'), /^503 /);
    assert.match(await c.command('DATA'), /^503 /);
    assert.match(await c.command('MAIL FROM:<not an address'), /^501 /);
    assert.match(await c.command('FROBNICATE'), /^500 /);
    assert.match(await c.command('MAIL FROM:<a@partner.example>'), /^250 /);
    assert.match(await c.command('DATA'), /^503 /);
    assert.match(await c.command('NOOP'), /^250 /);
    c.close();
  });

  it('refuses to relay for domains it does not serve (550 5.7.1) and limits recipients (452)', async () => {
    const c = await session();
    assert.match(await c.command('MAIL FROM:<a@partner.example>'), /^250 /);
    assert.equal(await c.command('RCPT TO:<victim@elsewhere.example>'), '550 5.7.1 Relaying denied: we do not accept mail for that domain');
    for (const n of [1, 2, 3]) assert.match(await c.command(`RCPT TO:<u${n}@stmarys-health.org>`), /^250 /);
    assert.match(await c.command('RCPT TO:<u4@stmarys-health.org>'), /^452 /);
    c.close();
  });

  it('refuses a declared SIZE over the limit at MAIL FROM and an oversize body at the end of DATA (552)', async () => {
    const c = await session();
    assert.match(await c.command('MAIL FROM:<a@partner.example> SIZE=999999'), /^552 /);
    assert.match(await c.command('MAIL FROM:<a@partner.example>'), /^250 /);
    assert.match(await c.command('RCPT TO:<big@stmarys-health.org>'), /^250 /);
    assert.match(await c.command('DATA'), /^354 /);
    c.write(`Subject: big\r\n\r\n${'x'.repeat(990)}\r\n`.repeat(6) + '.\r\n');
    assert.match(await c.reply(), /^552 5\.3\.4 Message exceeds the maximum size of 4000 bytes/);
    // The session goes on.
    assert.match(await c.command('RSET'), /^250 /);
    c.close();
    await t.drain();
    assert.equal(t.maildir('big@stmarys-health.org').length, 0);
  });

  it('refuses a message with a bare LF (SMTP smuggling) and never ends DATA on <LF>.<LF>', async () => {
    const c = await session();
    await c.command('MAIL FROM:<a@partner.example>');
    await c.command('RCPT TO:<smuggle@stmarys-health.org>');
    assert.match(await c.command('DATA'), /^354 /);
    // The smuggled "second message" hides behind a bare-LF terminator.
    c.write('Subject: first\r\n\r\nhello\n.\nMAIL FROM:<ceo@stmarys-health.org>\r\nRCPT TO:<smuggle@stmarys-health.org>\r\n.\r\n');
    assert.equal(await c.reply(), '550 5.5.2 Message contains a bare <LF>; lines must end with <CR><LF>');
    assert.match(await c.command('NOOP'), /^250 /, 'the smuggled commands were data, not commands');
    c.close();
    await t.drain();
    assert.equal(t.maildir('smuggle@stmarys-health.org').length, 0);
  });

  it('closes the connection on an overlong command line (421)', async () => {
    const c = await session();
    assert.match(await c.command(`MAIL FROM:<${'a'.repeat(5000)}@partner.example>`), /^421 /);
    assert.equal(await c.reply(), '');
    assert.ok(c.isClosed);
  });

  it('handles pipelined commands and dot-stuffing, and offers STARTTLS', async () => {
    const c = await session();
    c.write('MAIL FROM:<a@partner.example>\r\nRCPT TO:<pipe@stmarys-health.org>\r\nDATA\r\n');
    assert.match(await c.reply(), /^250 /);
    assert.match(await c.reply(), /^250 /);
    assert.match(await c.reply(), /^354 /);
    c.write('Subject: pipelined\r\n\r\n..leading dot\r\n.\r\n');
    assert.match(await c.reply(), /^250 2\.0\.0 Queued as /);
    assert.match(await c.command('QUIT'), /^221 /);
    await t.drain();
    const [m] = t.maildir('pipe@stmarys-health.org');
    assert.match(m!.toString(), /\r\n\r\n\.leading dot\r\n$/);
    const tls = await sendMessage(t.gw.ports.smtp, { from: 'a@partner.example', to: ['tls@stmarys-health.org'], raw: testMail({ subject: 'over tls' }) }, { tls: true });
    assert.equal(tls.code, 250, tls.response);
    await t.drain();
    assert.match(t.maildir('tls@stmarys-health.org')[0]!.toString(), /with ESMTPS id/);
  });
});

describe('SMTP admission limits', () => {
  it('limits connections and messages per client address, and accepts only listed recipients when configured', async () => {
    const t = await startTestGateway({
      config: { gateway: { limits: { maxConnectionsPerIp: 2, messagesPerMinutePerIp: 3 }, acceptedRecipients: ['known@stmarys-health.org'] } },
    });
    try {
      const a = await RawSmtp.open(t.gw.ports.smtp);
      const b = await RawSmtp.open(t.gw.ports.smtp);
      const third = await RawSmtp.open(t.gw.ports.smtp);
      assert.match(third.greeting, /^421 4\.7\.0 Too many connections from your address/);
      b.client.close();
      await new Promise((r) => setTimeout(r, 50));
      const again = await RawSmtp.open(t.gw.ports.smtp);
      assert.match(again.greeting, /^220 /, 'a freed slot can be used again');

      const c = a.client;
      await c.command('EHLO client.example');
      assert.match(await c.command('MAIL FROM:<a@partner.example>'), /^250 /);
      assert.equal(await c.command('RCPT TO:<stranger@stmarys-health.org>'), '550 5.1.1 No such recipient here');
      assert.match(await c.command('RCPT TO:<Known@stmarys-health.org>'), /^250 /);
      for (let i = 0; i < 2; i++) {
        assert.match(await c.command('RSET'), /^250 /);
        assert.match(await c.command('MAIL FROM:<a@partner.example>'), /^250 /);
      }
      assert.match(await c.command('RSET'), /^250 /);
      assert.equal(await c.command('MAIL FROM:<a@partner.example>'), '451 4.7.1 Too many messages from your address, slow down');
      c.close();
      again.client.close();
    } finally {
      await t.stop();
    }
  });
});
