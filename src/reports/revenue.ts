// `revenue`: closed revenue (issue 17), by the first touch of the person who closed, per day, week or
// month of the close (view `series`), or by the month of that person's first visit and the months since
// (view `cohorts`). What closes: won CRM deals (basis `deals`, the default), or the `customer` milestone
// (basis `customers`: CRM and Stripe in one, worth the subscription revenue: docs/revenue.md).
// docs/reports.md, "revenue".
import { z } from 'zod';
import {
  INTERVALS,
  REVENUE_BASES,
  type RevenueCohortRow,
  type RevenueSeriesRow,
} from '../store/areas/pipeline.js';
import { Day, reportRange } from './costs.js';
import { amountConversion, cents, DAY_MS, dayStart, FirstTouchBy } from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    from: Day.optional().describe('first day of closes (default: 30 days before to)'),
    to: Day.optional().describe('last day, inclusive (default: today, UTC)'),
    interval: z
      .enum(INTERVALS)
      .default('week')
      .describe(`series buckets: ${INTERVALS.join(', ')}`),
    by: FirstTouchBy,
    basis: z
      .enum(REVENUE_BASES)
      .default('deals')
      .describe(
        'deals: won CRM deals at their amount; customers: the customer milestone (CRM and Stripe)',
      ),
    view: z
      .enum(['series', 'cohorts'])
      .default('series')
      .describe('series: by close date; cohorts: by the month of the first visit and months since'),
  })
  .strict();

interface Common {
  from: string;
  to: string;
  currency: string;
  basis: (typeof REVENUE_BASES)[number];
  /** Revenue and closes over all rows; unvalued: closes whose value is unknown. */
  total: { closes: number; revenue: number; unvalued: number };
}
export type RevenueResult =
  | (Common & {
      view: 'series';
      interval: (typeof INTERVALS)[number];
      by: z.output<typeof FirstTouchBy>;
      rows: RevenueSeriesRow[];
    })
  | (Common & {
      view: 'cohorts';
      /** Per cohort and month since, with the cohort's visitors and its revenue so far. */
      rows: (RevenueCohortRow & { visitors: number; cumulativeRevenue: number })[];
    });

const totalOf = (rows: readonly { closes: number; revenue: number; unvalued: number }[]) => ({
  closes: rows.reduce((n, r) => n + r.closes, 0),
  revenue: cents(rows.reduce((n, r) => n + r.revenue, 0)),
  unvalued: rows.reduce((n, r) => n + r.unvalued, 0),
});

export const revenue = defineReport({
  name: 'revenue',
  summary: 'Closed revenue by first-touch source over time, and by first-visit cohort',
  params,
  async run({ store, workspaceId }, p): Promise<RevenueResult> {
    const { from, to } = reportRange(p);
    const conversion = await amountConversion(store, workspaceId);
    const q = { ...conversion, basis: p.basis, from: dayStart(from), to: dayStart(to) + DAY_MS };
    const common = { from, to, currency: conversion.currency, basis: p.basis };
    if (p.view === 'series') {
      const raw = await store.revenueSeries(workspaceId, { ...q, interval: p.interval, by: p.by });
      const rows = raw.map((r) => ({ ...r, revenue: cents(r.revenue) }));
      return {
        ...common,
        view: 'series',
        interval: p.interval,
        by: p.by,
        rows,
        total: totalOf(raw),
      };
    }
    const { rows: raw, sizes } = await store.revenueCohorts(workspaceId, q);
    const visitors = new Map(sizes.map((s) => [s.cohort, s.visitors]));
    const sofar = new Map<string, number>();
    const rows = raw.map((r) => {
      const cumulative = (sofar.get(r.cohort) ?? 0) + r.revenue;
      sofar.set(r.cohort, cumulative);
      return {
        ...r,
        revenue: cents(r.revenue),
        visitors: visitors.get(r.cohort) ?? 0,
        cumulativeRevenue: cents(cumulative),
      };
    });
    return { ...common, view: 'cohorts', rows, total: totalOf(raw) };
  },
  table(r) {
    const what = r.basis === 'deals' ? 'won deals' : 'customers';
    const unvalued = r.total.unvalued
      ? ` (${r.total.unvalued} without a known value: no amount, or no exchange rate)`
      : '';
    if (r.view === 'series')
      return {
        headline: `${r.total.revenue} ${r.currency} from ${r.total.closes} ${what} closed ${r.from} to ${r.to}${unvalued}, per ${r.interval} by first-touch ${r.by}`,
        rows: r.rows.map((x) => ({
          [r.interval]: x.period,
          [`first ${r.by}`]: x.firstTouch ?? '(none)',
          [what]: x.closes,
          revenue: x.revenue,
          unvalued: x.unvalued,
        })),
      };
    return {
      headline: `${r.total.revenue} ${r.currency} from ${r.total.closes} ${what} closed by ${r.to}${unvalued}, of persons first seen from ${r.from.slice(0, 7)} to ${r.to}`,
      rows: r.rows.map((x) => ({
        cohort: x.cohort,
        visitors: x.visitors,
        'months since': x.monthsSince,
        [what]: x.closes,
        revenue: x.revenue,
        'revenue so far': x.cumulativeRevenue,
        'per visitor': x.visitors > 0 ? cents(x.cumulativeRevenue / x.visitors) : '-',
      })),
    };
  },
});
