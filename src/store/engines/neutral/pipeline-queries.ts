// What the pipeline reports read (docs/reports.md: opportunities, revenue, funnel), written once for
// every engine: each person's stored first touch, each deal's stage changes (up to a moment) with the deals
// deleted or merged away, and CRM amounts in the workspace's currency. A deal reaches its person as the
// CRM milestones do (crm-queries.ts, resolvedCtes).
import type { FirstTouchFilter } from '../../areas/first-touch.js';
import type {
  AmountConversion,
  FirstTouchDimension,
  OpenPipelineQuery,
  OpenPipelineRow,
} from '../../areas/pipeline.js';
import { resolvedCtes } from './crm-queries.js';
import { fxConversionSql } from './fx-queries.js';
import { storedFirstTouchSql, touchFilterSql, touchLabel } from './first-touch-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

/**
 * CTE `first_touch` (person_id, first_at, and the stored first touch's columns) of every person, or of
 * the persons `persons` selects: the derive step's rows (first-touch-queries.ts). Label a dimension
 * with firstTouchLabel over a LEFT JOIN of it.
 */
export function firstTouchCtes(ws: string, persons?: Sql): Sql {
  return sql`first_touch AS (
    SELECT ft.*, ft.started_at AS first_at FROM (${storedFirstTouchSql(ws, persons)}) ft)`;
}

/** A first-touch dimension of `first_touch` joined as `alias`, labelled as every report labels it. */
export const firstTouchLabel = (alias: string, by: FirstTouchDimension): Sql =>
  touchLabel(alias, by);

/** A condition keeping the rows whose first touch (`first_touch` joined as `alias`) passes the filter. */
export const firstTouchKept = (alias: string, filter: FirstTouchFilter | undefined): Sql =>
  touchFilterSql(filter, (a) => touchLabel(alias, a));

/**
 * CTEs `stages` (deal-stage changes, before `before` when given; outcome 'open' when the CRM named none),
 * `gone` (deals whose latest deletion, restore or merge by then deleted or merged them away) and
 * `amounts` (each deal's latest amount by then, with the key of the change that carried it).
 */
export function dealCtes(ws: string, before?: number): Sql {
  const w = p.text(ws);
  const until = before === undefined ? sql`` : sql` AND occurred_at < ${p.time(new Date(before))}`;
  const last = (col: string) => fn.argMax(col, '(occurred_at, key)');
  return sql`stages AS (
    SELECT source, object_id, occurred_at, key, coalesce(stage, '') AS stage_v,
      coalesce(pipeline, '') AS pipeline_v, coalesce(outcome, 'open') AS outcome_v,
      amount_minor, currency
    FROM ${fn.table('crm_changes')}
    WHERE workspace_id = ${w} AND object_type = 'deal' AND change = 'deal_stage'${until}),
  gone AS (
    SELECT source, object_id FROM (
      SELECT source, object_id, ${last('change')} AS last_change FROM ${fn.table('crm_changes')}
      WHERE workspace_id = ${w} AND object_type = 'deal' AND change IN ('deleted', 'restored', 'merged')${until}
      GROUP BY source, object_id) g
    WHERE last_change IN ('deleted', 'merged')),
  amounts AS (
    SELECT source, object_id, ${last('key')} AS amount_key, ${last('amount_minor')} AS amount_v,
      ${last('currency')} AS currency_v
    FROM stages WHERE amount_minor IS NOT NULL AND currency IS NOT NULL
    GROUP BY source, object_id)`;
}

/** An amount in minor units as major units, by its (lower-case) currency's decimals (2 unless told). */
export function majorSql(amount: string, currency: string, c: AmountConversion): Sql {
  const whens = [...c.exponents]
    .filter(([, e]) => e !== 2)
    .map(([cur, e]) => sql`WHEN ${p.text(cur)} THEN ${raw(amount)} / ${p.float(10 ** e)}`);
  return whens.length === 0
    ? sql`${raw(amount)} / 100.0`
    : sql`CASE ${raw(currency)} ${join(whens, ' ')} ELSE ${raw(amount)} / 100.0 END`;
}

/**
 * The rate of every deal amount (by the key of the change that carried it) to the workspace's currency on
 * that change's UTC day, as the CRM milestones convert (NULL: no rate): columns key, rate.
 */
export function dealRatesSql(ws: string, c: AmountConversion, before?: number): Sql {
  const until = before === undefined ? sql`` : sql` AND occurred_at < ${p.time(new Date(before))}`;
  const amounts = sql`SELECT key, upper(currency) AS currency, ${fn.utcDay('occurred_at')} AS on_date
    FROM ${fn.table('crm_changes')}
    WHERE workspace_id = ${p.text(ws)} AND object_type = 'deal' AND change = 'deal_stage'
      AND amount_minor IS NOT NULL AND currency IS NOT NULL${until}`;
  return fxConversionSql(ws, c.currency, amounts);
}

/** Deals open at `asOf` by CRM, pipeline, stage then and the first touch of their person. */
export function openPipelineSql(ws: string, q: OpenPipelineQuery): Sql {
  const last = (col: string) => fn.argMax(col, '(occurred_at, key)');
  return sql`WITH ${resolvedCtes(ws)},
  ${dealCtes(ws, q.asOf)},
  states AS (
    SELECT source, object_id, ${last('stage_v')} AS stage_now, ${last('pipeline_v')} AS pipeline_now,
      ${last('outcome_v')} AS outcome_now
    FROM stages GROUP BY source, object_id),
  open_deals AS (
    SELECT st.source AS crm, st.stage_now AS stage_now, st.pipeline_now AS pipeline_now,
      a.amount_key AS amount_key, ${majorSql('a.amount_v', 'a.currency_v', q)} AS major,
      r.person_id AS person_id
    FROM states st
    LEFT JOIN gone g ON g.source = st.source AND g.object_id = st.object_id
    LEFT JOIN amounts a ON a.source = st.source AND a.object_id = st.object_id
    LEFT JOIN resolved r ON r.source = st.source AND r.object_type = 'deal' AND r.object_id = st.object_id
    WHERE st.outcome_now = 'open' AND g.object_id IS NULL),
  ${firstTouchCtes(ws, sql`SELECT person_id FROM open_deals`)}
  SELECT d.crm AS crm, d.pipeline_now AS pipeline, d.stage_now AS stage,
    ${firstTouchLabel('f', q.by)} AS first_touch, ${fn.countAll()} AS deals,
    sum(CASE WHEN x.rate IS NULL THEN 0 ELSE d.major * x.rate END) AS value_sum,
    ${fn.countIf('x.rate IS NULL')} AS unvalued
  FROM open_deals d
  LEFT JOIN first_touch f ON f.person_id = d.person_id
  LEFT JOIN (${dealRatesSql(ws, q, q.asOf)}) x ON x.key = d.amount_key
  WHERE ${firstTouchKept('f', q.filter)}
  GROUP BY d.crm, d.pipeline_now, d.stage_now, ${firstTouchLabel('f', q.by)}
  ORDER BY crm, pipeline, stage, first_touch`;
}

export const textOrNull = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v);

export const toOpenPipelineRow = (r: Record<string, unknown>): OpenPipelineRow => ({
  crm: String(r.crm),
  pipeline: textOrNull(r.pipeline),
  stage: textOrNull(r.stage),
  firstTouch: String(r.first_touch),
  deals: Number(r.deals),
  value: Number(r.value_sum),
  unvalued: Number(r.unvalued),
});
