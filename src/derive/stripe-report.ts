// The MRR report of a workspace from its Stripe facts: per month the MRR at the month's end, its start,
// and the month's movements by kind, in the workspace's currency (each movement at its day's rate,
// src/revenue/mrr-fx.ts), and per month and currency as sold (`byCurrency`); optionally each customer's
// months with its person. Amounts in major units (as reports show them), computed in minor units first.
// A movement with no rate leaves its customer out of the converted months, named in `missingRates`.
import {
  MOVEMENT_KINDS,
  toMajorUnits,
  type CustomerMonth,
  type MovementKind,
} from '../revenue/index.js';
import type { Store } from '../store/store.js';
import { matchStripeCustomers, matchSummary, type MatchSummary } from './stripe-customers.js';
import { stripeRevenue } from './stripe-revenue.js';
import { convertMovements, customerMonths, movementRateNeeds } from '../revenue/index.js';
import {
  countMissing,
  revenueRates,
  workspaceCurrencyOf,
  type RevenueMissingRate,
} from './stripe-fx.js';

// the movement kinds, for reports (which read revenue through derive)
export { MOVEMENT_KINDS, type MovementKind } from '../revenue/index.js';

export interface MrrMonth {
  month: string;
  currency: string;
  startMrr: number;
  /** MRR at the month's end. */
  mrr: number;
  movements: Record<MovementKind, number>;
  /** Customers paying at the month's end. */
  customers: number;
  churnedCustomers: number;
}

export interface MrrCustomerMonth {
  customerId: string;
  personId: string | null;
  month: string;
  currency: string;
  startMrr: number;
  mrr: number;
  movements: Record<MovementKind, number>;
  /** Whether the customer churned this month (a churn movement, which may be 0). */
  churned: boolean;
  /** The same month in the workspace's currency; null when a rate it needs is missing. */
  converted: {
    currency: string;
    startMrr: number;
    mrr: number;
    movements: Record<MovementKind, number>;
  } | null;
}

export interface MrrReport {
  from: string;
  to: string;
  /** The workspace's currency: `months` are in it. */
  currency: string;
  /** Per month, in the workspace's currency (customers without every rate left out). */
  months: MrrMonth[];
  /** Per month and currency as sold. */
  byCurrency: MrrMonth[];
  /** Currencies and days with no rate to the workspace's currency: those customers are not in `months`. */
  missingRates: RevenueMissingRate[];
  customers?: MrrCustomerMonth[];
  matching: MatchSummary;
  /** What the mapping could not read (a discount never seen, a tiered price), per subscription. */
  issues: Array<{ subscriptionId: string; message: string }>;
}

const zero = (): Record<MovementKind, number> =>
  Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, 0])) as Record<MovementKind, number>;

const byKind = (c: CustomerMonth): Record<MovementKind, number> => ({
  new_business: c.newBusiness,
  expansion: c.expansion,
  contraction: c.contraction,
  churn: c.churn,
  reactivation: c.reactivation,
});

/** Customer months summed per month and currency, in major units. */
function monthTotals(rows: readonly CustomerMonth[]): MrrMonth[] {
  const totals = new Map<
    string,
    { t: MrrMonth; start: number; end: number; m: Record<MovementKind, number> }
  >();
  for (const r of rows) {
    const key = `${r.month} ${r.currency}`;
    let t = totals.get(key);
    if (!t) {
      t = {
        t: {
          month: r.month,
          currency: r.currency,
          startMrr: 0,
          mrr: 0,
          movements: zero(),
          customers: 0,
          churnedCustomers: 0,
        },
        start: 0,
        end: 0,
        m: zero(),
      };
      totals.set(key, t);
    }
    t.start += r.startMrr;
    t.end += r.endMrr;
    for (const [k, v] of Object.entries(byKind(r)) as Array<[MovementKind, number]>) t.m[k] += v;
    if (r.endMrr > 0) t.t.customers++;
    if (r.churned) t.t.churnedCustomers++;
  }
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { t, start, end, m }]) => ({
      ...t,
      startMrr: toMajorUnits(start, t.currency),
      mrr: toMajorUnits(end, t.currency),
      movements: majorKinds(m, t.currency),
    }));
}

const majorKinds = (m: Record<MovementKind, number>, currency: string) =>
  Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, toMajorUnits(m[k], currency)])) as Record<
    MovementKind,
    number
  >;

/** Months from `from` through `to` (`YYYY-MM`), from a workspace's Stripe facts. */
export async function mrrReport(
  store: Store,
  workspaceId: string,
  opts: { from: string; to: string; perCustomer: boolean; currency?: string },
): Promise<MrrReport> {
  const facts = await store.stripeFacts(workspaceId);
  const { movements, issues } = stripeRevenue(facts);
  const inRange = (r: CustomerMonth) => r.month >= opts.from && r.month <= opts.to;
  const rows = customerMonths(movements, opts.to).filter(inRange);
  // a report may ask another currency than the workspace's: each movement converts at its own day's rate
  const currency = opts.currency ?? (await workspaceCurrencyOf(store, workspaceId));
  const rateOf = await revenueRates(store, workspaceId, currency, movementRateNeeds(movements));
  const converted = convertMovements(movements, currency, rateOf);
  const convertedRows = customerMonths(converted.movements, opts.to).filter(inRange);
  const matches = await matchStripeCustomers(store, workspaceId, facts);
  const person = new Map(matches.map((m) => [m.customerId, m.personId]));
  const report: MrrReport = {
    from: opts.from,
    to: opts.to,
    currency,
    months: monthTotals(convertedRows),
    byCurrency: monthTotals(rows),
    missingRates: countMissing(converted.missing),
    matching: matchSummary(matches),
    issues: issues.map((i) => ({ subscriptionId: i.subscriptionId, message: i.message })),
  };
  if (opts.perCustomer) {
    const convertedOf = new Map(convertedRows.map((r) => [`${r.customerId} ${r.month}`, r]));
    report.customers = rows.map((r) => {
      const c = convertedOf.get(`${r.customerId} ${r.month}`);
      return {
        customerId: r.customerId,
        personId: person.get(r.customerId) ?? null,
        month: r.month,
        currency: r.currency,
        startMrr: toMajorUnits(r.startMrr, r.currency),
        mrr: toMajorUnits(r.endMrr, r.currency),
        movements: majorKinds(byKind(r), r.currency),
        churned: r.churned,
        converted: c
          ? {
              currency,
              startMrr: toMajorUnits(c.startMrr, currency),
              mrr: toMajorUnits(c.endMrr, currency),
              movements: majorKinds(byKind(c), currency),
            }
          : null,
      };
    });
  }
  return report;
}
