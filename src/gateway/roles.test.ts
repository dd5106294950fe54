import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRoleDeployment, parseRole, planFor, ROLES } from './roles.ts';

test('each role runs its part of the product, and all of them together make `all`', () => {
  const parts = ['listens', 'scans', 'delivers', 'jobs', 'console'] as const;
  const all = planFor('all');
  for (const p of parts) assert.equal(all[p], true, `all ${p}`);
  for (const p of parts) assert.ok(ROLES.filter((r) => r !== 'all').some((r) => planFor(r)[p]), `some split role ${p}`);
  assert.deepEqual(parts.filter((p) => planFor('smtp')[p]), ['listens']);
  assert.deepEqual(parts.filter((p) => planFor('scanner')[p]), ['scans']);
  assert.deepEqual(parts.filter((p) => planFor('delivery')[p]), ['delivers', 'jobs']);
  assert.deepEqual(parts.filter((p) => planFor('api')[p]), ['console']);
});

test('an unknown role and a split role without the shared store or queue are refused with the fix', () => {
  assert.throws(() => parseRole('worker'), /'worker' is not a role \(all, smtp, scanner, delivery, api\)/);
  assert.doesNotThrow(() => checkRoleDeployment('all', { sharedStore: false, queueUrl: null }));
  assert.throws(() => checkRoleDeployment('scanner', { sharedStore: false, queueUrl: 'nats://q:4222' }), /MEDSHIELD_DATABASE_URL/);
  assert.throws(() => checkRoleDeployment('smtp', { sharedStore: true, queueUrl: null }), /MEDSHIELD_QUEUE_URL/);
  assert.doesNotThrow(() => checkRoleDeployment('delivery', { sharedStore: true, queueUrl: null }));
  assert.doesNotThrow(() => checkRoleDeployment('api', { sharedStore: true, queueUrl: null }));
});
