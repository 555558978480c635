// SQL for identity resolution's inputs and outputs. The resolution itself (union-find, quarantine,
// stable ids) is pure TypeScript in model/identity; here we only read links out and write persons back.

/** Which events say that two identifiers are one human, as (kind, value) pairs. Parameter: $ws. */
export const EVENT_LINKS_SQL = `
  WITH ev AS (
    SELECT type, event, anonymous_id, user_id, previous_id, ts,
      coalesce(traits->>'$.email', context->>'$.traits.email') AS t_email,
      coalesce(traits->>'$.phone', context->>'$.traits.phone') AS t_phone,
      coalesce(properties->>'$.email', properties->>'$.fields.email') AS p_email,
      coalesce(properties->>'$.phone', properties->>'$.fields.phone') AS p_phone
    FROM events WHERE workspace_id = $ws AND type IN ('identify', 'alias', 'track')
  ),
  l AS (
    SELECT 'anonymous_id' AS ak, anonymous_id AS av, 'user_id' AS bk, user_id AS bv, ts, type AS src FROM ev WHERE type IN ('identify', 'track')
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'email', t_email, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'user_id', user_id, 'email', t_email, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'phone', t_phone, ts, 'identify' FROM ev WHERE type = 'identify'
    UNION ALL SELECT 'user_id', user_id, 'phone', t_phone, ts, 'identify' FROM ev WHERE type = 'identify'
    -- Segment's alias: the previous id (usually the anonymous id) becomes the user id
    UNION ALL SELECT 'anonymous_id', previous_id, 'user_id', user_id, ts, 'alias' FROM ev WHERE type = 'alias'
    -- forms, chats and calls that carry an email or phone as a property
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'email', p_email, ts, event FROM ev WHERE type = 'track'
    UNION ALL SELECT 'anonymous_id', anonymous_id, 'phone', p_phone, ts, event FROM ev WHERE type = 'track'
    UNION ALL SELECT from_kind, from_value, to_kind, to_value, linked_at, source FROM identity_links WHERE workspace_id = $ws
  )
  SELECT ak, av, bk, bv, epoch_ms(min(ts)) AS at, min(src) AS src
  FROM l WHERE av IS NOT NULL AND bv IS NOT NULL AND av <> '' AND bv <> ''
  GROUP BY ak, av, bk, bv`;

/** Every anonymous and user id with when it was first seen: a visitor who never converts is a person too. */
export const SEEN_IDENTIFIERS_SQL = `
  SELECT 'anonymous_id' AS kind, anonymous_id AS value, epoch_ms(min(ts)) AS at FROM events
    WHERE workspace_id = $ws AND anonymous_id IS NOT NULL GROUP BY anonymous_id
  UNION ALL
  SELECT 'user_id', user_id, epoch_ms(min(ts)) FROM events
    WHERE workspace_id = $ws AND user_id IS NOT NULL GROUP BY user_id`;

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
      (e.type = 'identify' AND coalesce(e.traits->>'$.email', e.traits->>'$.phone') IS NOT NULL)
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
