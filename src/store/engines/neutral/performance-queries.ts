// The performance report's one query, written once for every engine (docs/reports.md, "performance").
// Three kinds of rows are summed by the dimensions asked for:
// - the sessions of the range, each carrying its share of the spend it bought: spend is matched to
//   sessions by the costs area's matching (costs-queries.ts, matchCtes), and a campaign's spend of a day
//   is spread evenly over the sessions matched to that campaign on that day;
// - the spend of a campaign and day no session was matched to, with the campaign's platform and name and
//   SPEND_WITHOUT_SESSIONS in every other dimension;
// - the stored credits of the model for conversions in the range, on their touch's session (a
//   conversion with no touch keeps "(no touchpoint)" in every dimension), so the sums over any dimension
//   add up to the totals.
import {
  REPORT_MILESTONES,
  SPEND_WITHOUT_SESSIONS,
  type PerformanceQuery,
  type PerformanceRow,
  type ReportDimension,
  type ReportMilestone,
} from '../../areas/reports.js';
import type { AdPlatform } from '../../areas/ad-costs.js';
import { ALL_FOUND, type Found } from './cost-match-found.js';
import { matchCtes } from './costs-queries.js';
import { convertsValues, valueRateJoin, valueRatesSql } from './value-fx.js';
import { deviceTypesSql, DIMENSION_SQL, firstTouchSql, sessionSpan } from './report-units.js';
import { REPORT_SESSIONS_TABLE, storedReportSessionsSql } from './report-sessions-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

const NO_TEXT = sql`nullif('', '')`;
const ZERO = sql`CAST(0 AS DOUBLE)`;

/** The session platform name spend of an ad platform shows (the first the channel rules give it). */
function spendPlatformSql(q: PerformanceQuery): Sql {
  const whens = (Object.entries(q.platforms) as [AdPlatform, readonly string[]][]).flatMap(
    ([ad, names]) => (names[0] ? [sql`WHEN ${p.text(ad)} THEN ${p.text(names[0])}`] : []),
  );
  return sql`CASE x.platform ${join(whens, ' ')} ELSE x.platform END`;
}

/** The dimensions a query reads: grouped by or filtered on. */
const dimsOf = (q: PerformanceQuery) => [
  ...new Set([...q.groupBy, ...(Object.keys(q.filters) as ReportDimension[])]),
];
const col = (d: ReportDimension) => raw(`d_${d}`);

/** Joins the dimensions of session `s` (and of the person `person`) need beyond the session itself. */
function dimensionJoins(ws: string, dims: readonly ReportDimension[], person: string): Sql {
  return sql`${dims.includes('device') ? sql` LEFT JOIN (${deviceTypesSql(ws)}) ua ON ua.user_agent = s.user_agent` : sql``}${
    dims.includes('firstTouchChannel')
      ? sql` LEFT JOIN (${firstTouchSql(ws)}) ft ON ft.person_id = ${raw(person)}`
      : sql``
  }`;
}

/** `WHERE` of the filters over the units' dimension columns. */
function filtersSql(q: PerformanceQuery): Sql {
  const where = (Object.entries(q.filters) as [ReportDimension, string[]][]).map(
    ([d, values]) => sql`${fn.inList(`d_${d}`, p.texts(values))}`,
  );
  return where.length ? sql` WHERE ${join(where, ' AND ')}` : sql``;
}

/** Visits of the range with their person: the rows visitors are counted over. */
function visitsSql(ws: string, q: PerformanceQuery, dims: readonly ReportDimension[]): Sql {
  return sql`SELECT ${join(
    dims.map((d) => sql`${DIMENSION_SQL[d]()} AS ${col(d)}, `),
    '',
  )}s.visitor AS visitor
    FROM ${fn.table(REPORT_SESSIONS_TABLE)} s${dimensionJoins(ws, dims, 's.person_id')}
    WHERE s.workspace_id = ${p.text(ws)} AND s.page_views > 0
      AND s.started_at >= ${p.time(new Date(q.fromAt))} AND s.started_at < ${p.time(new Date(q.toAt))}`;
}

