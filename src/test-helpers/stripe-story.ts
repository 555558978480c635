// A customer's Stripe story as webhook receipts (API version 2024-06-20, Stripe's documented shapes):
// one monthly subscription of one seat, whose price changes at each step and which may end. Its MRR
// from each step on is the step's unit amount (minor units of the story's currency).
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';

export interface StoryStep {
  /** YYYY-MM-DD (UTC midnight) */
  at: string;
  /** The monthly price, in minor units. */
  unit: number;
}

const s = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const nextMonth = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

let n = 0;

export function customerStory(o: {
  customer: string;
  email: string;
  currency: string;
  steps: readonly StoryStep[];
  endedAt?: string;
  workspaceId?: string;
}): WebhookReceipt[] {
  const first = o.steps[0]!;
  const sub = (step: StoryStep, ended: string | null) => ({
    id: `sub_${o.customer}`,
    object: 'subscription',
    customer: o.customer,
    status: ended ? 'canceled' : 'active',
    currency: o.currency,
    created: s(first.at),
    start_date: s(first.at),
    billing_cycle_anchor: s(first.at),
    current_period_start: s(first.at),
    current_period_end: s(nextMonth(first.at)),
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: ended ? s(ended) : null,
    ended_at: ended ? s(ended) : null,
    trial_start: null,
    trial_end: null,
    discount: null,
    items: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: `si_${o.customer}`,
          object: 'subscription_item',
          quantity: 1,
          price: {
            id: `price_${o.customer}_${step.unit}`,
            object: 'price',
            currency: o.currency,
            unit_amount: step.unit,
            billing_scheme: 'per_unit',
            recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
          },
        },
      ],
    },
  });
  const event = (type: string, at: string, object: unknown): WebhookReceipt => {
    const id = `evt_story_${++n}`;
    return {
      workspaceId: o.workspaceId ?? 'w',
      vendor: 'stripe',
      key: id,
      receivedAt: '2026-12-01T00:00:00.000Z',
      contentType: 'application/json',
      body: JSON.stringify({
        id,
        object: 'event',
        api_version: '2024-06-20',
        created: s(at),
        livemode: false,
        pending_webhooks: 1,
        type,
        data: { object },
      }),
    };
  };
  const last = o.steps[o.steps.length - 1]!;
  return [
    event('customer.created', first.at, {
      id: o.customer,
      object: 'customer',
      created: s(first.at),
      email: o.email,
      metadata: {},
    }),
    event('customer.subscription.created', first.at, sub(first, null)),
    ...o.steps.slice(1).map((st) => event('customer.subscription.updated', st.at, sub(st, null))),
    ...(o.endedAt ? [event('customer.subscription.deleted', o.endedAt, sub(last, o.endedAt))] : []),
  ];
}
