// Movements and monthly revenue in another currency (pure): each movement at its day's rate, scaled
// between the currencies' decimals; a move to 0 takes away exactly the converted MRR; a missing rate
// leaves the customer out and is named, never 1.0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MrrMovement } from './types.js';
import {
  anniversaryMrr,
  convertedRevenue,
  convertMovements,
  movementRateNeeds,
  type RateOf,
} from './mrr-fx.js';

const move = (
  customerId: string,
  currency: string,
  at: string,
  kind: MrrMovement['kind'],
  mrrBefore: number,
  mrrAfter: number,
): MrrMovement => ({
  customerId,
  currency,
  at: Date.parse(`${at}T12:00:00Z`),
  kind,
  amount: mrrAfter - mrrBefore,
  mrrBefore,
  mrrAfter,
});

// 1 JPY in USD, 1 KWD (three decimals) in USD, by day; no GBP
const RATES: Record<string, number> = {
  'JPY 2026-01-15': 1 / 150,
  'JPY 2026-03-10': 1 / 160,
  'JPY 2026-04-02': 1 / 100,
  'KWD 2026-01-15': 3.25,
};
const rateOf: RateOf = (c, day) => RATES[`${c} ${day}`] ?? null;

test('each movement at its day’s rate, in the target’s minor units; churn leaves exactly 0', () => {
  const yen = [
    move('k', 'jpy', '2026-01-15', 'new_business', 0, 15_000),
    move('k', 'jpy', '2026-03-10', 'expansion', 15_000, 24_000),
    // the yen has risen: a contraction at this rate would take more than the converted MRR holds
    move('k', 'jpy', '2026-04-02', 'contraction', 24_000, 5_000),
    move('k', 'jpy', '2026-05-20', 'churn', 5_000, 0),
  ];
  const { movements, missing } = convertMovements(yen, 'USD', rateOf);
  assert.deepEqual(missing, []);
  assert.deepEqual(
    movements.map((m) => [m.kind, m.currency, m.amount, m.mrrAfter]),
    [
      ['new_business', 'USD', 10_000, 10_000], // ¥15,000 / 150 = $100.00
      ['expansion', 'USD', 5_625, 15_625], // ¥9,000 / 160 = $56.25
      ['contraction', 'USD', -15_625, 0], // −¥19,000 / 100 = −$190, but only $156.25 is there
      ['churn', 'USD', 0, 0],
    ],
  );
  // no rate is needed to leave
  assert.deepEqual(
    movementRateNeeds(yen).map((n) => `${n.currency} ${n.day}`),
    ['JPY 2026-01-15', 'JPY 2026-03-10', 'JPY 2026-04-02'],
  );
  // three decimals: 12.500 KWD (12500 fils) at 3.25 is $40.63 (4062.5 cents, rounded)
  const kwd = convertMovements(
    [move('d', 'kwd', '2026-01-15', 'new_business', 0, 12_500)],
    'USD',
    rateOf,
  );
  assert.deepEqual(
    kwd.movements.map((m) => m.amount),
    [Math.round(12.5 * 3.25 * 100)],
  );
  // into yen: $10.00 at 150 yen a dollar is ¥1,500 (no minor unit)
  const usd = convertMovements(
    [move('u', 'usd', '2026-01-15', 'new_business', 0, 1_000)],
    'JPY',
    (c) => (c === 'USD' ? 150 : null),
  );
  assert.deepEqual(
    usd.movements.map((m) => m.amount),
    [1_500],
  );
});

test('a customer with a missing rate is left out whole and named; the others stay', () => {
  const { movements, missing } = convertMovements(
    [
      move('g', 'gbp', '2026-02-01', 'new_business', 0, 2_000),
      move('g', 'gbp', '2026-03-01', 'expansion', 2_000, 3_000),
      move('k', 'jpy', '2026-01-15', 'new_business', 0, 15_000),
    ],
    'USD',
    rateOf,
  );
  assert.deepEqual(
    movements.map((m) => m.customerId),
    ['k'],
  );
  assert.deepEqual(missing, [
    { currency: 'GBP', day: '2026-02-01', customerId: 'g' },
    { currency: 'GBP', day: '2026-03-01', customerId: 'g' },
  ]);
});

test('monthly revenue at each anniversary’s rate; null, never 1.0, when a rate is missing', () => {
  const yen = [
    move('k', 'jpy', '2026-01-15', 'new_business', 0, 15_000),
    move('k', 'jpy', '2026-03-10', 'expansion', 15_000, 24_000),
  ];
  const months = anniversaryMrr(yen, Date.parse('2026-03-20T00:00:00Z'));
  assert.deepEqual(
    months.map((m) => m.mrr),
    [15_000, 15_000, 24_000],
  );
  const rates: RateOf = (_c, day) => (day < '2026-03-01' ? 1 / 150 : 1 / 160);
  assert.deepEqual(convertedRevenue('jpy', months, 'USD', rates), {
    value: 100 + 100 + 150,
    missing: [],
  });
  assert.deepEqual(convertedRevenue('jpy', months, 'USD', rateOf), {
    value: null,
    missing: [
      { currency: 'JPY', day: '2026-02-15' },
      { currency: 'JPY', day: '2026-03-15' },
    ],
  });
});
