// The pipeline reports' SQL, written once for every engine (docs/reports.md): leads by first touch with
// their qualification, disqualification and lost deals (lead-quality), the days of each step of the
// sales cycle (sales-cycle), and persons' first touches (subscriptions). Each person enters the funnel at
// their first milestone of any kind; their first touch is their first visit (the earliest session with a
// page view), as the opportunities, revenue and funnel reports have it (pipeline-queries.ts).
import {
  type CycleStep,
  type LeadQualityCounts,
  type LeadQualityQuery,
  type LostReasonCount,
  type PipelineRange,
  type SalesCycleQuery,
  type SalesCycleStats,
  type TouchDimension,
  type TouchGroup,
} from '../../areas/pipeline-reports.js';
import { resolvedCtes } from './crm-queries.js';
import { FIRST_TOUCH_ATTRIBUTES, type FirstTouchAttribute } from '../../areas/first-touch.js';
import { storedFirstTouchSql, touchFilterSql, touchLabel } from './first-touch-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

const DAY_MS = 86_400_000;
/** Trusted text (a column or alias we wrote) as a query piece join() takes. */
const text = (t: string): Sql => sql`${raw(t)}`;
/** `t` within the range's instants. */
const inRange = (t: string, r: PipelineRange) =>
  sql`(${raw(t)} >= ${p.time(new Date(r.fromAt))} AND ${raw(t)} < ${p.time(new Date(r.toAt))})`;
/** The persons of `touch t` whose first touch passes the range's filter. */
const touchKept = (r: PipelineRange) =>
  touchFilterSql(r.filter, (a: FirstTouchAttribute) => text(`t.t_${a}`));

/**
 * The first touch of every person of the CTE `cohort` (person_id, ...), as stored by the derive step
 * (first-touch-queries.ts): CTE `touch` (person_id, touched_at: NULL for none, and t_<attribute> for
 * each stored first-touch attribute, labelled as every report labels them).
 */
function touchCtes(ws: string): Sql {
  return sql`touch AS (
    SELECT c.person_id AS person_id, f.started_at AS touched_at,
      ${join(
        FIRST_TOUCH_ATTRIBUTES.map((d) => sql`${touchLabel('f', d)} AS ${raw(`t_${d}`)}`),
        ',\n      ',
      )}
    FROM cohort c
    LEFT JOIN (${storedFirstTouchSql(ws, sql`SELECT person_id FROM cohort`)}) f
      ON f.person_id = c.person_id
  )`;
}

const groupSelect = (dims: readonly TouchDimension[]) =>
  dims.map((d) => text(`t.t_${d} AS g_${d}`));
const groupBy = (dims: readonly TouchDimension[]) => dims.map((d) => text(`t.t_${d}`));
const groupOf = (dims: readonly TouchDimension[], r: Record<string, unknown>): TouchGroup =>
  Object.fromEntries(dims.map((d) => [d, String(r[`g_${d}`])]));
/** `, g_a, g_b` for a select or group list after other items (nothing for no dimensions). */
const more = (items: readonly Sql[]) => (items.length ? sql`, ${join(items, ', ')}` : sql``);

/** The CTEs lead quality reads: the cohort of the range with its milestones, touches, CRM states. */
function leadQualityCtes(ws: string, q: LeadQualityQuery): Sql {
  const w = p.text(ws);
  const reached = (m: string) => sql`max(CASE WHEN milestone = ${p.text(m)} THEN 1 ELSE 0 END)`;
  const latest = (col: string) => fn.argMax(col, '(c.occurred_at, c.key)');
  return sql`WITH ${resolvedCtes(ws)},
  cohort AS (
    SELECT person_id, min(reached_at) AS entered_at,
      max(CASE WHEN milestone <> 'lead' THEN 1 ELSE 0 END) AS is_qualified,
      ${reached('mql')} AS is_mql, ${reached('sql')} AS is_sql,
      ${reached('opportunity')} AS is_opportunity, ${reached('customer')} AS is_customer
    FROM ${fn.table('milestones')} WHERE workspace_id = ${w}
    GROUP BY person_id
    HAVING ${inRange('min(reached_at)', q)}
  ),
  ${touchCtes(ws)},
  contact_states AS (
    SELECT c.source AS source, c.object_type AS object_type, c.object_id AS object_id,
      ${latest('c.stage')} AS stage
    FROM ${fn.table('crm_changes')} c
    WHERE c.workspace_id = ${w} AND c.change = 'lifecycle_stage' AND c.object_type IN ('contact', 'lead')
    GROUP BY c.source, c.object_type, c.object_id
  ),
  disqualified AS (
    SELECT r.person_id AS person_id,
      max(CASE WHEN ${fn.inList(fn.lower(fn.trimChars('cs.stage', ' ')), p.texts(q.disqualifiedStages))}
        THEN 1 ELSE 0 END) AS is_disqualified
    FROM contact_states cs
    JOIN resolved r ON r.source = cs.source AND r.object_type = cs.object_type
      AND r.object_id = cs.object_id
    WHERE r.person_id IS NOT NULL
    GROUP BY r.person_id
  ),
  deal_states AS (
    SELECT c.source AS source, c.object_id AS deal_id, ${latest('c.outcome')} AS outcome,
      ${latest('c.lost_reason')} AS lost_reason, ${latest('r.person_id')} AS person_id
    FROM ${fn.table('crm_changes')} c
    LEFT JOIN resolved r ON r.source = c.source AND r.object_type = c.object_type
      AND r.object_id = c.object_id
    WHERE c.workspace_id = ${w} AND c.object_type = 'deal' AND c.change = 'deal_stage'
    GROUP BY c.source, c.object_id
  ),
  person_deals AS (
    SELECT person_id, ${fn.countAll()} AS deals_n, ${fn.countIf(`outcome = 'won'`)} AS won_n,
      ${fn.countIf(`outcome = 'lost'`)} AS lost_n
    FROM deal_states WHERE person_id IS NOT NULL GROUP BY person_id
  )`;
}

