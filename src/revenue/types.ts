// The typed inputs and outputs of the revenue layer: subscription histories in, MRR and its movements
// out. Vendor-neutral: src/sources/stripe/ maps Stripe's payloads to these; another billing system
// would map to the same. Times are epoch milliseconds (UTC); amounts are integers or decimals in the
// currency's minor units (cents, or yen for JPY: see currency.ts).

/** A billing interval, as Stripe's `price.recurring.interval`. */
export type BillingInterval = 'day' | 'week' | 'month' | 'year';

/**
 * A subscription's status, as Stripe names them. What each means for MRR (docs/revenue.md):
 * `active`, `past_due` and `unpaid` count (a delinquent subscription keeps its MRR until it is
 * cancelled, ChartMogul's default); `trialing` counts nothing until `trialEnd`; `incomplete` and
 * `paused` count nothing; `canceled` and `incomplete_expired` have ended.
 */
export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'paused'
  | 'canceled';

/** A coupon: a percentage or a fixed amount off, for one invoice, some months or for ever. */
export interface Coupon {
  /** 0-100; null for an amount-off coupon. */
  percentOff: number | null;
  /** Minor units off each invoice; null for a percentage coupon. */
  amountOff: number | null;
  /** The currency of `amountOff` (lowercase); an amount-off coupon in another currency does not apply. */
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
}

/** A coupon applied to a subscription or to one of its items. */
export interface Discount {
  /** Stable across snapshots: a discount is followed by its id from one state to the next. */
  id: string;
  coupon: Coupon;
  /** When it was applied. */
  start: number;
  /** When a `repeating` discount stops; null for `once` and `forever`. */
  end: number | null;
}

/** One item of a subscription: a recurring price times a quantity. */
export interface SubscriptionItem {
  id: string;
  /** Minor units per unit per interval; may be fractional (Stripe's `unit_amount_decimal`). */
  unitAmount: number;
  quantity: number;
  interval: BillingInterval;
  intervalCount: number;
  /** Metered prices bill usage after the fact: no MRR (ChartMogul leaves metered charges out). */
  usageType: 'licensed' | 'metered';
  /** Discounts on this item alone, applied before the subscription's. */
  discounts: Discount[];
}

/** A subscription as it was from `from` until the next state's `from` (or for ever). */
export interface SubscriptionState {
  from: number;
  status: SubscriptionStatus;
  /** The moment whole billing periods are counted from (Stripe's `billing_cycle_anchor`). */
  billingAnchor: number;
  /** A trial's end: a `trialing` state counts from here on even if no later state says so. */
  trialEnd: number | null;
  /**
   * A scheduled end (`cancel_at`, or the period's end for `cancel_at_period_end`): the subscription
   * ends then unless a later state says otherwise. A cancel request is not a churn; its end is.
   */
  cancelAt: number | null;
  items: SubscriptionItem[];
  /** Discounts on the whole subscription, applied in this order after the items' own. */
  discounts: Discount[];
}

/** Everything known about one subscription: its states in the order they took effect. */
export interface SubscriptionHistory {
  id: string;
  customerId: string;
  /** Lowercase ISO code; a customer's MRR is summed per currency. */
  currency: string;
  /** When it began (Stripe's `start_date`): the first billing period runs from here to the anchor. */
  startedAt: number;
  /** Ordered by `from`; a state whose `from` equals an earlier one's replaces it. */
  states: SubscriptionState[];
}

/** The five kinds of MRR movement, as ChartMogul defines them (docs/revenue.md). */
export type MovementKind = 'new_business' | 'expansion' | 'contraction' | 'churn' | 'reactivation';

export const MOVEMENT_KINDS: readonly MovementKind[] = [
  'new_business',
  'expansion',
  'contraction',
  'churn',
  'reactivation',
];

/** One change of a customer's MRR. */
export interface MrrMovement {
  customerId: string;
  currency: string;
  at: number;
  kind: MovementKind;
  /** Signed, in minor units: contraction and churn are negative (ChartMogul's API does the same). */
  amount: number;
  mrrBefore: number;
  mrrAfter: number;
}

/** A customer's MRR over one calendar month (UTC), split by movement. */
export interface CustomerMonth {
  customerId: string;
  currency: string;
  /** `YYYY-MM` */
  month: string;
  /** MRR at the first instant of the month. */
  startMrr: number;
  newBusiness: number;
  expansion: number;
  /** Negative or 0. */
  contraction: number;
  /** Negative or 0. */
  churn: number;
  reactivation: number;
  /** MRR at the first instant of the next month: startMrr plus every movement of the month. */
  endMrr: number;
  /** Whether the customer churned this month (a churn of a $0 MRR still counts as a churned customer). */
  churned: boolean;
}

/** Choices ChartMogul offers as data settings; the defaults are ChartMogul's. */
export interface MovementOptions {
  /**
   * When a cancelled subscription stops counting: when it ends in the billing system (`ended`, the
   * default) or at the end of its last paid billing period (`service-period-end`).
   */
  churnRecognition?: 'ended' | 'service-period-end';
  /**
   * A customer's changes this close together (ms) make one movement, classified from the state
   * before the first to the state after the last (a plan swap done as cancel + new subscription is
   * then an upgrade or downgrade, not churn + reactivation). Default 0: only simultaneous changes.
   */
  groupWithinMs?: number;
}
