import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mrrMovements } from '../../revenue/index.js';
import {
  backfillSnapshots,
  collectLookups,
  customerRecord,
  emptyLookups,
  historiesFromEvents,
  historiesFromSnapshots,
  invoiceRecord,
  type MappingIssue,
} from './mapping.js';
import { parseStripeEvent, parseSubscription, type ParsedStripeEvent } from './schemas.js';
import { fixture, type FixtureName } from '../../test-helpers/stripe-fixtures.js';

const event = (name: FixtureName) => parseStripeEvent(fixture(name));
const moves = (hs: Parameters<typeof mrrMovements>[0]) =>
  mrrMovements(hs).map((m) => [new Date(m.at).toISOString().slice(0, 10), m.kind, m.amount]);

/** Ada asks on 3 June to cancel at the period's end (the basil update, changed as Stripe would). */
function cancelRequest(): ParsedStripeEvent {
  const e = fixture('customer.subscription.updated.2025-03-31.basil') as {
    id: string;
    created: number;
    data: { object: Record<string, unknown>; previous_attributes?: unknown };
  };
  e.id = 'evt_1Ada0003cancelrequest';
  e.created = 1780444800; // 2026-06-03
  Object.assign(e.data.object, {
    cancel_at_period_end: true,
    cancel_at: 1781481600, // 2026-06-15, the end of the period then billed
    canceled_at: 1780444800,
    discounts: [],
  });
  const item = (e.data.object.items as { data: Array<Record<string, unknown>> }).data[0]!;
  Object.assign(item, { current_period_start: 1778803200, current_period_end: 1781481600 });
  e.data.previous_attributes = { cancel_at_period_end: false, cancel_at: null, canceled_at: null };
  return parseStripeEvent(e);
}

const ADA_EVENTS = (): ParsedStripeEvent[] => [
  event('customer.subscription.deleted.2025-03-31.basil'),
  event('invoice.paid.2025-03-31.basil'),
  cancelRequest(),
  event('customer.subscription.updated.2025-03-31.basil'),
  event('customer.created.2024-06-20'),
  event('customer.subscription.created.2024-06-20'),
  event('invoice.paid.2024-06-20'),
];

test("Ada's webhooks, across both API versions and out of order, give her MRR and movements", () => {
  const { histories, issues } = historiesFromEvents(ADA_EVENTS());
  assert.deepEqual(issues, []);
  assert.equal(histories.length, 1);
  assert.deepEqual(
    histories[0]!.states.map((s) => [new Date(s.from).toISOString().slice(0, 10), s.status]),
    [
      ['2026-01-01', 'trialing'],
      ['2026-02-10', 'active'],
      ['2026-06-03', 'active'],
      ['2026-06-15', 'canceled'],
    ],
  );
  assert.deepEqual(moves(histories), [
    // the trial ends on 15 January: 3 seats x $49 = $147, less 20% = $117.60
    ['2026-01-15', 'new_business', 11760],
    // 10 February: 5 seats, $245 less 20% = $196: +$78.40. The basil payload names the discount
    // by id only (di_Ada20); its object came with the 2024-06-20 creation event
    ['2026-02-10', 'expansion', 7840],
    // the 3 months end on 1 April: the 15 April invoice is the first at full price, +$49
    ['2026-04-15', 'expansion', 4900],
    // cancelled at period end on 3 June: the churn is the end, 15 June
    ['2026-06-15', 'churn', -24500],
  ]);
});

test('a discount named only by id, with no object seen, is reported rather than guessed', () => {
  const { histories, issues } = historiesFromEvents([
    event('customer.subscription.updated.2025-03-31.basil'),
  ]);
  assert.deepEqual(issues, [
    {
      subscriptionId: 'sub_Ada',
      message: 'discount di_Ada20 is named but its object was never seen (fetch it expanded)',
    },
  ] satisfies MappingIssue[]);
  assert.equal(histories[0]!.states[0]!.discounts.length, 0);
  // given the object (a backfill expanded it), it resolves
  const lookups = collectLookups([
    parseSubscription(
      (fixture('customer.subscription.created.2024-06-20').data as { object: unknown }).object,
    ),
  ]);
  const resolved = historiesFromEvents(
    [event('customer.subscription.updated.2025-03-31.basil')],
    lookups,
  );
  assert.deepEqual(resolved.issues, []);
  assert.equal(resolved.histories[0]!.states[0]!.discounts[0]?.coupon.percentOff, 20);
});

