// Hand-built subscription histories, each with its monthly MRR and movements worked out by hand
// (ChartMogul's definitions: docs/revenue.md). Amounts are minor units: 5000 is $50.00.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { customerMonths, mrrMovements } from './movements.js';
import { toMajorUnits } from './currency.js';
import type { MovementOptions, SubscriptionHistory } from './types.js';
import { day, discount, history, item, state, then } from '../test-helpers/revenue-histories.js';

type Move = [date: string, kind: string, amount: number];
type Row = [
  month: string,
  start: number,
  newBusiness: number,
  expansion: number,
  contraction: number,
  churn: number,
  reactivation: number,
  end: number,
];

function moves(hs: SubscriptionHistory[], options: MovementOptions = {}): Move[] {
  return mrrMovements(hs, options).map((m) => [
    new Date(m.at).toISOString().slice(0, 16).replace('T00:00', ''),
    m.kind,
    m.amount,
  ]);
}

function rows(hs: SubscriptionHistory[], through: string, options: MovementOptions = {}): Row[] {
  return customerMonths(mrrMovements(hs, options), through).map((r) => [
    r.month,
    r.startMrr,
    r.newBusiness,
    r.expansion,
    r.contraction,
    r.churn,
    r.reactivation,
    r.endMrr,
  ]);
}

describe('plan changes', () => {
  test('upgrade: $50 to $80 a month on 10 March is an expansion of $30 that day', () => {
    const s = state(day(2026, 1, 1), [item('si_1', 5000)]);
    const hs = [
      history('sub_1', 'cus_up', [s, then(s, day(2026, 3, 10), { items: [item('si_1', 8000)] })]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 5000], // first paying subscription: $50 MRR
      ['2026-03-10', 'expansion', 3000], // $80 - $50, the day the price changed
    ]);
    assert.deepEqual(rows(hs, '2026-04'), [
      ['2026-01', 0, 5000, 0, 0, 0, 0, 5000],
      ['2026-02', 5000, 0, 0, 0, 0, 0, 5000], // nothing moved: start = end
      ['2026-03', 5000, 0, 3000, 0, 0, 0, 8000],
      ['2026-04', 8000, 0, 0, 0, 0, 0, 8000],
    ]);
  });

  test('downgrade: $80 to $50 on 15 February is a contraction of $30', () => {
    const s = state(day(2026, 1, 1), [item('si_1', 8000)]);
    const hs = [
      history('sub_1', 'cus_down', [s, then(s, day(2026, 2, 15), { items: [item('si_1', 5000)] })]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 8000],
      ['2026-02-15', 'contraction', -3000],
    ]);
  });

  test('quantity: 3 seats to 5 is an expansion, 5 to 2 a contraction, at $20 a seat', () => {
    const seats = (n: number) => [item('si_1', 2000, { quantity: n })];
    const s = state(day(2026, 1, 1), seats(3));
    const hs = [
      history('sub_1', 'cus_seats', [
        s,
        then(s, day(2026, 2, 1), { items: seats(5) }),
        then(s, day(2026, 4, 1), { items: seats(2) }),
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 6000], // 3 x $20
      ['2026-02-01', 'expansion', 4000], // 5 x $20 = $100, +$40
      ['2026-04-01', 'contraction', -6000], // 2 x $20 = $40, -$60
    ]);
  });

  test('several items: a base price and add-on seats, a metered item adds nothing', () => {
    const hs = [
      history('sub_1', 'cus_items', [
        state(day(2026, 1, 1), [
          item('si_base', 10000),
          item('si_seats', 1500, { quantity: 3 }),
          item('si_usage', 0, { usageType: 'metered' }),
        ]),
      ]),
    ];
    // $100 + 3 x $15 = $145
    assert.deepEqual(moves(hs), [['2026-01-01', 'new_business', 14500]]);
  });
});

