// Pieces the overview and performance queries share, written once for every engine: which person a
// session belongs to, its dimensions, and each person's first touch. docs/reports.md.
import type { ReportDimension, ReportWindow } from '../../areas/reports.js';
import { REPORT_MILESTONES } from '../../areas/reports.js';
import { spanHolds } from './identity-spans.js';
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
  firstTouchChannel: () => sql`ft.channel`,
};

/** Sessions that start in [from, to) with their person (a shared device's by the span holding the start). */
export function sessionPersonsSql(ws: string, from: number | null, to: number | null): Sql {
  const w = p.text(ws);
  const when = [
    from === null ? sql`` : sql` AND s.started_at >= ${p.time(new Date(from))}`,
    to === null ? sql`` : sql` AND s.started_at < ${p.time(new Date(to))}`,
  ];
  return sql`SELECT s.session_id AS session_id, min(i.person_id) AS person_id
    FROM ${fn.table('sessions')} s JOIN ${fn.table('identities')} i
      ON i.workspace_id = s.workspace_id AND i.kind = 'anonymous_id' AND i.value = s.anonymous_id
        AND ${raw(spanHolds('i', 's.started_at'))}
    WHERE s.workspace_id = ${w}${when[0]!}${when[1]!}
    GROUP BY s.session_id`;
}

/** Each person's first visit's channel (over all time: the touch that brought them first). */
export function firstTouchSql(ws: string): Sql {
  const w = p.text(ws);
  return sql`SELECT sp.person_id AS person_id, ${fn.argMin('s.channel', 's.started_at')} AS channel
    FROM ${fn.table('sessions')} s JOIN (${sessionPersonsSql(ws, null, null)}) sp
      ON sp.session_id = s.session_id
    WHERE s.workspace_id = ${w} AND s.page_views > 0
    GROUP BY sp.person_id`;
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
