import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNegated } from './negation.ts';
import { normalizeForMatching } from './normalize.ts';
import { IntentMatcher, MAX_MATCH_SPAN } from './rule-set.ts';
import { ALL_RULES } from './rules/index.ts';
import { LANGS, type IntentRule } from './rules/types.ts';

/** The hits of one rule on one sample that survive negation, as the analyzer would keep them. */
function standingHits(rule: IntentRule, sample: string) {
  const text = normalizeForMatching(sample);
  const hits = new IntentMatcher([rule]).findAll(text).get(rule.intent) ?? [];
  return hits.filter((h) => !rule.negatable || !isNegated(text, h.index, h.phrase.length));
}

test('rule ids are unique and name their language', () => {
  const ids = new Set<string>();
  for (const r of ALL_RULES) {
    assert.ok(!ids.has(r.id), `duplicate rule id ${r.id}`);
    ids.add(r.id);
    assert.match(r.id, new RegExp(`^[a-z]+\\.${r.lang}\\.[a-z0-9-]+$`));
    assert.ok(LANGS.includes(r.lang));
  }
});

test('every rule has examples both ways and well-formed anchors', () => {
  for (const r of ALL_RULES) {
    assert.ok(r.positives.length > 0, `${r.id} has no positive sample`);
    assert.ok(r.negatives.length > 0, `${r.id} has no negative sample`);
    assert.ok(r.anchors.length > 0, `${r.id} has no anchors`);
    for (const a of r.anchors) assert.equal(a, normalizeForMatching(a), `${r.id}: anchor "${a}" is not in normalized form`);
    assert.doesNotThrow(() => new RegExp(r.pattern), `${r.id}: pattern does not compile`);
  }
});

for (const rule of ALL_RULES) {
  test(`rule ${rule.id} matches its positives and none of its negatives`, () => {
    for (const sample of rule.positives) {
      const hits = standingHits(rule, sample);
      assert.ok(hits.length > 0, `${rule.id} should match: ${sample}`);
      for (const h of hits) assert.ok(h.phrase.length < MAX_MATCH_SPAN, `${rule.id}: match longer than the anchor window`);
    }
    for (const sample of rule.negatives) {
      const hits = standingHits(rule, sample);
      assert.equal(hits.length, 0, `${rule.id} should not match: ${sample} (matched "${hits[0]?.phrase}")`);
    }
  });
}

test('anchors are found far from the start of a long text', () => {
  const rule = ALL_RULES.find((r) => r.id === 'cred.en.verify-account');
  assert.ok(rule);
  const filler = 'The cafeteria menu changes on Mondays and the car park is being resurfaced. '.repeat(300);
  assert.equal(standingHits(rule, `${filler} Please verify your account today. ${filler}`).length, 1);
});

test('normalization folds look-alike letters, invisible characters, styled letters and accents', () => {
  assert.equal(normalizeForMatching('V\u0435rify y\u043eur \u0430\u0441\u0441ount'), 'verify your account');
  assert.equal(normalizeForMatching('ver\u200bify\u00a0 your\n\naccount'), 'verify your account');
  assert.equal(normalizeForMatching('𝐩𝐥𝐞𝐚𝐬𝐞 𝐮𝐩𝐝𝐚𝐭𝐞'), 'please update');
  assert.equal(normalizeForMatching('Você NÃO Überprüfen'), 'voce nao uberprufen');
  assert.equal(normalizeForMatching('don’t'), "don't");
});

test('negation: advice and warnings cancel a phrase, conditions and plain requests do not', () => {
  const negated = (s: string, phrase: string) => {
    const t = normalizeForMatching(s);
    return isNegated(t, t.indexOf(phrase), phrase.length);
  };
  assert.equal(negated('We will never ask you to verify your account.', 'verify your account'), true);
  assert.equal(negated('Phishing emails often tell you to verify your account.', 'verify your account'), true);
  assert.equal(negated('If you do not verify your account, it will be closed.', 'verify your account'), false);
  assert.equal(negated('Your order is confirmed. Please verify your account.', 'verify your account'), false);
  assert.equal(negated('It costs $4.99. Please verify your account.', 'verify your account'), false);
});
