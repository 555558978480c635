// The ad-cost area's reads, written once for every engine: the rows in effect (for each account and day,
// those of the latest import covering the day) and their totals by group, converted to a currency at
// each day's rate (fx-queries.ts).
import type {
  AdCostGroup,
  AdCostTotal,
  AdPlatform,
  StoredAdCostRow,
} from '../../areas/ad-costs.js';
import { fxConversionSql } from './fx-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

const day = (d: string) => sql`CAST(${p.text(d)} AS DATE)`;

/** The rows in effect on the days of the range. */
export function effectiveAdCostsSql(ws: string, from: string, to: string): Sql {
  const w = p.text(ws);
  return sql`SELECT c.* FROM ${fn.table('ad_costs')} c
    JOIN (
      SELECT r.platform AS platform, r.account_id AS account_id, r.cost_date AS cost_date,
        max(i.import_id) AS import_id
      FROM (SELECT DISTINCT platform, account_id, cost_date FROM ${fn.table('ad_costs')}
        WHERE workspace_id = ${w} AND cost_date >= ${day(from)} AND cost_date <= ${day(to)}) r
      JOIN ${fn.table('ad_cost_imports')} i ON i.platform = r.platform AND i.account_id = r.account_id
      WHERE i.workspace_id = ${w} AND r.cost_date >= i.date_from AND r.cost_date <= i.date_to
      GROUP BY r.platform, r.account_id, r.cost_date) l
    ON l.platform = c.platform AND l.account_id = c.account_id AND l.cost_date = c.cost_date
      AND l.import_id = c.import_id
    WHERE c.workspace_id = ${w}`;
}

/** The rows in effect, ordered, with their day as text. */
export function adCostsSql(ws: string, from: string, to: string): Sql {
  return sql`SELECT e.*, CAST(e.cost_date AS VARCHAR) AS day FROM (${effectiveAdCostsSql(ws, from, to)}) e
    ORDER BY platform, account_id, cost_date, campaign_id, ad_group_id, ad_id, keyword, match_type`;
}

export const rateKey = (alias: string) =>
  raw(`${alias}.currency || '|' || CAST(${alias}.cost_date AS VARCHAR)`);

/** Each (currency, day) of the rows in effect, with its rate to `currency` (NULL: none). */
export function ratesSql(ws: string, from: string, to: string, currency: string): Sql {
  return fxConversionSql(
    ws,
    currency,
    sql`SELECT DISTINCT ${rateKey('e')} AS key, e.currency AS currency, e.cost_date AS on_date
      FROM (${effectiveAdCostsSql(ws, from, to)}) e`,
  );
}

const GROUP_EXPR: Record<AdCostGroup, string> = {
  platform: 'e.platform',
  account: 'e.account_id',
  campaign: 'e.campaign_id',
  date: 'CAST(e.cost_date AS VARCHAR)',
  currency: 'e.currency',
};

/** Totals by the groups asked for, spend and conversion value in `currency` (NULL when a rate is missing). */
export function adCostTotalsSql(
  ws: string,
  q: { from: string; to: string; groupBy: readonly AdCostGroup[]; currency: string },
): Sql {
  const groups = q.groupBy.map((g) => sql`${raw(GROUP_EXPR[g])} AS g_${raw(g)}`);
  const by = q.groupBy.map((g) => sql`${raw(GROUP_EXPR[g])}`);
  const name = q.groupBy.includes('campaign')
    ? sql`, ${fn.argMax('e.campaign_name', 'e.cost_date')} AS campaign_name`
    : sql``;
  return sql`SELECT ${groups.length ? sql`${join(groups, ', ')}, ` : sql``}
      sum(e.impressions) AS impressions, sum(e.clicks) AS clicks,
      CASE WHEN ${fn.countIf('x.rate IS NULL')} > 0 THEN NULL
        ELSE sum(e.cost_micros * x.rate) / 1000000.0 END AS cost,
      sum(e.conversions) AS conversions,
      CASE WHEN ${fn.countIf('x.rate IS NULL')} > 0 THEN NULL
        ELSE sum(e.conversion_value * x.rate) END AS conversion_value${name}
    FROM (${effectiveAdCostsSql(ws, q.from, q.to)}) e
    LEFT JOIN (${ratesSql(ws, q.from, q.to, q.currency)}) x ON x.key = ${rateKey('e')}
    ${by.length ? sql`GROUP BY ${join(by, ', ')} ORDER BY ${join(by, ', ')}` : sql``}`;
}

