import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressEntryProblem, addressMatcher } from './address-list.js';

test('addresses, CIDR ranges and range names match; IPv4-mapped IPv6 matches its IPv4 entry', () => {
  const m = addressMatcher(['10.1.2.3', '192.168.0.0/16', '2001:db8::/32', 'loopback']);
  assert.ok(m('10.1.2.3'));
  assert.ok(!m('10.1.2.4'));
  assert.ok(m('192.168.77.1'));
  assert.ok(m('::ffff:192.168.1.1'));
  assert.ok(m('2001:db8:1::5'));
  assert.ok(!m('2001:db9::1'));
  assert.ok(m('127.0.0.1') && m('::1') && m('::ffff:127.0.0.1'));
  assert.ok(!m('8.8.8.8') && !m(undefined) && !m('not an ip'));
  assert.equal(addressMatcher([])('127.0.0.1'), false, 'an empty list trusts nobody');
});

test('entry problems name the entry and the reason', () => {
  assert.equal(addressEntryProblem('uniquelocal'), undefined);
  assert.equal(addressEntryProblem('fe80::/10'), undefined);
  assert.match(addressEntryProblem('10.0.0.0/33')!, /prefix length must be 0 to 32/);
  assert.match(addressEntryProblem('::/129')!, /prefix length must be 0 to 128/);
  assert.match(addressEntryProblem('10.0.0.0/8/1')!, /is not an IP address/);
  assert.match(addressEntryProblem('example.com')!, /is not an IP address/);
  assert.match(addressEntryProblem('10.0.0.0/x')!, /prefix length/);
});
