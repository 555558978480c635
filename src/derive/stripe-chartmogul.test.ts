// ChartMogul's movements through the store path: one customer's hand-built Stripe story, as webhook
// events in both API versions, stored as facts and read back into movements. In yen (zero-decimal): an
// annual plan, a quantity change, an upgrade, a second subscription with a coupon that expires, a cancel
// at period end of one of two, the last one's churn, and a reactivation. The pure cases, one by one, are
// src/revenue/movements.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../test-helpers/events.js';
import { recordStripeReceipts } from './stripe-record.js';
import { stripeCustomerMonths, stripeRevenue } from './stripe-revenue.js';

const BEFORE = '2024-06-20';
const BASIL = '2025-03-31.basil';
const s = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

interface SubSpec {
  id: string;
  start: string;
  price: { id: string; unit: number; interval: 'month' | 'year' };
  quantity: number;
  period: readonly [string, string];
  status?: 'active' | 'canceled';
  cancelAt?: string;
  endedAt?: string;
  coupon?: { start: string; end: string; percentOff: number; months: number };
}

function subscription(x: SubSpec, version: string) {
  const basil = version === BASIL;
  const period = { current_period_start: s(x.period[0]), current_period_end: s(x.period[1]) };
  const discount = x.coupon && {
    id: `di_${x.id}`,
    object: 'discount',
    coupon: {
      id: 'SPRING20',
      object: 'coupon',
      percent_off: x.coupon.percentOff,
      amount_off: null,
      currency: null,
      duration: 'repeating',
      duration_in_months: x.coupon.months,
    },
    customer: 'cus_K',
    start: s(x.coupon.start),
    end: s(x.coupon.end),
    subscription: x.id,
  };
  return {
    id: x.id,
    object: 'subscription',
    customer: 'cus_K',
    status: x.status ?? 'active',
    currency: 'jpy',
    created: s(x.start),
    start_date: s(x.start),
    billing_cycle_anchor: s(x.start),
    ...(basil ? {} : period),
    cancel_at: x.cancelAt ? s(x.cancelAt) : null,
    cancel_at_period_end: x.cancelAt !== undefined && x.endedAt === undefined,
    canceled_at: x.cancelAt || x.endedAt ? s(x.endedAt ?? x.start) : null,
    ended_at: x.endedAt ? s(x.endedAt) : null,
    trial_start: null,
    trial_end: null,
    ...(basil ? { discounts: discount ? [discount] : [] } : { discount: discount ?? null }),
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `si_${x.id}`,
          object: 'subscription_item',
          quantity: x.quantity,
          price: {
            id: x.price.id,
            object: 'price',
            currency: 'jpy',
            unit_amount: x.price.unit,
            billing_scheme: 'per_unit',
            recurring: { interval: x.price.interval, interval_count: 1, usage_type: 'licensed' },
          },
          ...(basil ? period : {}),
        },
      ],
    },
  };
}

let n = 0;
const event = (type: string, at: string, version: string, object: unknown) => ({
  workspaceId: 'w',
  vendor: 'stripe',
  key: `evt_K${++n}`,
  receivedAt: '2027-01-01T00:00:00.000Z',
  contentType: 'application/json',
  body: JSON.stringify({
    id: `evt_K${n}`,
    object: 'event',
    api_version: version,
    created: s(at),
    livemode: false,
    pending_webhooks: 1,
    type,
    data: { object },
  }),
});

const ANNUAL = { id: 'price_year', unit: 120_000, interval: 'year' } as const;
const ANNUAL_PRO = { id: 'price_year_pro', unit: 180_000, interval: 'year' } as const;
const A = { id: 'sub_A', start: '2026-01-10', period: ['2026-01-10', '2027-01-10'] } as const;
const B = {
  id: 'sub_B',
  start: '2026-05-01',
  price: { id: 'price_month', unit: 5_000, interval: 'month' },
  quantity: 1,
} as const;
const COUPON = { start: '2026-05-01', end: '2026-07-01', percentOff: 20, months: 2 };

