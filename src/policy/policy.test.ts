import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signal } from '../analyzers/analyzer.ts';
import { decide, isCaught, policySchema } from './policy.ts';

const sig = (id: string, score: number): Signal => ({ id, score, evidence: '', analyzer: 't' });
const policy = policySchema.parse({});

describe('policy', () => {
  it('maps the summed score to an action by threshold', () => {
    assert.equal(decide([], policy).action, 'deliver');
    assert.equal(decide([sig('A', 2), sig('B', 3)], policy).action, 'tag');
    assert.equal(decide([sig('A', 6), sig('B', 4)], policy).action, 'quarantine');
    assert.equal(decide([sig('A', 30)], policy).action, 'reject');
    assert.equal(decide([sig('A', 7.5)], policy).action, 'tag');
    assert.equal(decide([sig('A', 8)], policy).action, 'quarantine');
    assert.equal(decide([sig('A', 10), sig('HAM', -4)], policy).action, 'tag');
  });

  it('fails closed: unscannable or failed analysis is never delivered', () => {
    const d = decide([sig('UNSCANNABLE', 0)], policy);
    assert.equal(d.action, 'quarantine');
    assert.deepEqual(d.rules, ['fail closed: not fully scanned']);
    assert.equal(decide([sig('ANALYZER_FAILED', 0), sig('CLASSIFIER_HAM', -3)], policy).action, 'quarantine');
  });

  it('holds sensitive-data requests from unverified senders for verification', () => {
    assert.equal(decide([sig('PHI_SOLICITATION', 5)], policy).action, 'hold');
    // A stranger asking for patient data is held whatever the rest of the score says.
    const stranger = decide([sig('PHI_SOLICITATION', 3.5), sig('PHI_REQUEST_FROM_STRANGER', 0.5), sig('CLASSIFIER_HAM', -1.5)], policy);
    assert.equal(stranger.action, 'hold');
    assert.deepEqual(stranger.rules, ['sensitive-data request from a sender nobody here knows: verify before anyone answers']);
    assert.equal(decide([sig('PHI_SOLICITATION', 3.5), sig('PHI_REQUEST_FROM_STRANGER', 0.5), sig('SENDER_VERIFIED', -1)], policy).action, 'deliver');
    assert.equal(decide([sig('PHI_SOLICITATION', 7), sig('SENDER_VERIFIED', -1)], policy).action, 'tag');
    assert.ok(isCaught('hold') && isCaught('quarantine') && isCaught('reject'));
    assert.ok(!isCaught('tag') && !isCaught('deliver'));
  });

  it('quarantines bulk mail wearing two disguises at once, unless its sender is authenticated', () => {
    const d = decide([sig('FAKE_REPLY', 3), sig('WORD_SALAD', 3)], policy);
    assert.equal(d.action, 'quarantine');
    assert.deepEqual(d.rules, ['several disguises of bulk mail']);
    assert.equal(decide([sig('IMAGE_ONLY_MESSAGE', 2), sig('LINK_ONLY_BODY', 1), sig('CLASSIFIER_SPAM_SLIGHT', 3)], policy).action, 'quarantine');
    // One disguise, however it scores, is left to the score; so is an authenticated newsletter.
    assert.equal(decide([sig('IMAGE_ONLY_MESSAGE', 2), sig('CLASSIFIER_SPAM_LOW', 5)], policy).action, 'tag');
    assert.equal(decide([sig('IMAGE_ONLY_MESSAGE', 2), sig('LINK_ONLY_BODY', 1), sig('CLASSIFIER_SPAM_SLIGHT', 3), sig('DMARC_PASS_ALIGNED', -0.5)], policy).action, 'tag');
    // Two weak disguises and nothing else is not enough evidence.
    assert.equal(decide([sig('IMAGE_ONLY_MESSAGE', 2), sig('LINK_ONLY_BODY', 1)], policy).action, 'deliver');
  });

  it('anyAtLeast counts distinct signals and cannot ask for more than it lists', () => {
    const p = policySchema.parse({ rules: [{ name: 'two of three', any: ['A', 'B', 'C'], anyAtLeast: 2, action: 'hold' }] });
    assert.equal(decide([sig('A', 0), sig('A', 0)], p).action, 'deliver');
    assert.equal(decide([sig('A', 0), sig('C', 0)], p).action, 'hold');
    assert.throws(() => policySchema.parse({ rules: [{ name: 'x', any: ['A'], anyAtLeast: 2, action: 'hold' }] }), /anyAtLeast/);
  });

  it('rules can only raise the verdict unless they say exactly, and exactly never releases unscannable mail', () => {
    const p = policySchema.parse({
      rules: [
        { name: 'allow partner', all: ['PARTNER'], action: 'deliver', mode: 'exactly' },
        { name: 'fail closed', any: ['UNSCANNABLE'], action: 'quarantine' },
      ],
    });
    assert.equal(decide([sig('PARTNER', 0), sig('X', 12)], p).action, 'deliver');
    assert.equal(decide([sig('PARTNER', 0), sig('UNSCANNABLE', 0)], p).action, 'quarantine');
  });

  it('rejects inconsistent thresholds and rules without conditions', () => {
    assert.throws(() => policySchema.parse({ thresholds: { tag: 10, quarantine: 5, reject: 20 } }));
    assert.throws(() => policySchema.parse({ rules: [{ name: 'x', action: 'reject' }] }));
  });
});
