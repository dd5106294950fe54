import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDates } from './dates.ts';
import { findDatesOfBirth } from './dob.ts';

const NOW = new Date('2026-11-03T12:00:00Z');
const dobs = (t: string) => findDatesOfBirth(t, NOW).map((f) => `${t.slice(f.start, f.end)}:${f.confidence}`);

describe('date-of-birth detector', () => {
  it('reads the usual date forms', () => {
    const d = findDates('03/04/1961, 1961-03-04, 4.3.1961, March 4, 1961, 4 Mar 1961, 3/4/61, 31/12/1999', NOW);
    assert.deepEqual(
      d.map((x) => `${x.year}-${x.month}-${x.day}`),
      ['1961-3-4', '1961-3-4', '1961-3-4', '1961-3-4', '1961-3-4', '1961-3-4', '1999-12-31'],
    );
    assert.deepEqual(findDates('02/30/1961 and 13/13/1961', NOW), [], 'no impossible dates');
  });

  it('finds labelled birth dates, certain next to a name', () => {
    assert.deepEqual(dobs('Patient: DOE, Jane   DOB: 1971-06-02   MRN 00418822'), ['1971-06-02:high']);
    assert.deepEqual(dobs('Mr. John Roe, date of birth 04/12/1958, needs a follow-up.'), ['04/12/1958:high']);
    assert.deepEqual(dobs('My date of birth is 03/04/1961, in case you need it.'), ['03/04/1961:medium']);
    assert.deepEqual(dobs('Roe, John  born on March 4, 1961'), ['March 4, 1961:high']);
  });

  it('finds a birth date in a patient listing', () => {
    assert.deepEqual(dobs('Patients for transfer:\nDOE, Jane 06/02/1971\nROE, John 04/12/1958'), ['06/02/1971:medium', '04/12/1958:medium']);
  });

  it('ignores appointment, meeting and future dates', () => {
    for (const t of [
      'Your appointment with Dr. Maria Reyes is on 11/12/2026 at 9:30.',
      'Jane Doe visited on 03/04/2025.',
      'The invoice dated 2024-03-04 is attached.',
      'DOB: 12/12/2030',
      'Meeting notes from 03/04/2024, John Smith presenting.',
      'Order 12/03/2024 shipped to Jane Doe.',
    ]) assert.deepEqual(dobs(t), [], t);
  });
});
