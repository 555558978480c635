// Each person's first touch, written once for every engine (areas/first-touch.ts has the definition):
// computed by the derive step from sessions and identities into person_first_touch, and read by every
// report from there, with one vocabulary for what is missing.
import {
  FIRST_TOUCH_ATTRIBUTES,
  NO_TOUCHPOINT,
  NOT_SET,
  type FirstTouchAttribute,
  type FirstTouchFilter,
} from '../../areas/first-touch.js';
import { spanHoldsRange } from './lead-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

export const FIRST_TOUCH_TABLE = 'person_first_touch';

const COLUMNS = [
  'workspace_id',
  'person_id',
  'session_id',
  'started_at',
  ...FIRST_TOUCH_ATTRIBUTES,
];

/**
 * The rows of person_first_touch as the facts give them now: of every person, or of these persons. The
 * earliest visit by (start, session id), so ties resolve the same way on every engine and every run.
 */
export function firstTouchRowsSql(ws: string, persons?: readonly string[]): Sql {
  const w = p.text(ws);
  const only = persons ? sql` AND ${fn.inSet('person_id', p.texts(persons))}` : sql``;
  return sql`WITH visits AS (
    SELECT i.person_id AS person_id, s.session_id AS session_id, s.started_at AS started_at
    FROM ${fn.table('sessions')} s
    JOIN (SELECT person_id, value, from_at, until_at FROM ${fn.table('identities')}
          WHERE workspace_id = ${w} AND kind = 'anonymous_id'${only}) i
      -- the span as a range: DuckDB plans the OR form as a nested loop (lead-queries.ts)
      ON i.value = s.anonymous_id AND ${spanHoldsRange('i', 's.started_at')}
    WHERE s.workspace_id = ${w} AND s.page_views > 0),
  firsts AS (
    SELECT person_id, ${fn.argMin('session_id', '(started_at, session_id)')} AS first_session
    FROM visits GROUP BY person_id),
  agents AS (
    SELECT user_agent, min(device_type) AS device_type FROM ${fn.table('user_agents')}
    WHERE workspace_id = ${w} GROUP BY user_agent)
  SELECT ${w} AS workspace_id, f.person_id AS person_id, s.session_id AS session_id,
    s.started_at AS started_at, s.channel AS channel, s.platform AS platform, s.source AS source,
    s.medium AS medium, s.campaign AS campaign,
    ${fn.regexpReplaceAll('s.landing_url', '[?#].*$', '')} AS landing_page,
    ua.device_type AS device, s.country AS country
  FROM firsts f
  JOIN (SELECT * FROM ${fn.table('sessions')} WHERE workspace_id = ${w}) s
    ON s.session_id = f.first_session
  LEFT JOIN agents ua ON ua.user_agent = s.user_agent`;
}

/** Writes the first touches `rows` selects (firstTouchRowsSql) into `table`. */
export function insertFirstTouchesSql(table: string, rows: Sql): Sql {
  return sql`INSERT INTO ${fn.table(table)} (${raw(COLUMNS.join(', '))}) ${rows}`;
}

/** The rows stored for a workspace (those of the persons `persons` selects, when given). */
export function storedFirstTouchSql(ws: string, persons?: Sql): Sql {
  const only = persons ? sql` AND person_id IN (${persons})` : sql``;
  return sql`SELECT * FROM ${fn.table(FIRST_TOUCH_TABLE)} WHERE workspace_id = ${p.text(ws)}${only}`;
}

/**
 * An attribute of the first touch joined as `alias` (LEFT JOIN of storedFirstTouchSql) as reports show
 * it: NO_TOUCHPOINT where no row joined, NOT_SET where the first visit has no value.
 */
export function touchLabel(alias: string, attribute: FirstTouchAttribute): Sql {
  const v = `${alias}.${attribute}`;
  return sql`CASE WHEN ${raw(alias)}.person_id IS NULL THEN ${raw(`'${NO_TOUCHPOINT}'`)}
    WHEN ${raw(v)} IS NULL OR ${raw(v)} = '' THEN ${raw(`'${NOT_SET}'`)} ELSE ${raw(v)} END`;
}

/** Rows of person_first_touch counted (tests, and a derive's summary). */
export function countFirstTouchesSql(table: string, ws: string, persons?: readonly string[]): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table(table)} WHERE workspace_id = ${p.text(ws)}${
    persons ? sql` AND ${fn.inSet('person_id', p.texts(persons))}` : sql``
  }`;
}

/**
 * A condition keeping the rows whose first touch passes the filter: `label(attribute)` is the attribute's
 * labelled value on the row (touchLabel over a join, or a column already labelled). TRUE for no filter.
 */
export function touchFilterSql(
  filter: FirstTouchFilter | undefined,
  label: (attribute: FirstTouchAttribute) => Sql,
): Sql {
  const parts = FIRST_TOUCH_ATTRIBUTES.flatMap((a) => {
    const values = filter?.[a];
    return values === undefined ? [] : [sql`${fn.inList(label(a), p.texts(values))}`];
  });
  return parts.length === 0 ? sql`TRUE` : sql`(${join(parts, ' AND ')})`;
}
