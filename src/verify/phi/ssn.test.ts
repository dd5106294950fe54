import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSsns, validSsn } from './ssn.ts';

const found = (t: string) => findSsns(t).map((f) => t.slice(f.start, f.end));

describe('SSN detector', () => {
  it('applies the SSA validity rules', () => {
    assert.ok(validSsn('212486617'));
    for (const bad of ['000486617', '666486617', '900486617', '987654321', '212006617', '212480000', '078051120', '123456789', '555555555']) assert.ok(!validSsn(bad), bad);
  });

  it('finds SSNs written as people write them', () => {
    assert.deepEqual(found('Patient SSN: 212-48-6617, please file.'), ['212-48-6617']);
    assert.deepEqual(found('Her social security number is 212 48 6617.'), ['212 48 6617']);
    assert.deepEqual(found('SSN 212486617'), ['212486617']);
    assert.deepEqual(found('Roe, John 412-71-0934 (guarantor)'), ['412-71-0934']);
    const [f] = findSsns('SSN: 212-48-6617');
    assert.equal(f!.confidence, 'high');
    assert.equal(f!.masked, '***-**-6617');
  });

  it('does not take phone numbers, order numbers, dates or invalid ranges for SSNs', () => {
    for (const t of [
      'Call us at (212) 486-6617 or 212-486-6617.',
      'Phone: +44 161 55 1234',
      'Order 212-48-6617 has shipped.',
      'Invoice #212-48-6617 is due.',
      'Tracking number 412710934 on its way.',
      'Account 212486617',
      'Your reference no. 212 48 6617',
      'The visit is on 2024-03-15 and the follow-up on 03/15/2024.',
      'Our fax is 212-48-6617 ext 2.',
      'Test number 666-12-3456, and 900-12-3456, and 212-00-1234 and 212-12-0000.',
      'ISBN 978-3-16-148410-0, part 12-345-6789',
      'Ticket 2024-212-48-6617-A',
    ]) assert.deepEqual(found(t), [], t);
  });
});
