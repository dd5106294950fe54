import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findClinicianMentions, extractClinicClaims, signatureClaim, personNameClaim } from './claims.ts';
import { compareGiven, nameKey, organizationKey, parsePersonName, usesLookalikes } from './names.ts';
import { isValidNpi, npiCheckDigit, npiProblem } from './npi.ts';
import { demoDirectory } from './test-fixtures.ts';

// Written name → [given, family, credentials] (undefined: not a person's name).
const PARSE: [string, [string, string, string[]] | null][] = [
  ['Dr. Jane Smith', ['Jane', 'Smith', []]],
  ['Jane Smith, MD', ['Jane', 'Smith', ['MD']]],
  ['Dr. Jane Q. Smith, M.D., FACC', ['Jane', 'Smith', ['MD', 'FACC']]],
  ['Smith, Jane', ['Jane', 'Smith', []]],
  ['SMITH, JANE A MD', ['JANE', 'SMITH', ['MD']]],
  ['Jane Smith MD', ['Jane', 'Smith', ['MD']]],
  ['Katherine Lindqvist, PA-C', ['Katherine', 'Lindqvist', ['PAC']]],
  ['Dr. Anne van der Berg', ['Anne', 'van der Berg', []]],
  ['Jane Smith (she/her)', ['Jane', 'Smith', []]],
  ['Jane Smith via Doximity', ['Jane', 'Smith', []]],
  ['Dr Jane Smith | St Mary\'s', ['Jane', 'Smith', []]],
  ['Dr. Smith', ['', 'Smith', []]],
  ['John Doe Jr.', ['John', 'Doe', []]],
  ['billing@example.com', null],
  ['Call us at 555-0100', null],
  ['', null],
];

for (const [written, expected] of PARSE) {
  test(`parsePersonName ${JSON.stringify(written)}`, () => {
    const p = parsePersonName(written);
    if (!expected) return assert.equal(p, null);
    assert.ok(p, 'should parse');
    assert.deepEqual([p.given, p.family, p.credentials], expected);
  });
}

// Written name → the directory person's family name it finds and how (or null for no one).
const FIND: [string, string | null, string?][] = [
  ['Dr. Elizabeth Carter', 'Carter', 'exact'],
  ['Liz Carter, MD', 'Carter', 'nickname'],
  ['Lizzie Carter', 'Carter', 'nickname'],
  ['CARTER, ELIZABETH', 'Carter', 'exact'],
  ['E. Carter', 'Carter', 'initial'],
  ['Dr. Carter', 'Carter', 'family'],
  ['Elizаbeth Cаrter', 'Carter', 'exact'], // Cyrillic а
  ['Jose Nunez', 'Núñez', 'exact'],
  ['José  NÚÑEZ', 'Núñez', 'exact'],
  ['Bob Hale', 'Hale', 'nickname'], // on record as Dr. Hale's own nickname
  ['Rob Hale', 'Hale', 'nickname'],
  ['Maria Garcia-Lopez', 'García-López', 'exact'],
  ['Maria Lopez', 'García-López', 'exact'],
  ['Siobhan OConnor', "O'Connor", 'exact'],
  ['Anne Van Der Berg', 'van der Berg', 'exact'],
  ['Zoe Muller, NP', 'Müller', 'exact'],
  ['Mary Carter', null],
  ['Elizabeth Carterson', null],
  ['Robert Halen', null],
];

for (const [written, family, kind] of FIND) {
  test(`findPersonsByName ${JSON.stringify(written)}`, () => {
    const found = demoDirectory().findPersonsByName(written);
    if (family === null) return assert.deepEqual(found, []);
    assert.equal(found[0]?.person.family, family, JSON.stringify(found.map((f) => f.person.family)));
    assert.equal(found[0].kind, kind);
  });
}

