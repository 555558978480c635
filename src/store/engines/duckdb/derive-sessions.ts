// Sessions in SQL: the session rule of src/rules/session-boundary.ts (its data rendered here; its
// JavaScript reference is what the conformance test holds this to). The acquisition (source, medium,
// channel) of each session is decided in JavaScript by the channel rules (derive/channels) for each
// distinct landing, then joined back.
import {
  CAMPAIGN_CONTEXT_KEYS,
  CAMPAIGN_HIT_TYPES,
  CAMPAIGN_PARAMS,
} from '../../../rules/session-boundary.js';
import { sqlString } from './connection.js';

const list = (xs: readonly string[]) => xs.map(sqlString).join(', ');
const HIT_TYPES = list(CAMPAIGN_HIT_TYPES);

/**
 * The campaign a hit carries, as a number (NULL when none): the sum of the hashes of its campaign
 * `name=value` pairs (a multiset: order does not matter), URL pairs lower-cased. Only page views with a
 * query string or a campaign context are looked at, a small share of all hits.
 */
const campaignKey = `CASE WHEN type IN (${HIT_TYPES}) AND (contains(page_url, '?') OR campaign IS NOT NULL) THEN list_sum(list_transform(
    list_filter(string_split(lower(split_part(split_part(page_url, '#', 1), '?', 2)), '&'), p -> split_part(p, '=', 1) IN (${list(CAMPAIGN_PARAMS)}))
      || list_filter([${CAMPAIGN_CONTEXT_KEYS.map((k) => `'${k}=' || (campaign->>'$.${k}')`).join(', ')}], p -> p IS NOT NULL),
    p -> hash(p))) END`;

/**
 * Builds the temp table `derive_sessions` for a workspace (optionally only some anonymous ids, given
 * as the temp table `derive_scope(anonymous_id)`, read from `stage`, their staged events, when given).
 * Parameters: $ws, $gap (minutes).
 *
 * Only narrow columns go through the two window sorts (ids, time, the campaign hash); the landing's
 * wide fields are joined back afterwards, by row id, for the one or two events per session that need them.
 */
export function stageSessionsSql(
  scoped: boolean,
  clickIdParams: readonly string[],
  stage?: string,
): string {
  const src = stage ?? 'events';
  const rid = stage ? 'rid' : 'rowid';
  return `CREATE OR REPLACE TEMP TABLE derive_sessions AS
  WITH e AS (
    SELECT ${rid} AS rid, anonymous_id, message_id, ts, type IN (${HIT_TYPES}) AS is_page, ${campaignKey} AS ckey
    FROM ${src}
    WHERE workspace_id = $ws AND anonymous_id IS NOT NULL
      ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}
  ),
  w AS (
    SELECT *, row_number() OVER win AS rn, lag(ts) OVER win AS prev_ts,
      last_value(ckey IGNORE NULLS) OVER (win ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ckey
    FROM e WINDOW win AS (PARTITION BY anonymous_id ORDER BY ts, message_id)
  ),
  s AS (
    -- (ts > prev_ts + gap, not ts - prev_ts > gap: subtracting TIMESTAMPTZ is many times slower)
    SELECT *, sum(CASE WHEN prev_ts IS NULL OR ts > prev_ts + to_minutes(CAST($gap AS BIGINT))
                        OR (ckey IS NOT NULL AND ckey IS DISTINCT FROM prev_ckey) THEN 1 ELSE 0 END)
      OVER (PARTITION BY anonymous_id ORDER BY rn ROWS UNBOUNDED PRECEDING) AS session_no
    FROM w
  ),
  b AS (
    SELECT anonymous_id, session_no, arg_min(message_id, rn) AS first_message_id, arg_min(rid, rn) AS first_rid,
      -- the landing: the first page view (else the first event) of the session
      coalesce(arg_min(rid, rn) FILTER (WHERE is_page), arg_min(rid, rn)) AS landing_rid,
      min(ts) AS started_at, max(ts) AS ended_at,
      count(*) FILTER (WHERE is_page)::INTEGER AS page_views, count(*)::INTEGER AS event_count
    FROM s GROUP BY anonymous_id, session_no
  )
  SELECT b.anonymous_id, b.session_no, md5($ws || '|' || b.anonymous_id || '|' || b.first_message_id) AS session_id,
    b.first_message_id, b.started_at, b.ended_at, l.page_url AS landing_url, l.page_referrer AS referrer,
    ${landingKeySql('l.page_url', clickIdParams)} AS landing_key, l.campaign AS campaign_ctx, b.page_views, b.event_count, f.user_agent, f.country
  FROM b JOIN ${src} f ON f.${rid} = b.first_rid JOIN ${src} l ON l.${rid} = b.landing_rid`;
}

/**
 * A landing with its click ids' values blinded (`gclid=~`): every ad click carries a unique click id,
 * so landings are classified by this key (a few thousand instead of one per paid visit) and the real
 * values are read back from each session's own URL (clickIdsSql).
 */
