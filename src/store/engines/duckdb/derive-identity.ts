// SQL for identity resolution's inputs and outputs. The resolution itself (union-find, quarantine,
// stable ids) is pure TypeScript in model/identity; here we only read links out and write persons back.
import { IDENTITY_LINK_RULES, LINK_EVENT_TYPES } from '../../../rules/identity-links.js';
import { LEAD_SOURCE_WINDOW_MS, LEAD_TRACK_EVENTS } from '../../../rules/lead-milestone.js';
import { sqlString } from './connection.js';
import { spanHolds } from '../neutral/identity-spans.js';

// the link rules' data (rules/identity-links.ts), rendered once: one SELECT per rule
const LINK_SELECTS = IDENTITY_LINK_RULES.map((r) => {
  const source =
    r.source === 'type' ? 'type' : r.source === 'event' ? 'event' : sqlString(r.source.fixed);
  return `SELECT ${sqlString(r.a.kind)} AS ak, ${r.a.field} AS av, ${sqlString(r.b.kind)} AS bk, ${r.b.field} AS bv, ts, ${source} AS src
      FROM ev WHERE type IN (${r.types.map(sqlString).join(', ')})`;
}).join('\n    UNION ALL ');

/**
 * Which events say that two identifiers are one human (rules/identity-links.ts), as raw (kind, value)
 * pairs with their time and source, from the events in CTE `ev` and the facts in identity_links (filtered by `linkFilter`).
 */
function linkRowsSql(linkFilter = ''): string {
  return `
  l AS (
    ${LINK_SELECTS}
    UNION ALL SELECT from_kind, from_value, to_kind, to_value, linked_at, source FROM identity_links WHERE workspace_id = $ws ${linkFilter}
  )`;
}

const EV_COLUMNS = 'type, event, anonymous_id, user_id, previous_id, ts, email, phone';
const LINK_TYPES = `type IN (${LINK_EVENT_TYPES.map(sqlString).join(', ')})`;

/**
 * The links the events and identity_links state, as raw (kind, value) pairs with their earliest time; the
 * model normalises them into identity edges. From `stage` when given (the affected ids' events), else every
 * event (the facts in identity_links are always all read: a small table). Parameter: $ws.
 */
export function eventLinksSql(stage?: string): string {
  return `
  WITH ev AS MATERIALIZED (SELECT ${EV_COLUMNS} FROM ${stage ?? 'events'} WHERE workspace_id = $ws AND ${LINK_TYPES}),
  ${linkRowsSql()}
  SELECT ak, av, bk, bv, epoch_ms(min(ts)) AS at, min(src) AS src
  FROM l WHERE av IS NOT NULL AND bv IS NOT NULL AND av <> '' AND bv <> ''
  GROUP BY ak, av, bk, bv`;
}

/**
 * Every link (each occurrence, not only the first) with an anonymous end among the shared devices in temp
 * table `shared_device_ids(value)`: the identifies that split a shared device's time. Parameter: $ws.
 */
export const DEVICE_LINKS_SQL = `
  WITH ids AS (SELECT value FROM shared_device_ids),
  ev AS MATERIALIZED (
    SELECT ${EV_COLUMNS} FROM events
    WHERE workspace_id = $ws AND ${LINK_TYPES} AND (anonymous_id IN (SELECT value FROM ids) OR previous_id IN (SELECT value FROM ids))
  ),
  ${linkRowsSql("AND ((from_kind = 'anonymous_id' AND from_value IN (SELECT value FROM ids)) OR (to_kind = 'anonymous_id' AND to_value IN (SELECT value FROM ids)))")}
  SELECT DISTINCT ak, av, bk, bv, epoch_ms(ts) AS at
  FROM l WHERE av IS NOT NULL AND bv IS NOT NULL AND av <> '' AND bv <> ''
    AND ((ak = 'anonymous_id' AND av IN (SELECT value FROM ids)) OR (bk = 'anonymous_id' AND bv IN (SELECT value FROM ids)))`;