const STORY = () => [
  event('customer.created', '2026-01-10', BEFORE, {
    id: 'cus_K',
    object: 'customer',
    email: 'kenji@example.jp',
  }),
  // ¥120,000 a year: ¥10,000 a month
  event(
    'customer.subscription.created',
    '2026-01-10',
    BEFORE,
    subscription({ ...A, price: ANNUAL, quantity: 1 }, BEFORE),
  ),
  // a second seat
  event(
    'customer.subscription.updated',
    '2026-03-10',
    BASIL,
    subscription({ ...A, price: ANNUAL, quantity: 2 }, BASIL),
  ),
  // the upgrade: 2 x ¥180,000 a year
  event(
    'customer.subscription.updated',
    '2026-04-05',
    BEFORE,
    subscription({ ...A, price: ANNUAL_PRO, quantity: 2 }, BEFORE),
  ),
  // a second subscription, 20% off its first two months
  event(
    'customer.subscription.created',
    '2026-05-01',
    BASIL,
    subscription({ ...B, period: ['2026-05-01', '2026-06-01'], coupon: COUPON }, BASIL),
  ),
  // cancel B at the period's end (1 August), then Stripe ends it
  event(
    'customer.subscription.updated',
    '2026-07-15',
    BEFORE,
    subscription({ ...B, period: ['2026-07-01', '2026-08-01'], cancelAt: '2026-08-01' }, BEFORE),
  ),
  event(
    'customer.subscription.deleted',
    '2026-08-01',
    BASIL,
    subscription(
      {
        ...B,
        period: ['2026-07-01', '2026-08-01'],
        status: 'canceled',
        cancelAt: '2026-08-01',
        endedAt: '2026-08-01',
      },
      BASIL,
    ),
  ),
  // A cancelled at once: the last one ends
  event(
    'customer.subscription.deleted',
    '2026-09-01',
    BEFORE,
    subscription(
      { ...A, price: ANNUAL_PRO, quantity: 2, status: 'canceled', endedAt: '2026-09-01' },
      BEFORE,
    ),
  ),
  // back two months later on a monthly plan
  event(
    'customer.subscription.created',
    '2026-11-01',
    BASIL,
    subscription(
      {
        id: 'sub_C',
        start: '2026-11-01',
        price: { id: 'price_month_8', unit: 8_000, interval: 'month' },
        quantity: 1,
        period: ['2026-11-01', '2026-12-01'],
      },
      BASIL,
    ),
  ),
];

test("one customer's story through Stripe events and the store gives ChartMogul's movements, in yen", async () => {
  await withStore(async (store) => {
    // delivered out of order
    const recorded = await recordStripeReceipts(store, 'w', STORY().reverse());
    assert.equal(recorded.inserted, 9);
    const facts = await store.stripeFacts('w');
    const { movements, issues } = stripeRevenue(facts);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      movements.map((m) => [
        new Date(m.at).toISOString().slice(0, 10),
        m.kind,
        m.amount,
        m.currency,
      ]),
      [
        ['2026-01-10', 'new_business', 10_000, 'jpy'],
        ['2026-03-10', 'expansion', 10_000, 'jpy'],
        ['2026-04-05', 'expansion', 10_000, 'jpy'],
        // ¥5,000 less 20%
        ['2026-05-01', 'expansion', 4_000, 'jpy'],
        // the coupon's two months are over: the 1 July invoice is at full price
        ['2026-07-01', 'expansion', 1_000, 'jpy'],
        // one of two ends at its period's end (not at the request): a contraction
        ['2026-08-01', 'contraction', -5_000, 'jpy'],
        // the last one ends: churn
        ['2026-09-01', 'churn', -30_000, 'jpy'],
        ['2026-11-01', 'reactivation', 8_000, 'jpy'],
      ],
    );
    const months = stripeCustomerMonths(facts, '2026-12');
    assert.deepEqual(
      months.map((m) => [m.month, m.endMrr]),
      [
        ['2026-01', 10_000],
        ['2026-02', 10_000],
        ['2026-03', 20_000],
        ['2026-04', 30_000],
        ['2026-05', 34_000],
        ['2026-06', 34_000],
        ['2026-07', 35_000],
        ['2026-08', 30_000],
        ['2026-09', 0],
        ['2026-11', 8_000],
        ['2026-12', 8_000],
      ],
    );
  });
});
