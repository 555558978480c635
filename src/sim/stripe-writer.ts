/**
 * The simulated world's subscriptions as Stripe would send them: webhook events (a customer and its
 * subscription created, updated on each MRR change, deleted at churn, an invoice paid at each start) in
 * both API shapes, alternating per event (before 2025-03-31 the billing period is on the subscription;
 * from basil it is on the items and an invoice names its subscription under `parent`), and the list
 * pages a backfill would read at the end of the window. Each customer's MRR is its plan's: a per-seat
 * price of $1 a month times seats for half the customers, one monthly price of the whole MRR for the
 * other half, so both quantity changes and plan changes flow through. The customer's e-mail or phone
 * is the CRM contact's, and the contact id is in its metadata.
 */
import type { CrmChange, RevenueMovement, SegmentEvent, SimWriter } from './types.js';

export const STRIPE_VERSION_BEFORE = '2024-06-20';
export const STRIPE_VERSION_BASIL = '2025-03-31.basil';

type Json = Record<string, unknown>;

interface Sub {
  customerId: string;
  contactId: string;
  currency: string;
  /** Unix seconds. */
  start: number;
  mrr: number;
  perSeat: boolean;
  status: 'active' | 'canceled';
  endedAt: number | null;
  updatedAt: number;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The anchor moved on by whole calendar months, its day clamped to a shorter month's last. */
function addMonths(anchorS: number, months: number): number {
  const d = new Date(anchorS * 1000);
  const m = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  return (
    Date.UTC(
      y,
      month,
      Math.min(d.getUTCDate(), last),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ) / 1000
  );
}

/** The monthly billing period (from the start) holding `t`. */
function periodAt(start: number, t: number): { start: number; end: number } {
  let k = 0;
  while (addMonths(start, k + 1) <= t) k++;
  return { start: addMonths(start, k), end: addMonths(start, k + 1) };
}

const stripeId = (prefix: string, id: string) => `${prefix}_${id.replace(/[^A-Za-z0-9]/g, '')}`;

export class StripeSimWriter implements SimWriter {
  /** The webhook events, in the order they happened. */
  readonly events: Json[] = [];
  private readonly contacts = new Map<string, { email: string | null; phone: string | null }>();
  private readonly subs = new Map<string, Sub>();
  private readonly customers = new Map<string, Json>();
  private readonly invoices: Json[] = [];
  private n = 0;

  constructor(private readonly prefix = 'sim') {}

  event(_e: SegmentEvent): void {}

  crm(change: CrmChange): void {
    if (change.kind !== 'contact_stage') return;
    const had = this.contacts.get(change.contactId);
    this.contacts.set(change.contactId, {
      email: change.email ?? had?.email ?? null,
      phone: change.phone ?? had?.phone ?? null,
    });
  }

  revenue(m: RevenueMovement): void {
    const at = seconds(m.at);
    const id = m.customerId;
    if (m.kind === 'new') {
      const sub: Sub = {
        customerId: id,
        contactId: m.contactId,
        currency: m.currency.toLowerCase(),
        start: at,
        mrr: m.mrrAfter,
        perSeat: this.subs.size % 2 === 0,
        status: 'active',
        endedAt: null,
        updatedAt: at,
      };
      this.subs.set(id, sub);
      const customer = this.customer(sub, m.company, at);
      this.customers.set(id, customer);
      this.emit('customer.created', at, customer);
      this.emit('customer.subscription.created', at, sub);
      this.invoice(sub, at);
      return;
    }
    const sub = this.subs.get(id);
    if (!sub) return;
    sub.updatedAt = at;
    if (m.kind === 'churn') {
      sub.status = 'canceled';
      sub.endedAt = at;
      this.emit('customer.subscription.deleted', at, sub);
      return;
    }
    sub.mrr = m.mrrAfter;
    this.emit('customer.subscription.updated', at, sub);
  }

  async close(): Promise<void> {}

  /** The backfill's list pages of a resource, as Stripe's list endpoint would give them (newest first). */
  pages(resource: 'customers' | 'subscriptions' | 'invoices', pageSize = 100): Json[] {
    const version = STRIPE_VERSION_BASIL;
    const all =
      resource === 'customers'
        ? [...this.customers.values()]
        : resource === 'subscriptions'
          ? [...this.subs.values()].map((s) => this.subscription(s, version, s.updatedAt))
          : this.invoices.map((i) => i.basil as Json);
    const ordered = all.slice().reverse();
    const out: Json[] = [];
    for (let i = 0; i < ordered.length || i === 0; i += pageSize) {
      out.push({
        object: 'list',
        url: `/v1/${resource}`,
        has_more: i + pageSize < ordered.length,
        data: ordered.slice(i, i + pageSize),
      });
      if (ordered.length === 0) break;
    }
    return out;
  }

  private customer(sub: Sub, company: string, at: number): Json {
    const contact = this.contacts.get(sub.contactId);
    return {
      id: stripeId('cus', sub.customerId),
      object: 'customer',
      created: at,
      email: contact?.email ?? null,
      phone: contact?.phone ?? null,
      name: company,
      currency: sub.currency,
      metadata: { crm_contact_id: sub.contactId },
      livemode: false,
    };
  }