// the span rule is the same SQL on every engine (neutral/identity-spans.ts)
export { spanHolds };

/** The ids (kind, value) in temp table `T`, as a row-value set for `(kind, value) IN ...`. */
export const inScope = (table: string, kind = 'kind', value = 'value'): string =>
  `(${kind}, ${value}) IN (SELECT (kind, value) FROM ${table})`;

/**
 * One step of the identity scope's closure: every id an edge joins to an id already in `identity_scope`
 * (not yet in it). Repeated until it adds nothing, the scope is a union of whole linked components, so a
 * resolution of the scope alone gives what resolving everything would give there. Parameter: $ws.
 */
export const SCOPE_STEP_SQL = `
  INSERT INTO identity_scope
  SELECT DISTINCT kind, value FROM (
    SELECT b_kind AS kind, b_value AS value FROM identity_edges
      WHERE workspace_id = $ws AND b_kind <> '' AND ${inScope('identity_scope', 'a_kind', 'a_value')}
    UNION ALL
    SELECT a_kind, a_value FROM identity_edges
      WHERE workspace_id = $ws AND b_kind <> '' AND ${inScope('identity_scope', 'b_kind', 'b_value')}
  ) n WHERE NOT ${inScope('identity_scope')}`;

/**
 * Each anonymous and user id, normalised (trimmed of $trim), with when it was first seen and whether
 * the engine can place it alone (`clean`: printable ASCII, 1..$maxLength long, not a placeholder).
 * A visitor who never converts is a person too. Scoped: only the anonymous ids in `seen_scope`, and
 * with a stage (the affected ids' events) only the anonymous and user ids of those events.
 * Parameters: $ws, $trim, $maxLength, $placeholders.
 */
export function seenIdentifiersSql(scoped: boolean, stage?: string): string {
  const src = stage ?? 'events';
  return `
  SELECT kind, n AS value, min(seen_at) AS first_seen,
    length(n) BETWEEN 1 AND $maxLength AND regexp_full_match(n, '[\\x20-\\x7E]+') AND NOT list_contains($placeholders::VARCHAR[], lower(n)) AS clean
  FROM (
    SELECT 'anonymous_id' AS kind, trim(anonymous_id, $trim) AS n, min(ts) AS seen_at FROM ${src}
      WHERE workspace_id = $ws AND anonymous_id IS NOT NULL
        ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM seen_scope)' : ''}
      GROUP BY anonymous_id
    UNION ALL
    SELECT 'user_id', trim(user_id, $trim), min(ts) FROM ${src} WHERE workspace_id = $ws AND user_id IS NOT NULL GROUP BY user_id
  ) GROUP BY kind, n`;
}

/** Anonymous and user ids the graph must place: those an edge touches and those not clean. Parameter: $ws. */
export const GRAPH_IDS_SQL = `
  CREATE OR REPLACE TEMP TABLE identity_graph_ids AS
  SELECT a_kind AS kind, a_value AS value FROM identity_edges WHERE workspace_id = $ws AND a_kind IN ('anonymous_id', 'user_id')
  UNION
  SELECT b_kind, b_value FROM identity_edges WHERE workspace_id = $ws AND b_kind IN ('anonymous_id', 'user_id')
  UNION
  SELECT kind, value FROM identity_seen WHERE workspace_id = $ws AND NOT clean`;

/** The person id of a lone anchor (derive/identity/person-ids.ts), over columns `kind` and `value`. */
export const SINGLE_PERSON_ID = `'p_' || left(sha256(kind || ':' || value), 16)`;

/** Every clean seen id that has no person yet is its own. Parameter: $ws. */
export const INSERT_SINGLES_SQL = `
  INSERT INTO identities (workspace_id, kind, value, person_id, linked)
  SELECT $ws, kind, value, ${SINGLE_PERSON_ID}, false
  FROM identity_seen s
  WHERE s.workspace_id = $ws AND s.clean
    AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.workspace_id = $ws AND i.kind = s.kind AND i.value = s.value)`;

