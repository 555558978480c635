// The overview's one query, written once for every engine (docs/reports.md, "overview"): visits of the
// range and their visitors, milestones reached in the range (counted, with their value), and the spend of
// the range's days, summed for the range or per day of the workspace's time zone. Nothing here depends on
// an attribution model: these are the totals every model's credits add up to.
import {
  REPORT_MILESTONES,
  type OverviewQuery,
  type OverviewRow,
  type ReportMilestone,
} from '../../areas/reports.js';
import { spendCtes } from './costs-queries.js';
import { dayOfNumber, dayTextNumberSql, localDayNumberSql } from './local-days.js';
import { REPORT_SESSIONS_TABLE } from './report-sessions-queries.js';
import { perMilestone } from './report-units.js';
import { fn, join, p, sql, type Sql } from './sql.js';
import { convertsValues, valueRateJoin, valueRatesSql } from './value-fx.js';

const NO_TEXT = sql`nullif('', '')`;
const ZERO = sql`CAST(0 AS DOUBLE)`;
const NO_MILESTONE = sql`''`;

export function overviewSql(ws: string, q: OverviewQuery): Sql {
  const w = p.text(ws);
  const from = p.time(new Date(q.fromAt));
  const to = p.time(new Date(q.toAt));
  // the day number of the zone's wall clock (local-days.ts): no per-row time zone conversion
  const day = (t: string) => localDayNumberSql(t, q.timezone, q.fromAt, q.toAt);
  const byDay = q.byDay ? sql`u_day, ` : sql``;
  // values kept in the workspace's currency, converted at read time when another is asked (value-fx.ts)
  const inRange = sql`v.reached_at >= ${from} AND v.reached_at < ${to}`;
  const converts = convertsValues(q);
  const vrates = converts
    ? sql`,
  vrates AS (${valueRatesSql(ws, q, 'milestones', 'reached_at', inRange)})`
    : sql``;
  const value = converts ? sql`m.value * vr.rate` : sql`m.value`;
  return sql`WITH ${spendCtes(ws, q)}${vrates},
  units AS (
    SELECT ${day('s.started_at')} AS u_day, 1 AS visit, s.visitor AS visitor,
      ${NO_MILESTONE} AS milestone, ${ZERO} AS u_value, ${ZERO} AS u_cost
    FROM ${fn.table(REPORT_SESSIONS_TABLE)} s
    WHERE s.workspace_id = ${w} AND s.page_views > 0 AND s.started_at >= ${from} AND s.started_at < ${to}
    UNION ALL
    SELECT ${day('m.reached_at')}, 0, ${NO_TEXT}, m.milestone, coalesce(${value}, 0), ${ZERO}
    FROM ${fn.table('milestones')} m${converts ? valueRateJoin('vrates', 'vr', 'm.reached_at') : sql``}
    WHERE m.workspace_id = ${w} AND m.reached_at >= ${from} AND m.reached_at < ${to}
    UNION ALL
    SELECT ${dayTextNumberSql('day')}, 0, ${NO_TEXT}, ${NO_MILESTONE}, ${ZERO}, cost FROM spend WHERE unrated = 0)
  SELECT ${byDay}sum(visit) AS m_sessions, ${fn.countDistinct('visitor')} AS m_visitors,
    ${join(perMilestone('milestone', '1', 'r'), ', ')},
    sum(CASE WHEN milestone = 'opportunity' THEN u_value ELSE 0 END) AS m_pipeline,
    sum(CASE WHEN milestone = 'customer' THEN u_value ELSE 0 END) AS m_revenue,
    sum(u_cost) AS m_spend
  FROM units${q.byDay ? sql` GROUP BY u_day ORDER BY u_day` : sql``}`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export const toOverviewRow =
  (q: OverviewQuery) =>
  (r: Record<string, unknown>): OverviewRow => ({
    ...(q.byDay ? { day: dayOfNumber(Number(r.u_day)) } : {}),
    visitors: num(r.m_visitors),
    sessions: num(r.m_sessions),
    reached: Object.fromEntries(REPORT_MILESTONES.map((m) => [m, num(r[`r_${m}`])])) as Record<
      ReportMilestone,
      number
    >,
    pipeline: num(r.m_pipeline),
    revenue: num(r.m_revenue),
    spend: num(r.m_spend),
  });