/** The (currency, day) pairs of the rows in effect that have no rate to `currency`. */
export function missingAdCostRatesSql(ws: string, from: string, to: string, currency: string): Sql {
  return sql`SELECT DISTINCT e.currency AS currency, CAST(e.cost_date AS VARCHAR) AS day
    FROM (${effectiveAdCostsSql(ws, from, to)}) e
    LEFT JOIN (${ratesSql(ws, from, to, currency)}) x ON x.key = ${rateKey('e')}
    WHERE x.rate IS NULL ORDER BY currency, day`;
}

export const toMissingRate = (r: Record<string, unknown>): { currency: string; date: string } => ({
  currency: String(r.currency),
  date: String(r.day),
});

export function adCostImportsSql(ws: string): Sql {
  return sql`SELECT i.import_id AS import_id, i.platform AS platform, i.account_id AS account_id,
      CAST(i.date_from AS VARCHAR) AS date_from, CAST(i.date_to AS VARCHAR) AS date_to,
      i.source AS source, i.row_count AS row_count
    FROM ${fn.table('ad_cost_imports')} i WHERE i.workspace_id = ${p.text(ws)}
    ORDER BY i.import_id DESC`;
}

const textOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

export const toStoredAdCostRow = (r: Record<string, unknown>): StoredAdCostRow => ({
  platform: String(r.platform) as AdPlatform,
  accountId: String(r.account_id),
  importId: String(r.import_id),
  date: String(r.day),
  currency: String(r.currency),
  campaignId: String(r.campaign_id),
  campaignName: String(r.campaign_name),
  adGroupId: textOrNull(r.ad_group_id),
  adGroupName: textOrNull(r.ad_group_name),
  adId: textOrNull(r.ad_id),
  adName: textOrNull(r.ad_name),
  keyword: textOrNull(r.keyword),
  matchType: textOrNull(r.match_type),
  impressions: Number(r.impressions),
  clicks: Number(r.clicks),
  costMicros: Number(r.cost_micros),
  conversions: Number(r.conversions),
  conversionValue: Number(r.conversion_value),
});

export const toAdCostTotal =
  (groupBy: readonly AdCostGroup[]) =>
  (r: Record<string, unknown>): AdCostTotal => ({
    group: Object.fromEntries(groupBy.map((g) => [g, String(r[`g_${g}`])])),
    ...(groupBy.includes('campaign') ? { campaignName: String(r.campaign_name) } : {}),
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
    cost: r.cost === null || r.cost === undefined ? null : Number(r.cost),
    conversions: Number(r.conversions),
    conversionValue:
      r.conversion_value === null || r.conversion_value === undefined
        ? null
        : Number(r.conversion_value),
  });

export const toAdCostImport = (r: Record<string, unknown>) => ({
  importId: String(r.import_id),
  platform: String(r.platform) as AdPlatform,
  accountId: String(r.account_id),
  from: String(r.date_from),
  to: String(r.date_to),
  source: String(r.source),
  rows: Number(r.row_count),
});

/**
 * The imports begun before `before` (an import id: ids start with the time they were made) whose rows
 * are staged but which were never recorded: a file whose process died mid-read left them, in effect on
 * no day but taking space. A younger unrecorded import may still be reading its file: not listed.
 */
export function staleStagedAdCostImportsSql(ws: string, before: string): Sql {
  const w = p.text(ws);
  return sql`SELECT DISTINCT import_id FROM ${fn.table('ad_costs')} WHERE workspace_id = ${w}
    AND import_id < ${p.text(before)}
    AND import_id NOT IN (SELECT import_id FROM ${fn.table('ad_cost_imports')} WHERE workspace_id = ${w})
    ORDER BY import_id`;
}
