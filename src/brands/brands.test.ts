import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseDomain } from 'tldts';
import { loadBrandPack } from './load.ts';
import {
  brandOwnsDomain,
  domainParts,
  editDistance,
  findBrandMentions,
  foldText,
  indexBrandPack,
  isGovernmentDomain,
  mentionIsDisguised,
  visualSkeleton,
} from './match.ts';

const pack = loadBrandPack();
const index = indexBrandPack(pack);
const brand = (id: string) => {
  const b = index.brands.find((x) => x.brand.id === id);
  assert.ok(b, `brand ${id} in pack`);
  return b;
};

test('brands.json: at least 30 healthcare brands and the general most-abused ones', () => {
  const healthcare = pack.brands.filter((b) => b.sector === 'healthcare');
  assert.ok(healthcare.length >= 30, `${healthcare.length} healthcare brands`);
  for (const id of ['zocdoc', 'epic-mychart', 'medicare-cms', 'unitedhealth', 'cvs-health', 'nhs', 'ameli', 'microsoft', 'paypal', 'dhl', 'correios', 'sparkasse']) {
    brand(id);
  }
});

test('brands.json: ids and domains are unique, domains are registrable domains', () => {
  const ids = new Set<string>();
  const domains = new Map<string, string>();
  for (const b of pack.brands) {
    assert.ok(!ids.has(b.id), `duplicate id ${b.id}`);
    ids.add(b.id);
    for (const d of b.domains) {
      assert.equal(d, d.toLowerCase(), `${b.id}: ${d} is lower-case`);
      const p = parseDomain(d, { allowPrivateDomains: true });
      assert.equal(p.domain, d, `${b.id}: ${d} is its own registrable domain`);
      assert.ok(p.isIcann || p.isPrivate, `${b.id}: ${d} is under a known public suffix`);
      assert.ok(!domains.has(d), `${d} listed by ${domains.get(d)} and ${b.id}`);
      domains.set(d, b.id);
    }
  }
});

test('brands.json: a name belongs to one brand only', () => {
  const owner = new Map<string, string>();
  for (const b of pack.brands) {
    for (const n of b.names) {
      const key = foldText(n).toLowerCase().replace(/[\s._-]+/g, '');
      const prev = owner.get(key);
      assert.ok(!prev || prev === b.id, `name ${n} used by ${prev} and ${b.id}`);
      owner.set(key, b.id);
    }
  }
});

// Words a reader uses every day: as bare brand names they would turn ordinary mail into claims.
const COMMON_WORDS = [
  'apple', 'chase', 'target', 'box', 'outlook', 'office', 'live', 'teams', 'zoom', 'epic', 'meta', 'ledger', 'exodus', 'norton', 'anthem',
  'quest', 'kaiser', 'mayo', 'lilly', 'visa', 'prime', 'windows', 'edge', 'drive', 'docs', 'caixa', 'oracle', 'booking', 'crypto',
  'blockchain', 'telekom', 'orange', 'spectrum', 'discover', 'delta', 'shell', 'ups', 'ing', 'cms', 'va', 'molina', 'optimum',
];

test('brands.json: no bare common word as a name (qualify it: "Chase Bank", "Apple ID")', () => {
  for (const b of pack.brands) {
    for (const n of b.names) {
      const lower = n.toLowerCase();
      const acronym = /^[A-Z&]{2,4}$/.test(n);
      assert.ok(acronym || !COMMON_WORDS.includes(lower), `${b.id}: "${n}" is a common word`);
    }
  }
});

test('brands.json: every brand has a name that finds it in text', () => {
  for (const b of index.brands) {
    const found = b.brand.names.some((n) => findBrandMentions(index, `Message from ${n} today`).some((m) => m.brand === b));
    assert.ok(found, `${b.brand.id} is found by its names`);
  }
});

