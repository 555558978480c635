// Stripe's payloads, in either API shape, mapped to the revenue layer's inputs (subscription
// histories) and to flat records of customers and invoices. A subscription snapshot becomes one
// state of its history, in effect from the moment of its event; a backfilled subscription (its
// current object only) becomes its state from its start and, if it ended, its end.
//
// From basil on, a subscription names its discounts by id; the objects come from elsewhere: an
// earlier snapshot (before basil `discount` held the object), a `customer.discount.*` event, or a
// backfill that expanded them (`expand[]=data.discounts`). What cannot be resolved is reported, not
// guessed.

import type {
  Coupon,
  Discount,
  SubscriptionHistory,
  SubscriptionItem,
  SubscriptionState,
} from '../../revenue/index.js';
import type {
  ParsedInvoice,
  ParsedStripeEvent,
  ParsedSubscription,
  StripeCoupon,
  StripeCustomer,
  StripeDiscount,
} from './schemas.js';

const ms = (unixSeconds: number) => unixSeconds * 1000;
const idOf = (v: string | { id: string }) => (typeof v === 'string' ? v : v.id);

/** Discount and coupon objects seen anywhere, to resolve the ids basil's payloads carry. */
export interface StripeLookups {
  discounts: Map<string, StripeDiscount>;
  coupons: Map<string, StripeCoupon>;
}

/** Something a payload did not tell us, so its MRR may be off: the subscription and what is missing. */
export interface MappingIssue {
  subscriptionId: string;
  message: string;
}

export function emptyLookups(): StripeLookups {
  return { discounts: new Map(), coupons: new Map() };
}

function remember(lookups: StripeLookups, d: StripeDiscount | string | null | undefined): void {
  if (!d || typeof d === 'string') return;
  if (d.id) lookups.discounts.set(d.id, d);
  const coupon = d.coupon ?? d.source?.coupon;
  if (coupon && typeof coupon !== 'string') lookups.coupons.set(coupon.id, coupon);
}

function subscriptionDiscounts(parsed: ParsedSubscription): Array<StripeDiscount | string> {
  const sub = parsed.subscription;
  const list: Array<StripeDiscount | string> = [...(sub.discounts ?? [])];
  // before basil, the single `discount` held the object the `discounts` list names
  if (parsed.shape === 'before-2025-03-31' && parsed.subscription.discount) {
    list.unshift(parsed.subscription.discount);
  }
  return list;
}

/** Adds every discount and coupon object a subscription or discount payload carries. */
export function collectLookups(
  payloads: ReadonlyArray<ParsedSubscription | StripeDiscount>,
  into: StripeLookups = emptyLookups(),
): StripeLookups {
  for (const p of payloads) {
    if ('shape' in p) {
      for (const d of subscriptionDiscounts(p)) remember(into, d);
      for (const item of p.subscription.items.data)
        for (const d of item.discounts ?? []) remember(into, d);
    } else remember(into, p);
  }
  return into;
}

function toCoupon(c: StripeCoupon): Coupon {
  return {
    percentOff: c.percent_off,
    amountOff: c.amount_off,
    currency: c.currency ? c.currency.toLowerCase() : null,
    duration: c.duration,
  };
}

function toDiscount(
  value: StripeDiscount | string,
  lookups: StripeLookups,
  report: (message: string) => void,
): Discount | null {
  const d = typeof value === 'string' ? lookups.discounts.get(value) : value;
  if (!d) {
    report(`discount ${String(value)} is named but its object was never seen (fetch it expanded)`);
    return null;
  }
  const raw = d.coupon ?? d.source?.coupon ?? null;
  const coupon = typeof raw === 'string' ? lookups.coupons.get(raw) : raw;
  if (!coupon) {
    report(`discount ${d.id ?? '(no id)'}: its coupon ${String(raw)} was never seen`);
    return null;
  }
  return {
    // discounts from before Stripe gave them ids are followed by coupon and start
    id: d.id ?? `${coupon.id}@${d.start}`,
    coupon: toCoupon(coupon),
    start: ms(d.start),
    end: d.end === null ? null : ms(d.end),
  };
}

function dedupe(list: Discount[]): Discount[] {
  const seen = new Set<string>();
  return list.filter((d) => !seen.has(d.id) && (seen.add(d.id), true));
}