describe('discounts', () => {
  test('25% for 3 months added mid-period: the next three invoices are reduced, then it expires', () => {
    const s = state(day(2026, 1, 1), [item('si_1', 10000)]);
    // applied on 10 February; Stripe ends a 3-month repeating discount 3 months later, on 10 May
    const d = discount(
      'di_25',
      day(2026, 2, 10),
      { percentOff: 25, duration: 'repeating' },
      day(2026, 5, 10),
    );
    const hs = [
      history('sub_1', 'cus_disc', [
        s,
        then(s, day(2026, 2, 10), { discounts: [d] }),
        then(s, day(2026, 5, 10), { discounts: [] }), // Stripe removes it when it ends
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 10000],
      // February was invoiced on 1 February at full price; the 1 March invoice is the first reduced
      ['2026-03-01', 'contraction', -2500],
      // invoices of 1 March, 1 April and 1 May started before 10 May; 1 June's is full price again
      ['2026-06-01', 'expansion', 2500],
    ]);
    assert.deepEqual(rows(hs, '2026-06'), [
      ['2026-01', 0, 10000, 0, 0, 0, 0, 10000],
      ['2026-02', 10000, 0, 0, 0, 0, 0, 10000],
      ['2026-03', 10000, 0, 0, -2500, 0, 0, 7500],
      ['2026-04', 7500, 0, 0, 0, 0, 0, 7500],
      ['2026-05', 7500, 0, 0, 0, 0, 0, 7500],
      ['2026-06', 7500, 0, 2500, 0, 0, 0, 10000],
    ]);
    // a snapshot taken while the discount ran (a backfill) knows its end: the same movements
    const seenOnce = [
      history('sub_1', 'cus_disc', [s, then(s, day(2026, 2, 10), { discounts: [d] })]),
    ];
    assert.deepEqual(moves(seenOnce), moves(hs));
  });

  test('$10 off once at sign-up: the first month is $20, the second an expansion to $30', () => {
    const d = discount('di_once', day(2026, 1, 1), {
      amountOff: 1000,
      currency: 'usd',
      duration: 'once',
    });
    const s = state(day(2026, 1, 1), [item('si_1', 3000)], { discounts: [d] });
    const hs = [
      history('sub_1', 'cus_once', [
        s,
        then(s, day(2026, 1, 1, 1), { discounts: [] }), // Stripe drops a used `once` discount
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 2000],
      ['2026-02-01', 'expansion', 1000],
    ]);
    // the same without the later snapshot: `once` still reduces only the first invoice
    assert.deepEqual(moves([history('sub_1', 'cus_once', [s])]), moves(hs));
  });

  test('an amount off a yearly invoice is spread over its 12 months; a 50% item discount halves one item', () => {
    const yearly = [
      history('sub_y', 'cus_y', [
        state(day(2026, 1, 1), [item('si_1', 120000, { interval: 'year' })], {
          discounts: [
            discount('di_y', day(2026, 1, 1), {
              amountOff: 12000,
              currency: 'usd',
              duration: 'forever',
            }),
          ],
        }),
      ]),
    ];
    // ($1,200 - $120) / 12 = $90
    assert.deepEqual(moves(yearly), [['2026-01-01', 'new_business', 9000]]);
    const itemLevel = [
      history('sub_i', 'cus_i', [
        state(day(2026, 1, 1), [
          item('si_base', 10000),
          item('si_seats', 1500, {
            quantity: 3,
            discounts: [discount('di_i', day(2026, 1, 1), { percentOff: 50, duration: 'forever' })],
          }),
        ]),
      ]),
    ];
    // $100 + 3 x $15 x 50% = $122.50
    assert.deepEqual(moves(itemLevel), [['2026-01-01', 'new_business', 12250]]);
    // an amount-off coupon in another currency does not apply (Stripe would not accept it)
    const eurCoupon = [
      history('sub_e', 'cus_e', [
        state(day(2026, 1, 1), [item('si_1', 5000)], {
          discounts: [
            discount('di_e', day(2026, 1, 1), {
              amountOff: 1000,
              currency: 'eur',
              duration: 'forever',
            }),
          ],
        }),
      ]),
    ];
    assert.deepEqual(moves(eurCoupon), [['2026-01-01', 'new_business', 5000]]);
  });
});

