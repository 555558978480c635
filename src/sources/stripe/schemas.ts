// Stripe's payloads as zod schemas: events, customers, subscriptions, invoices and what they hold,
// for the API versions before and from 2025-03-31 (basil). What basil changed, and what we read:
//   - a subscription's `current_period_start/_end` moved onto each subscription item;
//   - the deprecated single `discount` left subscriptions and invoices (`discounts` stays: ids, or
//     objects when expanded);
//   - an invoice's `subscription` / `subscription_details` moved under `parent.subscription_details`;
//     a line's `type`, `subscription`, `subscription_item`, `proration` under `parent.*_details`, and
//     its `price` became `pricing.price_details.price` (an id).
// 2025-09-30 (clover) moved a discount's `coupon` to `source.coupon`; both are read.
// Unknown fields are dropped (the raw payload is what gets stored); a missing field we read fails
// the parse with its path.

import { z } from 'zod';

const unix = z.number().int().nonnegative();
const text = z.string().min(1);
const metadata = z.record(z.string(), z.string());
/** An id, or the object when expanded. */
const expandable = <T extends z.ZodType>(object: T) => z.union([text, object]);
const list = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    url: z.string().optional(),
  });

/** The version an API payload was rendered in: 2025-03-31 (basil) and later moved fields. */
export type ApiShape = 'before-2025-03-31' | 'from-2025-03-31';

/** The shape an `api_version` such as `2024-06-20` or `2025-03-31.basil` renders; null if unreadable. */
export function apiShapeOf(apiVersion: string | null | undefined): ApiShape | null {
  const date = /^(\d{4}-\d{2}-\d{2})/.exec(apiVersion ?? '')?.[1];
  if (!date) return null;
  return date >= '2025-03-31' ? 'from-2025-03-31' : 'before-2025-03-31';
}

export const StripeCustomer = z.object({
  id: text,
  object: z.literal('customer'),
  created: unix.optional(),
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  currency: z.string().nullable().optional(),
  metadata: metadata.optional(),
  livemode: z.boolean().optional(),
  /** Only on a deleted customer's stub. */
  deleted: z.literal(true).optional(),
});
export type StripeCustomer = z.infer<typeof StripeCustomer>;

export const StripeCoupon = z.object({
  id: text,
  object: z.literal('coupon').optional(),
  percent_off: z.number().min(0).max(100).nullable(),
  amount_off: z.number().int().nonnegative().nullable(),
  currency: z.string().nullable().optional(),
  duration: z.enum(['once', 'repeating', 'forever']),
  duration_in_months: z.number().int().positive().nullable().optional(),
});
export type StripeCoupon = z.infer<typeof StripeCoupon>;

export const StripeDiscount = z.object({
  id: text.optional(),
  object: z.literal('discount'),
  /** Before 2025-09-30 (clover). */
  coupon: StripeCoupon.optional(),
  /** From clover: the coupon (an id unless expanded). */
  source: z
    .object({ type: z.string(), coupon: expandable(StripeCoupon).nullable().optional() })
    .optional(),
  start: unix,
  /** A repeating coupon's end; null for once and forever. */
  end: unix.nullable(),
  customer: expandable(z.object({ id: text }))
    .nullable()
    .optional(),
  subscription: z.string().nullable().optional(),
  subscription_item: z.string().nullable().optional(),
});
export type StripeDiscount = z.infer<typeof StripeDiscount>;

const discounts = z.array(expandable(StripeDiscount));

export const StripePrice = z.object({
  id: text,
  object: z.literal('price'),
  currency: text,
  /** Minor units; null for tiered prices, and when only `unit_amount_decimal` can hold it. */
  unit_amount: z.number().int().nullable(),
  unit_amount_decimal: z.string().nullable().optional(),
  billing_scheme: z.enum(['per_unit', 'tiered']).optional(),
  recurring: z
    .object({
      interval: z.enum(['day', 'week', 'month', 'year']),
      interval_count: z.number().int().positive(),
      usage_type: z.enum(['licensed', 'metered']).optional(),
    })
    .nullable(),
  product: expandable(z.object({ id: text })).optional(),
});
export type StripePrice = z.infer<typeof StripePrice>;

const itemFields = {
  id: text,
  object: z.literal('subscription_item'),
  price: StripePrice,
  /** Absent on metered items. */
  quantity: z.number().int().nonnegative().optional(),
  discounts: discounts.optional(),
  created: unix.optional(),
  subscription: z.string().optional(),
};
const SubscriptionItemBefore = z.object(itemFields);
const SubscriptionItemFrom = z.object({
  ...itemFields,
  current_period_start: unix,
  current_period_end: unix,
});

