import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StaffMember } from '../training/people.ts';
import { audienceSchema, selectAudience } from './audience.ts';
import { allowance, nextOpening, windowOpen } from './send-window.ts';
import { sendingWindowSchema } from './settings.ts';

describe('sending windows and pace', () => {
  const boston = sendingWindowSchema.parse({ timezone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00' });

  it('opens on working days and hours in the organisation’s time zone', () => {
    assert.equal(windowOpen(boston, Date.UTC(2026, 4, 5, 14, 0)), true, 'Tuesday 10:00 in Boston');
    assert.equal(windowOpen(boston, Date.UTC(2026, 4, 5, 11, 59)), false, 'Tuesday 07:59');
    assert.equal(windowOpen(boston, Date.UTC(2026, 4, 5, 21, 0)), false, 'Tuesday 17:00 is closed');
    assert.equal(windowOpen(boston, Date.UTC(2026, 4, 9, 14, 0)), false, 'Saturday');
    assert.equal(windowOpen(boston, Date.UTC(2026, 0, 6, 13, 30)), true, 'winter time: 08:30');
  });

  it('finds the next opening, and none for a window that never opens in time', () => {
    assert.equal(nextOpening(boston, Date.UTC(2026, 4, 8, 22, 0)), Date.UTC(2026, 4, 11, 12, 0), 'Friday evening → Monday 08:00');
    const open = Date.UTC(2026, 4, 5, 14, 0, 30);
    assert.equal(nextOpening(boston, open), open);
  });

  it('refuses a window that ends before it starts or an unknown time zone', () => {
    assert.throws(() => sendingWindowSchema.parse({ start: '17:00', end: '08:00' }));
    assert.throws(() => sendingWindowSchema.parse({ timezone: 'Mars/Olympus' }));
  });

  it('lets out what the minute still allows', () => {
    assert.equal(allowance(30, 0), 30);
    assert.equal(allowance(30, 25), 5);
    assert.equal(allowance(30, 40), 0);
  });
});

describe('audiences', () => {
  const m = (email: string, department: string, role: string, site = 'Main'): StaffMember => ({ email, name: email, department, role, site, phiAccess: 'full', source: 'directory', directoryId: null });
  const staff = [m('a@x.org', 'Cardiology', 'physician'), m('b@x.org', 'Cardiology', 'nurse'), m('c@x.org', 'Billing', 'billing', 'North'), m('d@x.org', 'Pediatrics', 'physician', 'North')];
  const pick = (a: unknown) => selectAudience(staff, audienceSchema.parse(a)).members.map((x) => x.email).sort();

  it('selects by department, role and site: every kind given must match, any value within it', () => {
    assert.deepEqual(pick({}), ['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org'], 'nothing given: everyone');
    assert.deepEqual(pick({ departments: ['cardiology'] }), ['a@x.org', 'b@x.org']);
    assert.deepEqual(pick({ roles: ['physician'] }), ['a@x.org', 'd@x.org']);
    assert.deepEqual(pick({ roles: ['physician'], sites: ['North'] }), ['d@x.org']);
    assert.deepEqual(pick({ departments: ['Cardiology', 'Billing'], exclude: ['b@x.org'] }), ['a@x.org', 'c@x.org']);
  });

  it('adds people by address, and names addresses that are not staff', () => {
    assert.deepEqual(pick({ emails: ['C@x.org'] }), ['c@x.org'], 'only them when no filter is given');
    assert.deepEqual(pick({ roles: ['nurse'], emails: ['d@x.org'] }), ['b@x.org', 'd@x.org']);
    assert.deepEqual(selectAudience(staff, audienceSchema.parse({ emails: ['zz@x.org'] })).unknownEmails, ['zz@x.org']);
    assert.throws(() => audienceSchema.parse({ emails: ['not an address'] }));
  });
});
