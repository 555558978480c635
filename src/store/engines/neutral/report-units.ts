// Pieces the overview and performance queries share, written once for every engine: which person a
// session belongs to, its dimensions, and each person's first touch. docs/reports.md.
import type { ReportDimension, ReportWindow } from '../../areas/reports.js';
import { REPORT_MILESTONES } from '../../areas/reports.js';
import { storedFirstTouchSql, touchLabel } from './first-touch-queries.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

/**
 * A session's dimension over the session `s`, its user agent `ua` and its person's first touch `ft`
 * (names as the query string spells them; see REPORT_DIMENSIONS).
 */
export const DIMENSION_SQL: Record<ReportDimension, () => Sql> = {
  channel: () => sql`s.channel`,
  platform: () => sql`s.platform`,
  source: () => sql`s.source`,
  medium: () => sql`s.medium`,
  campaign: () => sql`s.campaign`,
  adGroup: () => sql`${fn.jsonText('s.ad_ids', 'adGroupId')}`,
  ad: () => sql`${fn.jsonText('s.ad_ids', 'adId')}`,
  keyword: () => sql`coalesce(${fn.jsonText('s.ad_ids', 'keyword')}, s.term)`,
  landingPage: () => sql`${fn.regexpReplaceAll('s.landing_url', '[?#].*$', '')}`,
  device: () => sql`ua.device_type`,
  country: () => sql`s.country`,
  firstTouchChannel: () => touchLabel('ft', 'channel'),
};

/** Each person's first touch as stored (first-touch-queries.ts): joined as `ft` for firstTouchChannel. */
export function firstTouchSql(ws: string): Sql {
  return storedFirstTouchSql(ws);
}

/** A device type per user agent (the parsed dictionary; one per agent). */
export function deviceTypesSql(ws: string): Sql {
  return sql`SELECT user_agent, min(device_type) AS device_type FROM ${fn.table('user_agents')}
    WHERE workspace_id = ${p.text(ws)} GROUP BY user_agent`;
}

/** The days of the window as sessions in matchCtes read them (UTC) joined to the local range: the union. */
export function sessionSpan(q: ReportWindow): { from: Date; to: Date } {
  const utcFrom = Date.parse(`${q.from}T00:00:00Z`);
  const utcTo = Date.parse(`${q.to}T00:00:00Z`) + 86_400_000;
  return { from: new Date(Math.min(utcFrom, q.fromAt)), to: new Date(Math.max(utcTo, q.toAt)) };
}

/** `sum(CASE WHEN milestone = m THEN <col> ELSE 0 END) AS <prefix>_m` for every report milestone. */
export function perMilestone(column: string, col: string, prefix: string): Sql[] {
  return REPORT_MILESTONES.map(
    (m) =>
      sql`sum(CASE WHEN ${raw(column)} = ${p.text(m)} THEN ${raw(col)} ELSE 0 END) AS ${raw(`${prefix}_${m}`)}`,
  );
}
