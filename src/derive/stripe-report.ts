// The MRR report of a workspace from its Stripe facts: per month (and currency) the MRR at the month's
// end, its start, and the month's movements by kind; optionally each customer's months with its person.
// Amounts in major units of their currency (as reports show them), computed in minor units first.
import {
  MOVEMENT_KINDS,
  toMajorUnits,
  type CustomerMonth,
  type MovementKind,
} from '../revenue/index.js';
import type { Store } from '../store/store.js';
import { matchStripeCustomers, matchSummary, type MatchSummary } from './stripe-customers.js';
import { stripeRevenue } from './stripe-revenue.js';
import { customerMonths } from '../revenue/index.js';

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
}

export interface MrrReport {
  from: string;
  to: string;
  months: MrrMonth[];
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

/** Months from `from` through `to` (`YYYY-MM`), from a workspace's Stripe facts. */
export async function mrrReport(
  store: Store,
  workspaceId: string,
  opts: { from: string; to: string; perCustomer: boolean },
): Promise<MrrReport> {
  const facts = await store.stripeFacts(workspaceId);
  const { movements, issues } = stripeRevenue(facts);
  const rows = customerMonths(movements, opts.to).filter(
    (r) => r.month >= opts.from && r.month <= opts.to,
  );
  const matches = await matchStripeCustomers(store, workspaceId, facts);
  const person = new Map(matches.map((m) => [m.customerId, m.personId]));
  const totals = new Map<string, MrrMonth & { minor: { start: number; end: number } }>();
  const moved = new Map<string, Record<MovementKind, number>>();
  for (const r of rows) {
    const key = `${r.month} ${r.currency}`;
    let t = totals.get(key);
    if (!t) {
      t = {
        month: r.month,
        currency: r.currency,
        startMrr: 0,
        mrr: 0,
        movements: zero(),
        customers: 0,
        churnedCustomers: 0,
        minor: { start: 0, end: 0 },
      };
      totals.set(key, t);
      moved.set(key, zero());
    }
    t.minor.start += r.startMrr;
    t.minor.end += r.endMrr;
    const m = moved.get(key)!;
    for (const [k, v] of Object.entries(byKind(r)) as Array<[MovementKind, number]>) m[k] += v;
    if (r.endMrr > 0) t.customers++;
    if (r.churned) t.churnedCustomers++;
  }
  const major = (v: number, currency: string) => toMajorUnits(v, currency);
  const months = [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, t]) => {
      const m = moved.get(key)!;
      return {
        month: t.month,
        currency: t.currency,
        startMrr: major(t.minor.start, t.currency),
        mrr: major(t.minor.end, t.currency),
        movements: Object.fromEntries(
          MOVEMENT_KINDS.map((k) => [k, major(m[k], t.currency)]),
        ) as Record<MovementKind, number>,
        customers: t.customers,
        churnedCustomers: t.churnedCustomers,
      };
    });
  const report: MrrReport = {
    from: opts.from,
    to: opts.to,
    months,
    matching: matchSummary(matches),
    issues: issues.map((i) => ({ subscriptionId: i.subscriptionId, message: i.message })),
  };
  if (opts.perCustomer)
    report.customers = rows.map((r) => ({
      customerId: r.customerId,
      personId: person.get(r.customerId) ?? null,
      month: r.month,
      currency: r.currency,
      startMrr: major(r.startMrr, r.currency),
      mrr: major(r.endMrr, r.currency),
      movements: Object.fromEntries(
        Object.entries(byKind(r)).map(([k, v]) => [k, major(v, r.currency)]),
      ) as Record<MovementKind, number>,
    }));
  return report;
}
