import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMrns, type MrnOptions } from './mrn.ts';

const none: MrnOptions = { patterns: [], labels: [] };
const found = (t: string, o = none) => findMrns(t, o).map((f) => t.slice(f.start, f.end));

describe('MRN detector', () => {
  it('finds labelled medical record numbers', () => {
    assert.deepEqual(found('MRN: 00418822'), ['00418822']);
    assert.deepEqual(found('Medical record number SMH-4412093 for the transfer'), ['SMH-4412093']);
    assert.deepEqual(found('chart # 7781234'), ['7781234']);
    assert.deepEqual(found('Unit No: 552310', { patterns: [], labels: ['Unit No'] }), ['552310']);
  });

  it("finds the organisation's own formats anywhere", () => {
    const o = { patterns: ['SM\\d{7}'], labels: [] };
    assert.deepEqual(found('Please pull SM0042217 and SM1100923 for review.', o), ['SM0042217', 'SM1100923']);
    assert.deepEqual(found('SM00422170 is too long, XSM0042217 has a prefix', o), []);
  });

  it('ignores unlabelled numbers and labels without a number', () => {
    for (const t of ['Order 00418822 shipped', 'Your MRN is on the portal.', 'MRN: 1234', 'patient number three is waiting', 'Chart review at 10:00']) assert.deepEqual(found(t), [], t);
  });
});
