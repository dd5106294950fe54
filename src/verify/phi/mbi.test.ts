import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMbis, isMbi } from './mbi.ts';

describe('Medicare MBI detector', () => {
  it('checks the CMS format position by position', () => {
    assert.ok(isMbi('1EG4TE5MK73'));
    assert.ok(isMbi('1EG4-TE5-MK73'));
    for (const bad of ['0EG4TE5MK73', '1SG4TE5MK73', '1EG4TE5MK7', '1EG4TE5MK733', '1EG4ZE5MK73', '1eg4te5mk73', '1EG4TE5M173', '1EG4-TE5MK73']) assert.ok(!isMbi(bad), bad);
  });

  it('finds MBIs, certain next to Medicare', () => {
    const t = 'Medicare number: 1EG4-TE5-MK73. Also on file: 5KQ9AC2CD41.';
    const f = findMbis(t);
    assert.deepEqual(f.map((x) => [t.slice(x.start, x.end), x.confidence]), [['1EG4-TE5-MK73', 'high'], ['5KQ9AC2CD41', 'high']]);
    assert.equal(findMbis('ref 5KQ9AC2CD41')[0]!.confidence, 'medium');
  });

  it('ignores tracking numbers, serials and words', () => {
    for (const t of ['UPS 1Z999AA10123456784', 'Serial AB12CD34EF5', 'HELLOWORLD1', 'Part 1234-567-8901', 'Code 1EG4TE5MK73X9']) assert.deepEqual(findMbis(t), [], t);
  });
});
