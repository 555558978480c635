// Each session as the reports read it, written once for every engine (areas/report-sessions.ts has the
// definition): the session's own columns, its person and visitor, and what the costs matching reads of its
// URL, computed by the derive step into report_sessions so that no report joins sessions to identities
// or parses a session's parameters per request.
import { campaignNameKeySql } from './costs-queries.js';
import { spanHoldsRange } from './lead-queries.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

export const REPORT_SESSIONS_TABLE = 'report_sessions';

/** The sessions' columns copied as they are (the reports' dimensions and the matching's inputs). */
const SESSION_COLUMNS = [
  'session_id',
  'anonymous_id',
  'started_at',
  'page_views',
  'channel',
  'platform',
  'source',
  'medium',
  'campaign',
  'term',
  'campaign_id',
  'click_ids',
  'ad_ids',
  'landing_url',
  'decided_by',
  'user_agent',
  'country',
] as const;

const COLUMNS = [
  'workspace_id',
  ...SESSION_COLUMNS,
  'person_id',
  'visitor',
  'name_key',
  'ad_group_id',
  'ad_id',
  'vt_campaign',
  'keyword_key',
];

/** A session's campaign as its name key (costs-queries.ts campaignNameKeySql); '' for none. */
export const sessionNameKeySql = (s: string): Sql =>
  campaignNameKeySql(sql`coalesce(${raw(`${s}.campaign`)}, '')`);

/**
 * The rows of report_sessions as the facts give them now: of every session of the workspace, or of the
 * sessions of these anonymous ids. A session's person is the smallest person whose anonymous id row holds
 * its start (a shared device's: the span holding it); its visitor that person, else its anonymous id.
 */
export function reportSessionRowsSql(ws: string, anonymousIds?: readonly string[]): Sql {
  const w = p.text(ws);
  const only = (col: string) =>
    anonymousIds ? sql` AND ${fn.inSet(col, p.texts(anonymousIds))}` : sql``;
  const copied = SESSION_COLUMNS.map((c) => `s.${c} AS ${c}`).join(', ');
  return sql`WITH sp AS (
    SELECT s.session_id AS session_id, min(i.person_id) AS person_id
    FROM ${fn.table('sessions')} s
    JOIN (SELECT person_id, value, from_at, until_at FROM ${fn.table('identities')}
          WHERE workspace_id = ${w} AND kind = 'anonymous_id'${only('value')}) i
      ON i.value = s.anonymous_id AND ${spanHoldsRange('i', 's.started_at')}
    WHERE s.workspace_id = ${w}${only('s.anonymous_id')}
    GROUP BY s.session_id)
  SELECT ${w} AS workspace_id, ${raw(copied)},
    sp.person_id AS person_id, coalesce(sp.person_id, s.anonymous_id) AS visitor,
    ${sessionNameKeySql('s')} AS name_key,
    ${fn.jsonText('s.ad_ids', 'adGroupId')} AS ad_group_id, ${fn.jsonText('s.ad_ids', 'adId')} AS ad_id,
    ${fn.jsonText('s.ad_ids', 'campaignId')} AS vt_campaign,
    ${campaignNameKeySql(sql`coalesce(${fn.jsonText('s.ad_ids', 'keyword')}, s.term, '')`)} AS keyword_key
  FROM ${fn.table('sessions')} s LEFT JOIN sp ON sp.session_id = s.session_id
  WHERE s.workspace_id = ${w}${only('s.anonymous_id')}`;
}

/** Writes the rows `rows` selects (reportSessionRowsSql) into `table`. */
export function insertReportSessionsSql(table: string, rows: Sql): Sql {
  return sql`INSERT INTO ${fn.table(table)} (${raw(COLUMNS.join(', '))}) ${rows}`;
}

/** Where the rows of these anonymous ids are (a scoped re-derive deletes them first). */
export function reportSessionsOfSql(ws: string, anonymousIds: readonly string[]): Sql {
  return sql`workspace_id = ${p.text(ws)} AND ${fn.inSet('anonymous_id', p.texts(anonymousIds))}`;
}

/**
 * The anonymous ids whose sessions may have changed person when these persons changed: the persons'
 * anonymous ids now, and those of the sessions stored under them (a person merged away or split).
 */
export function anonymousIdsOfPersonsSql(ws: string, persons: readonly string[]): Sql {
  const w = p.text(ws);
  const ps = p.texts(persons);
  return sql`SELECT DISTINCT anonymous_id FROM (
    SELECT value AS anonymous_id FROM ${fn.table('identities')}
    WHERE workspace_id = ${w} AND kind = 'anonymous_id' AND ${fn.inSet('person_id', ps)}
    UNION ALL
    SELECT anonymous_id FROM ${fn.table(REPORT_SESSIONS_TABLE)}
    WHERE workspace_id = ${w} AND ${fn.inSet('person_id', ps)}) a ORDER BY anonymous_id`;
}

/** Rows of report_sessions counted (tests, and a derive's summary). */
export function countReportSessionsSql(
  table: string,
  ws: string,
  anonymousIds?: readonly string[],
): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table(table)} WHERE workspace_id = ${p.text(ws)}${
    anonymousIds ? sql` AND ${fn.inSet('anonymous_id', p.texts(anonymousIds))}` : sql``
  }`;
}

/** The stored sessions of a workspace that start in [from, to): a drop-in for the sessions there. */
export function storedReportSessionsSql(ws: string, from: Date | number, to: Date | number): Sql {
  return sql`SELECT * FROM ${fn.table(REPORT_SESSIONS_TABLE)} WHERE workspace_id = ${p.text(ws)}
    AND started_at >= ${p.time(new Date(from))} AND started_at < ${p.time(new Date(to))}`;
}