test("clover's customer.discount event resolves a discount by its source coupon", () => {
  const sub = fixture('customer.subscription.updated.2025-03-31.basil');
  const object = (sub.data as { object: Record<string, unknown> }).object;
  Object.assign(object, { id: 'sub_Bob', customer: 'cus_Bob', discounts: ['di_Bob10'] });
  const { histories, issues } = historiesFromEvents([
    parseStripeEvent(sub),
    event('customer.discount.created.2025-09-30.clover'),
  ]);
  assert.deepEqual(issues, []);
  assert.deepEqual(histories[0]!.states[0]!.discounts, [
    {
      id: 'di_Bob10',
      coupon: { percentOff: null, amountOff: 1000, currency: 'usd', duration: 'forever' },
      start: 1772323200_000,
      end: null,
    },
  ]);
});

test('a backfilled subscription is its current object from its start, and its end', () => {
  const parsed = parseSubscription(
    (fixture('customer.subscription.deleted.2025-03-31.basil').data as { object: unknown }).object,
  );
  const issues: MappingIssue[] = [];
  const histories = historiesFromSnapshots(backfillSnapshots(parsed, emptyLookups(), issues));
  assert.deepEqual(issues, []);
  assert.deepEqual(
    histories[0]!.states.map((s) => [
      new Date(s.from).toISOString().slice(0, 10),
      s.status,
      s.cancelAt,
    ]),
    [
      ['2026-01-01', 'trialing', null],
      ['2026-06-15', 'canceled', 1781481600_000],
    ],
  );
  // without its history, its last shape (5 seats, no discount) stands for all of it
  assert.deepEqual(moves(histories), [
    ['2026-01-15', 'new_business', 24500],
    ['2026-06-15', 'churn', -24500],
  ]);
});

test('prices the mapping cannot count are reported: tiered, or a page of items left unread', () => {
  const sub = fixture('customer.subscription.updated.2025-03-31.basil');
  const object = (sub.data as { object: Record<string, unknown> }).object;
  const items = object.items as {
    data: Array<{ price: Record<string, unknown> }>;
    has_more: boolean;
  };
  Object.assign(items.data[0]!.price, {
    unit_amount: null,
    unit_amount_decimal: null,
    billing_scheme: 'tiered',
  });
  items.has_more = true;
  object.discounts = [];
  const { issues } = historiesFromEvents([parseStripeEvent(sub)]);
  assert.deepEqual(
    issues.map((i) => i.message),
    [
      'more than one page of items: only the first page was read',
      'item si_AdaSeats: price price_TeamMonthly is tiered; counted as 0',
    ],
  );
  // a sub-cent price in unit_amount_decimal is read from the decimal
  Object.assign(items.data[0]!.price, { unit_amount_decimal: '0.5', billing_scheme: 'per_unit' });
  const { histories } = historiesFromEvents([parseStripeEvent(sub)]);
  assert.equal(histories[0]!.states[0]!.items[0]!.unitAmount, 0.5);
});

test('invoices of both versions flatten to the same record', () => {
  const records = (['invoice.paid.2024-06-20', 'invoice.paid.2025-03-31.basil'] as const).map(
    (name) => {
      const e = event(name);
      assert.ok(e.kind === 'invoice');
      return invoiceRecord(e.invoice);
    },
  );
  assert.deepEqual(
    records.map((r) => [r.id, r.customerId, r.subscriptionId, r.status, r.amountPaid, r.paidAt]),
    [
      ['in_AdaJan', 'cus_Ada', 'sub_Ada', 'paid', 11760, 1768438860_000],
      ['in_AdaFeb', 'cus_Ada', 'sub_Ada', 'paid', 21000, 1771117260_000],
    ],
  );
  assert.deepEqual(
    records.flatMap((r) =>
      r.lines.map((l) => [l.id, l.priceId, l.subscriptionItemId, l.proration, l.amount]),
    ),
    [
      ['il_AdaJan1', 'price_TeamMonthly', 'si_AdaSeats', false, 14700],
      ['il_AdaFebProration', 'price_TeamMonthly', 'si_AdaSeats', true, 1400],
      ['il_AdaFeb5', 'price_TeamMonthly', 'si_AdaSeats', false, 24500],
    ],
  );
});

test('a customer flattens to what matching reads', () => {
  const e = event('customer.created.2024-06-20');
  assert.ok(e.kind === 'customer');
  assert.deepEqual(customerRecord(e.customer), {
    id: 'cus_Ada',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    phone: null,
    createdAt: 1767225600_000,
    metadata: { closedloop_anonymous_id: 'anon-42' },
    deleted: false,
  });
});
