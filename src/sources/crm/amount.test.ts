import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalToMinor } from './amount.js';

test('decimal text in major units becomes minor units of the currency, exactly', () => {
  assert.equal(decimalToMinor('12000.50', 'eur'), 1200050);
  assert.equal(decimalToMinor('12000.5', 'EUR'), 1200050);
  assert.equal(decimalToMinor('5000', 'usd'), 500000);
  assert.equal(decimalToMinor('0.29', 'usd'), 29); // 0.29 * 100 is 28.999999999999996 in floats
  assert.equal(decimalToMinor('1.005', 'usd'), 101); // half away from zero on the digits
  assert.equal(decimalToMinor('1.004', 'usd'), 100);
  assert.equal(decimalToMinor('-1.005', 'usd'), -101);
  assert.equal(decimalToMinor('.5', 'usd'), 50);
  assert.equal(decimalToMinor('7.', 'usd'), 700);
  // zero- and three-decimal currencies
  assert.equal(decimalToMinor('1500', 'jpy'), 1500);
  assert.equal(decimalToMinor('1500.6', 'jpy'), 1501);
  assert.equal(decimalToMinor('1.2345', 'kwd'), 1235);
  // nothing to read
  for (const text of ['', '  ', null, undefined, 'n/a', '1,000.00', '1e5', '.', '-'])
    assert.equal(decimalToMinor(text, 'usd'), null, String(text));
  assert.equal(decimalToMinor('99999999999999999999', 'usd'), null); // past exact integers
});