/** Person ids that name more than one person: a single id's hash equal to another person's id. */
export const COLLISIONS_SQL = `
  SELECT count(*) AS n FROM (
    SELECT person_id FROM identities WHERE workspace_id = $ws
    GROUP BY person_id HAVING count(*) > 1 AND bool_or(NOT linked))`;

// the lead rule's data (rules/lead-milestone.ts), rendered once
const LEAD_SOURCE_CASES = Object.entries(LEAD_TRACK_EVENTS)
  .map(
    ([source, names]) =>
      `           WHEN e.event IN (${names.map(sqlString).join(', ')}) THEN '${source}'`,
  )
  .join('\n');
const LEAD_EVENT_LIST = Object.values(LEAD_TRACK_EVENTS).flat().map(sqlString).join(', ');

/**
 * The lead milestone (rules/lead-milestone.ts): a person's first form with an email, chat, call, or identify with an email or
 * phone. Events reach their person through the anonymous id (a shared device's: the person whose span
 * holds the event), else the user id. Scoped: only the persons
 * in temp table `lead_scope_persons(person_id)`, whose ids are all in `identity_scope_in`, read from
 * `stage` when it holds all their events. Parameter: $ws.
 */
export function leadMilestonesSql(scoped: boolean, stage?: string): string {
  // scoped, persons come only from the scope's ids: join those, not every identity of the workspace
  const ids = (kind: string): string =>
    scoped
      ? `(SELECT * FROM identities WHERE workspace_id = $ws AND kind = '${kind}' AND value IN (SELECT value FROM identity_scope_in WHERE kind = '${kind}'))`
      : 'identities';
  return `
  INSERT INTO milestones (workspace_id, person_id, milestone, reached_at, source, message_id)
  WITH candidates AS (
    SELECT e.ts, e.message_id, CASE WHEN e.type = 'identify' THEN 1 ELSE 0 END AS generic,
      CASE WHEN e.type = 'identify' THEN 'identify'
${LEAD_SOURCE_CASES}
      END AS source,
      coalesce(ia.person_id, iu.person_id) AS person_id
    FROM ${stage ?? 'events'} e
    LEFT JOIN ${ids('anonymous_id')} ia ON ia.workspace_id = e.workspace_id AND ia.kind = 'anonymous_id' AND ia.value = e.anonymous_id AND ${spanHolds('ia', 'e.ts')}
    LEFT JOIN ${ids('user_id')} iu ON iu.workspace_id = e.workspace_id AND iu.kind = 'user_id' AND iu.value = e.user_id
    WHERE e.workspace_id = $ws AND e.type IN ('identify', 'track') AND (
      (e.type = 'identify' AND coalesce(e.email, e.phone) IS NOT NULL)
      OR (e.type = 'track' AND e.event IN (${LEAD_EVENT_LIST}))
    )${
      scoped
        ? `
      AND (e.anonymous_id IN (SELECT value FROM identity_scope_in WHERE kind = 'anonymous_id')
        OR e.user_id IN (SELECT value FROM identity_scope_in WHERE kind = 'user_id'))`
        : ''
    }
  )
  , firsts AS (
    SELECT person_id, min(ts) AS first_ts FROM candidates
    WHERE person_id IS NOT NULL ${scoped ? 'AND person_id IN (SELECT person_id FROM lead_scope_persons)' : ''}
    GROUP BY person_id)
  -- the form, chat or call that came with the first identify names the source, when there is one
  SELECT $ws, c.person_id, 'lead', f.first_ts,
    arg_min(c.source, (c.generic, c.ts, c.message_id)), arg_min(c.message_id, (c.generic, c.ts, c.message_id))
  FROM candidates c JOIN firsts f USING (person_id)
  WHERE c.ts <= f.first_ts + INTERVAL ${LEAD_SOURCE_WINDOW_MS} MILLISECOND
  GROUP BY c.person_id, f.first_ts`;
}
