// Builders for subscription histories in tests (of revenue and of the sources that map to it).
// (test helpers: production code never imports them)
import type {
  BillingInterval,
  Coupon,
  Discount,
  SubscriptionHistory,
  SubscriptionItem,
  SubscriptionState,
} from '../revenue/types.js';

/** Midnight UTC of a calendar date; month 1-12. */
export const day = (y: number, m: number, d: number, h = 0, min = 0): number =>
  Date.UTC(y, m - 1, d, h, min);

export function item(
  id: string,
  unitAmount: number,
  opts: {
    quantity?: number;
    interval?: BillingInterval;
    intervalCount?: number;
    discounts?: Discount[];
    usageType?: 'licensed' | 'metered';
  } = {},
): SubscriptionItem {
  return {
    id,
    unitAmount,
    quantity: opts.quantity ?? 1,
    interval: opts.interval ?? 'month',
    intervalCount: opts.intervalCount ?? 1,
    usageType: opts.usageType ?? 'licensed',
    discounts: opts.discounts ?? [],
  };
}

export function state(
  from: number,
  items: SubscriptionItem[],
  opts: Partial<Omit<SubscriptionState, 'from' | 'items'>> = {},
): SubscriptionState {
  return {
    from,
    status: opts.status ?? 'active',
    billingAnchor: opts.billingAnchor ?? from,
    trialEnd: opts.trialEnd ?? null,
    cancelAt: opts.cancelAt ?? null,
    items,
    discounts: opts.discounts ?? [],
  };
}

/** A state with the same shape as `s` from a later moment, changed by `change`. */
export function then(
  s: SubscriptionState,
  from: number,
  change: Partial<Omit<SubscriptionState, 'from'>> = {},
): SubscriptionState {
  return { ...s, ...change, from };
}

export function history(
  id: string,
  customerId: string,
  states: SubscriptionState[],
  currency = 'usd',
): SubscriptionHistory {
  return { id, customerId, currency, startedAt: states[0]!.from, states };
}

export function discount(
  id: string,
  start: number,
  coupon: Partial<Coupon> & Pick<Coupon, 'duration'>,
  end: number | null = null,
): Discount {
  return {
    id,
    start,
    end,
    coupon: {
      percentOff: coupon.percentOff ?? null,
      amountOff: coupon.amountOff ?? null,
      currency: coupon.currency ?? null,
      duration: coupon.duration,
    },
  };
}