test('match: brand mentions, acronyms in capitals only, names inside addresses ignored', () => {
  const names = (text: string) => findBrandMentions(index, text).map((m) => m.brand.brand.id);
  assert.deepEqual(names('Your PayPal account'), ['paypal']);
  assert.deepEqual(names('Track your UPS parcel'), ['ups']);
  assert.deepEqual(names('ups and downs of the week'), []);
  assert.deepEqual(names('Wrote from jane.doe@hotmail.com'), []);
  assert.deepEqual(names('WellsFargo online'), ['wells-fargo']);
  assert.deepEqual(names('Pay at https://evil.example/paypal'), []);
  assert.deepEqual(names('𝗣𝗮𝘆𝗣𝗮𝗹 Service'), ['paypal']);
  assert.deepEqual(names('Recent Lеԁgеr Live breach'), ['ledger']);
  assert.deepEqual(names('McAfee™ renewal'), ['mcafee']);
  assert.deepEqual(names('Banco Itaú'), ['itau']);
  assert.deepEqual(names('Meet me at the Chase Bank branch'), ['chase']);
  assert.deepEqual(names('We chase the apple across the box office'), []);
});

test('match: disguised mentions are told apart from plain ones', () => {
  assert.equal(mentionIsDisguised(index, 'PayPal', brand('paypal')), false);
  assert.equal(mentionIsDisguised(index, 'Pаypаl', brand('paypal')), true);
  assert.equal(mentionIsDisguised(index, 'Crédit Agricole', brand('credit-agricole')), false);
});

test('match: domain ownership', () => {
  assert.ok(brandOwnsDomain(brand('paypal'), 'paypal.com'));
  assert.ok(brandOwnsDomain(brand('paypal'), 'paypal.de'), 'same name under a country TLD');
  assert.ok(!brandOwnsDomain(brand('paypal'), 'paypal.co'), '.co is sold as a generic ending');
  assert.ok(!brandOwnsDomain(brand('paypal'), 'paypal-secure.com'));
  assert.ok(brandOwnsDomain(brand('medicaid'), 'health.ny.gov'), 'state agencies run Medicaid');
  assert.ok(!brandOwnsDomain(brand('paypal'), 'health.ny.gov'));
  assert.ok(brandOwnsDomain(brand('sparkasse'), 'sparkasse-koelnbonn.de'), 'each Sparkasse has its own domain');
  assert.ok(!brandOwnsDomain(brand('sparkasse'), 'sparkasse-sicherheit-login.de'));
  assert.ok(brandOwnsDomain(brand('bcbs-anthem'), 'bcbsaz.com'));
  assert.ok(!brandOwnsDomain(brand('chase'), 'chase.de'), 'chase is a common word, not the brand, under other endings');
});

test('match: government domains', () => {
  for (const d of ['ssa.gov', 'health.ny.gov', 'tricare.mil', 'hmrc.gov.uk', 'caixa.gov.br', 'nhs.net', 'leeds.nhs.uk']) assert.ok(isGovernmentDomain(d), d);
  for (const d of ['gov-notice.com', 'govdelivery.com', 'nhs-refund.com']) assert.ok(!isGovernmentDomain(d), d);
});

test('match: skeletons, distances and domain parts', () => {
  assert.equal(visualSkeleton('paypa1'), visualSkeleton('paypal'));
  assert.equal(visualSkeleton('rnicrosoft'), visualSkeleton('microsoft'));
  assert.equal(visualSkeleton('pаypal'), visualSkeleton('paypal'));
  assert.notEqual(visualSkeleton('paypaI-x'), visualSkeleton('paypal'));
  assert.equal(editDistance('micorsoft', 'microsoft', 2), 1);
  assert.equal(editDistance('amazon', 'amazon', 1), 0);
  assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
  assert.deepEqual(domainParts('login.paypal.com.evil.co.uk'), { registrable: 'evil.co.uk', label: 'evil', suffix: 'co.uk', subLabels: ['login', 'paypal', 'com'] });
  assert.equal(domainParts('𝗲𝗯𝗮𝘆.de')?.registrable, 'ebay.de', 'IDNA folds styled letters');
  assert.equal(domainParts('yahoo.comm'), null, 'no such suffix');
  assert.equal(domainParts('192.0.2.1'), null);
});
