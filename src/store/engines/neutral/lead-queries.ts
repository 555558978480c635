// The lead milestone (rules/lead-milestone.ts) as SQL, written once for every engine: the rule's data
// rendered into the candidates (lead events with their person) and each person's first, then the
// source named within the window after it.
import { LEAD_SOURCE_WINDOW_MS, LEAD_TRACK_EVENTS } from '../../../rules/lead-milestone.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';
import { textList } from './identity-queries.js';

const LEAD_SOURCE_CASES = join(
  Object.entries(LEAD_TRACK_EVENTS).map(
    ([source, names]) => sql`WHEN e.event IN (${textList(names)}) THEN ${textList([source])}`,
  ),
  '\n        ',
);
const LEAD_EVENTS = textList(Object.values(LEAD_TRACK_EVENTS).flat());

// Bounds of every event time (the time rule keeps none before 2000) within both engines' time ranges.
const EARLIEST = fn.toTime(raw(`'1900-01-01T00:00:00Z'`));
const LATEST = fn.toTime(raw(`'2299-12-31T00:00:00Z'`));

/**
 * Whether an identities row `i` holds time `ts` (a shared device's row only its span [from_at,
 * until_at), NULL unbounded; every other row all time), as ranges rather than ORs: a LEFT JOIN on
 * the id with these stays a hash join in DuckDB, where the OR form becomes a nested loop over every
 * candidate and every identity (110 s of a 147 s rebuild at 10M events).
 */
export const spanHoldsRange = (i: string, ts: string): Sql =>
  sql`${raw(ts)} >= coalesce(${raw(`${i}.from_at`)}, ${EARLIEST}) AND ${raw(ts)} < coalesce(${raw(`${i}.until_at`)}, ${LATEST})`;

/** Some persons' leads: theirs are re-derived from the events of their ids alone. */
export interface LeadScope {
  anonymousIds: readonly string[];
  userIds: readonly string[];
  persons: readonly string[];
  /** The table holding all of these ids' events (a derive's stage), when not the events table. */
  source?: string;
}

/**
 * Each person's lead (rules/lead-milestone.ts): the first form with an email, chat, call, or identify
 * with an email or phone. Events reach their person through the anonymous id (a shared device's: the
 * person whose span holds the event), else the user id. Scoped: only the persons `scope.persons`, all of
 * whose ids are among the scope's. Columns workspace_id, person_id, milestone, reached_at, source,
 * message_id.
 */
export function leadMilestonesSql(ws: string, scope?: LeadScope): Sql {
  const w = p.text(ws);
  const ids = (kind: 'anonymous_id' | 'user_id', values?: readonly string[]) =>
    sql`(SELECT value, person_id, from_at, until_at FROM ${fn.table('identities')}
      WHERE workspace_id = ${w} AND kind = ${textList([kind])}${
        values ? sql` AND ${fn.inSet('value', p.texts(values))}` : sql``
      })`;
  return sql`WITH candidates AS (
    SELECT e.ts AS ts, e.message_id AS message_id, CASE WHEN e.type = 'identify' THEN 1 ELSE 0 END AS generic,
      CASE WHEN e.type = 'identify' THEN 'identify'
        ${LEAD_SOURCE_CASES}
      END AS source,
      coalesce(ia.person_id, iu.person_id) AS person_id
    FROM ${fn.table(scope?.source ?? 'events')} e
    LEFT JOIN ${ids('anonymous_id', scope?.anonymousIds)} ia
      ON ia.value = e.anonymous_id AND ${spanHoldsRange('ia', 'e.ts')}
    LEFT JOIN ${ids('user_id', scope?.userIds)} iu ON iu.value = e.user_id
    WHERE e.workspace_id = ${w} AND e.type IN ('identify', 'track') AND (
      (e.type = 'identify' AND coalesce(e.email, e.phone) IS NOT NULL)
      OR (e.type = 'track' AND e.event IN (${LEAD_EVENTS}))
    )${
      scope
        ? sql`
      AND (${fn.inSet('e.anonymous_id', p.texts(scope.anonymousIds))} OR ${fn.inSet('e.user_id', p.texts(scope.userIds))})`
        : sql``
    }
  ),
  firsts AS (
    SELECT person_id, min(ts) AS first_ts FROM candidates
    WHERE person_id IS NOT NULL${scope ? sql` AND ${fn.inSet('person_id', p.texts(scope.persons))}` : sql``}
    GROUP BY person_id)
  -- the form, chat or call that came with the first identify names the source, when there is one
  SELECT ${w} AS workspace_id, c.person_id AS person_id, 'lead' AS milestone, f.first_ts AS reached_at,
    ${fn.argMin('c.source', '(c.generic, c.ts, c.message_id)')} AS source,
    ${fn.argMin('c.message_id', '(c.generic, c.ts, c.message_id)')} AS message_id
  FROM candidates c JOIN firsts f ON f.person_id = c.person_id
  WHERE c.ts <= f.first_ts + INTERVAL ${raw(String(LEAD_SOURCE_WINDOW_MS))} MILLISECOND
  GROUP BY c.person_id, f.first_ts`;
}

/** The leads of a select into `target` (milestones, or its stage). */
export function insertLeadsSql(target: string, leads: Sql): Sql {
  return sql`INSERT INTO ${fn.table(target)} (workspace_id, person_id, milestone, reached_at, source, message_id)
    SELECT workspace_id, person_id, milestone, reached_at, source, message_id FROM (${leads}) leads`;
}

/** A workspace's leads as stored, in one order (epoch ms): columns person_id, at, source, message_id. */
export function storedLeadsSql(ws: string): Sql {
  return sql`SELECT person_id, ${fn.epochMs('reached_at')} AS at, source, message_id
    FROM ${fn.table('milestones')} WHERE workspace_id = ${p.text(ws)} AND milestone = 'lead'
    ORDER BY 1, 2`;
}