const NO_TEXT = sql`nullif('', '')`;

/**
 * Leads of the range by first touch: counts at each step, disqualified, deals by outcome (part 'g'), and
 * unless `q.lostReasons` is false their lost deals by first touch and reason (part 'r'), in one
 * statement: the two share every CTE, which two reads built twice.
 */
export function leadQualitySql(ws: string, q: LeadQualityQuery): Sql {
  const groups = sql`SELECT 'g' AS part, ${fn.countAll()} AS leads_n, sum(c.is_qualified) AS qualified_n,
    sum(c.is_mql) AS mql_n, sum(c.is_sql) AS sql_n, sum(c.is_opportunity) AS opportunity_n,
    sum(c.is_customer) AS customer_n, sum(coalesce(d.is_disqualified, 0)) AS disqualified_n,
    sum(coalesce(pd.deals_n, 0)) AS deals_total, sum(coalesce(pd.won_n, 0)) AS won_total,
    sum(coalesce(pd.lost_n, 0)) AS lost_total, ${NO_TEXT} AS reason, 0 AS deals_n
    ${more(groupSelect(q.groupBy))}
  FROM cohort c
  JOIN touch t ON t.person_id = c.person_id
  LEFT JOIN disqualified d ON d.person_id = c.person_id
  LEFT JOIN person_deals pd ON pd.person_id = c.person_id
  WHERE ${touchKept(q)}
  ${q.groupBy.length ? sql`GROUP BY ${join(groupBy(q.groupBy), ', ')}` : sql``}`;
  const dims = more(q.groupBy.map((d) => text(`g_${d}`)));
  if (q.lostReasons === false)
    return sql`${leadQualityCtes(ws, q)}
  ${groups}
  ORDER BY leads_n DESC${dims}`;
  const reasons = sql`SELECT 'r' AS part, 0 AS leads_n, 0 AS qualified_n, 0 AS mql_n, 0 AS sql_n,
    0 AS opportunity_n, 0 AS customer_n, 0 AS disqualified_n, 0 AS deals_total, 0 AS won_total,
    0 AS lost_total, ds.lost_reason AS reason, ${fn.countAll()} AS deals_n
    ${more(groupSelect(q.groupBy))}
  FROM deal_states ds
  JOIN cohort c ON c.person_id = ds.person_id
  JOIN touch t ON t.person_id = c.person_id
  WHERE ds.outcome = 'lost' AND ${touchKept(q)}
  GROUP BY ds.lost_reason${more(groupBy(q.groupBy))}`;
  // each part keeps its own order: the other part's sort columns are constant within it
  return sql`${leadQualityCtes(ws, q)}
  SELECT * FROM (${groups}
  UNION ALL
  ${reasons}) x
  ORDER BY part, leads_n DESC, deals_n DESC, reason${dims}`;
}

export const toLeadQualityCounts =
  (dims: readonly TouchDimension[]) =>
  (r: Record<string, unknown>): LeadQualityCounts => ({
    group: groupOf(dims, r),
    leads: Number(r.leads_n),
    qualified: Number(r.qualified_n),
    mqls: Number(r.mql_n),
    sqls: Number(r.sql_n),
    opportunities: Number(r.opportunity_n),
    customers: Number(r.customer_n),
    disqualified: Number(r.disqualified_n),
    deals: Number(r.deals_total),
    wonDeals: Number(r.won_total),
    lostDeals: Number(r.lost_total),
  });

export const toLostReason =
  (dims: readonly TouchDimension[]) =>
  (r: Record<string, unknown>): LostReasonCount => ({
    group: groupOf(dims, r),
    reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
    deals: Number(r.deals_n),
  });

/** Days between two times. */
const days = (from: string, to: string) =>
  sql`(${fn.epochMs(to)} - ${fn.epochMs(from)}) / ${p.float(DAY_MS)}`;