/** One state of a subscription: what the payload says, in effect from `from` (ms). */
export function subscriptionState(
  parsed: ParsedSubscription,
  from: number,
  lookups: StripeLookups,
  issues: MappingIssue[] = [],
): SubscriptionState {
  const sub = parsed.subscription;
  const report = (message: string) => issues.push({ subscriptionId: sub.id, message });
  const currency = sub.currency.toLowerCase();
  if (sub.items.has_more) report('more than one page of items: only the first page was read');
  const items: SubscriptionItem[] = [];
  for (const item of sub.items.data) {
    const price = item.price;
    if (!price.recurring) {
      report(`item ${item.id}: price ${price.id} is not recurring`);
      continue;
    }
    const decimal = price.unit_amount_decimal == null ? NaN : Number(price.unit_amount_decimal);
    const unitAmount = price.unit_amount ?? (Number.isFinite(decimal) ? decimal : null);
    if (unitAmount === null) report(`item ${item.id}: price ${price.id} is tiered; counted as 0`);
    if (price.currency.toLowerCase() !== currency) {
      report(`item ${item.id}: price in ${price.currency}, subscription in ${sub.currency}`);
    }
    items.push({
      id: item.id,
      unitAmount: unitAmount ?? 0,
      quantity: item.quantity ?? 1,
      interval: price.recurring.interval,
      intervalCount: price.recurring.interval_count,
      usageType: price.recurring.usage_type ?? 'licensed',
      discounts: dedupe(
        (item.discounts ?? [])
          .map((d) => toDiscount(d, lookups, report))
          .filter((d): d is Discount => d !== null),
      ),
    });
  }
  // the end of the period being billed: on the subscription before basil, on each item from it
  const periodEnd =
    parsed.shape === 'before-2025-03-31'
      ? parsed.subscription.current_period_end
      : Math.max(0, ...parsed.subscription.items.data.map((i) => i.current_period_end));
  const cancelAt = sub.cancel_at ?? (sub.cancel_at_period_end && periodEnd > 0 ? periodEnd : null);
  return {
    from,
    status: sub.status,
    billingAnchor: ms(sub.billing_cycle_anchor),
    trialEnd: sub.trial_end === null ? null : ms(sub.trial_end),
    cancelAt: cancelAt === null ? null : ms(cancelAt),
    items,
    discounts: dedupe(
      subscriptionDiscounts(parsed)
        .map((d) => toDiscount(d, lookups, report))
        .filter((d): d is Discount => d !== null),
    ),
  };
}

/** A subscription as it was from a moment: one state of its history, with what identifies it. */
export interface SubscriptionSnapshot {
  subscriptionId: string;
  customerId: string;
  currency: string;
  startedAt: number;
  state: SubscriptionState;
}

function snapshot(
  parsed: ParsedSubscription,
  from: number,
  lookups: StripeLookups,
  issues: MappingIssue[],
  state: SubscriptionState = subscriptionState(parsed, from, lookups, issues),
): SubscriptionSnapshot {
  const sub = parsed.subscription;
  return {
    subscriptionId: sub.id,
    customerId: idOf(sub.customer),
    currency: sub.currency.toLowerCase(),
    startedAt: ms(sub.start_date),
    state,
  };
}

/**
 * The moment a subscription event's snapshot took effect: a deletion at the subscription's end, a
 * creation at its start (a backdated one began before the event), anything else when it happened.
 */
export function snapshotMoment(type: string, created: number, parsed: ParsedSubscription): number {
  const sub = parsed.subscription;
  if (type === 'customer.subscription.deleted') return ms(sub.ended_at ?? created);
  if (type === 'customer.subscription.created') return ms(Math.min(sub.start_date, created));
  return ms(created);
}

/** The snapshot a `customer.subscription.*` event carries. */
export function eventSnapshot(
  event: Extract<ParsedStripeEvent, { kind: 'subscription' }>,
  lookups: StripeLookups,
  issues: MappingIssue[] = [],
): SubscriptionSnapshot {
  const from = snapshotMoment(event.event.type, event.event.created, event.subscription);
  return snapshot(event.subscription, from, lookups, issues);
}

/**
 * The snapshots a backfilled subscription (its current object, no history) stands for: as it is now
 * from its start, and its end if it ended. Before its end it was live: a trial until `trial_end`,
 * else paying (one that expired incomplete never paid).
 */
export function backfillSnapshots(
  parsed: ParsedSubscription,
  lookups: StripeLookups,
  issues: MappingIssue[] = [],
): SubscriptionSnapshot[] {
  const sub = parsed.subscription;
  const start = ms(sub.start_date);
  const current = subscriptionState(parsed, start, lookups, issues);
  const ended = sub.status === 'canceled' || sub.status === 'incomplete_expired';
  if (!ended) return [snapshot(parsed, start, lookups, issues, current)];
  const liveStatus =
    sub.status === 'incomplete_expired'
      ? 'incomplete'
      : sub.trial_end !== null
        ? 'trialing'
        : 'active';
  const end = ms(sub.ended_at ?? sub.canceled_at ?? sub.created);
  return [
    snapshot(parsed, start, lookups, issues, { ...current, status: liveStatus, cancelAt: null }),
    snapshot(parsed, end, lookups, issues, { ...current, from: end }),
  ];
}

/**
 * Snapshots grouped into one history per subscription, states in time order. Two snapshots of the
 * same moment: the terminal one wins (Stripe can send an update and a deletion in the same second),
 * else the later in the input.
 */
