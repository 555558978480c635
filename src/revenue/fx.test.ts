import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveRates, fxRateOn, type FxRate } from './fx.js';

const R = (date: string, base: string, quote: string, rate: number): FxRate => ({
  date,
  base,
  quote,
  rate,
});

test('a rate is in effect from its day until the pair has a later one; before the first, none', () => {
  const rates = [R('2026-01-01', 'EUR', 'USD', 1.1), R('2026-01-10', 'EUR', 'USD', 1.2)];
  assert.equal(fxRateOn(rates, 'EUR', 'USD', '2025-12-31'), undefined);
  assert.deepEqual(fxRateOn(rates, 'EUR', 'USD', '2026-01-09'), {
    rate: 1.1,
    rateDate: '2026-01-01',
    via: null,
  });
  assert.equal(fxRateOn(rates, 'EUR', 'USD', '2026-02-01')?.rate, 1.2);
  assert.deepEqual(fxRateOn(rates, 'USD', 'USD', '1999-01-01'), {
    rate: 1,
    rateDate: null,
    via: null,
  });
});

test('the other way round is the inverse, unless that way was given too on the same day', () => {
  assert.equal(
    fxRateOn([R('2026-01-01', 'EUR', 'USD', 1.25)], 'USD', 'EUR', '2026-01-02')?.rate,
    0.8,
  );
  const both = [R('2026-01-01', 'EUR', 'USD', 1.25), R('2026-01-01', 'USD', 'EUR', 0.79)];
  assert.equal(fxRateOn(both, 'USD', 'EUR', '2026-01-02')?.rate, 0.79);
  assert.equal(fxRateOn(both, 'EUR', 'USD', '2026-01-02')?.rate, 1.25);
});

test('with no rate between two currencies, through the first third one (by code) with rates to both', () => {
  const rates = [
    R('2026-01-01', 'EUR', 'GBP', 0.8),
    R('2026-01-03', 'EUR', 'USD', 1.2),
    R('2026-01-01', 'CHF', 'GBP', 0.9),
    R('2026-01-01', 'CHF', 'USD', 1.1),
  ];
  // CHF comes before EUR: GBP -> CHF -> USD, dated by its older leg
  const got = fxRateOn(rates, 'GBP', 'USD', '2026-01-05')!;
  assert.equal(got.via, 'CHF');
  assert.equal(got.rateDate, '2026-01-01');
  assert.ok(Math.abs(got.rate - 1.1 / 0.9) < 1e-12);
  assert.equal(fxRateOn(rates, 'GBP', 'JPY', '2026-01-05'), undefined);
});

test('the latest import of a date and pair is the one in effect', () => {
  const rates = effectiveRates([
    R('2026-01-01', 'EUR', 'USD', 1.1),
    R('2026-01-01', 'EUR', 'USD', 1.3),
  ]);
  assert.deepEqual(rates, [R('2026-01-01', 'EUR', 'USD', 1.3)]);
});
