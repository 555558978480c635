// The journeys report's reads, written once for every engine: a segment of the persons who first reached
// a milestone in a range (filtered by the channels, campaigns, ad groups, ads and keywords of their touches
// (each as the performance report reads it from the session, report-units.ts), or by a text in their
// e-mail, user id or name), one page of them, then the paths of that page's persons. A touch is what
// attribution counts (attribution-queries.ts): a session with a page view of one of the person's
// anonymous ids (a shared device's only within the person's span), started up to the conversion.
import type { JourneySegmentQuery } from '../../areas/insights.js';
import { spanHolds } from './identity-spans.js';
import { DIMENSION_SQL } from './report-units.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

/**
 * Each person's first time at the milestone, and that row's value: of some persons, or of those whose
 * first time lies in a range (epoch ms [from, to)), so that only their sessions are read for touches.
 */
const conversions = (
  ws: string,
  milestone: string,
  only: { persons: readonly string[] } | { from: number; to: number },
): Sql =>
  sql`SELECT person_id, min(reached_at) AS conv_at, ${fn.argMin('value', 'reached_at')} AS value
    FROM ${fn.table('milestones')}
    WHERE workspace_id = ${p.text(ws)} AND milestone = ${p.text(milestone)}${
      'persons' in only ? sql` AND ${fn.inList('person_id', p.texts(only.persons))}` : sql``
    }
    GROUP BY person_id${
      'from' in only
        ? sql`
    HAVING min(reached_at) >= ${p.time(new Date(only.from))} AND min(reached_at) < ${p.time(new Date(only.to))}`
        : sql``
    }`;

/** The touches of the persons in CTE `conv` up to their conversion. */
const touches = (ws: string): Sql => {
  const w = p.text(ws);
  return sql`SELECT i.person_id AS person_id, s.session_id AS session_id, s.started_at AS started_at,
      s.channel AS channel, s.source AS source, s.medium AS medium, s.campaign AS campaign,
      ${DIMENSION_SQL.adGroup()} AS ad_group, ${DIMENSION_SQL.ad()} AS ad,
      ${DIMENSION_SQL.keyword()} AS keyword
    FROM ${fn.table('sessions')} s
    JOIN (SELECT person_id, value, from_at, until_at FROM ${fn.table('identities')}
          WHERE workspace_id = ${w} AND kind = 'anonymous_id') i
      ON i.value = s.anonymous_id AND ${raw(spanHolds('i', 's.started_at'))}
    JOIN conv c ON c.person_id = i.person_id
    WHERE s.workspace_id = ${w} AND s.page_views > 0 AND s.started_at <= c.conv_at`;
};

/** Persons one of whose e-mails, user ids, or identify names contains `text` (lower case). */
const searched = (ws: string, text: string): Sql => {
  const w = p.text(ws);
  const name = sql`lower(concat(coalesce(${fn.jsonText('traits', 'name')}, ''), ' ',
    coalesce(${fn.jsonText('traits', 'first_name')}, ''), ' ', coalesce(${fn.jsonText('traits', 'last_name')}, '')))`;
  const byName = (kind: 'anonymous_id' | 'user_id') =>
    sql`SELECT i.person_id AS person_id FROM ${fn.table('events')} e
      JOIN (SELECT person_id, value FROM ${fn.table('identities')}
            WHERE workspace_id = ${w} AND kind = ${p.text(kind)}) i ON i.value = e.${raw(kind)}
      WHERE e.workspace_id = ${w} AND e.type = 'identify' AND ${fn.containsAny(name, [text])}`;
  return sql`SELECT person_id FROM ${fn.table('identities')}
      WHERE workspace_id = ${w} AND kind IN ('email', 'user_id')
        AND ${fn.containsAny(fn.lower('value'), [text])}
    UNION ALL ${byName('anonymous_id')}
    UNION ALL ${byName('user_id')}`;
};

/** One page of the segment, newest conversion first: person_id, at, value, total (the segment's size). */
export function journeySegmentSql(ws: string, q: JourneySegmentQuery): Sql {
  const where: Sql[] = [sql`true`];
  const touched: [string, readonly string[] | undefined][] = [
    ['channel', q.channels],
    ['campaign', q.campaigns],
    ['ad_group', q.adGroups],
    ['ad', q.ads],
    ['keyword', q.keywords],
  ];
  for (const [column, values] of touched)
    if (values && values.length > 0)
      where.push(
        sql`c.person_id IN (SELECT person_id FROM touches WHERE ${fn.inList(column, p.texts(values))})`,
      );
  if (q.search !== undefined && q.search !== '')
    where.push(sql`c.person_id IN (${searched(ws, q.search.toLowerCase())})`);
  return sql`WITH conv AS (${conversions(ws, q.milestone, q)}),
  touches AS (${touches(ws)})
  SELECT c.person_id AS person_id, ${fn.epochMs('c.conv_at')} AS t_ms, c.value AS value,
    ${fn.countAll()} OVER () AS total
  FROM conv c WHERE ${join(where, ' AND ')}
  ORDER BY c.conv_at DESC, c.person_id
  LIMIT ${p.int(q.limit)} OFFSET ${p.int(q.offset)}`;
}

/**
 * The paths of some persons to their first time at the milestone: each person's last `max` touches,
 * oldest first, with n (how many touches the person has in all).
 */
export function journeyPathsSql(
  ws: string,
  milestone: string,
  persons: readonly string[],
  max: number,
): Sql {
  return sql`WITH conv AS (${conversions(ws, milestone, { persons })}),
  touches AS (${touches(ws)})
  SELECT person_id, session_id, t_ms, channel, source, medium, campaign, n FROM (
    SELECT person_id, session_id, ${fn.epochMs('started_at')} AS t_ms, channel, source, medium, campaign,
      row_number() OVER (PARTITION BY person_id ORDER BY started_at DESC, session_id DESC) AS back,
      ${fn.countAll()} OVER (PARTITION BY person_id) AS n
    FROM touches) t
  WHERE back <= ${p.int(max)}
  ORDER BY person_id, t_ms, session_id`;
}

/** Each of some persons' first e-mail identifier (as the people API lists their identifiers). */
export function personEmailsSql(ws: string, persons: readonly string[]): Sql {
  return sql`SELECT person_id, min(value) AS email FROM ${fn.table('identities')}
    WHERE workspace_id = ${p.text(ws)} AND kind = 'email' AND ${fn.inList('person_id', p.texts(persons))}
    GROUP BY person_id`;
}
