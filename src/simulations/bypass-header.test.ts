import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { BYPASS_HEADER, bypassHeaderFor, checkBypassHeader } from './bypass-header.ts';

const secret = randomBytes(32);
const NOW = Date.UTC(2026, 4, 5, 14, 0);
const message = (body = 'Hello, your appointment is ready.\r\n', id = '<a1b2@sim.stmarys-health.org>') =>
  Buffer.from(`From: Zocdoc <appointments@sim.stmarys-health.org>\r\nTo: nurse@stmarys-health.org\r\nSubject: Your Appointment is Ready!\r\nMessage-ID: ${id}\r\n\r\n${body}`);
const signed = (raw: Buffer, rcpt = ['nurse@stmarys-health.org'], now = NOW) => Buffer.concat([Buffer.from(`${bypassHeaderFor(secret, { raw, targetId: 12, rcptTo: rcpt, now })}\r\n`), raw]);
const check = (raw: Buffer, o: Partial<{ rcpt: string[]; now: number; key: Buffer }> = {}) => checkBypassHeader(o.key ?? secret, { raw, rcptTo: o.rcpt ?? ['nurse@stmarys-health.org'], now: o.now ?? NOW + 5000, maxAgeSeconds: 3600 });

describe('simulation bypass header', () => {
  it('accepts the genuine header, also after the gateway put a Received line on top', () => {
    const raw = signed(message());
    const r = check(raw);
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.targetId, 12);
    const received = Buffer.concat([Buffer.from('Received: from localhost by mx.test with ESMTPSA id 1;\r\n\tTue, 5 May 2026 14:00:00 +0000\r\n'), raw]);
    assert.equal(check(received).ok, true);
    assert.equal(check(raw, { rcpt: ['NURSE@stmarys-health.org'] }).ok, true, 'recipient case does not matter');
    assert.equal(check(Buffer.concat([raw, Buffer.from('\r\n')])).ok, true, 'a line end an SMTP client adds at the end does not matter');
    const lf = signed(message('line one\nline two\n'));
    assert.equal(check(Buffer.from(lf.toString('latin1').replace(/line one\n/, 'line one\r\n'), 'latin1')).ok, true, 'bare LFs turned into CRLF on the way do not matter');
  });

  it('refuses a forged header: made up, or signed with another key', () => {
    const forged = Buffer.concat([Buffer.from(`${BYPASS_HEADER}: v=1; t=12; ts=${NOW / 1000}; n=AAAAAAAAAAAAAAAAAAAAAA; s=${Buffer.alloc(32, 1).toString('base64url')}\r\n`), message()]);
    assert.deepEqual(check(forged), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check(signed(message()), { key: randomBytes(32) }), { ok: false, reason: 'bad-signature' });
  });

  it('is bound to the body, the Message-ID, the target and the recipients', () => {
    const raw = signed(message());
    const header = raw.subarray(0, raw.indexOf('\r\n') + 2);
    assert.deepEqual(check(Buffer.concat([header, message('Click here: http://evil.example/\r\n')])), { ok: false, reason: 'bad-signature' }, 'another body');
    assert.deepEqual(check(Buffer.concat([header, message(undefined, '<other@x>')])), { ok: false, reason: 'bad-signature' }, 'another Message-ID');
    assert.deepEqual(check(raw, { rcpt: ['ceo@stmarys-health.org'] }), { ok: false, reason: 'bad-signature' }, 'another recipient');
    assert.deepEqual(check(raw, { rcpt: ['nurse@stmarys-health.org', 'ceo@stmarys-health.org'] }), { ok: false, reason: 'bad-signature' }, 'an added recipient');
    const retargeted = Buffer.from(raw.toString('latin1').replace('t=12;', 't=13;'), 'latin1');
    assert.deepEqual(check(retargeted), { ok: false, reason: 'bad-signature' });
  });

  it('expires, and refuses headers dated in the future', () => {
    assert.deepEqual(check(signed(message()), { now: NOW + 3601_000 }), { ok: false, reason: 'expired' });
    assert.deepEqual(check(signed(message(), undefined, NOW + 3600_000)), { ok: false, reason: 'from-the-future' });
  });

  it('refuses two headers, malformed ones, and reports absence', () => {
    const raw = signed(message());
    const header = raw.subarray(0, raw.indexOf('\r\n') + 2);
    assert.deepEqual(check(Buffer.concat([header, raw])), { ok: false, reason: 'malformed' });
    assert.deepEqual(check(Buffer.concat([Buffer.from(`${BYPASS_HEADER}: yes please\r\n`), message()])), { ok: false, reason: 'malformed' });
    assert.deepEqual(check(message()), { ok: false, reason: 'absent' });
    assert.throws(() => bypassHeaderFor(secret, { raw: Buffer.from('Subject: x\r\n\r\nbody'), targetId: 1, rcptTo: ['a@b.c'], now: NOW }), /Message-ID/);
  });
});