export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
] as const;

const subscriptionFields = {
  id: text,
  object: z.literal('subscription'),
  customer: expandable(z.object({ id: text })),
  status: z.enum(SUBSCRIPTION_STATUSES),
  currency: text,
  created: unix,
  start_date: unix,
  billing_cycle_anchor: unix,
  cancel_at: unix.nullable(),
  /** Nullable from basil. */
  cancel_at_period_end: z.boolean().nullable(),
  canceled_at: unix.nullable(),
  ended_at: unix.nullable(),
  trial_start: unix.nullable(),
  trial_end: unix.nullable(),
  discounts: discounts.optional(),
  metadata: metadata.optional(),
  livemode: z.boolean().optional(),
};

export const SubscriptionBefore20250331 = z.object({
  ...subscriptionFields,
  current_period_start: unix,
  current_period_end: unix,
  discount: StripeDiscount.nullable().optional(),
  items: list(SubscriptionItemBefore),
});
export const SubscriptionFrom20250331 = z.object({
  ...subscriptionFields,
  items: list(SubscriptionItemFrom),
});
export type SubscriptionBefore20250331 = z.infer<typeof SubscriptionBefore20250331>;
export type SubscriptionFrom20250331 = z.infer<typeof SubscriptionFrom20250331>;

/** A subscription, with the shape it came in. */
export type ParsedSubscription =
  | { shape: 'before-2025-03-31'; subscription: SubscriptionBefore20250331 }
  | { shape: 'from-2025-03-31'; subscription: SubscriptionFrom20250331 };

