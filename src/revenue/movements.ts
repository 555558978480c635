// A customer's MRR movements, as ChartMogul defines them (docs/revenue.md):
//   new business  the customer's first move from no paying subscription to one
//   reactivation  the same move by a customer who had paid before and churned
//   churn         the customer's last live paying subscription ends (one of several ending is a
//                 contraction); dated when it ends, not when the cancellation was requested
//   expansion     any other increase: quantity, upgrade, a second subscription, a discount ending
//   contraction   any other decrease: quantity, downgrade, a discount added, one subscription of
//                 several ending, a move to a free plan (the customer stays a subscriber)
// A subscription is a paying one from the first moment its MRR is above zero until it ends: one that
// never billed more than zero (a trial that lapsed, a free plan) never makes its customer a subscriber.
// A customer's MRR is summed per currency; Stripe gives a customer one currency.

import { subscriptionMrrSteps, type MrrStep } from './subscription-mrr.js';
import type {
  CustomerMonth,
  MovementKind,
  MovementOptions,
  MrrMovement,
  SubscriptionHistory,
} from './types.js';

interface Cursor {
  steps: MrrStep[];
  /** index of the step in effect, -1 before the first */
  at: number;
  everPaid: boolean;
}

/** The movements of one customer in one currency, in time order. */
function customerMovements(
  customerId: string,
  currency: string,
  histories: SubscriptionHistory[],
  options: MovementOptions,
): MrrMovement[] {
  const cursors: Cursor[] = histories.map((h) => ({
    steps: subscriptionMrrSteps(h, options),
    at: -1,
    everPaid: false,
  }));
  const moments = [...new Set(cursors.flatMap((c) => c.steps.map((s) => s.at)))].sort(
    (a, b) => a - b,
  );
  const window = Math.max(0, options.groupWithinMs ?? 0);

  // the customer's MRR and whether any subscription is a live paying one, after moving to `t`
  const advance = (t: number): { mrr: number; active: boolean } => {
    let mrr = 0;
    let active = false;
    for (const c of cursors) {
      while (c.at + 1 < c.steps.length && c.steps[c.at + 1]!.at <= t) {
        c.at++;
        if (c.steps[c.at]!.mrr > 0) c.everPaid = true;
      }
      const step = c.steps[c.at];
      if (!step || step.ended) continue;
      mrr += step.mrr;
      if (c.everPaid) active = true;
    }
    return { mrr, active };
  };

  const out: MrrMovement[] = [];
  let before = { mrr: 0, active: false };
  let everActive = false;
  for (let i = 0; i < moments.length;) {
    const start = moments[i]!;
    let j = i;
    while (j + 1 < moments.length && moments[j + 1]! - start <= window) j++;
    const after = advance(moments[j]!);
    let kind: MovementKind | null = null;
    if (!before.active && after.active) kind = everActive ? 'reactivation' : 'new_business';
    else if (before.active && !after.active) kind = 'churn';
    else if (before.active && after.mrr > before.mrr) kind = 'expansion';
    else if (before.active && after.mrr < before.mrr) kind = 'contraction';
    if (kind) {
      out.push({
        customerId,
        currency,
        at: start,
        kind,
        amount: after.mrr - before.mrr,
        mrrBefore: before.mrr,
        mrrAfter: after.mrr,
      });
    }
    if (after.active) everActive = true;
    before = after;
    i = j + 1;
  }
  return out;
}

/**
 * Every customer's MRR movements from their subscription histories, ordered by customer, currency and
 * time. The sum of a customer's movements up to any moment is its MRR at that moment.
 */
export function mrrMovements(
  histories: readonly SubscriptionHistory[],
  options: MovementOptions = {},
): MrrMovement[] {
  const byCustomer = new Map<string, SubscriptionHistory[]>();
  for (const h of histories) {
    const key = `${h.customerId}\u0000${h.currency}`;
    const list = byCustomer.get(key) ?? [];
    list.push(h);
    byCustomer.set(key, list);
  }
  const keys = [...byCustomer.keys()].sort();
  return keys.flatMap((key) => {
    const list = byCustomer.get(key)!;
    return customerMovements(list[0]!.customerId, list[0]!.currency, list, options);
  });
}

/** `YYYY-MM` of a moment (UTC). */
export function monthOf(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m, 1));
}

const FIELD: Record<
  MovementKind,
  'newBusiness' | 'expansion' | 'contraction' | 'churn' | 'reactivation'
> = {
  new_business: 'newBusiness',
  expansion: 'expansion',
  contraction: 'contraction',
  churn: 'churn',
  reactivation: 'reactivation',
};

/**
 * Each customer's MRR per calendar month (UTC) from its first movement through `through` (`YYYY-MM`):
 * the MRR at the month's start, the month's movements by kind, the MRR at its end. Months with no MRR
 * and no movement are left out.
 */
export function customerMonths(
  movements: readonly MrrMovement[],
  through: string,
): CustomerMonth[] {
  const byCustomer = new Map<string, MrrMovement[]>();
  for (const m of movements) {
    const key = `${m.customerId}\u0000${m.currency}`;
    const list = byCustomer.get(key) ?? [];
    list.push(m);
    byCustomer.set(key, list);
  }
  const out: CustomerMonth[] = [];
  for (const key of [...byCustomer.keys()].sort()) {
    const list = byCustomer
      .get(key)!
      .slice()
      .sort((a, b) => a.at - b.at);
    const first = list[0]!;
    let mrr = 0;
    let next = 0;
    for (let month = monthOf(first.at); month <= through; month = nextMonth(month)) {
      const row: CustomerMonth = {
        customerId: first.customerId,
        currency: first.currency,
        month,
        startMrr: mrr,
        newBusiness: 0,
        expansion: 0,
        contraction: 0,
        churn: 0,
        reactivation: 0,
        endMrr: mrr,
        churned: false,
      };
      let moved = false;
      while (next < list.length && monthOf(list[next]!.at) === month) {
        const m = list[next++]!;
        row[FIELD[m.kind]] += m.amount;
        row.endMrr += m.amount;
        if (m.kind === 'churn') row.churned = true;
        moved = true;
      }
      mrr = row.endMrr;
      if (moved || row.startMrr !== 0 || row.endMrr !== 0) out.push(row);
    }
  }
  return out;
}
