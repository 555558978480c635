// SQL for identity resolution's inputs and outputs. The resolution itself (union-find, quarantine,
// stable ids) is pure TypeScript in model/identity; here we only read links out and write persons back.

/** Which events say that two identifiers are one human, as (kind, value) pairs. Parameter: $ws. */
export const EVENT_LINKS_SQL = `
  WITH ev AS (
    SELECT type, event, anonymous_id, user_id, previous_id, ts, email, phone
    FROM events WHERE workspace_id = $ws AND type IN ('identify', 'alias', 'track')
  ),
  l AS (
    SELECT 'anonymous_id' AS ak, anonymous_id AS av, 'user_id' AS bk, user_id AS bv, ts, type AS src FROM ev WHERE type IN ('identify', 'track')
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'email', email, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'user_id', user_id, 'email', email, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'phone', phone, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'user_id', user_id, 'phone', phone, ts, 'identify' FROM ev WHERE type = 'identify'
    -- Segment's alias: the previous id (usually the anonymous id) becomes the user id
    UNION ALL SELECT 'anonymous_id', previous_id, 'user_id', user_id, ts, 'alias' FROM ev WHERE type = 'alias'
    -- forms, chats and calls that carry an email or phone as a property
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'email', email, ts, event FROM ev WHERE type = 'track'
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'phone', phone, ts, event FROM ev WHERE type = 'track'
    UNION ALL SELECT from_kind, from_value, to_kind, to_value, linked_at, source FROM identity_links WHERE workspace_id = $ws
  )
  SELECT ak, av, bk, bv, epoch_ms(min(ts)) AS at, min(src) AS src
  FROM l WHERE av IS NOT NULL AND bv IS NOT NULL AND av <> '' AND bv <> ''
  GROUP BY ak, av, bk, bv`;

/**
 * Each anonymous and user id, normalised (trimmed of $trim), with when it was first seen and whether
 * the engine can place it alone (`clean`: printable ASCII, 1..$maxLength long, not a placeholder).
 * A visitor who never converts is a person too. Scoped: only the anonymous ids in `seen_scope`.
 * Parameters: $ws, $trim, $maxLength, $placeholders.
 */
export function seenIdentifiersSql(scoped: boolean): string {
  return `
  SELECT kind, n AS value, min(seen_at) AS first_seen,
    length(n) BETWEEN 1 AND $maxLength AND regexp_full_match(n, '[\\x20-\\x7E]+') AND NOT list_contains($placeholders::VARCHAR[], lower(n)) AS clean
  FROM (
    SELECT 'anonymous_id' AS kind, trim(anonymous_id, $trim) AS n, min(ts) AS seen_at FROM events
      WHERE workspace_id = $ws AND anonymous_id IS NOT NULL
        ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM seen_scope)' : ''}
      GROUP BY anonymous_id
    UNION ALL
    SELECT 'user_id', trim(user_id, $trim), min(ts) FROM events WHERE workspace_id = $ws AND user_id IS NOT NULL GROUP BY user_id
  ) GROUP BY kind, n`;
}

/** Anonymous and user ids the graph must place: those a link touches (normalised) and those not clean. Parameters: $ws, $trim. */
export const GRAPH_IDS_SQL = `
  CREATE OR REPLACE TEMP TABLE identity_graph_ids AS
  SELECT kind, trim(value, $trim) AS value FROM (SELECT ak AS kind, av AS value FROM identity_links_now UNION SELECT bk, bv FROM identity_links_now)
    WHERE kind IN ('anonymous_id', 'user_id')
  UNION
  SELECT kind, value FROM identity_seen WHERE workspace_id = $ws AND NOT clean`;

/** Every seen id that has no person yet is its own: the person id of a lone anchor (model/identity/person-ids.ts). */
export const INSERT_SINGLES_SQL = `
  INSERT INTO identities (workspace_id, kind, value, person_id, linked)
  SELECT $ws, s.kind, s.value, 'p_' || left(sha256(s.kind || ':' || s.value), 16), false
  FROM identity_seen s
  WHERE s.workspace_id = $ws AND s.clean
    AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.workspace_id = $ws AND i.kind = s.kind AND i.value = s.value)`;

/** Person ids that name more than one person: a single id's hash equal to another person's id. */
export const COLLISIONS_SQL = `
  SELECT count(*) AS n FROM (
    SELECT person_id FROM identities WHERE workspace_id = $ws
    GROUP BY person_id HAVING count(*) > 1 AND bool_or(NOT linked))`;

/**
 * The lead milestone: a person's first form with an email, chat, call, or identify with an email or
 * phone. Events reach their person through the anonymous id, else the user id. Parameter: $ws.
 */
export const LEAD_MILESTONES_SQL = `
  INSERT INTO milestones (workspace_id, person_id, milestone, reached_at, source, message_id)
  WITH candidates AS (
    SELECT e.ts, e.message_id, CASE WHEN e.type = 'identify' THEN 1 ELSE 0 END AS generic,
      CASE WHEN e.type = 'identify' THEN 'identify'
           WHEN e.event IN ('form_submitted', 'Form Submitted') THEN 'form'
           WHEN e.event IN ('chat_started', 'Chat Started') THEN 'chat'
           ELSE 'call' END AS source,
      coalesce(ia.person_id, iu.person_id) AS person_id
    FROM events e
    LEFT JOIN identities ia ON ia.workspace_id = e.workspace_id AND ia.kind = 'anonymous_id' AND ia.value = e.anonymous_id
    LEFT JOIN identities iu ON iu.workspace_id = e.workspace_id AND iu.kind = 'user_id' AND iu.value = e.user_id
    WHERE e.workspace_id = $ws AND (
      (e.type = 'identify' AND coalesce(e.email, e.phone) IS NOT NULL)
      OR (e.type = 'track' AND e.event IN ('form_submitted', 'Form Submitted', 'chat_started', 'Chat Started', 'phone_call', 'Phone Call'))
    )
  )
  , firsts AS (SELECT person_id, min(ts) AS first_ts FROM candidates WHERE person_id IS NOT NULL GROUP BY person_id)
  -- the form, chat or call that came with the first identify names the source, when there is one
  SELECT $ws, c.person_id, 'lead', f.first_ts,
    arg_min(c.source, (c.generic, c.ts, c.message_id)), arg_min(c.message_id, (c.generic, c.ts, c.message_id))
  FROM candidates c JOIN firsts f USING (person_id)
  WHERE c.ts <= f.first_ts + INTERVAL 1 MINUTE
  GROUP BY c.person_id, f.first_ts`;
