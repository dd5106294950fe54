import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMemberIds } from './member-id.ts';

const found = (t: string) => findMemberIds(t).map((f) => t.slice(f.start, f.end));

describe('member ID detector', () => {
  it('finds labelled member, subscriber and policy numbers', () => {
    assert.deepEqual(found('Member ID: XYZ884512390'), ['XYZ884512390']);
    assert.deepEqual(found('insurance id # W2231-4490-01'), ['W2231-4490-01']);
    assert.deepEqual(found('Subscriber number 44129087, group 1200'), ['44129087']);
    assert.deepEqual(found('Medicaid ID 990012345A'), ['990012345A']);
  });

  it('ignores unlabelled numbers and labels followed by words', () => {
    for (const t of ['Your member ID is on the back of your card.', 'XYZ884512390', 'member number three', 'Policy number: PENDING', 'Please bring your insurance card.']) assert.deepEqual(found(t), [], t);
  });
});
