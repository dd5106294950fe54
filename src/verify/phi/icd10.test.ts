import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIcd10 } from './icd10.ts';

const found = (t: string) => findIcd10(t).map((f) => t.slice(f.start, f.end));

describe('ICD-10 detector', () => {
  it('finds diagnosis codes in a clinical context', () => {
    assert.deepEqual(found('Diagnosis: E11.9 (type 2 diabetes), I10'), ['E11.9', 'I10']);
    assert.deepEqual(found('Dx F32.A; history of C4A.31'), ['F32.A', 'C4A.31']);
    assert.deepEqual(found('ICD-10 codes: Z79.4, U07.1'), ['Z79.4', 'U07.1']);
  });

  it('ignores code-shaped strings outside clinical text', () => {
    for (const t of [
      'Meet me in room B12 at noon.',
      'Diagnosis: vitamin B12 deficiency.',
      'The A4 paper and the M25 motorway.',
      'Flight E11 boards at gate K10.',
      'Our HbA1c target is A1C under 7.',
      'Part E11.9 ships Monday.',
      'Diagnosis pending; see U99 in the form.',
    ]) assert.deepEqual(found(t), [], t);
  });
});
