import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiShapeOf,
  parseInvoice,
  parseStripeEvent,
  parseSubscription,
  StripePayloadError,
} from './schemas.js';
import { fixture, FIXTURE_NAMES } from '../../test-helpers/stripe-fixtures.js';

function payloadError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StripePayloadError, String(err));
    assert.ok(err.message.startsWith(`${err.path}: `), err.message);
    return err.path;
  }
  assert.fail('parsed');
}

const dataObject = (name: (typeof FIXTURE_NAMES)[number]) =>
  (fixture(name).data as { object: unknown }).object;

test('the API version names the shape: basil (2025-03-31) and later moved fields', () => {
  assert.equal(apiShapeOf('2024-06-20'), 'before-2025-03-31');
  assert.equal(apiShapeOf('2025-02-24.acacia'), 'before-2025-03-31');
  assert.equal(apiShapeOf('2025-03-31.basil'), 'from-2025-03-31');
  assert.equal(apiShapeOf('2025-09-30.clover'), 'from-2025-03-31');
  assert.equal(apiShapeOf(null), null);
  assert.equal(apiShapeOf('latest'), null);
});

test('every fixture reads as its event type in its own API version', () => {
  const kinds = FIXTURE_NAMES.map((name) => {
    const parsed = parseStripeEvent(fixture(name));
    const shape =
      parsed.kind === 'subscription'
        ? parsed.subscription.shape
        : parsed.kind === 'invoice'
          ? parsed.invoice.shape
          : '-';
    return [name, parsed.kind, shape];
  });
  assert.deepEqual(kinds, [
    ['customer.created.2024-06-20', 'customer', '-'],
    ['customer.subscription.created.2024-06-20', 'subscription', 'before-2025-03-31'],
    ['customer.subscription.updated.2025-03-31.basil', 'subscription', 'from-2025-03-31'],
    ['customer.subscription.deleted.2025-03-31.basil', 'subscription', 'from-2025-03-31'],
    ['invoice.paid.2024-06-20', 'invoice', 'before-2025-03-31'],
    ['invoice.paid.2025-03-31.basil', 'invoice', 'from-2025-03-31'],
    ['customer.discount.created.2025-09-30.clover', 'discount', '-'],
  ]);
});

test('the fields that moved: periods on the subscription or on its items, each required in its version', () => {
  const before = parseSubscription(
    dataObject('customer.subscription.created.2024-06-20'),
    '2024-06-20',
  );
  assert.equal(before.shape, 'before-2025-03-31');
  if (before.shape === 'before-2025-03-31') {
    assert.equal(before.subscription.current_period_end, 1768435200);
    assert.equal(before.subscription.discount?.coupon?.percent_off, 20);
  }
  const after = parseSubscription(
    dataObject('customer.subscription.updated.2025-03-31.basil'),
    '2025-03-31.basil',
  );
  assert.equal(after.shape, 'from-2025-03-31');
  if (after.shape === 'from-2025-03-31') {
    assert.equal(after.subscription.items.data[0]!.current_period_end, 1771113600);
    assert.deepEqual(after.subscription.discounts, ['di_Ada20']);
  }
  // read in the other version's shape, each misses what moved
  assert.equal(
    payloadError(() =>
      parseSubscription(dataObject('customer.subscription.updated.2025-03-31.basil'), '2024-06-20'),
    ),
    'subscription.current_period_start',
  );
  assert.equal(
    payloadError(() =>
      parseSubscription(dataObject('customer.subscription.created.2024-06-20'), '2025-03-31.basil'),
    ),
    'subscription.items.data.0.current_period_start',
  );
  // with no version to go by (a backfill in the account's default version), the fields tell
  assert.equal(
    parseSubscription(dataObject('customer.subscription.created.2024-06-20')).shape,
    'before-2025-03-31',
  );
  assert.equal(
    parseSubscription(dataObject('customer.subscription.deleted.2025-03-31.basil')).shape,
    'from-2025-03-31',
  );
});

test("an invoice's subscription: top-level before basil, under parent.subscription_details from it", () => {
  const before = parseInvoice(dataObject('invoice.paid.2024-06-20'), '2024-06-20');
  assert.ok(before.shape === 'before-2025-03-31' && before.invoice.subscription === 'sub_Ada');
  assert.ok(
    before.shape === 'before-2025-03-31' && before.invoice.lines.data[0]!.type === 'subscription',
  );
  const after = parseInvoice(dataObject('invoice.paid.2025-03-31.basil'), '2025-03-31.basil');
  assert.ok(
    after.shape === 'from-2025-03-31' &&
      after.invoice.parent?.subscription_details?.subscription === 'sub_Ada',
  );
  assert.ok(
    after.shape === 'from-2025-03-31' &&
      after.invoice.lines.data[0]!.parent?.subscription_item_details?.proration === true,
  );
  assert.equal(
    payloadError(() => parseInvoice(dataObject('invoice.paid.2025-03-31.basil'), '2024-06-20')),
    'invoice.subscription',
  );
  assert.equal(
    payloadError(() => parseInvoice(dataObject('invoice.paid.2024-06-20'), '2025-03-31.basil')),
    'invoice.parent',
  );
  assert.equal(parseInvoice(dataObject('invoice.paid.2025-03-31.basil')).shape, 'from-2025-03-31');
});

test("clover's discount names its coupon under source", () => {
  const parsed = parseStripeEvent(fixture('customer.discount.created.2025-09-30.clover'));
  assert.ok(parsed.kind === 'discount');
  assert.equal(parsed.discount.coupon, undefined);
  const coupon = parsed.discount.source?.coupon;
  assert.ok(coupon && typeof coupon !== 'string' && coupon.amount_off === 1000);
});

test('a malformed event is refused naming the field; types we do not read are passed over', () => {
  const noStatus = fixture('customer.subscription.created.2024-06-20');
  delete (noStatus.data as { object: Record<string, unknown> }).object.status;
  assert.equal(
    payloadError(() => parseStripeEvent(noStatus)),
    'data.object.status',
  );
  const badAmount = fixture('invoice.paid.2024-06-20');
  (badAmount.data as { object: Record<string, unknown> }).object.amount_paid = '11760';
  assert.equal(
    payloadError(() => parseStripeEvent(badAmount)),
    'data.object.amount_paid',
  );
  assert.equal(
    payloadError(() => parseStripeEvent({ id: 'evt_1', object: 'event' })),
    'api_version',
  );
  assert.equal(
    payloadError(() => parseStripeEvent('not an event')),
    '(root)',
  );

  for (const type of [
    'invoice.upcoming',
    'charge.succeeded',
    'customer.source.created',
    'customer.tax_id.created',
  ]) {
    const e = {
      ...fixture('customer.created.2024-06-20'),
      type,
      data: { object: { object: 'x' } },
    };
    assert.equal(parseStripeEvent(e).kind, 'ignored', type);
  }
  // the other customer.subscription.* and invoice.* types read as their object
  const paused = {
    ...fixture('customer.subscription.created.2024-06-20'),
    type: 'customer.subscription.paused',
  };
  assert.equal(parseStripeEvent(paused).kind, 'subscription');
  const failed = { ...fixture('invoice.paid.2024-06-20'), type: 'invoice.payment_failed' };
  assert.equal(parseStripeEvent(failed).kind, 'invoice');
});
