import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { daysSinceIssue, issueDay, LinkSigner } from './tokens.ts';

describe('signed link tokens', () => {
  const signer = new LinkSigner(randomBytes(32));

  it('round-trips the recipient, the kind and the link number', () => {
    const t = signer.sign({ kind: 'click', id: 123_456_789, extra: 3 });
    assert.match(t, /^[A-Za-z0-9_-]{30}$/);
    assert.deepEqual(signer.verify(t, 'click'), { kind: 'click', id: 123_456_789, extra: 3 });
  });

  it('refuses a token of another kind, another key, or altered in any character', () => {
    const t = signer.sign({ kind: 'click', id: 42, extra: 1 });
    assert.equal(signer.verify(t, 'open'), null, 'a click token is not a pixel token');
    assert.equal(signer.verify(t, 'learner'), null);
    assert.equal(new LinkSigner(randomBytes(32)).verify(t, 'click'), null, 'another installation’s key');
    for (let i = 0; i < t.length; i++) {
      const c = t[i] === 'A' ? 'B' : 'A';
      const altered = t.slice(0, i) + c + t.slice(i + 1);
      assert.equal(signer.verify(altered, 'click'), null, `altered at ${i}`);
    }
  });

  it('does not let one recipient’s link name another', () => {
    const mine = signer.sign({ kind: 'click', id: 7, extra: 1 });
    const raw = Buffer.from(mine, 'base64url');
    raw.writeUIntBE(8, 2, 6);
    assert.equal(signer.verify(raw.toString('base64url'), 'click'), null);
  });

  it('answers garbage with null, never an exception', () => {
    for (const bad of ['', 'x', 'a'.repeat(30), '!'.repeat(30), 'a'.repeat(31), '../../etc/passwd', null as unknown as string, 42 as unknown as string]) assert.equal(signer.verify(bad, 'click'), null);
  });

  it('keeps ids and extras in range and refuses a short key', () => {
    assert.throws(() => signer.sign({ kind: 'click', id: -1, extra: 0 }), RangeError);
    assert.throws(() => signer.sign({ kind: 'click', id: 1, extra: 70_000 }), RangeError);
    assert.throws(() => new LinkSigner(Buffer.alloc(16)));
  });

  it('counts days since a learner link was issued across the 16-bit wrap', () => {
    const now = Date.UTC(2026, 2, 1);
    assert.equal(daysSinceIssue(issueDay(now - 10 * 86_400_000), now), 10);
    assert.equal(daysSinceIssue(0xffff, 0x10000 * 86_400_000 + 86_400_000 * 2), 3);
  });
});
