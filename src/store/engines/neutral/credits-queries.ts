// The credits area's reads, written once for every engine: the credit report by touch dimensions, the
// data-driven fits, one person's credits, and the persons whose credits and milestones disagree.
import type { CreditDimension, CreditGroup, CreditQuery, CreditRow } from '../../areas/credits.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';
import { convertsValues, valueRateJoin, valueRatesSql } from './value-fx.js';

const DIMENSION: Record<CreditDimension, () => Sql> = {
  channel: () => sql`c.channel`,
  source: () => sql`s.source`,
  medium: () => sql`s.medium`,
  campaign: () => sql`s.campaign`,
  term: () => sql`s.term`,
  content: () => sql`s.content`,
  landing_page: () => sql`${fn.regexpReplaceAll('s.landing_url', '[?#].*$', '')}`,
  platform: () => sql`s.platform`,
  country: () => sql`s.country`,
};

/** Credits of one model summed by touch dimensions; "(no touchpoint)" rows keep that label in every dimension. */
export function creditReportSql(ws: string, q: CreditQuery): Sql {
  return creditsByDimensionsSql(ws, q, [q.model], false);
}

/** The same sums for several models, each row with its model (creditReports: one read, not one per model). */
export function creditReportsSql(
  ws: string,
  q: Omit<CreditQuery, 'model'> & { models: readonly string[] },
): Sql {
  return creditsByDimensionsSql(ws, q, q.models, true);
}

function creditsByDimensionsSql(
  ws: string,
  q: Omit<CreditQuery, 'model'>,
  models: readonly string[],
  byModel: boolean,
): Sql {
  const dims = q.groupBy.map(
    (d, i) =>
      sql`CASE WHEN c.touch_id IS NULL THEN c.channel ELSE ${DIMENSION[d]()} END AS ${raw(`d${i}`)}`,
  );
  const groupCols = [
    ...(byModel ? [sql`c_model`] : []),
    ...q.groupBy.map((_, i) => sql`${raw(`d${i}`)}`),
  ];
  const where = [
    sql`c.workspace_id = ${p.text(ws)}`,
    models.length === 1
      ? sql`c.model = ${p.text(models[0]!)}`
      : sql`${fn.inTexts('c.model', models)}`,
    sql`c.milestone = ${p.text(q.milestone)}`,
  ];
  if (q.from !== undefined) where.push(sql`c.converted_at >= ${p.time(new Date(q.from))}`);
  if (q.to !== undefined) where.push(sql`c.converted_at < ${p.time(new Date(q.to))}`);
  // values kept in the workspace's currency, converted at read time when another is asked (value-fx.ts)
  const money = q.money;
  const converts = money !== undefined && convertsValues(money);
  const ofModels =
    models.length === 1
      ? sql`v.model = ${p.text(models[0]!)}`
      : sql`${fn.inTexts('v.model', models)}`;
  const vrates =
    money !== undefined && converts
      ? sql`WITH vrates AS (${valueRatesSql(ws, money, 'attribution_credits', 'converted_at', sql`${ofModels} AND v.milestone = ${p.text(q.milestone)}`)}) `
      : sql``;
  const select = [
    // named apart from the column (ClickHouse would read an alias of a column's name)
    ...(byModel ? [sql`c.model AS c_model`] : []),
    ...dims,
    sql`sum(c.conversions) AS conversions`,
    converts ? sql`sum(coalesce(c.value * vr.rate, 0)) AS value` : sql`sum(c.value) AS value`,
    sql`${fn.countDistinct('c.person_id', 'c.converted_at')} AS touched`,
  ];
  const order = [...(byModel ? [sql`c_model`] : []), sql`conversions DESC`];
  return sql`${vrates}SELECT ${join(select, ', ')}
    FROM ${fn.table('attribution_credits')} c${converts ? valueRateJoin('vrates', 'vr', 'c.converted_at') : sql``}
    LEFT JOIN ${fn.table('sessions')} s ON s.workspace_id = c.workspace_id AND s.session_id = c.touch_id
    WHERE ${join(where, ' AND ')}
    ${groupCols.length > 0 ? sql`GROUP BY ${join(groupCols, ', ')}` : sql``}
    ORDER BY ${join([...order, ...q.groupBy.map((_, i) => sql`${raw(`d${i}`)}`)], ', ')}`;
}

/** creditReportsSql's rows by model, each model's in the order creditReport gives them. */
export function toCreditReports(
  q: Pick<CreditQuery, 'groupBy'> & { models: readonly string[] },
  rows: readonly Record<string, unknown>[],
): Record<string, CreditGroup[]> {
  const out: Record<string, CreditGroup[]> = Object.fromEntries(q.models.map((m) => [m, []]));
  for (const r of rows) out[String(r.c_model)]?.push(toCreditGroup(q, r));
  // ungrouped, one model's sums are one row even of no credits (an aggregate without GROUP BY)
  if (q.groupBy.length === 0)
    for (const m of q.models) if (out[m]?.length === 0) out[m] = [toCreditGroup(q, {})];
  return out;
}

export function toCreditGroup(
  q: Pick<CreditQuery, 'groupBy'>,
  r: Record<string, unknown>,
): CreditGroup {
  return {
    key: Object.fromEntries(
      q.groupBy.map((d, i) => {
        const v = r[`d${i}`];
        return [d, v === null || v === undefined ? null : String(v)];
      }),
    ),
    conversions: Number(r.conversions ?? 0),
    value: Number(r.value ?? 0),
    touchedConversions: Number(r.touched ?? 0),
  };
}

/** Channel scores (removal effects, Shapley values) of the last full fit. */
export function attributionFitsSql(ws: string, milestone: string): Sql {
  return sql`SELECT model, channel, score FROM ${fn.table('attribution_fits')}
    WHERE workspace_id = ${p.text(ws)} AND milestone = ${p.text(milestone)}
    ORDER BY model, score DESC, channel`;
}

/** Per-conversion credits of one person (for the journey view and tests). */
export function personCreditsSql(ws: string, personId: string): Sql {
  return sql`SELECT model, milestone, person_id, ${fn.epochMs('converted_at')} AS conv, touch_id,
      ${fn.epochMs('touched_at')} AS touched, channel, weight, conversions, value
    FROM ${fn.table('attribution_credits')}
    WHERE workspace_id = ${p.text(ws)} AND person_id = ${p.text(personId)}
    ORDER BY milestone, model, converted_at, touched_at NULLS FIRST, touch_id`;
}

export function toPersonCredit(r: Record<string, unknown>): CreditRow & { milestone: string } {
  return {
    model: String(r.model),
    milestone: String(r.milestone),
    personId: String(r.person_id),
    convertedAt: Number(r.conv),
    touchId: r.touch_id === null ? null : String(r.touch_id),
    touchedAt: r.touched === null ? null : Number(r.touched),
    channel: String(r.channel),
    weight: Number(r.weight),
    conversions: Number(r.conversions),
    value: Number(r.value),
  };
}

/** Persons holding credits without the milestone, or the milestone without credits. */
export function creditsOutOfStepSql(ws: string, milestone: string): Sql {
  const w = sql`workspace_id = ${p.text(ws)} AND milestone = ${p.text(milestone)}`;
  return sql`SELECT coalesce(m.person_id, c.person_id) AS person_id
    FROM (SELECT DISTINCT person_id FROM ${fn.table('milestones')} WHERE ${w}) m
    FULL OUTER JOIN (SELECT DISTINCT person_id FROM ${fn.table('attribution_credits')} WHERE ${w}) c
      ON m.person_id = c.person_id
    WHERE m.person_id IS NULL OR c.person_id IS NULL`;
}
