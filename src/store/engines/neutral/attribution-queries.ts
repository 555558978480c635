// What attribution reads (conversions, role milestones, touches), written once for every engine. A
// touch is a session with a page view of one of the person's anonymous ids; a shared device's session
// is a touch of the person whose span of the device holds the session's start.
import { spanHolds } from './identity-spans.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

/** Milestones that play a role in position-based models (first time each person reached each). */
export const ROLE_MILESTONES = ['lead', 'opportunity', 'customer'];

const persons = (column: string, personIds: readonly string[] | undefined): Sql =>
  personIds === undefined ? sql`` : sql` AND ${fn.inList(column, p.texts(personIds))}`;

export function conversionsSql(ws: string, milestone: string, personIds?: readonly string[]): Sql {
  return sql`SELECT person_id, ${fn.epochMs('reached_at')} AS at, coalesce(value, 0) AS value
    FROM ${fn.table('milestones')}
    WHERE workspace_id = ${p.text(ws)} AND milestone = ${p.text(milestone)}${persons('person_id', personIds)}
    ORDER BY person_id, reached_at`;
}

export function rolesSql(ws: string, personIds?: readonly string[]): Sql {
  return sql`SELECT person_id, milestone, ${fn.epochMs('min(reached_at)')} AS at
    FROM ${fn.table('milestones')}
    WHERE workspace_id = ${p.text(ws)} AND ${fn.inList('milestone', p.texts(ROLE_MILESTONES))}${persons('person_id', personIds)}
    GROUP BY person_id, milestone ORDER BY person_id, milestone`;
}

/** The anonymous ids of some persons (read first: a join would probe every session of the workspace). */
export function personAnonymousIdsSql(ws: string, personIds: readonly string[]): Sql {
  return sql`SELECT DISTINCT value FROM ${fn.table('identities')}
    WHERE workspace_id = ${p.text(ws)} AND kind = 'anonymous_id' AND ${fn.inList('person_id', p.texts(personIds))}
    ORDER BY value`;
}

export function touchesSql(
  ws: string,
  milestone: string,
  scope: { personIds: readonly string[]; anonymousIds: readonly string[] } | undefined,
  convertingOnly: boolean,
): Sql {
  const w = p.text(ws);
  return sql`SELECT i.person_id AS person_id, s.session_id AS session_id, s.channel AS channel,
      ${fn.epochMs('s.started_at')} AS at
    FROM ${fn.table('sessions')} s
    JOIN (SELECT person_id, value, from_at, until_at FROM ${fn.table('identities')}
          WHERE workspace_id = ${w} AND kind = 'anonymous_id'${persons('person_id', scope?.personIds)}) i
      ON i.value = s.anonymous_id AND ${raw(spanHolds('i', 's.started_at'))}
    -- a touch is a visit: sessions made only of server-side events (a CRM identify, an API track) are not
    WHERE s.workspace_id = ${w} AND s.page_views > 0${scope ? sql` AND ${fn.inList('s.anonymous_id', p.texts(scope.anonymousIds))}` : sql``}${
      convertingOnly
        ? sql` AND i.person_id IN (SELECT person_id FROM ${fn.table('milestones')} WHERE workspace_id = ${w} AND milestone = ${p.text(milestone)})`
        : sql``
    }
    ORDER BY i.person_id, s.started_at, s.session_id`;
}

/** Sessions of persons without the conversion, joined to their person (the FROM of the two reads below). */
const nonConvertingFrom = (ws: string, milestone: string): Sql => {
  const w = p.text(ws);
  return sql`FROM ${fn.table('sessions')} s JOIN ${fn.table('identities')} i
      ON i.workspace_id = s.workspace_id AND i.kind = 'anonymous_id' AND i.value = s.anonymous_id AND ${raw(spanHolds('i', 's.started_at'))}
    WHERE s.workspace_id = ${w} AND s.page_views > 0
      AND i.person_id NOT IN (SELECT person_id FROM ${fn.table('milestones')} WHERE workspace_id = ${w} AND milestone = ${p.text(milestone)})`;
};

export function nonConvertingChannelsSql(ws: string, milestone: string): Sql {
  return sql`SELECT DISTINCT s.channel AS channel ${nonConvertingFrom(ws, milestone)} ORDER BY channel`;
}

/** Numbers only cross into JavaScript: a person ordinal, a channel index and a time per touch. */
export function nonConvertingTouchesSql(
  ws: string,
  milestone: string,
  channels: readonly string[],
): Sql {
  return sql`SELECT CAST(dense_rank() OVER (ORDER BY i.person_id) - 1 AS INTEGER) AS p,
      CAST(${fn.listPosition(p.texts(channels), 's.channel')} - 1 AS INTEGER) AS c,
      CAST(${fn.epochMs('s.started_at')} AS DOUBLE) AS t
    ${nonConvertingFrom(ws, milestone)} ORDER BY i.person_id, s.started_at, s.session_id`;
}
