// The stored customer months (areas/subscription-months.ts): each Stripe customer's MRR per UTC month in
// the workspace's currency, derived by the revenue layer from the Stripe facts exactly as the MRR report
// derives them (each movement at its own day's rate, derive/stripe-report.ts) and written whole for the
// workspace whenever its Stripe facts, rates or customers' persons may have changed (the Stripe
// milestones' derive, deriveStripeMilestones, runs this too). A rebuild of unchanged facts writes the
// same rows.
import {
  convertMovements,
  customerMonths,
  distinctNeeds,
  monthOf,
  movementRateNeeds,
  utcDay,
  type ConvertedMovements,
  type CustomerMonth,
  type MrrMovement,
} from '../revenue/index.js';
import type { SubscriptionMonthRow } from '../store/areas/subscription-months.js';
import type { Store } from '../store/store.js';
import type { CustomerMatch } from './stripe-customers.js';
import { revenueRates, workspaceCurrencyOf } from './stripe-fx.js';

// the stored amounts' minor unit, for the report (which reads revenue through derive)
export { minorUnitExponent } from '../revenue/index.js';

/** year * 12 + month - 1 of a `YYYY-MM` month. */
export function monthNumber(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + m - 1;
}

const byCustomer = <T extends { customerId: string }>(list: readonly T[]) => {
  const out = new Map<string, T[]>();
  for (const x of list) out.set(x.customerId, [...(out.get(x.customerId) ?? []), x]);
  return out;
};

/**
 * The rows of every customer: `movements` as sold, `converted` the same in `currency` (minor units), and
 * every customer the facts name (`matches`, with its person). A customer's rows run from its first
 * movement's month through its last's; one without movements keeps a row with month ''.
 */
export function subscriptionMonthRows(
  movements: readonly MrrMovement[],
  converted: ConvertedMovements,
  matches: readonly CustomerMatch[],
  currency: string,
): SubscriptionMonthRow[] {
  const person = new Map(matches.map((m) => [m.customerId, m.personId]));
  const sold = byCustomer(movements);
  const conv = byCustomer(converted.movements);
  const missing = byCustomer(converted.missing);
  const ids = [...new Set([...person.keys(), ...sold.keys()])].sort();
  const out: SubscriptionMonthRow[] = [];
  for (const customerId of ids) {
    const personId = person.get(customerId) ?? null;
    const list = (sold.get(customerId) ?? []).slice().sort((a, b) => a.at - b.at);
    const lacking = distinctNeeds(missing.get(customerId) ?? []).map((n) => ({
      currency: n.currency,
      day: n.day,
    }));
    const blank = {
      customerId,
      personId,
      currency,
      churned: false,
      paying: false,
      valuedOn: null,
      missingRates: lacking,
    };
    if (list.length === 0) {
      out.push({
        ...blank,
        month: '',
        monthNumber: 0,
        startMrr: null,
        mrr: null,
        newBusiness: null,
        expansion: null,
        contraction: null,
        churn: null,
        reactivation: null,
      });
      continue;
    }
    const through = monthOf(list[list.length - 1]!.at);
    // as sold: one row per month and currency; merged per month (a customer has one currency in Stripe)
    const soldMonths = new Map<string, CustomerMonth[]>();
    for (const r of customerMonths(list, through))
      soldMonths.set(r.month, [...(soldMonths.get(r.month) ?? []), r]);
    const convMonths = new Map(
      customerMonths(conv.get(customerId) ?? [], through).map((r) => [r.month, r]),
    );
    const ok = lacking.length === 0;
    let endMrr = 0;
    for (const [month, rows] of [...soldMonths].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const c = convMonths.get(month);
      const last = list.filter((m) => monthOf(m.at) <= month).at(-1);
      out.push({
        ...blank,
        month,
        monthNumber: monthNumber(month),
        churned: rows.some((r) => r.churned),
        paying: rows.some((r) => r.endMrr !== 0),
        valuedOn: last ? utcDay(last.at) : null,
        // a month the conversion has no row for holds the converted MRR still
        startMrr: ok ? (c?.startMrr ?? endMrr) : null,
        mrr: ok ? (c?.endMrr ?? endMrr) : null,
        newBusiness: ok ? (c?.newBusiness ?? 0) : null,
        expansion: ok ? (c?.expansion ?? 0) : null,
        contraction: ok ? (c?.contraction ?? 0) : null,
        churn: ok ? (c?.churn ?? 0) : null,
        reactivation: ok ? (c?.reactivation ?? 0) : null,
      });
      endMrr = c?.endMrr ?? endMrr;
    }
  }
  return out;
}

/** Derives and stores the workspace's customer months from its movements (stripeRevenue) and matches. */
export async function deriveSubscriptionMonths(
  store: Store,
  ws: string,
  movements: readonly MrrMovement[],
  matches: readonly CustomerMatch[],
): Promise<number> {
  const currency = await workspaceCurrencyOf(store, ws);
  const rateOf = await revenueRates(store, ws, currency, movementRateNeeds(movements));
  const converted = convertMovements(movements, currency, rateOf);
  return store.replaceSubscriptionMonths(
    ws,
    subscriptionMonthRows(movements, converted, matches, currency),
  );
}
