import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeKinds, detectPhi, DEFAULT_PHI_OPTIONS } from './detect.ts';

const opts = { ...DEFAULT_PHI_OPTIONS, now: new Date('2026-11-03T12:00:00Z') };

describe('PHI assessment', () => {
  it('calls a patient SSN and DOB PHI', () => {
    const a = detectPhi('Hi Dr. Reyes, as asked: John Roe, DOB 04/12/1958, SSN 212-48-6617.', opts);
    assert.equal(a.phi, true);
    assert.deepEqual(a.kinds, ['ssn', 'dob']);
    assert.equal(describeKinds(a.kinds), 'a Social Security number and a date of birth');
    assert.ok(a.findings.every((f) => !f.masked.includes('212')), 'findings never carry the value');
  });

  it('calls a diagnosis with a name PHI, a lone own DOB or code not', () => {
    assert.equal(detectPhi('Mrs. Alma Ortiz was seen today. Diagnosis: E11.9, follow-up in 3 months.', opts).phi, true);
    assert.equal(detectPhi('My date of birth is 03/04/1961, in case you need it to find my chart.', opts).phi, false);
    assert.equal(detectPhi('The guideline covers diagnosis E11.9 in general.', opts).phi, false);
    assert.equal(detectPhi('Order 212-48-6617 ships today; call 212-486-6617.', opts).phi, false);
  });

  it('counts two different uncertain identifiers', () => {
    assert.equal(detectPhi('ref 5KQ9AC2CD41\nROE, John 04/12/1958', opts).phi, true);
  });

  it('reads at most maxChars', () => {
    const a = detectPhi(`${'x'.repeat(100)} SSN 212-48-6617`, { ...opts, maxChars: 50 });
    assert.equal(a.phi, false);
    assert.equal(a.truncated, true);
  });
});