export function landingKeySql(url: string, clickIdParams: readonly string[]): string {
  return clickIdParams.length === 0
    ? url
    : `CASE WHEN contains(${url}, '?') THEN regexp_replace(${url}, ${clickIdPattern(clickIdParams, '([?&](?:', ')=)[^&#]+')}, '\\1~', 'g') ELSE ${url} END`;
}

function clickIdPattern(params: readonly string[], before: string, after: string): string {
  for (const p of params)
    if (!/^[a-z0-9_]+$/.test(p)) throw new Error(`click id parameter names are [a-z0-9_]: ${p}`);
  return `'(?i)${before}${params.join('|')}${after}'`;
}

/**
 * A session's click ids as JSON, read from its own landing URL (the acquisition was classified on the
 * blinded one): each click id parameter (name in any case) with its first non-empty value, decoded as a
 * form value like URLSearchParams, in the order they appear. One constant pattern for every row.
 */
function clickIdsSql(landingUrl: string, clickIdParams: readonly string[]): string {
  if (clickIdParams.length === 0) return `'{}'::JSON`;
  const pairs = `list_filter(list_transform(
      regexp_extract_all(split_part(${landingUrl}, '#', 1), ${clickIdPattern(clickIdParams, '[?&]((?:', ')=[^&#]+)')}, 1),
      x -> {'k': lower(split_part(x, '=', 1)), 'v': trim(url_decode(replace(x[strpos(x, '=') + 1:], '+', ' ')))}), x -> x.v <> '')`;
  return `CASE WHEN NOT contains(${landingUrl}, '?') THEN '{}'::JSON ELSE (
    SELECT to_json(map_from_entries(list_filter(p, (x, i) -> list_position(list_transform(p, y -> y.k), x.k) = i)))
    FROM (SELECT ${pairs} AS p)) END`;
}

/** The distinct landings to classify (blinded url, referrer, campaign context as JSON text). */
export const DISTINCT_LANDINGS_SQL = `SELECT DISTINCT landing_key AS landing_url, referrer, campaign_ctx::VARCHAR AS campaign_ctx FROM derive_sessions`;

/** The current channel of the sessions about to be replaced (for the moves report). */
export function oldChannelsSql(scoped: boolean): string {
  return `CREATE OR REPLACE TEMP TABLE derive_old AS SELECT session_id, channel FROM sessions WHERE workspace_id = $ws
    ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}`;
}

/** Removes the sessions about to be replaced. */
export function clearSessionsSql(scoped: boolean): string {
  return `DELETE FROM sessions WHERE workspace_id = $ws ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}`;
}

/** The new sessions: staged boundaries joined to the acquisition of their (blinded) landing. */
export function insertSessionsSql(
  acquisitionsFile: string,
  clickIdParams: readonly string[],
): string {
  return `
    INSERT INTO sessions (workspace_id, session_id, anonymous_id, started_at, ended_at, landing_url, referrer,
      source, medium, campaign, term, content, campaign_id, click_ids, ad_ids,
      channel, platform, channel_rule, decided_by, page_views, event_count, user_agent, country, first_message_id)
    SELECT $ws, s.session_id, s.anonymous_id, s.started_at, s.ended_at, s.landing_url, s.referrer,
      a.source, a.medium, a.campaign, a.term, a.content, a.campaign_id, ${clickIdsSql('s.landing_url', clickIdParams)}, a.ad_ids,
      a.channel, a.platform, a.channel_rule, a.decided_by, s.page_views, s.event_count, s.user_agent, s.country, s.first_message_id
    FROM derive_sessions s
    JOIN read_ndjson(${acquisitionsFile}, columns={landing_url: 'VARCHAR', referrer: 'VARCHAR', campaign_ctx: 'VARCHAR',
      source: 'VARCHAR', medium: 'VARCHAR', campaign: 'VARCHAR', term: 'VARCHAR', content: 'VARCHAR', campaign_id: 'VARCHAR',
      ad_ids: 'JSON', channel: 'VARCHAR', platform: 'VARCHAR', channel_rule: 'VARCHAR', decided_by: 'VARCHAR'}) a
      ON a.landing_url IS NOT DISTINCT FROM s.landing_key AND a.referrer IS NOT DISTINCT FROM s.referrer
        AND a.campaign_ctx IS NOT DISTINCT FROM s.campaign_ctx::VARCHAR`;
}

/** Sessions per (old channel, new channel), matched by session id (NULL: a session that is new or gone). */
export function channelMovesSql(scoped: boolean): string {
  return `
    SELECT o.channel AS from_channel, n.channel AS to_channel, count(*) AS sessions
    FROM derive_old o
    FULL OUTER JOIN (SELECT session_id, channel FROM sessions WHERE workspace_id = $ws
            ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}) n USING (session_id)
    GROUP BY ALL ORDER BY ALL`;
}
