import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPhones } from './phones.ts';

test('finds US numbers in the ways Americans write them, and international ones', () => {
  const cases: [string, string][] = [
    ['Call us at (800) 555-0199 today.', '+18005550199'],
    ['Helpline: 1-888-555-0100', '+18885550100'],
    ['Dial +1 888 555 0100 now', '+18885550100'],
    ['Reach us at 888.555.0100.', '+18885550100'],
    ['Rufen Sie +49 30 1234567 an', '+49301234567'],
    ['Ligue para +55 11 91234-5678', '+5511912345678'],
    ['Appelez le +33 1 23 45 67 89', '+33123456789'],
    ['Billing support +1(845) 666-0539 (toll free)', '+18456660539'],
    ['Call 0049 30 1234567', '+49301234567'],
  ];
  for (const [text, e164] of cases) {
    const found = findPhones(text);
    assert.equal(found.length, 1, `one number in: ${text}`);
    assert.equal(found[0].e164, e164, text);
    assert.equal(text.slice(found[0].offset, found[0].offset + found[0].raw.length), found[0].raw);
  }
});

test('national formats of other regions are tried when asked for', () => {
  assert.deepEqual(findPhones('Central: 0800-400-8033', { defaultRegions: ['US'] }), []);
  assert.equal(findPhones('Central: 0800-400-8033', { defaultRegions: ['US', 'BR'] })[0]?.e164, '+558004008033');
});

test('dates, order numbers, prices, versions and sentence ends are not phone numbers', () => {
  for (const text of [
    'Your appointment is on 2026-03-15 at 10:30.',
    'Order 8812345678 has shipped.',
    'Invoice #555-012-3456 is attached.',
    'Total: $1,234,567.89',
    'Upgrade to version 10.2.3.4 tonight.',
    'Born 03/04/1961.',
    'IP 192.168.100.200 is blocked.',
  ]) {
    assert.deepEqual(findPhones(text), [], text);
  }
  // A full stop and a following number do not join into one candidate.
  const found = findPhones('Reach us at +1 802-203-6615. 6220 America Center Drive');
  assert.deepEqual(found.map((p) => p.e164), ['+18022036615']);
});

test('each written number is reported once per occurrence, in order', () => {
  const found = findPhones('Call (312) 555-0142 or, after hours, (312) 555-0199.');
  assert.deepEqual(found.map((p) => p.e164), ['+13125550142', '+13125550199']);
  assert.ok(found[0].offset < found[1].offset);
});
