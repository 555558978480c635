// `subscriptions`: MRR, ARR, the MRR movements, customer churn and lifetime value by the first touch
// (source and campaign by default) of each Stripe customer's person (issue 17; docs/reports.md,
// "subscriptions"). The MRR is the revenue layer's, derived once per change of the Stripe facts into the
// stored customer months (subscription_months, in the workspace's currency: docs/revenue.md); the store
// sums them per first-touch group in the engine, of the customers whose first touch passes the common
// filters, converting at read time when another currency is asked. Months are calendar months as the
// revenue layer has them (UTC); `to` defaults to this month in the workspace's time zone.
import { z } from 'zod';
import { MOVEMENT_KINDS, type MovementKind } from '../derive/stripe-report.js';
import { minorUnitExponent, monthNumber } from '../derive/subscription-months.js';
import { NO_TOUCHPOINT, type TouchGroup } from '../store/areas/pipeline-reports.js';
import type { SubscriptionGroupSums } from '../store/areas/subscription-months.js';
import { CURRENCY, FILTERS, reportCurrency, today, workspaceSettings } from './common-params.js';
import { groupColumns, groupKey, rate, touchGroupBy } from './first-touch.js';
import { firstTouchFilter } from './pipeline-params.js';
import { round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

/** The group of a Stripe customer no identifier matched to a person. */
export const UNMATCHED = '(unmatched customer)';
const MAX_MONTHS = 120;

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
const monthOf = (t: number) => new Date(t).toISOString().slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m - 1 + n, 1));
}

const params = z
  .object({
    from: Month.optional().describe('first month (default: 11 months before to)'),
    to: Month.optional().describe(
      'last month, inclusive (default: this month in the workspace time zone)',
    ),
    groupBy: touchGroupBy(['source', 'campaign']),
    ...FILTERS,
    ...CURRENCY,
  })
  .strict();

export interface SubscriptionGroup {
  group: TouchGroup;
  /** Customers paying at the end of `to`. */
  customers: number;
  /** MRR at the end of `to`, and twelve times it. */
  mrr: number;
  arr: number;
  /** MRR at the start of `from`. */
  startMrr: number;
  /** The range's movements by kind (contraction and churn negative). */
  movements: Record<MovementKind, number>;
  netNewMrr: number;
  newCustomers: number;
  churnedCustomers: number;
  /** Customers paying at the start of a month, summed over the range's months: those who could churn. */
  customerMonths: number;
  /** churnedCustomers / customerMonths: the share of paying customers lost in a month. */
  monthlyChurnRate: number | null;
  /** Average MRR per paying customer at the end of `to`. */
  arpa: number | null;
  /** arpa / monthlyChurnRate: what a customer pays over an expected lifetime (null without churn). */
  ltv: number | null;
}

type Sums = Omit<
  SubscriptionGroup,
  'group' | 'arr' | 'netNewMrr' | 'monthlyChurnRate' | 'arpa' | 'ltv'
>;

/** A group's sums from the store, amounts to major units (the stored currency's minor unit). */
function sumsOf(g: SubscriptionGroupSums, exponent: number): Sums {
  const major = (v: number) => v / 10 ** exponent;
  return {
    customers: g.customers,
    mrr: major(g.mrr),
    startMrr: major(g.startMrr),
    movements: {
      new_business: major(g.newBusiness),
      expansion: major(g.expansion),
      contraction: major(g.contraction),
      churn: major(g.churn),
      reactivation: major(g.reactivation),
    },
    newCustomers: g.newCustomers,
    churnedCustomers: g.churnedCustomers,
    customerMonths: g.customerMonths,
  };
}

/** Groups' sums added up: every sum is additive over customers. */
function totalOf(all: readonly Sums[]): Sums {
  const t: Sums = {
    customers: 0,
    mrr: 0,
    startMrr: 0,
    movements: Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, 0])) as Record<
      MovementKind,
      number
    >,
    newCustomers: 0,
    churnedCustomers: 0,
    customerMonths: 0,
  };
  for (const s of all) {
    t.customers += s.customers;
    t.mrr += s.mrr;
    t.startMrr += s.startMrr;
    for (const k of MOVEMENT_KINDS) t.movements[k] += s.movements[k];
    t.newCustomers += s.newCustomers;
    t.churnedCustomers += s.churnedCustomers;
    t.customerMonths += s.customerMonths;
  }
  return t;
}

