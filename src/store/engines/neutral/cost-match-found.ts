// What a workspace's range holds that the costs matching (costs-queries.ts matchCtes) may leave out of
// its read when absent, written once for every engine: read first, in one small query, by the costs,
// tagging-health and performance reads (docs/reports.md, "Speed").
import type { MatchQuery } from '../../areas/costs.js';
import { fn, p, sql, type Sql } from './sql.js';

/**
 * What the range holds that a read of the matching may leave out when absent (foundSql): `clicks`,
 * resolved clicks of the range's days (else the click-id step, and its read of each session's click
 * ids, is left out); `fx`, spend in another currency than the query's (else no exchange rates are
 * read: every rate is 1). A step or a conversion that could find nothing is left out: the same answer.
 */
export interface Found {
  clicks: boolean;
  fx: boolean;
}

/** Nothing assumed absent. */
export const ALL_FOUND: Found = { clicks: true, fx: true };

/** What matchCtes (costs-queries.ts) reads: `place`, the sessions' ad groups, ads and keywords; and Found. */
export type MatchShape = Found & { place: boolean };

/** Whether the range has resolved clicks and spend in another currency (rows k, n: n 0 or 1). */
export function foundSql(ws: string, q: Pick<MatchQuery, 'from' | 'to' | 'currency'>): Sql {
  const w = p.text(ws);
  return sql`SELECT 'clicks' AS k, ${fn.countAll()} AS n FROM (SELECT 1 AS x FROM ${fn.table('ad_clicks')}
    WHERE workspace_id = ${w} AND click_date >= ${day(q.from, -1)} AND click_date <= ${day(q.to, 1)}
    LIMIT 1) c
  UNION ALL
  SELECT 'fx' AS k, ${fn.countAll()} AS n FROM (SELECT 1 AS x FROM ${fn.table('ad_costs')}
    WHERE workspace_id = ${w} AND cost_date >= ${day(q.from, 0)} AND cost_date <= ${day(q.to, 0)}
      AND currency <> ${p.text(q.currency)}
    LIMIT 1) f`;
}

/** foundSql's rows as Found. */
export function toFound(rows: readonly Record<string, unknown>[]): Found {
  const has = (k: string) => rows.some((r) => r.k === k && Number(r.n) > 0);
  return { clicks: has('clicks'), fx: has('fx') };
}

/** A day `shift` days from `d`, as a DATE. */
export const day = (d: string, shift: number) =>
  sql`CAST(${p.text(new Date(Date.parse(`${d}T00:00:00Z`) + shift * 86_400_000).toISOString().slice(0, 10))} AS DATE)`;
