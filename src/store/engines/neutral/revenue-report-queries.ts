// The revenue report's reads, written once for every engine (docs/reports.md, "revenue"): closes (won
// CRM deals, or `customer` milestones) per interval of their close time and the first touch of their
// person, and per first-visit cohort month by months since.
import type {
  Interval,
  RevenueCohortRow,
  RevenueCohorts,
  RevenueQuery,
  RevenueSeriesQuery,
  RevenueSeriesRow,
} from '../../areas/pipeline.js';
import { resolvedCtes } from './crm-queries.js';
import {
  dealCtes,
  dealRatesSql,
  firstTouchCtes,
  firstTouchKept,
  firstTouchLabel,
  majorSql,
} from './pipeline-queries.js';
import { fn, p, sql, type Sql } from './sql.js';
import { convertsValues, valueRateJoin, valueRatesSql } from './value-fx.js';

/**
 * CTE `closes` (closed_at, person_id, value_v: NULL when unknown). Deals: each deal whose latest stage
 * change is won (and not deleted or merged away), closed at its first won change since it was last
 * anything else, worth its latest amount at the rate of that amount's day. Customers: the `customer`
 * milestones as derived (CRM and Stripe in one, docs/revenue.md), at their value.
 */
function closesCtes(ws: string, q: RevenueQuery): Sql {
  const w = p.text(ws);
  if (q.basis === 'customers') {
    // values kept in the workspace's currency: converted at read time when another is asked (NULL, so
    // unvalued, without a rate)
    if (!convertsValues(q))
      return sql`closes AS (
    SELECT reached_at AS closed_at, person_id, value AS value_v FROM ${fn.table('milestones')}
    WHERE workspace_id = ${w} AND milestone = 'customer')`;
    return sql`vrates AS (${valueRatesSql(ws, q, 'milestones', 'reached_at', sql`v.milestone = 'customer'`)}),
  closes AS (
    SELECT m.reached_at AS closed_at, m.person_id AS person_id, m.value * vr.rate AS value_v
    FROM ${fn.table('milestones')} m${valueRateJoin('vrates', 'vr', 'm.reached_at')}
    WHERE m.workspace_id = ${w} AND m.milestone = 'customer')`;
  }
  return sql`${resolvedCtes(ws)},
  ${dealCtes(ws)},
  latest AS (
    SELECT source, object_id, ${fn.argMax('outcome_v', '(occurred_at, key)')} AS outcome_now,
      max(CASE WHEN outcome_v <> 'won' THEN occurred_at ELSE NULL END) AS reopened_at
    FROM stages GROUP BY source, object_id),
  won AS (
    SELECT s.source AS source, s.object_id AS object_id, min(s.occurred_at) AS closed_at
    FROM stages s JOIN latest l ON l.source = s.source AND l.object_id = s.object_id
    WHERE l.outcome_now = 'won' AND s.outcome_v = 'won'
      AND (l.reopened_at IS NULL OR s.occurred_at >= l.reopened_at)
    GROUP BY s.source, s.object_id),
  closes AS (
    SELECT d.closed_at AS closed_at, r.person_id AS person_id,
      ${majorSql('a.amount_v', 'a.currency_v', q)} * x.rate AS value_v
    FROM won d
    LEFT JOIN gone g ON g.source = d.source AND g.object_id = d.object_id
    LEFT JOIN amounts a ON a.source = d.source AND a.object_id = d.object_id
    LEFT JOIN (${dealRatesSql(ws, q)}) x ON x.key = a.amount_key
    LEFT JOIN resolved r ON r.source = d.source AND r.object_type = 'deal' AND r.object_id = d.object_id
    WHERE g.object_id IS NULL)`;
}

const bucket = (interval: Interval, t: string, zone: string) =>
  interval === 'day'
    ? fn.localDay(t, zone)
    : interval === 'week'
      ? fn.localWeek(t, zone)
      : fn.localMonth(t, zone);