describe('several subscriptions, cancellation and churn', () => {
  test('a second subscription expands; cancelling one of two contracts; the last one churns at period end', () => {
    const a = state(day(2026, 1, 1), [item('si_a', 5000)]);
    const b = state(day(2026, 2, 20), [item('si_b', 3000)]);
    const hs = [
      history('sub_a', 'cus_two', [
        a,
        // 3 June: cancel at period end; Stripe schedules the end for 1 July
        then(a, day(2026, 6, 3), { cancelAt: day(2026, 7, 1) }),
        then(a, day(2026, 7, 1), { status: 'canceled' }),
      ]),
      history('sub_b', 'cus_two', [b, then(b, day(2026, 4, 5), { status: 'canceled' })]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 5000],
      ['2026-02-20', 'expansion', 3000], // a second subscription of a paying customer
      ['2026-04-05', 'contraction', -3000], // one of two ends: not churn
      ['2026-07-01', 'churn', -5000], // the last ends at its period end, not at the 3 June request
    ]);
    assert.deepEqual(rows(hs, '2026-08'), [
      ['2026-01', 0, 5000, 0, 0, 0, 0, 5000],
      ['2026-02', 5000, 0, 3000, 0, 0, 0, 8000],
      ['2026-03', 8000, 0, 0, 0, 0, 0, 8000],
      ['2026-04', 8000, 0, 0, -3000, 0, 0, 5000],
      ['2026-05', 5000, 0, 0, 0, 0, 0, 5000],
      ['2026-06', 5000, 0, 0, 0, 0, 0, 5000], // the cancel request moves nothing
      ['2026-07', 5000, 0, 0, 0, -5000, 0, 0],
      // August: no MRR, no movement, no row
    ]);
    assert.equal(
      customerMonths(mrrMovements(hs), '2026-08').find((r) => r.month === '2026-07')?.churned,
      true,
    );
  });

  test('a cancel at period end churns at the period end even if only the request was seen', () => {
    const s = state(day(2026, 1, 15), [item('si_1', 4000)]);
    const requestOnly = [
      history('sub_1', 'cus_cape', [s, then(s, day(2026, 3, 3), { cancelAt: day(2026, 3, 15) })]),
    ];
    assert.deepEqual(moves(requestOnly), [
      ['2026-01-15', 'new_business', 4000],
      ['2026-03-15', 'churn', -4000],
    ]);
    // withdrawn before it came due: nothing happens
    const withdrawn = [
      history('sub_1', 'cus_cape', [
        s,
        then(s, day(2026, 3, 3), { cancelAt: day(2026, 3, 15) }),
        then(s, day(2026, 3, 10), { cancelAt: null }),
      ]),
    ];
    assert.deepEqual(moves(withdrawn), [['2026-01-15', 'new_business', 4000]]);
  });

  test('an immediate cancellation churns when it ends, or at the paid period end if so recognised', () => {
    const s = state(day(2026, 1, 15), [item('si_1', 4000)]);
    const hs = [history('sub_1', 'cus_now', [s, then(s, day(2026, 3, 3), { status: 'canceled' })])];
    assert.deepEqual(moves(hs).at(-1), ['2026-03-03', 'churn', -4000]);
    // ChartMogul's other setting: the period paid on 15 February runs to 15 March
    assert.deepEqual(moves(hs, { churnRecognition: 'service-period-end' }).at(-1), [
      '2026-03-15',
      'churn',
      -4000,
    ]);
  });

  test('churn, then a new subscription months later is a reactivation, not new business', () => {
    const s1 = state(day(2026, 1, 1), [item('si_1', 2500)]);
    const hs = [
      history('sub_1', 'cus_back', [s1, then(s1, day(2026, 3, 1), { status: 'canceled' })]),
      history('sub_2', 'cus_back', [state(day(2026, 5, 10), [item('si_2', 3500)])]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 2500],
      ['2026-03-01', 'churn', -2500],
      ['2026-05-10', 'reactivation', 3500], // previously paying, churned, paying again
    ]);
    assert.deepEqual(rows(hs, '2026-06'), [
      ['2026-01', 0, 2500, 0, 0, 0, 0, 2500],
      ['2026-02', 2500, 0, 0, 0, 0, 0, 2500],
      ['2026-03', 2500, 0, 0, 0, -2500, 0, 0],
      // April: nothing
      ['2026-05', 0, 0, 0, 0, 0, 3500, 3500],
      ['2026-06', 3500, 0, 0, 0, 0, 0, 3500],
    ]);
  });

  test('past due and unpaid keep their MRR until the subscription is cancelled', () => {
    const s = state(day(2026, 1, 1), [item('si_1', 5000)]);
    const hs = [
      history('sub_1', 'cus_late', [
        s,
        then(s, day(2026, 2, 2), { status: 'past_due' }),
        then(s, day(2026, 3, 2), { status: 'unpaid' }),
        then(s, day(2026, 4, 1), { status: 'canceled' }),
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 5000],
      ['2026-04-01', 'churn', -5000],
    ]);
  });

  test('a move to a free plan is a contraction (still a subscriber); ending it is a churn of $0', () => {
    const s = state(day(2026, 1, 1), [item('si_1', 2000)]);
    const hs = [
      history('sub_1', 'cus_free', [
        s,
        then(s, day(2026, 3, 1), { items: [item('si_1', 0)] }),
        then(s, day(2026, 4, 1), { items: [item('si_1', 2000)] }),
        then(s, day(2026, 5, 1), { items: [item('si_1', 0)] }),
        then(s, day(2026, 7, 1), { status: 'canceled', items: [item('si_1', 0)] }),
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 2000],
      ['2026-03-01', 'contraction', -2000],
      ['2026-04-01', 'expansion', 2000], // back on a paid plan: an expansion, not a reactivation
      ['2026-05-01', 'contraction', -2000],
      ['2026-07-01', 'churn', 0], // the customer churned; its MRR had already gone
    ]);
    // a free plan that never billed anything never makes a subscriber
    const neverPaid = [
      history('sub_f', 'cus_f', [
        state(day(2026, 1, 1), [item('si_1', 0)]),
        state(day(2026, 3, 1), [item('si_1', 0)], { status: 'canceled' }),
      ]),
    ];
    assert.deepEqual(moves(neverPaid), []);
  });

  test('a plan swap as cancel + new subscription 30 minutes apart: churn and reactivation, or one upgrade when grouped', () => {
    const a = state(day(2026, 1, 1), [item('si_a', 5000)]);
    const hs = [
      history('sub_a', 'cus_swap', [a, then(a, day(2026, 3, 1, 10, 0), { status: 'canceled' })]),
      history('sub_b', 'cus_swap', [state(day(2026, 3, 1, 10, 30), [item('si_b', 9000)])]),
    ];
    assert.deepEqual(moves(hs).slice(1), [
      ['2026-03-01T10:00', 'churn', -5000],
      ['2026-03-01T10:30', 'reactivation', 9000],
    ]);
    assert.deepEqual(moves(hs, { groupWithinMs: 60 * 60_000 }).slice(1), [
      ['2026-03-01T10:00', 'expansion', 4000],
    ]);
  });
});

