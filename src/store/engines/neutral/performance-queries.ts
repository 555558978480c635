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
import { matchCtes } from './costs-queries.js';
import {
  deviceTypesSql,
  DIMENSION_SQL,
  firstTouchSql,
  sessionPersonsSql,
  sessionSpan,
} from './report-units.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

const NO_TEXT = sql`nullif('', '')`;
const ZERO = sql`CAST(0 AS DOUBLE)`;

/** The session platform name spend of an ad platform shows (the first the channel rules give it). */
function spendPlatformSql(q: PerformanceQuery): Sql {
  const whens = (Object.entries(q.platforms) as [AdPlatform, readonly string[]][]).flatMap(
    ([ad, names]) => (names[0] ? [sql`WHEN ${p.text(ad)} THEN ${p.text(names[0])}`] : []),
  );
  return sql`CASE u.platform ${join(whens, ' ')} ELSE u.platform END`;
}

export function performanceSql(ws: string, q: PerformanceQuery): Sql {
  const w = p.text(ws);
  const dims = [...new Set([...q.groupBy, ...(Object.keys(q.filters) as ReportDimension[])])];
  const col = (d: ReportDimension) => raw(`d_${d}`);
  const span = sessionSpan(q);
  const inRange = sql`s.started_at >= ${p.time(new Date(q.fromAt))} AND s.started_at < ${p.time(new Date(q.toAt))}`;
  const joins = sql`${dims.includes('device') ? sql` LEFT JOIN (${deviceTypesSql(ws)}) ua ON ua.user_agent = s.user_agent` : sql``}`;
  const ftJoin = (person: string) =>
    dims.includes('firstTouchChannel')
      ? sql` LEFT JOIN (${firstTouchSql(ws)}) ft ON ft.person_id = ${raw(person)}`
      : sql``;
  const sessionDims = dims.map((d) => sql`${DIMENSION_SQL[d]()} AS ${col(d)}, `);
  const creditDims = dims.map(
    (d) =>
      sql`CASE WHEN c.touch_id IS NULL THEN c.channel ELSE ${DIMENSION_SQL[d]()} END AS ${col(d)}, `,
  );
  const spendDims = dims.map((d) =>
    d === 'platform'
      ? sql`${spendPlatformSql(q)} AS ${col(d)}, `
      : d === 'campaign'
        ? sql`u.campaign_name AS ${col(d)}, `
        : sql`${p.text(SPEND_WITHOUT_SESSIONS)} AS ${col(d)}, `,
  );
  const noCredits = join(
    [
      ...REPORT_MILESTONES.map((m) => sql`${ZERO} AS ${raw(`k_${m}`)}`),
      sql`${ZERO} AS v_pipeline`,
      sql`${ZERO} AS v_revenue`,
    ],
    ', ',
  );
  const credits = join(
    [
      ...REPORT_MILESTONES.map(
        (m) =>
          sql`CASE WHEN c.milestone = ${p.text(m)} THEN c.conversions ELSE ${ZERO} END AS ${raw(`k_${m}`)}`,
      ),
      sql`CASE WHEN c.milestone = 'opportunity' THEN c.value ELSE ${ZERO} END AS v_pipeline`,
      sql`CASE WHEN c.milestone = 'customer' THEN c.value ELSE ${ZERO} END AS v_revenue`,
    ],
    ', ',
  );
  const where = (Object.entries(q.filters) as [ReportDimension, string[]][]).map(
    ([d, values]) => sql`${fn.inList(`d_${d}`, p.texts(values))}`,
  );
  const groupCols = dims.filter((d) => q.groupBy.includes(d)).map((d) => sql`${col(d)}`);
  const sums = [
    ...REPORT_MILESTONES.map((m) => sql`sum(${raw(`k_${m}`)}) AS ${raw(`m_${m}`)}`),
    sql`sum(v_pipeline) AS m_pipeline, sum(v_revenue) AS m_revenue`,
    sql`sum(u_cost) AS m_spend, sum(u_impressions) AS m_impressions, sum(u_clicks) AS m_clicks`,
    sql`sum(visit) AS m_sessions, ${fn.countDistinct('visitor')} AS m_visitors`,
  ];
  return sql`WITH ${matchCtes(ws, q)},
  cday AS (
    SELECT platform, campaign, day, CAST(sum(cost) AS DOUBLE) AS c_cost,
      CAST(sum(impressions) AS DOUBLE) AS c_impressions, CAST(sum(clicks) AS DOUBLE) AS c_clicks, ${fn.argMax('campaign_name', 'day')} AS campaign_name
    FROM spend WHERE unrated = 0 GROUP BY platform, campaign, day),
  bought AS (
    SELECT m.session_id AS session_id, m.platform AS platform, m.campaign AS campaign, b.day AS day
    FROM placed m JOIN sess b ON b.session_id = m.session_id),
  nbought AS (SELECT platform, campaign, day, ${fn.countAll()} AS n FROM bought GROUP BY platform, campaign, day),
  alloc AS (
    SELECT b.session_id AS session_id, c.c_cost / n.n AS a_cost,
      c.c_impressions / n.n AS a_impressions, c.c_clicks / n.n AS a_clicks
    FROM bought b JOIN nbought n ON n.platform = b.platform AND n.campaign = b.campaign AND n.day = b.day
      JOIN cday c ON c.platform = b.platform AND c.campaign = b.campaign AND c.day = b.day),
  units AS (
    SELECT ${join(sessionDims, '')}
      CASE WHEN ${inRange} AND s.page_views > 0 THEN 1 ELSE 0 END AS visit,
      CASE WHEN ${inRange} AND s.page_views > 0 THEN coalesce(sp.person_id, s.anonymous_id) ELSE ${NO_TEXT} END AS visitor,
      coalesce(a.a_cost, ${ZERO}) AS u_cost, coalesce(a.a_impressions, ${ZERO}) AS u_impressions,
      coalesce(a.a_clicks, ${ZERO}) AS u_clicks, ${noCredits}
    FROM ${fn.table('sessions')} s
      LEFT JOIN alloc a ON a.session_id = s.session_id
      LEFT JOIN (${sessionPersonsSql(ws, span.from.getTime(), span.to.getTime())}) sp ON sp.session_id = s.session_id${joins}${ftJoin('sp.person_id')}
    WHERE s.workspace_id = ${w} AND s.started_at >= ${p.time(span.from)} AND s.started_at < ${p.time(span.to)}
      AND ((${inRange} AND s.page_views > 0) OR a.session_id IS NOT NULL)
    UNION ALL
    SELECT ${join(spendDims, '')} 0, ${NO_TEXT}, u.c_cost, u.c_impressions, u.c_clicks, ${noCredits}
    FROM cday u LEFT JOIN nbought n ON n.platform = u.platform AND n.campaign = u.campaign AND n.day = u.day
    WHERE n.n IS NULL
    UNION ALL
    SELECT ${join(creditDims, '')} 0, ${NO_TEXT}, ${ZERO}, ${ZERO}, ${ZERO}, ${credits}
    FROM ${fn.table('attribution_credits')} c
      LEFT JOIN ${fn.table('sessions')} s ON s.workspace_id = c.workspace_id AND s.session_id = c.touch_id${joins}${ftJoin('c.person_id')}
    WHERE c.workspace_id = ${w} AND c.model = ${p.text(q.model)}
      AND c.converted_at >= ${p.time(new Date(q.fromAt))} AND c.converted_at < ${p.time(new Date(q.toAt))})
  SELECT ${groupCols.length ? sql`${join(groupCols, ', ')}, ` : sql``}${join(sums, ', ')}
  FROM units${where.length ? sql` WHERE ${join(where, ' AND ')}` : sql``}
  ${groupCols.length ? sql`GROUP BY ${join(groupCols, ', ')} ORDER BY ${join(groupCols, ', ')}` : sql``}`;
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