export function historiesFromSnapshots(
  snapshots: readonly SubscriptionSnapshot[],
): SubscriptionHistory[] {
  const terminal = (s: SubscriptionSnapshot) =>
    s.state.status === 'canceled' || s.state.status === 'incomplete_expired' ? 1 : 0;
  const bySubscription = new Map<string, SubscriptionSnapshot[]>();
  for (const s of snapshots) {
    const list = bySubscription.get(s.subscriptionId) ?? [];
    list.push(s);
    bySubscription.set(s.subscriptionId, list);
  }
  return [...bySubscription.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, list]) => {
      const ordered = list
        .map((s, i) => ({ s, i }))
        .sort(
          (a, b) => a.s.state.from - b.s.state.from || terminal(a.s) - terminal(b.s) || a.i - b.i,
        )
        .map(({ s }) => s);
      const last = ordered[ordered.length - 1]!;
      return {
        id,
        customerId: last.customerId,
        currency: last.currency,
        startedAt: Math.min(...ordered.map((s) => s.startedAt)),
        states: ordered.map((s) => s.state),
      };
    });
}

/**
 * Subscription histories from webhook events (any order, both API shapes), discounts resolved from
 * everything the events carry and from `lookups`; what could not be read is in `issues`.
 */
export function historiesFromEvents(
  events: readonly ParsedStripeEvent[],
  lookups: StripeLookups = emptyLookups(),
): { histories: SubscriptionHistory[]; issues: MappingIssue[] } {
  const payloads: Array<ParsedSubscription | StripeDiscount> = [];
  for (const e of events) {
    if (e.kind === 'subscription') payloads.push(e.subscription);
    else if (e.kind === 'discount') payloads.push(e.discount);
  }
  const known = collectLookups(payloads, {
    discounts: new Map(lookups.discounts),
    coupons: new Map(lookups.coupons),
  });
  const issues: MappingIssue[] = [];
  const snapshots = events.flatMap((e) =>
    e.kind === 'subscription' ? [eventSnapshot(e, known, issues)] : [],
  );
  return { histories: historiesFromSnapshots(snapshots), issues };
}

/** A customer, flat: what matching to persons will read. */
export interface CustomerRecord {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  createdAt: number | null;
  metadata: Record<string, string>;
  deleted: boolean;
}

export function customerRecord(c: StripeCustomer): CustomerRecord {
  return {
    id: c.id,
    email: c.email ?? null,
    name: c.name ?? null,
    phone: c.phone ?? null,
    createdAt: c.created === undefined ? null : ms(c.created),
    metadata: c.metadata ?? {},
    deleted: c.deleted === true,
  };
}

export interface InvoiceLineRecord {
  id: string;
  amount: number;
  currency: string;
  periodStart: number;
  periodEnd: number;
  quantity: number | null;
  priceId: string | null;
  subscriptionId: string | null;
  subscriptionItemId: string | null;
  proration: boolean;
}

/** An invoice, flat and the same whichever API shape it came in. Amounts in minor units. */
export interface InvoiceRecord {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void' | null;
  currency: string;
  total: number;
  amountDue: number;
  amountPaid: number;
  billingReason: string | null;
  createdAt: number;
  paidAt: number | null;
  lines: InvoiceLineRecord[];
}

export function invoiceRecord(parsed: ParsedInvoice): InvoiceRecord {
  const inv = parsed.invoice;
  let subscriptionId: string | null;
  let lines: InvoiceLineRecord[];
  const common = (l: (typeof inv.lines.data)[number]) => ({
    id: l.id,
    amount: l.amount,
    currency: l.currency.toLowerCase(),
    periodStart: ms(l.period.start),
    periodEnd: ms(l.period.end),
    quantity: l.quantity ?? null,
  });
  if (parsed.shape === 'before-2025-03-31') {
    subscriptionId =
      parsed.invoice.subscription === null ? null : idOf(parsed.invoice.subscription);
    lines = parsed.invoice.lines.data.map((l) => ({
      ...common(l),
      priceId: l.price?.id ?? null,
      subscriptionId: l.subscription ?? null,
      subscriptionItemId: l.subscription_item ?? null,
      proration: l.proration,
    }));
  } else {
    const details = parsed.invoice.parent?.subscription_details;
    subscriptionId = details ? idOf(details.subscription) : null;
    lines = parsed.invoice.lines.data.map((l) => {
      const sub = l.parent?.subscription_item_details;
      const item = l.parent?.invoice_item_details;
      return {
        ...common(l),
        priceId: l.pricing?.price_details?.price ?? null,
        subscriptionId: sub?.subscription ?? item?.subscription ?? null,
        subscriptionItemId: sub?.subscription_item ?? null,
        proration: sub?.proration ?? item?.proration ?? false,
      };
    });
  }
  return {
    id: inv.id,
    customerId: idOf(inv.customer),
    subscriptionId,
    status: inv.status,
    currency: inv.currency.toLowerCase(),
    total: inv.total,
    amountDue: inv.amount_due,
    amountPaid: inv.amount_paid,
    billingReason: inv.billing_reason ?? null,
    createdAt: ms(inv.created),
    paidAt: inv.status_transitions?.paid_at == null ? null : ms(inv.status_transitions.paid_at),
    lines,
  };
}
