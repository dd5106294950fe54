import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBrandPack } from '../brands/load.ts';
import { demoDirectory } from '../directory/test-fixtures.ts';
import { NumberOfRecordLookup } from './number-of-record.ts';

const claim = (o: Partial<Parameters<NumberOfRecordLookup['lookup']>[0]>) => ({ fromAddress: '', fromName: '', subject: '', text: '', phonesInMail: [], ...o });

describe('numbers of record', () => {
  const lookup = new NumberOfRecordLookup(demoDirectory({ nppes: true }), loadBrandPack());

  it('a directory clinician named by an outside address: her own line and her organisation’s, never the number in the mail', () => {
    const r = lookup.lookup(claim({ fromAddress: 'dr.liz.carter.md@gmail.com', fromName: 'Dr. Elizabeth Carter', text: 'Call my cell at (508) 555-0199.', phonesInMail: [{ e164: '+15085550199', raw: '(508) 555-0199' }] }));
    assert.equal(r.claimed, 'Dr. Elizabeth Carter, MD', 'the free-mail provider is not a claim');
    assert.deepEqual(r.numbersOfRecord.map((n) => [n.e164, n.source]), [['+16175550111', 'directory'], ['+16175550100', 'directory']]);
    assert.deepEqual(r.numbersInMail, [{ e164: '+15085550199', raw: '(508) 555-0199', owner: null }]);
  });

  it('a clinician outside the directory: the NPPES practice phone', () => {
    const r = lookup.lookup(claim({ fromAddress: 'helen.marsh.office@outlook.com', fromName: 'Dr. Helen Marsh', text: 'Please send the records.\n\nDr. Helen Marsh, MD' }));
    assert.ok(r.numbersOfRecord.some((n) => n.e164 === '+14135550170' && n.source === 'nppes'), JSON.stringify(r.numbersOfRecord));
  });

  it('a partner writing from its domain: the partner’s numbers', () => {
    const r = lookup.lookup(claim({ fromAddress: 'frontdesk@lakesidecardio.com', fromName: 'Front desk' }));
    assert.deepEqual(r.numbersOfRecord.map((n) => [n.e164, n.source, n.label]), [['+17815550150', 'partner', 'Lakeside Cardiology']]);
  });

  it('a brand in the display name: the brand pack’s official number; a number on record is named as such', () => {
    const r = lookup.lookup(claim({ fromAddress: 'benefits@medicare-renewals.example', fromName: 'Medicare Benefits', phonesInMail: [{ e164: '+16175550101', raw: '617-555-0101' }] }));
    assert.ok(r.numbersOfRecord.some((n) => n.e164 === '+18006334227' && n.source === 'brand-pack'));
    assert.equal(r.numbersInMail[0]!.owner, "St. Mary's appointment line");
  });

  it('nobody in particular: no number to offer', () => {
    const r = lookup.lookup(claim({ fromAddress: 'someone@unknown.example', text: 'hello' }));
    assert.deepEqual(r, { claimed: '', numbersOfRecord: [], numbersInMail: [] });
  });
});