/**
 * The days of each sales-cycle step by first touch: a step counts a person whose step ended in the range
 * (touch to lead: entering the funnel; lead to opportunity: the opportunity; the others: the customer
 * milestone), and whose two moments came in order.
 */
export function salesCycleSql(ws: string, q: SalesCycleQuery): Sql {
  const w = p.text(ws);
  const at = (m: string) =>
    sql`min(CASE WHEN milestone = ${p.text(m)} THEN reached_at ELSE NULL END)`;
  const step = (name: CycleStep, from: string, to: string) =>
    sql`SELECT c.person_id AS person_id, ${p.text(name)} AS step, ${days(from, to)} AS days
    FROM cohort c JOIN touch t ON t.person_id = c.person_id
    WHERE ${raw(from)} IS NOT NULL AND ${raw(to)} IS NOT NULL AND ${raw(to)} >= ${raw(from)}
      AND ${inRange(to, q)}`;
  const bucket = (i: number) => {
    const lo = q.buckets[i]!;
    const hi = q.buckets[i + 1];
    const cond =
      hi === undefined
        ? sql`st.days >= ${p.float(lo)}`
        : sql`st.days >= ${p.float(lo)} AND st.days < ${p.float(hi)}`;
    return sql`sum(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS h${raw(String(i))}`;
  };
  return sql`WITH cohort AS (
    SELECT person_id, min(reached_at) AS entered_at, ${at('opportunity')} AS opportunity_at,
      ${at('customer')} AS customer_at
    FROM ${fn.table('milestones')} WHERE workspace_id = ${w}
    GROUP BY person_id
    HAVING ${inRange('min(reached_at)', q)} OR ${inRange(`min(CASE WHEN milestone = 'opportunity' THEN reached_at ELSE NULL END)`, q)}
      OR ${inRange(`min(CASE WHEN milestone = 'customer' THEN reached_at ELSE NULL END)`, q)}
  ),
  ${touchCtes(ws)},
  steps AS (
    ${step('touch_to_lead', 't.touched_at', 'c.entered_at')}
    UNION ALL
    ${step('lead_to_opportunity', 'c.entered_at', 'c.opportunity_at')}
    UNION ALL
    ${step('opportunity_to_customer', 'c.opportunity_at', 'c.customer_at')}
    UNION ALL
    ${step('touch_to_customer', 't.touched_at', 'c.customer_at')}
  )
  SELECT st.step AS step_name, ${fn.countAll()} AS persons_n, min(st.days) AS d_min,
    ${fn.quantile('st.days', 0.25)} AS d_p25, ${fn.quantile('st.days', 0.5)} AS d_p50,
    ${fn.quantile('st.days', 0.75)} AS d_p75, ${fn.quantile('st.days', 0.9)} AS d_p90,
    avg(st.days) AS d_mean, max(st.days) AS d_max,
    ${join(
      q.buckets.map((_, i) => bucket(i)),
      ', ',
    )}
    ${more(groupSelect(q.groupBy))}
  FROM steps st JOIN touch t ON t.person_id = st.person_id
  WHERE ${touchKept(q)}
  GROUP BY st.step${more(groupBy(q.groupBy))}
  ORDER BY step_name, persons_n DESC${more(q.groupBy.map((d) => text(`g_${d}`)))}`;
}

export const toSalesCycleStats =
  (q: SalesCycleQuery) =>
  (r: Record<string, unknown>): SalesCycleStats => ({
    step: String(r.step_name) as CycleStep,
    group: groupOf(q.groupBy, r),
    persons: Number(r.persons_n),
    min: Number(r.d_min),
    p25: Number(r.d_p25),
    median: Number(r.d_p50),
    p75: Number(r.d_p75),
    p90: Number(r.d_p90),
    mean: Number(r.d_mean),
    max: Number(r.d_max),
    histogram: q.buckets.map((_, i) => Number(r[`h${i}`])),
  });

/** These persons' first touches, every dimension (persons without a milestone are left out). */
export function firstTouchesSql(ws: string, persons: readonly string[]): Sql {
  const w = p.text(ws);
  return sql`WITH cohort AS (
    SELECT person_id, min(reached_at) AS entered_at
    FROM ${fn.table('milestones')}
    WHERE workspace_id = ${w} AND ${fn.inSet('person_id', p.texts(persons))}
    GROUP BY person_id
  ),
  ${touchCtes(ws)}
  SELECT person_id, ${raw(FIRST_TOUCH_ATTRIBUTES.map((d) => `t_${d}`).join(', '))} FROM touch
  ORDER BY person_id`;
}

export const toFirstTouch = (
  rows: readonly Record<string, unknown>[],
): Map<string, Record<FirstTouchAttribute, string>> =>
  new Map(
    rows.map((r) => [
      String(r.person_id),
      Object.fromEntries(FIRST_TOUCH_ATTRIBUTES.map((d) => [d, String(r[`t_${d}`])])) as Record<
        FirstTouchAttribute,
        string
      >,
    ]),
  );
