import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainLabel, hasIcannSuffix, hostWithin, isFreemail, registrableDomain, topLevelDomain } from './domains.ts';

test('registrable domains treat each tenant of shared hosting as its own site', () => {
  assert.equal(registrableDomain('www.bbc.co.uk'), 'bbc.co.uk');
  assert.equal(registrableDomain('login-micros0ft.web.app'), 'login-micros0ft.web.app');
  assert.equal(registrableDomain('someone.github.io'), 'someone.github.io');
  assert.equal(registrableDomain('jane@Mail.StMarys-Health.org'), 'stmarys-health.org');
  assert.equal(registrableDomain('192.0.2.1'), '');
  assert.equal(registrableDomain('localhost'), '');
});

test('labels, suffixes and containment', () => {
  assert.equal(domainLabel('paypal.co.uk'), 'paypal');
  assert.ok(hasIcannSuffix('example.health'));
  assert.ok(!hasIcannSuffix('report.pdf'));
  assert.equal(topLevelDomain('promo.example.top'), 'top');
  assert.ok(hostWithin('mychart.stmarys-health.org', 'stmarys-health.org'));
  assert.ok(!hostWithin('stmarys-health.org.evil.example', 'stmarys-health.org'));
});

test('free-mail providers are recognised by registrable domain', () => {
  for (const a of ['a@gmail.com', 'b@hotmail.co.uk', 'c@uol.com.br', 'd@web.de', 'e@qq.com', 'f@me.com']) assert.ok(isFreemail(a), a);
  for (const a of ['a@stmarys-health.org', 'b@lakesidecardio.com', 'c@googlegroups.com', 'd@yahoogroups.com']) assert.ok(!isFreemail(a), a);
});