function finish(group: TouchGroup, s: Sums): SubscriptionGroup {
  const mrr = round2(s.mrr);
  const churn = rate(s.churnedCustomers, s.customerMonths);
  const arpa = s.customers === 0 ? null : round2(s.mrr / s.customers);
  return {
    group,
    ...s,
    mrr,
    arr: round2(s.mrr * 12),
    startMrr: round2(s.startMrr),
    movements: Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, round2(s.movements[k])])) as Record<
      MovementKind,
      number
    >,
    netNewMrr: round2(MOVEMENT_KINDS.reduce((t, k) => t + s.movements[k], 0)),
    monthlyChurnRate: churn,
    arpa,
    // from the unrounded churn, so the value does not move with the rate's display
    ltv:
      arpa === null || s.churnedCustomers === 0
        ? null
        : round2(s.mrr / s.customers / (s.churnedCustomers / s.customerMonths)),
  };
}

export const subscriptions = defineReport({
  name: 'subscriptions',
  summary: 'MRR, ARR, movements, churn and LTV of Stripe customers by first touch',
  params,
  async run({ store, workspaceId }, p) {
    const filter = firstTouchFilter(p);
    const { timezone } = await workspaceSettings(store, workspaceId);
    const to = p.to ?? today(timezone).slice(0, 7);
    const from = p.from ?? addMonths(to, -11);
    if (from > to) throw new ReportParamError('to', 'must not be before from');
    if (addMonths(from, MAX_MONTHS - 1) < to)
      throw new ReportParamError('from', `at most ${MAX_MONTHS} months before to`);
    const { currency } = await reportCurrency(store, workspaceId, p);
    const answer = await store.subscriptionGroups(workspaceId, {
      from: monthNumber(from),
      to: monthNumber(to),
      groupBy: p.groupBy,
      filter,
      currency,
      unmatched: UNMATCHED,
      noTouchpoint: NO_TOUCHPOINT,
    });
    const exponent = minorUnitExponent(answer.storedCurrency ?? currency);
    const groups = answer.groups.map((g) => ({ group: g.group, sums: sumsOf(g, exponent) }));
    return {
      from,
      to,
      currency,
      groupBy: p.groupBy,
      filter,
      rows: groups
        .map((g) => finish(g.group, g.sums))
        .sort(
          (a, b) =>
            b.mrr - a.mrr ||
            groupKey(p.groupBy, a.group).localeCompare(groupKey(p.groupBy, b.group)),
        ),
      total: finish({}, totalOf(groups.map((g) => g.sums))),
      /** Customers whose currency had no rate on a day they needed: left out whole (revenue.md). */
      missingRates: answer.missingRates,
      matching: answer.matching,
    };
  },
  table(r) {
    return {
      headline: `subscriptions ${r.from} to ${r.to} in ${r.currency}: MRR ${r.total.mrr}, ARR ${r.total.arr}, ${r.total.customers} customers, monthly churn ${r.total.monthlyChurnRate ?? '-'}${r.missingRates.length ? ' (customers without an exchange rate left out: missingRates)' : ''}`,
      rows: r.rows.map((x) => ({
        ...groupColumns(r.groupBy, x.group),
        customers: x.customers,
        mrr: x.mrr,
        arr: x.arr,
        'start mrr': x.startMrr,
        'new business': x.movements.new_business,
        expansion: x.movements.expansion,
        contraction: x.movements.contraction,
        churn: x.movements.churn,
        reactivation: x.movements.reactivation,
        'net new mrr': x.netNewMrr,
        'new customers': x.newCustomers,
        'churned customers': x.churnedCustomers,
        'monthly churn rate': x.monthlyChurnRate,
        arpa: x.arpa,
        ltv: x.ltv,
      })),
    };
  },
});