  private version(): string {
    return this.n % 2 === 0 ? STRIPE_VERSION_BEFORE : STRIPE_VERSION_BASIL;
  }

  private emit(type: string, at: number, object: Sub | Json): void {
    const version = this.version();
    const body = 'customerId' in object ? this.subscription(object as Sub, version, at) : object;
    this.events.push({
      id: `evt_${this.prefix}${(this.n++).toString(36).padStart(6, '0')}`,
      object: 'event',
      api_version: version,
      created: at,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: body },
    });
  }

  private price(sub: Sub): { price: Json; quantity: number } {
    const unit = sub.perSeat ? 100 : sub.mrr * 100;
    return {
      quantity: sub.perSeat ? sub.mrr : 1,
      price: {
        id: sub.perSeat ? 'price_seat_monthly' : `price_flat_${sub.mrr}`,
        object: 'price',
        currency: sub.currency,
        unit_amount: unit,
        unit_amount_decimal: String(unit),
        billing_scheme: 'per_unit',
        product: 'prod_sim',
        recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
      },
    };
  }

  private subscription(sub: Sub, version: string, at: number): Json {
    const period = periodAt(sub.start, sub.endedAt ?? at);
    const id = stripeId('sub', sub.customerId);
    const { price, quantity } = this.price(sub);
    const basil = version === STRIPE_VERSION_BASIL;
    const item: Json = {
      id: stripeId('si', sub.customerId),
      object: 'subscription_item',
      created: sub.start,
      quantity,
      subscription: id,
      discounts: [],
      price,
      ...(basil ? { current_period_start: period.start, current_period_end: period.end } : {}),
    };
    return {
      id,
      object: 'subscription',
      customer: stripeId('cus', sub.customerId),
      status: sub.status,
      currency: sub.currency,
      created: sub.start,
      start_date: sub.start,
      billing_cycle_anchor: sub.start,
      ...(basil ? {} : { current_period_start: period.start, current_period_end: period.end }),
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: sub.endedAt,
      ended_at: sub.endedAt,
      trial_start: null,
      trial_end: null,
      ...(basil ? {} : { discount: null }),
      discounts: [],
      items: {
        object: 'list',
        data: [item],
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      metadata: {},
      livemode: false,
    };
  }

  /** The first invoice of a subscription, paid at its start (both shapes kept: the event's, basil's). */
  private invoice(sub: Sub, at: number): void {
    const version = this.version();
    const id = stripeId('in', sub.customerId);
    const subId = stripeId('sub', sub.customerId);
    const { price, quantity } = this.price(sub);
    const amount = sub.mrr * 100;
    const period = { start: sub.start, end: addMonths(sub.start, 1) };
    const common = {
      id,
      object: 'invoice',
      customer: stripeId('cus', sub.customerId),
      status: 'paid',
      currency: sub.currency,
      billing_reason: 'subscription_create',
      amount_due: amount,
      amount_paid: amount,
      amount_remaining: 0,
      subtotal: amount,
      total: amount,
      created: at,
      period_start: at,
      period_end: at,
      status_transitions: { finalized_at: at, paid_at: at },
    };
    const line = {
      id: stripeId('il', sub.customerId),
      object: 'line_item',
      amount,
      currency: sub.currency,
      period,
      quantity,
      discountable: true,
    };
    const before = {
      ...common,
      subscription: subId,
      lines: {
        object: 'list',
        has_more: false,
        data: [
          {
            ...line,
            type: 'subscription',
            subscription: subId,
            subscription_item: stripeId('si', sub.customerId),
            proration: false,
            price,
          },
        ],
      },
    };
    const basil = {
      ...common,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subId, metadata: {} },
      },
      lines: {
        object: 'list',
        has_more: false,
        data: [
          {
            ...line,
            parent: {
              type: 'subscription_item_details',
              invoice_item_details: null,
              subscription_item_details: {
                subscription: subId,
                subscription_item: stripeId('si', sub.customerId),
                proration: false,
              },
            },
            pricing: {
              type: 'price_details',
              price_details: { price: price.id as string, product: 'prod_sim' },
              unit_amount_decimal: price.unit_amount_decimal,
            },
          },
        ],
      },
    };
    this.invoices.push({ before, basil });
    this.emit('invoice.paid', at, version === STRIPE_VERSION_BASIL ? basil : before);
  }
}

/** The simulator's truth: each customer's MRR (minor units) at the end of each month through `through`. */
export function truthMonths(
  movements: readonly RevenueMovement[],
  through: string,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const sorted = movements.slice().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const m of sorted) {
    const id = stripeId('cus', m.customerId);
    const months = out.get(id) ?? new Map<string, number>();
    out.set(id, months);
    months.set(m.at.slice(0, 7), m.mrrAfter * 100);
  }
  // carry each month's end into the months without a movement, through `through`
  for (const months of out.values()) {
    const first = [...months.keys()].sort()[0]!;
    let mrr = 0;
    for (let month = first; month <= through;) {
      mrr = months.get(month) ?? mrr;
      months.set(month, mrr);
      const [y, mo] = month.split('-').map(Number) as [number, number];
      month = new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 7);
    }
  }
  return out;
}
