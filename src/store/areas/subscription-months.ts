// The store's subscription-months area: each Stripe customer's MRR per UTC calendar month, derived from
// the Stripe facts by the revenue layer (src/revenue, derive/subscription-months.ts) whenever they or the
// customers' persons change, and stored (subscription_months), so the `subscriptions` report sums
// customer months in the engine rather than re-deriving every history on each read (docs/revenue.md).
//
// A customer's rows run densely from the month of its first MRR movement through the month of its last:
// each month's MRR at its start and end and its movements by kind, in minor units of the workspace's
// currency (each movement converted at its own day's rate, as the revenue layer converts them). After
// its last row a customer's MRR stays as that row ends. A customer with no movement keeps one row with
// month '' (month_number 0), so the report can count it as matched or not.

import type { FirstTouchAttribute, FirstTouchFilter } from './first-touch.js';

/** One customer month as stored (amounts in minor units of `currency`; null: a rate was missing). */
export interface SubscriptionMonthRow {
  customerId: string;
  /** The customer's person; null when no key matched one. */
  personId: string | null;
  /** `YYYY-MM`; '' for the row of a customer without movements. */
  month: string;
  /** year * 12 + month - 1 (0 for the row of a customer without movements). */
  monthNumber: number;
  /** The workspace's currency when derived (upper case). */
  currency: string;
  startMrr: number | null;
  mrr: number | null;
  newBusiness: number | null;
  expansion: number | null;
  contraction: number | null;
  churn: number | null;
  reactivation: number | null;
  /** A churn movement this month (even of 0). */
  churned: boolean;
  /** The customer pays at the month's end, in its own currency (whether or not a rate converted it). */
  paying: boolean;
  /** The UTC day (YYYY-MM-DD) of the customer's last movement by the month's end: a read converts at it. */
  valuedOn: string | null;
  /** The rates (currency and day) the customer lacked: its amounts are null on every row. */
  missingRates: Array<{ currency: string; day: string }>;
}

/** The `subscriptions` report's question, as the store answers it. */
export interface SubscriptionMonthsQuery {
  /** Month numbers (year * 12 + month - 1), inclusive. */
  from: number;
  to: number;
  /** First-touch attributes to group by. */
  groupBy: readonly FirstTouchAttribute[];
  filter: FirstTouchFilter;
  /** The answer's currency; the stored one when the same (else each row at its valued day's rate). */
  currency: string;
  /** Labels of a customer with no person and of a person with no first touch. */
  unmatched: string;
  noTouchpoint: string;
}

/**
 * One group's sums: amounts in minor units of the stored currency, each times its rate to the asked
 * currency (1 when the same), unrounded; the caller divides by the stored currency's minor unit.
 */
export interface SubscriptionGroupSums {
  group: Record<string, string>;
  customers: number;
  mrr: number;
  startMrr: number;
  newBusiness: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
  newCustomers: number;
  churnedCustomers: number;
  customerMonths: number;
}

export interface SubscriptionMonthsAnswer {
  /** The currency the rows are stored in (null: no rows). */
  storedCurrency: string | null;
  groups: SubscriptionGroupSums[];
  /** Rates missing (at derive time, or to the asked currency at read), with the customers each left out. */
  missingRates: Array<{ currency: string; day: string; customers: number }>;
  /** Stripe customers, and those matched to a person. */
  matching: { customers: number; matched: number; unmatched: number };
}

export interface SubscriptionMonthsStore {
  /** Replaces the workspace's stored customer months with these; rows written. */
  replaceSubscriptionMonths(
    workspaceId: string,
    rows: readonly SubscriptionMonthRow[],
  ): Promise<number>;
  /** The workspace's stored rows, by customer then month. */
  subscriptionMonths(workspaceId: string): Promise<SubscriptionMonthRow[]>;
  /** The customer months summed per first-touch group, in the engine. */
  subscriptionGroups(
    workspaceId: string,
    q: SubscriptionMonthsQuery,
  ): Promise<SubscriptionMonthsAnswer>;
}