export function revenueSeriesSql(ws: string, q: RevenueSeriesQuery): Sql {
  const period = bucket(q.interval, 'c.closed_at', q.timezone);
  return sql`WITH ${closesCtes(ws, q)},
  ${firstTouchCtes(ws, sql`SELECT person_id FROM closes`)}
  SELECT CAST(${period} AS VARCHAR) AS period,
    ${firstTouchLabel('f', q.by)} AS first_touch, ${fn.countAll()} AS closes_n,
    sum(coalesce(c.value_v, 0)) AS revenue_sum, ${fn.countIf('c.value_v IS NULL')} AS unvalued
  FROM closes c LEFT JOIN first_touch f ON f.person_id = c.person_id
  WHERE c.closed_at >= ${p.time(new Date(q.from))} AND c.closed_at < ${p.time(new Date(q.to))}
    AND ${firstTouchKept('f', q.filter)}
  GROUP BY CAST(${period} AS VARCHAR), ${firstTouchLabel('f', q.by)}
  ORDER BY period, first_touch`;
}

export const toRevenueSeriesRow = (r: Record<string, unknown>): RevenueSeriesRow => ({
  period: String(r.period),
  firstTouch: String(r.first_touch),
  closes: Number(r.closes_n),
  revenue: Number(r.revenue_sum),
  unvalued: Number(r.unvalued),
});

/** Closes of persons first seen in [from, to) (the report starts `from` at a month's first day). */
export function revenueCohortsSql(ws: string, q: RevenueQuery): Sql {
  const cohort = fn.localMonth('f.first_at', q.timezone);
  const closed = fn.localMonth('c.closed_at', q.timezone);
  return sql`WITH ${closesCtes(ws, q)},
  ${firstTouchCtes(ws, sql`SELECT person_id FROM closes`)}
  SELECT CAST(${cohort} AS VARCHAR) AS cohort_day,
    ${fn.monthNumber(closed)} - ${fn.monthNumber(cohort)} AS months_since,
    ${fn.countAll()} AS closes_n, sum(coalesce(c.value_v, 0)) AS revenue_sum,
    ${fn.countIf('c.value_v IS NULL')} AS unvalued
  FROM closes c JOIN first_touch f ON f.person_id = c.person_id
  WHERE f.first_at >= ${p.time(new Date(q.from))} AND f.first_at < ${p.time(new Date(q.to))}
    AND c.closed_at < ${p.time(new Date(q.to))} AND ${firstTouchKept('f', q.filter)}
  GROUP BY CAST(${cohort} AS VARCHAR), ${fn.monthNumber(closed)} - ${fn.monthNumber(cohort)}
  ORDER BY cohort_day, months_since`;
}

export function cohortSizesSql(ws: string, q: RevenueQuery): Sql {
  const cohort = fn.localMonth('f.first_at', q.timezone);
  return sql`WITH ${firstTouchCtes(ws)}
  SELECT CAST(${cohort} AS VARCHAR) AS cohort_day, ${fn.countAll()} AS visitors
  FROM first_touch f
  WHERE f.first_at >= ${p.time(new Date(q.from))} AND f.first_at < ${p.time(new Date(q.to))}
    AND ${firstTouchKept('f', q.filter)}
  GROUP BY CAST(${cohort} AS VARCHAR) ORDER BY cohort_day`;
}

export function toRevenueCohorts(
  rows: Record<string, unknown>[],
  sizes: Record<string, unknown>[],
): RevenueCohorts {
  const month = (v: unknown) => String(v).slice(0, 7);
  return {
    rows: rows.map((r): RevenueCohortRow => ({
      cohort: month(r.cohort_day),
      monthsSince: Number(r.months_since),
      closes: Number(r.closes_n),
      revenue: Number(r.revenue_sum),
      unvalued: Number(r.unvalued),
    })),
    sizes: sizes.map((r) => ({ cohort: month(r.cohort_day), visitors: Number(r.visitors) })),
  };
}
