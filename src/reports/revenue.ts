// `revenue`: closed revenue (issue 17), by the first touch of the person who closed, per day, week or
// month of the close (view `series`), or by the month of that person's first visit and the months since
// (view `cohorts`). What closes: won CRM deals (basis `deals`, the default), or the `customer` milestone
// (basis `customers`: CRM and Stripe in one, worth the subscription revenue: docs/revenue.md). Days,
// weeks and months are the workspace's time zone's; the common filters keep the persons whose first
// touch passes them; the total is compared with the comparison period's. docs/reports.md, "revenue".
import { z } from 'zod';
import {
  INTERVALS,
  REVENUE_BASES,
  type RevenueCohortRow,
  type RevenueSeriesRow,
} from '../store/areas/pipeline.js';
import type { FirstTouchFilter } from '../store/areas/first-touch.js';
import { COMPARE, CURRENCY, dayStart, FILTERS, RANGE, type DayRange } from './common-params.js';
import {
  amountConversion,
  cents,
  change,
  FirstTouchBy,
  pipelineCommon,
} from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    ...RANGE,
    ...COMPARE,
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
    ...FILTERS,
    ...CURRENCY,
  })
  .strict();

interface Total {
  closes: number;
  revenue: number;
  unvalued: number;
}

interface Common {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  basis: (typeof REVENUE_BASES)[number];
  filter: FirstTouchFilter;
  /** Revenue and closes over all rows; unvalued: closes whose value is unknown. */
  total: Total;
  /** The comparison period (null: compare=none), its total and the relative change to the total. */
  compare: { from: string; to: string } | null;
  previous: Total | null;
  change: { closes: number | null; revenue: number | null } | null;
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

const totalOf = (rows: readonly Total[]): Total => ({
  closes: rows.reduce((n, r) => n + r.closes, 0),
  revenue: cents(rows.reduce((n, r) => n + r.revenue, 0)),
  unvalued: rows.reduce((n, r) => n + r.unvalued, 0),
});

export const revenue = defineReport({
  name: 'revenue',
  summary: 'Closed revenue by first-touch source over time, and by first-visit cohort',
  params,
  async run({ store, workspaceId }, p): Promise<RevenueResult> {
    const { timezone, range, compare, filter } = await pipelineCommon(store, workspaceId, p);
    const conversion = await amountConversion(store, workspaceId, p);
    const query = (r: DayRange) => ({
      ...conversion,
      basis: p.basis,
      timezone,
      filter,
      // cohorts: persons first seen from the first day of from's month
      from: p.view === 'series' ? r.fromAt : dayStart(`${r.from.slice(0, 7)}-01`, timezone),
      to: r.toAt,
    });
    const totalFor = async (r: DayRange) =>
      p.view === 'series'
        ? totalOf(
            await store.revenueSeries(workspaceId, { ...query(r), interval: 'month', by: p.by }),
          )
        : totalOf((await store.revenueCohorts(workspaceId, query(r))).rows);
    const previous = compare ? await totalFor(compare) : null;
    const compared = (total: Total) => ({
      compare: compare ? { from: compare.from, to: compare.to } : null,
      previous,
      change: previous
        ? {
            closes: change(total.closes, previous.closes),
            revenue: change(total.revenue, previous.revenue),
          }
        : null,
    });
    const common = {
      from: range.from,
      to: range.to,
      timezone,
      currency: conversion.currency,
      basis: p.basis,
      filter,
    };
    if (p.view === 'series') {
      const raw = await store.revenueSeries(workspaceId, {
        ...query(range),
        interval: p.interval,
        by: p.by,
      });
      const rows = raw.map((r) => ({ ...r, revenue: cents(r.revenue) }));
      const total = totalOf(raw);
      return {
        ...common,
        view: 'series',
        interval: p.interval,
        by: p.by,
        rows,
        total,
        ...compared(total),
      };
    }
    const { rows: raw, sizes } = await store.revenueCohorts(workspaceId, query(range));
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
    const total = totalOf(raw);
    return { ...common, view: 'cohorts', rows, total, ...compared(total) };
  },
  table(r) {
    const what = r.basis === 'deals' ? 'won deals' : 'customers';
    const unvalued = r.total.unvalued
      ? ` (${r.total.unvalued} without a known value: no amount, or no exchange rate)`
      : '';
    const against =
      r.compare && r.previous
        ? `; ${r.previous.revenue} ${r.currency} from ${r.previous.closes} in ${r.compare.from} to ${r.compare.to}`
        : '';
    if (r.view === 'series')
      return {
        headline: `${r.total.revenue} ${r.currency} from ${r.total.closes} ${what} closed ${r.from} to ${r.to} (${r.timezone})${unvalued}${against}, per ${r.interval} by first-touch ${r.by}`,
        rows: r.rows.map((x) => ({
          [r.interval]: x.period,
          [`first ${r.by}`]: x.firstTouch,
          [what]: x.closes,
          revenue: x.revenue,
          unvalued: x.unvalued,
        })),
      };
    return {
      headline: `${r.total.revenue} ${r.currency} from ${r.total.closes} ${what} closed by ${r.to}${unvalued}, of persons first seen from ${r.from.slice(0, 7)} to ${r.to} (${r.timezone})${against}`,
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
