// The identity-health, realtime and goals reports' reads, written once for every engine.
import { resolvedCtes } from './crm-queries.js';
import { spanHolds } from './identity-spans.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

const NO_TEXT = sql`nullif('', '')`;
const ws = (workspaceId: string, alias = '') =>
  sql`${raw(alias)}workspace_id = ${p.text(workspaceId)}`;

/**
 * Persons at each milestone by the source of their first time there, and how many of them have a visit
 * stitched to them: a session with a page view of one of their anonymous ids (a shared device's within
 * their span), the touches attribution can credit. A person without one converted with no history.
 */
export function stitchedByMilestoneSql(workspaceId: string): Sql {
  return sql`WITH reached AS (
    SELECT person_id, milestone, ${fn.argMin('source', '(reached_at, source)')} AS first_source
    FROM ${fn.table('milestones')} WHERE ${ws(workspaceId)} GROUP BY person_id, milestone
  ),
  visited AS (
    SELECT DISTINCT i.person_id AS person_id FROM ${fn.table('sessions')} s
    JOIN (SELECT person_id, value, from_at, until_at FROM ${fn.table('identities')}
          WHERE ${ws(workspaceId)} AND kind = 'anonymous_id') i
      ON i.value = s.anonymous_id AND ${raw(spanHolds('i', 's.started_at'))}
    WHERE ${ws(workspaceId, 's.')} AND s.page_views > 0
  )
  SELECT r.milestone AS milestone, r.first_source AS source, ${fn.countAll()} AS persons,
    ${fn.countIf('v.person_id IS NOT NULL')} AS stitched
  FROM reached r LEFT JOIN visited v ON v.person_id = r.person_id
  GROUP BY r.milestone, r.first_source ORDER BY milestone, source`;
}

/**
 * The CRM match counts by source and type (part 'c': objects, matched) and the objects that reached no
 * person (part 'u': the first `limit` by source, type and id, a row per match key kind, NULL for none),
 * in one statement over one `resolved`: identity-health needs both, and two reads built the objects'
 * persons (resolvedCtes) twice.
 */
export function crmMatchHealthSql(workspaceId: string, limit: number): Sql {
  return sql`WITH ${resolvedCtes(workspaceId)},
  unmatched AS (
    SELECT source, object_type, object_id FROM resolved WHERE person_id IS NULL
    ORDER BY source, object_type, object_id LIMIT ${p.int(limit)}
  )
  SELECT * FROM (
    SELECT 'c' AS part, source, object_type, ${NO_TEXT} AS object_id, ${NO_TEXT} AS kind,
      ${fn.countAll()} AS objects,
      ${fn.countIf('person_id IS NOT NULL')} AS matched
    FROM resolved GROUP BY source, object_type
    UNION ALL
    SELECT 'u' AS part, u.source AS source, u.object_type AS object_type, u.object_id AS object_id,
      k.kind AS kind, 0 AS objects, 0 AS matched
    FROM unmatched u
    LEFT JOIN (SELECT DISTINCT source, object_type, object_id, kind FROM object_keys) k
      ON k.source = u.source AND k.object_type = u.object_type AND k.object_id = u.object_id
  ) x
  ORDER BY part, source, object_type, object_id, kind`;
}

const inWindow = (since: number, until: number, column = 'ts') =>
  sql`${raw(column)} >= ${p.time(new Date(since))} AND ${raw(column)} < ${p.time(new Date(until))}`;
const VISITOR = 'coalesce(anonymous_id, user_id)';

/** Visitors, events and page views with a time in [since, until). */
export function realtimeTotalsSql(workspaceId: string, since: number, until: number): Sql {
  return sql`SELECT ${fn.countDistinct(VISITOR)} AS visitors, ${fn.countAll()} AS events,
    ${fn.countIf("type = 'page'")} AS page_views
    FROM ${fn.table('events')} WHERE ${ws(workspaceId)} AND ${inWindow(since, until)}`;
}

/** Events and visitors per minute (m: epoch ms of the minute's start), minutes with events only. */
export function realtimeMinutesSql(workspaceId: string, since: number, until: number): Sql {
  return sql`SELECT floor(${fn.epochMs('ts')} / 60000) * 60000 AS m, ${fn.countAll()} AS events,
    ${fn.countDistinct(VISITOR)} AS visitors
    FROM ${fn.table('events')} WHERE ${ws(workspaceId)} AND ${inWindow(since, until)}
    GROUP BY m ORDER BY m`;
}

/** The most viewed pages (without query or fragment). */
export function realtimePagesSql(
  workspaceId: string,
  since: number,
  until: number,
  top: number,
): Sql {
  const page = fn.splitPart(fn.splitPart(sql`coalesce(page_url, '')`, '#', 1), '?', 1);
  return sql`SELECT ${page} AS page, ${fn.countAll()} AS views, ${fn.countDistinct(VISITOR)} AS visitors
    FROM ${fn.table('events')}
    WHERE ${ws(workspaceId)} AND type = 'page' AND ${inWindow(since, until)}
    GROUP BY ${page} ORDER BY views DESC, page LIMIT ${p.int(top)}`;
}

/** Sessions active in the window (overlapping it) by source, medium and channel. */
export function realtimeSourcesSql(
  workspaceId: string,
  since: number,
  until: number,
  top: number,
): Sql {
  return sql`SELECT source, medium, channel, ${fn.countAll()} AS sessions
    FROM ${fn.table('sessions')}
    WHERE ${ws(workspaceId)} AND ended_at >= ${p.time(new Date(since))}
      AND started_at < ${p.time(new Date(until))}
    GROUP BY source, medium, channel ORDER BY sessions DESC, source, medium, channel
    LIMIT ${p.int(top)}`;
}

/**
 * Leads (persons first reaching lead), pipeline (opportunity values) and revenue (customer values)
 * reached in [from, to): the same sums as the costs report's.
 */
export function goalActualsSql(workspaceId: string, from: number, to: number): Sql {
  return sql`SELECT ${fn.countDistinct("CASE WHEN milestone = 'lead' THEN person_id END")} AS leads,
    sum(CASE WHEN milestone = 'opportunity' THEN coalesce(value, 0) ELSE 0 END) AS pipeline,
    sum(CASE WHEN milestone = 'customer' THEN coalesce(value, 0) ELSE 0 END) AS revenue
    FROM ${fn.table('milestones')}
    WHERE ${ws(workspaceId)} AND ${inWindow(from, to, 'reached_at')}`;
}