describe('trials, intervals and currencies', () => {
  test('a trial counts nothing; its end is new business; a lapsed trial never was a customer', () => {
    const trial = {
      status: 'trialing' as const,
      trialEnd: day(2026, 1, 15),
      billingAnchor: day(2026, 1, 15),
    };
    const hs = [
      history('sub_1', 'cus_trial', [state(day(2026, 1, 1), [item('si_1', 5000)], trial)]),
    ];
    assert.deepEqual(moves(hs), [['2026-01-15', 'new_business', 5000]]);
    const lapsed = [
      history('sub_1', 'cus_lapsed', [
        state(day(2026, 1, 1), [item('si_1', 5000)], trial),
        state(day(2026, 1, 15), [item('si_1', 5000)], { ...trial, status: 'canceled' }),
      ]),
    ];
    assert.deepEqual(moves(lapsed), []);
    // 50% once at sign-up reduces the first paid invoice, not the free trial's
    const withCoupon = [
      history('sub_1', 'cus_tc', [
        state(day(2026, 1, 1), [item('si_1', 5000)], {
          ...trial,
          discounts: [discount('di_t', day(2026, 1, 1), { percentOff: 50, duration: 'once' })],
        }),
      ]),
    ];
    assert.deepEqual(moves(withCoupon), [
      ['2026-01-15', 'new_business', 2500],
      ['2026-02-15', 'expansion', 2500],
    ]);
  });

  test('annual plan: 4 x $500 a year is $166.67 a month, renewals move nothing, 2 more seats expand', () => {
    // ChartMogul's own example: $2,000 billed yearly is $2,000 / 12 = $166.67 MRR
    const s = state(day(2026, 1, 1), [item('si_1', 50000, { quantity: 4, interval: 'year' })]);
    const hs = [
      history('sub_1', 'cus_annual', [
        s,
        then(s, day(2027, 3, 1), {
          items: [item('si_1', 50000, { quantity: 6, interval: 'year' })],
        }),
      ]),
    ];
    assert.deepEqual(moves(hs), [
      ['2026-01-01', 'new_business', 16667], // 200000 / 12 = 16666.67, rounded to a cent
      ['2027-03-01', 'expansion', 8333], // 300000 / 12 = 25000; 25000 - 16667
    ]);
    // the 1 January 2027 renewal is not a movement
    assert.equal(
      rows(hs, '2027-01').at(-1)?.join(),
      ['2027-01', 16667, 0, 0, 0, 0, 0, 16667].join(),
    );
  });

  test('weeks, days and interval counts are normalised to a month', () => {
    const one = (
      id: string,
      amount: number,
      interval: 'day' | 'week' | 'month' | 'year',
      intervalCount: number,
    ) =>
      history(`sub_${id}`, `cus_${id}`, [
        state(day(2026, 1, 1), [item('si', amount, { interval, intervalCount })]),
      ]);
    const mrrOf = (h: SubscriptionHistory) => mrrMovements([h])[0]?.amount;
    assert.equal(mrrOf(one('w', 1000, 'week', 1)), 4333); // $10 a week x 52 / 12 = $43.33
    assert.equal(mrrOf(one('q', 30000, 'month', 3)), 10000); // $300 a quarter
    assert.equal(mrrOf(one('2y', 240000, 'year', 2)), 10000); // $2,400 every two years
    assert.equal(mrrOf(one('d', 100, 'day', 1)), 3042); // $1 a day x 365 / 12 = $30.42
  });

  test('zero-decimal currency: yen amounts are whole yen, MRR is rounded to the yen', () => {
    const hs = [
      history(
        'sub_1',
        'cus_jp',
        [state(day(2026, 1, 1), [item('si_1', 9800, { quantity: 2 })])],
        'jpy',
      ),
      history(
        'sub_2',
        'cus_jp',
        [state(day(2026, 2, 1), [item('si_2', 100000, { interval: 'year' })])],
        'jpy',
      ),
    ];
    const ms = mrrMovements(hs);
    assert.deepEqual(
      ms.map((m) => [m.kind, m.amount, m.currency]),
      [
        ['new_business', 19600, 'jpy'], // 2 x ¥9,800
        ['expansion', 8333, 'jpy'], // ¥100,000 / 12 = ¥8,333.33, to the yen
      ],
    );
    // ¥19,600, not ¥196.00: yen have no minor unit
    assert.equal(toMajorUnits(ms[0]!.mrrAfter, 'jpy'), 19600);
    assert.equal(toMajorUnits(ms[0]!.mrrAfter, 'usd'), 196);
  });
});