test('name keys fold accents, look-alikes, case and punctuation', () => {
  assert.equal(nameKey("O'Connor"), 'oconnor');
  assert.equal(nameKey('Núñez'), 'nunez');
  assert.equal(nameKey('Sørensen'), 'sorensen');
  assert.equal(nameKey('Саrtеr'), 'carter'); // Cyrillic С, а, е
  assert.equal(nameKey('𝗖𝗮𝗿𝘁𝗲𝗿'), 'carter'); // mathematical bold
  assert.equal(usesLookalikes('Саrtеr'), true);
  assert.equal(usesLookalikes('Núñez'), false);
  assert.equal(usesLookalikes('Carter'), false);
  assert.equal(compareGiven('Bill', 'William'), 'nickname');
  assert.equal(compareGiven('Will', 'William'), 'nickname');
  assert.equal(compareGiven('Wilma', 'William'), null);
  assert.equal(organizationKey("The St. Mary's Health, Inc."), organizationKey('Saint Marys Health'));
  assert.equal(organizationKey('Lakeside Cardiology Associates, P.C.'), 'lakesidecardiologyassociates');
});

test('NPI check digits (Luhn with the 80840 prefix)', () => {
  assert.equal(npiCheckDigit('123456789'), 3); // the CMS example: 1234567893
  assert.equal(isValidNpi('1234567893'), true);
  assert.equal(isValidNpi('1234567890'), false);
  assert.equal(isValidNpi('123456789'), false);
  assert.match(npiProblem('1234567890'), /check digit \(expected 3\)/);
  assert.match(npiProblem('12345X7893'), /not 10 digits/);
});

// Text → clinician readings found, with whether each is the speaker / an addressee.
const MENTIONS: [string, [string, 'speaker' | 'addressee' | 'mention'][]][] = [
  ['Dr. Jane Smith will see you on Tuesday.', [['Jane Smith', 'mention']]],
  ['Dear Dr. Smith, thank you.', [['Smith', 'addressee']]],
  ['You have a new message from Dr. Victor Stanfield.', [['Victor Stanfield', 'speaker']]],
  ['Dr. Victor Stanfield has sent you a secure message.', [['Victor Stanfield', 'speaker']]],
  ['Contact Jane Doe, NP for refills.', [['Jane Doe', 'mention']]],
  ['Ask for Jane Smith, DO at the front desk.', [['Jane Smith', 'addressee']]],
  ['We DO care. Jane Smith DO not disturb.', []],
  ['Dr. Smith\nPlease call the office.', [['Smith', 'mention']]],
  ['Our patients love us.', []],
];

for (const [text, expected] of MENTIONS) {
  test(`clinician mentions in ${JSON.stringify(text)}`, () => {
    const found = findClinicianMentions(text, 'body').map((c) => [c.readings[c.readings.length - 1], c.speaker ? 'speaker' : c.addressee ? 'addressee' : 'mention']);
    assert.deepEqual(found, expected);
  });
}

test('signature blocks: after a closing, or a titled name near the end; quoted replies are not the sender', () => {
  assert.equal(signatureClaim('Please see attached.\n\nBest regards,\nDr. Robert Hale\nFamily Medicine')?.parsed.family, 'Hale');
  assert.equal(signatureClaim('Thanks, Jane Smith')?.parsed.family, 'Smith');
  assert.equal(signatureClaim('See the report.\n\nJane Smith, MD\nCardiology')?.parsed.family, 'Smith');
  assert.equal(signatureClaim('See the report.\n\nJane Smith\nCardiology'), null, 'an untitled name without a closing is not a signature');
  assert.equal(signatureClaim("Sounds good.\n\nOn Mon, Jan 5, 2026 at 9:00 AM Dr. Robert Hale wrote:\n> Regards,\n> Dr. Robert Hale"), null);
  assert.equal(signatureClaim("Regards,\nSt. Mary's Health Billing"), null, 'an organisation is not a person');
  assert.equal(personNameClaim('Billing Department', 'display-name'), null);
  assert.equal(personNameClaim('Dr. Elizabeth Carter', 'display-name')?.clinical, true);
});

test('practice names: distinctive ones only, not "our clinic"', () => {
  const claims = extractClinicClaims({
    fromName: 'Riverside Family Clinic',
    subject: 'Visit Our Clinic',
    text: 'Thank you for choosing Northgate Dermatology. The Urgent Care is open late.',
    imageText: '',
  }).map((c) => [c.text, c.source]);
  assert.deepEqual(claims, [
    ['Riverside Family Clinic', 'display-name'],
    ['Northgate Dermatology', 'body'],
  ]);
});