const lineFields = {
  id: text,
  object: z.literal('line_item'),
  amount: z.number().int(),
  currency: text,
  description: z.string().nullable().optional(),
  period: z.object({ start: unix, end: unix }),
  quantity: z.number().int().nonnegative().nullable().optional(),
  discountable: z.boolean().optional(),
};
const InvoiceLineBefore = z.object({
  ...lineFields,
  type: z.enum(['subscription', 'invoiceitem']),
  subscription: z.string().nullable().optional(),
  subscription_item: z.string().nullable().optional(),
  proration: z.boolean(),
  price: StripePrice.nullable().optional(),
});
const InvoiceLineFrom = z.object({
  ...lineFields,
  parent: z
    .object({
      type: z.enum(['invoice_item_details', 'subscription_item_details']),
      invoice_item_details: z
        .object({
          invoice_item: text,
          proration: z.boolean(),
          subscription: z.string().nullable().optional(),
        })
        .nullable()
        .optional(),
      subscription_item_details: z
        .object({
          subscription: z.string().nullable(),
          subscription_item: text,
          proration: z.boolean(),
          invoice_item: z.string().nullable().optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable(),
  pricing: z
    .object({
      type: z.literal('price_details'),
      price_details: z.object({ price: text, product: z.string().optional() }).optional(),
      unit_amount_decimal: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

const invoiceFields = {
  /** Absent only on the preview `invoice.upcoming` carries; that event is not read. */
  id: text,
  object: z.literal('invoice'),
  customer: expandable(z.object({ id: text })),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).nullable(),
  currency: text,
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  amount_remaining: z.number().int().optional(),
  subtotal: z.number().int().optional(),
  total: z.number().int(),
  billing_reason: z.string().nullable().optional(),
  created: unix,
  period_start: unix.optional(),
  period_end: unix.optional(),
  status_transitions: z
    .object({ paid_at: unix.nullable().optional(), finalized_at: unix.nullable().optional() })
    .optional(),
  livemode: z.boolean().optional(),
};
export const InvoiceBefore20250331 = z.object({
  ...invoiceFields,
  subscription: expandable(z.object({ id: text })).nullable(),
  subscription_details: z
    .object({ metadata: metadata.nullable().optional() })
    .nullable()
    .optional(),
  lines: list(InvoiceLineBefore),
});
export const InvoiceFrom20250331 = z.object({
  ...invoiceFields,
  parent: z
    .object({
      type: z.enum(['quote_details', 'subscription_details']),
      quote_details: z.object({ quote: text }).nullable().optional(),
      subscription_details: z
        .object({
          subscription: expandable(z.object({ id: text })),
          metadata: metadata.nullable().optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable(),
  lines: list(InvoiceLineFrom),
});
export type InvoiceBefore20250331 = z.infer<typeof InvoiceBefore20250331>;
export type InvoiceFrom20250331 = z.infer<typeof InvoiceFrom20250331>;

export type ParsedInvoice =
  | { shape: 'before-2025-03-31'; invoice: InvoiceBefore20250331 }
  | { shape: 'from-2025-03-31'; invoice: InvoiceFrom20250331 };

export const StripeEventEnvelope = z.object({
  id: text,
  object: z.literal('event'),
  /** The version the payload was rendered in; null for some very old events. */
  api_version: z.string().nullable(),
  created: unix,
  type: text,
  livemode: z.boolean(),
  data: z.object({
    object: z.record(z.string(), z.unknown()),
    /** On `*.updated`: the changed fields' previous values (arrays whole). */
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
  request: z
    .object({ id: z.string().nullable(), idempotency_key: z.string().nullable().optional() })
    .nullable()
    .optional(),
});
export type StripeEventEnvelope = z.infer<typeof StripeEventEnvelope>;

/** A payload that does not have the shape we read: the reason names the field. */
export class StripePayloadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StripePayloadError';
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [where, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
  throw new StripePayloadError(path, `${path}: ${issue.message}`);
}

/** The shape to read an object in: the version's if known, else what its fields show. */
function shapeFor(apiVersion: string | null | undefined, basilMarker: boolean): ApiShape {
  return apiShapeOf(apiVersion) ?? (basilMarker ? 'from-2025-03-31' : 'before-2025-03-31');
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A subscription in the shape of `apiVersion`, or, without one, the shape its fields show. */
export function parseSubscription(
  value: unknown,
  apiVersion?: string | null,
  where = 'subscription',
): ParsedSubscription {
  const shape = shapeFor(apiVersion, isRecord(value) && !('current_period_start' in value));
  return shape === 'from-2025-03-31'
    ? { shape, subscription: parseWith(SubscriptionFrom20250331, value, where) }
    : { shape, subscription: parseWith(SubscriptionBefore20250331, value, where) };
}

/** An invoice in the shape of `apiVersion`, or, without one, the shape its fields show. */
export function parseInvoice(
  value: unknown,
  apiVersion?: string | null,
  where = 'invoice',
): ParsedInvoice {
  const shape = shapeFor(apiVersion, isRecord(value) && 'parent' in value);
  return shape === 'from-2025-03-31'
    ? { shape, invoice: parseWith(InvoiceFrom20250331, value, where) }
    : { shape, invoice: parseWith(InvoiceBefore20250331, value, where) };
}

export function parseCustomer(value: unknown, where = 'customer'): StripeCustomer {
  return parseWith(StripeCustomer, value, where);
}

export function parseDiscount(value: unknown, where = 'discount'): StripeDiscount {
  return parseWith(StripeDiscount, value, where);
}

/** An event, its `data.object` read by the event's type in the event's API version. */
export type ParsedStripeEvent =
  | { kind: 'customer'; event: StripeEventEnvelope; customer: StripeCustomer }
  | { kind: 'subscription'; event: StripeEventEnvelope; subscription: ParsedSubscription }
  | { kind: 'invoice'; event: StripeEventEnvelope; invoice: ParsedInvoice }
  | { kind: 'discount'; event: StripeEventEnvelope; discount: StripeDiscount }
  /** A type we do not read (`customer.source.*`, `invoice.upcoming`, `charge.*`, ...). */
  | { kind: 'ignored'; event: StripeEventEnvelope };

const CUSTOMER = /^customer\.(created|updated|deleted)$/;
const SUBSCRIPTION = /^customer\.subscription\.[a-z_]+$/;
const DISCOUNT = /^customer\.discount\.(created|updated|deleted)$/;
// invoice.upcoming previews an invoice that does not exist yet (no id): nothing to keep
const INVOICE = /^invoice\.(?!upcoming$)[a-z_]+$/;

/** Reads a webhook event (already JSON-parsed); throws `StripePayloadError` naming the bad field. */
export function parseStripeEvent(value: unknown): ParsedStripeEvent {
  const event = parseWith(StripeEventEnvelope, value, '');
  const object = event.data.object;
  const where = 'data.object';
  if (CUSTOMER.test(event.type)) {
    return { kind: 'customer', event, customer: parseCustomer(object, where) };
  }
  if (SUBSCRIPTION.test(event.type)) {
    return {
      kind: 'subscription',
      event,
      subscription: parseSubscription(object, event.api_version, where),
    };
  }
  if (DISCOUNT.test(event.type)) {
    return { kind: 'discount', event, discount: parseDiscount(object, where) };
  }
  if (INVOICE.test(event.type)) {
    return { kind: 'invoice', event, invoice: parseInvoice(object, event.api_version, where) };
  }
  return { kind: 'ignored', event };
}