export function performanceSql(ws: string, q: PerformanceQuery, found: Found = ALL_FOUND): Sql {
  const w = p.text(ws);
  const dims = dimsOf(q);
  const span = sessionSpan(q);
  // spend rows: a session's share, or a campaign-day no session bought (its platform and name only)
  const spendDims = dims.map((d) => {
    const own =
      d === 'platform'
        ? spendPlatformSql(q)
        : d === 'campaign'
          ? sql`x.campaign_name`
          : sql`${p.text(SPEND_WITHOUT_SESSIONS)}`;
    return sql`CASE WHEN x.session_id IS NULL THEN ${own} ELSE ${DIMENSION_SQL[d]()} END AS ${col(d)}, `;
  });
  const creditDims = dims.map(
    (d) =>
      sql`CASE WHEN c.touch_id IS NULL THEN c.channel ELSE ${DIMENSION_SQL[d]()} END AS ${col(d)}, `,
  );
  const noCredits = join(
    [
      ...REPORT_MILESTONES.map((m) => sql`${ZERO} AS ${raw(`k_${m}`)}`),
      sql`${ZERO} AS v_pipeline`,
      sql`${ZERO} AS v_revenue`,
    ],
    ', ',
  );
  // credit values kept in the workspace's currency, converted at read time when another is asked
  // (value-fx.ts); a value with no rate adds nothing and is named by missingValueRates
  const converts = convertsValues(q);
  const inRange = sql`v.model = ${p.text(q.model)} AND v.converted_at >= ${p.time(new Date(q.fromAt))} AND v.converted_at < ${p.time(new Date(q.toAt))}`;
  const vrates = converts
    ? sql`,
  vrates AS (${valueRatesSql(ws, q, 'attribution_credits', 'converted_at', inRange)})`
    : sql``;
  const value = converts ? sql`coalesce(c.value * vr.rate, ${ZERO})` : sql`c.value`;
  const credits = join(
    [
      ...REPORT_MILESTONES.map(
        (m) =>
          sql`CASE WHEN c.milestone = ${p.text(m)} THEN c.conversions ELSE ${ZERO} END AS ${raw(`k_${m}`)}`,
      ),
      sql`CASE WHEN c.milestone = 'opportunity' THEN ${value} ELSE ${ZERO} END AS v_pipeline`,
      sql`CASE WHEN c.milestone = 'customer' THEN ${value} ELSE ${ZERO} END AS v_revenue`,
    ],
    ', ',
  );
  const groupCols = q.groupBy.map((d) => sql`${col(d)}`);
  const sums = [
    ...REPORT_MILESTONES.map((m) => sql`sum(${raw(`k_${m}`)}) AS ${raw(`m_${m}`)}`),
    sql`sum(v_pipeline) AS m_pipeline, sum(v_revenue) AS m_revenue`,
    sql`sum(u_cost) AS m_spend, sum(u_impressions) AS m_impressions, sum(u_clicks) AS m_clicks`,
    sql`sum(visit) AS m_sessions, ${fn.countDistinct('visitor')} AS m_visitors`,
  ];
  const noSpend = sql`${ZERO}, ${ZERO}, ${ZERO}`;
  // each CTE below is read once: ClickHouse runs a CTE again at every reference, and the matching
  // (matchCtes) is the query's heaviest part
  return sql`WITH ${matchCtes(ws, q, { ...found, place: false })}${vrates},
  cday AS (
    SELECT platform, campaign, day, CAST(sum(cost) AS DOUBLE) AS c_cost,
      CAST(sum(impressions) AS DOUBLE) AS c_impressions, CAST(sum(clicks) AS DOUBLE) AS c_clicks,
      ${fn.argMax('campaign_name', 'day')} AS campaign_name
    FROM spend WHERE unrated = 0 GROUP BY platform, campaign, day),
  shares AS (
    SELECT session_id, platform, campaign, day,
      ${fn.countAll()} OVER (PARTITION BY platform, campaign, day) AS n
    FROM matched),
  spread AS (
    SELECT b.session_id AS session_id, c.platform AS platform, c.campaign_name AS campaign_name,
      c.c_cost / coalesce(b.n, 1) AS a_cost, c.c_impressions / coalesce(b.n, 1) AS a_impressions,
      c.c_clicks / coalesce(b.n, 1) AS a_clicks
    FROM cday c LEFT JOIN shares b ON b.platform = c.platform AND b.campaign = c.campaign AND b.day = c.day),
  units AS (
    SELECT ${join(
      dims.map((d) => sql`${col(d)}, `),
      '',
    )}1 AS visit, visitor, ${ZERO} AS u_cost, ${ZERO} AS u_impressions, ${ZERO} AS u_clicks,
      ${noCredits}
    FROM (${visitsSql(ws, q, dims)}) v
    UNION ALL
    SELECT ${join(spendDims, '')} 0, ${NO_TEXT}, x.a_cost, x.a_impressions, x.a_clicks, ${noCredits}
    FROM spread x
      LEFT JOIN (${storedReportSessionsSql(ws, span.from, span.to)}) s ON s.session_id = x.session_id${dimensionJoins(ws, dims, 's.person_id')}
    UNION ALL
    SELECT ${join(creditDims, '')} 0, ${NO_TEXT}, ${noSpend}, ${credits}
    FROM ${fn.table('attribution_credits')} c${converts ? valueRateJoin('vrates', 'vr', 'c.converted_at') : sql``}
      LEFT JOIN ${fn.table(REPORT_SESSIONS_TABLE)} s ON s.workspace_id = c.workspace_id AND s.session_id = c.touch_id${dimensionJoins(ws, dims, 'c.person_id')}
    WHERE c.workspace_id = ${w} AND c.model = ${p.text(q.model)}
      AND c.converted_at >= ${p.time(new Date(q.fromAt))} AND c.converted_at < ${p.time(new Date(q.toAt))})
  SELECT ${groupCols.length ? sql`${join(groupCols, ', ')}, ` : sql``}${join(sums, ', ')}
  FROM units${filtersSql(q)}
  ${groupCols.length ? sql`GROUP BY ${join(groupCols, ', ')} ORDER BY ${join(groupCols, ', ')}` : sql``}`;
}

/** Distinct visitors of the range's visits that pass the filters (a person in several rows once). */
export function performanceVisitorsSql(ws: string, q: PerformanceQuery): Sql {
  return sql`SELECT ${fn.countDistinct('visitor')} AS m_visitors
    FROM (${visitsSql(ws, q, dimsOf(q))}) v${filtersSql(q)}`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export const toPerformanceRow =
  (q: PerformanceQuery) =>
  (r: Record<string, unknown>): PerformanceRow => ({
    key: Object.fromEntries(
      q.groupBy.map((d) => {
        const v = r[`d_${d}`];
        return [d, v === null || v === undefined ? null : String(v)];
      }),
    ),
    spend: num(r.m_spend),
    impressions: num(r.m_impressions),
    clicks: num(r.m_clicks),
    sessions: num(r.m_sessions),
    visitors: num(r.m_visitors),
    credited: Object.fromEntries(REPORT_MILESTONES.map((m) => [m, num(r[`m_${m}`])])) as Record<
      ReportMilestone,
      number
    >,
    pipeline: num(r.m_pipeline),
    revenue: num(r.m_revenue),
  });
