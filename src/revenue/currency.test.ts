import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minorUnitExponent, toMajorUnits } from './currency.js';

test('zero-decimal currencies are already in whole units; two- and three-decimal ones are divided', () => {
  assert.equal(minorUnitExponent('JPY'), 0);
  assert.equal(minorUnitExponent('krw'), 0);
  assert.equal(minorUnitExponent('usd'), 2);
  assert.equal(minorUnitExponent('kwd'), 3);
  // ISK is charged in whole krónur but stays two-decimal in Stripe's API
  assert.equal(minorUnitExponent('isk'), 2);

  assert.equal(toMajorUnits(1999, 'usd'), 19.99);
  assert.equal(toMajorUnits(1999, 'jpy'), 1999);
  assert.equal(toMajorUnits(1999, 'kwd'), 1.999);
  assert.equal(toMajorUnits(50000, 'isk'), 500);
  // no binary noise: 0.29 is not 0.29000000000000004
  assert.equal(toMajorUnits(29, 'eur'), 0.29);
});
