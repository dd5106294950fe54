import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../store/database.ts';
import { normalizeAddress } from './address.ts';
import { SenderProfileStore } from './sender-profiles.ts';

const store = () => new SenderProfileStore(openDatabase(':memory:'));
const t = (iso: string) => new Date(iso);

const NORMALIZATION: [string, string | null][] = [
  ['Dr.Smith@Clinic.EXAMPLE', 'dr.smith@clinic.example'],
  ['  <dr.smith@clinic.example>  ', 'dr.smith@clinic.example'],
  ['Dr Smith <Dr.Smith@clinic.example>', 'dr.smith@clinic.example'],
  ['info@bücher.example', 'info@xn--bcher-kva.example'],
  ['info@XN--BCHER-KVA.example', 'info@xn--bcher-kva.example'],
  ['user@example.org.', 'user@example.org'],
  ['', null],
  ['<>', null],
  ['not an address', null],
  ['@example.org', null],
  ['user@', null],
];

test('addresses are normalised: case, brackets, display names, IDN → ASCII', () => {
  for (const [input, expected] of NORMALIZATION) assert.equal(normalizeAddress(input)?.address ?? null, expected, input);
  assert.equal(normalizeAddress('a@Sub.Bücher.example')?.domain, 'sub.xn--bcher-kva.example');
});

test('an unknown sender has an empty profile', () => {
  const p = store().lookup('stranger@example.org');
  assert.equal(p.messagesFromAddress, 0);
  assert.equal(p.messagesFromDomain, 0);
  assert.equal(p.firstSeen, null);
  assert.equal(p.solicited, false);
  assert.deepEqual(p.pastVerdicts, { deliver: 0, tag: 0, hold: 0, quarantine: 0, reject: 0 });
  assert.deepEqual(p.reports, { phish: 0, notPhish: 0 });
  assert.equal(store().lookup('').messagesFromAddress, 0);
});

test('delivered and tagged mail counts per address and per domain, with first and last seen', () => {
  const s = store();
  s.recordInbound('Alice@Partner.example', 'deliver', t('2025-03-02T10:00:00Z'));
  s.recordInbound('alice@partner.example', 'tag', t('2025-03-01T09:00:00Z'));
  s.recordInbound('<alice@partner.example>', 'deliver', t('2025-03-05T09:00:00Z'));
  s.recordInbound('bob@partner.example', 'deliver', t('2025-03-03T09:00:00Z'));
  s.recordInbound('carol@other.example', 'deliver', t('2025-03-03T09:00:00Z'));
  const alice = s.lookup('ALICE@partner.example');
  assert.equal(alice.messagesFromAddress, 3);
  assert.equal(alice.messagesFromDomain, 4);
  assert.deepEqual(alice.firstSeen, t('2025-03-01T09:00:00Z'));
  assert.deepEqual(alice.lastSeen, t('2025-03-05T09:00:00Z'));
  assert.deepEqual(alice.pastVerdicts, { deliver: 2, tag: 1, hold: 0, quarantine: 0, reject: 0 });
  const bob = s.lookup('bob@partner.example');
  assert.equal(bob.messagesFromAddress, 1);
  assert.equal(bob.messagesFromDomain, 4);
  assert.deepEqual(bob.domainFirstSeen, t('2025-03-01T09:00:00Z'));
  const newcomer = s.lookup('dave@partner.example');
  assert.equal(newcomer.messagesFromAddress, 0);
  assert.equal(newcomer.messagesFromDomain, 4);
  assert.equal(newcomer.firstSeen, null);
  assert.equal(s.lookup('carol@other.example').messagesFromDomain, 1);
});

test('a sender whose mail was held, quarantined or rejected is not a known correspondent', () => {
  const s = store();
  for (let i = 0; i < 20; i++) s.recordInbound('billing@zocdoc-appts.example', i % 3 === 0 ? 'reject' : i % 3 === 1 ? 'quarantine' : 'hold', t('2025-03-01T09:00:00Z'));
  const p = s.lookup('billing@zocdoc-appts.example');
  assert.equal(p.messagesFromAddress, 0);
  assert.equal(p.messagesFromDomain, 0);
  assert.equal(p.firstSeen, null);
  assert.deepEqual(p.pastVerdicts, { deliver: 0, tag: 0, hold: 6, quarantine: 7, reject: 7 });
  // One later delivered message dates "first seen" from the first mail that reached people.
  s.recordInbound('billing@zocdoc-appts.example', 'deliver', t('2025-04-01T09:00:00Z'));
  assert.equal(s.lookup('billing@zocdoc-appts.example').messagesFromAddress, 1);
  assert.deepEqual(s.lookup('billing@zocdoc-appts.example').firstSeen, t('2025-04-01T09:00:00Z'));
});

test('solicited: someone in the org wrote to the address (and, separately, to the domain)', () => {
  const s = store();
  s.recordOutbound('Referrals@Partner-Clinic.example', t('2025-02-01T08:00:00Z'));
  const p = s.lookup('referrals@partner-clinic.example');
  assert.equal(p.solicited, true);
  assert.equal(p.domainSolicited, true);
  assert.equal(p.messagesFromAddress, 0);
  const colleague = s.lookup('someone-else@partner-clinic.example');
  assert.equal(colleague.solicited, false);
  assert.equal(colleague.domainSolicited, true);
  assert.equal(s.lookup('x@unrelated.example').domainSolicited, false);
  s.recordOutbound('<>', t('2025-02-01T08:00:00Z'));
});

test('reports are counted per address', () => {
  const s = store();
  s.recordReport('phisher@bad.example', 'phish', t('2025-03-01T09:00:00Z'));
  s.recordReport('phisher@bad.example', 'phish', t('2025-03-02T09:00:00Z'));
  s.recordReport('phisher@bad.example', 'not-phish', t('2025-03-03T09:00:00Z'));
  assert.deepEqual(s.lookup('phisher@bad.example').reports, { phish: 2, notPhish: 1 });
  assert.deepEqual(s.lookup('other@bad.example').reports, { phish: 0, notPhish: 0 });
  assert.throws(() => s.recordReport('a@b.example', 'spam' as never, new Date()), /unknown report kind 'spam'/);
});

test('unknown verdict actions are refused; the null sender is ignored', () => {
  const s = store();
  assert.throws(() => s.recordInbound('a@b.example', 'unscannable', new Date()), /unknown verdict action 'unscannable'/);
  s.recordInbound('', 'deliver', new Date());
  s.recordInbound('<>', 'deliver', new Date());
  assert.equal(s.lookup('a@b.example').messagesFromDomain, 0);
});

test('two stores on one database see each other’s records', () => {
  const db = openDatabase(':memory:');
  const a = new SenderProfileStore(db);
  const b = new SenderProfileStore(db);
  a.recordInbound('x@y.example', 'deliver', new Date());
  b.recordInbound('x@y.example', 'deliver', new Date());
  assert.equal(a.lookup('x@y.example').messagesFromAddress, 2);
});

test('a domain is its organisation: subdomains aggregate under the registrable domain', () => {
  const s = store();
  s.recordInbound('lab@results.partner-clinic.example', 'deliver', t('2025-03-01T09:00:00Z'));
  s.recordInbound('billing@partner-clinic.example', 'deliver', t('2025-03-02T09:00:00Z'));
  s.recordOutbound('referrals@mail.partner-clinic.example', t('2025-03-03T09:00:00Z'));
  const p = s.lookup('new.person@partner-clinic.example');
  assert.equal(p.messagesFromDomain, 2);
  assert.equal(p.domainSolicited, true);
  assert.deepEqual(p.domainFirstSeen, t('2025-03-01T09:00:00Z'));
});

test('free-mail providers are no organisation: a new account inherits nothing from other users of it', () => {
  const s = store();
  for (let i = 0; i < 30; i++) s.recordInbound(`patient${i}@gmail.com`, 'deliver', t('2025-03-01T09:00:00Z'));
  s.recordOutbound('patient1@gmail.com', t('2025-03-01T09:00:00Z'));
  const stranger = s.lookup('zocdoc.support@gmail.com');
  assert.equal(stranger.messagesFromDomain, 0);
  assert.equal(stranger.domainSolicited, false);
  assert.equal(stranger.domainFirstSeen, null);
  const known = s.lookup('patient1@gmail.com');
  assert.equal(known.messagesFromAddress, 1);
  assert.equal(known.messagesFromDomain, 1);
  assert.equal(known.domainSolicited, true);
});
