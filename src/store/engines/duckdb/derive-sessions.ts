// Sessions in SQL: per anonymous id, a new session after `inactivityMinutes` without events, or when a
// visit arrives with a campaign (UTMs or a click id) other than the last one seen. Sessions do not
// split at midnight. The acquisition (source, medium, channel) of each session is decided in
// JavaScript by the channel rules (model/channels) for each distinct landing, then joined back.

/** URL parameters whose change starts a new session (a new campaign or a new ad click). */
export const CAMPAIGN_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id',
  'gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'li_fat_id', 'ttclid', 'twclid'];

const campaignKey = `nullif(concat_ws('|',
    array_to_string(list_sort(regexp_extract_all(lower(context->>'$.page.url'), '[?&](${CAMPAIGN_PARAMS.join('|')})=[^&#]*')), '&'),
    context->>'$.campaign.source', context->>'$.campaign.medium', context->>'$.campaign.name'), '')`;

/**
 * Builds the temp table `derive_sessions` for a workspace (optionally only some anonymous ids, given
 * as the temp table `derive_scope(anonymous_id)`). Parameters: $ws, $gap (minutes).
 */
export function stageSessionsSql(scoped: boolean): string {
  return `CREATE OR REPLACE TEMP TABLE derive_sessions AS
  WITH e AS (
    SELECT anonymous_id, message_id, ts, type, context,
      context->>'$.page.url' AS url, context->>'$.page.referrer' AS referrer,
      CASE WHEN type IN ('page', 'screen') THEN ${campaignKey} END AS ckey
    FROM events ev
    WHERE workspace_id = $ws AND anonymous_id IS NOT NULL
      ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}
  ),
  w AS (
    SELECT *,
      lag(ts) OVER (PARTITION BY anonymous_id ORDER BY ts, message_id) AS prev_ts,
      last_value(ckey IGNORE NULLS) OVER (PARTITION BY anonymous_id ORDER BY ts, message_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ckey
    FROM e
  ),
  f AS (
    SELECT *, CASE WHEN prev_ts IS NULL OR ts - prev_ts > to_minutes(CAST($gap AS BIGINT))
                     OR (ckey IS NOT NULL AND ckey IS DISTINCT FROM prev_ckey) THEN 1 ELSE 0 END AS starts
    FROM w
  ),
  s AS (
    SELECT *, sum(starts) OVER (PARTITION BY anonymous_id ORDER BY ts, message_id ROWS UNBOUNDED PRECEDING) AS session_no
    FROM f
  )
  SELECT anonymous_id, session_no,
    md5($ws || '|' || anonymous_id || '|' || arg_min(message_id, (ts, message_id))) AS session_id,
    arg_min(message_id, (ts, message_id)) AS first_message_id,
    min(ts) AS started_at, max(ts) AS ended_at,
    -- the landing: the first page view (else the first event) of the session
    coalesce(arg_min(url, (ts, message_id)) FILTER (WHERE type IN ('page', 'screen')), arg_min(url, (ts, message_id))) AS landing_url,
    coalesce(arg_min(referrer, (ts, message_id)) FILTER (WHERE type IN ('page', 'screen')), arg_min(referrer, (ts, message_id))) AS referrer,
    coalesce(arg_min(context->'$.campaign', (ts, message_id)) FILTER (WHERE type IN ('page', 'screen')), arg_min(context->'$.campaign', (ts, message_id))) AS campaign_ctx,
    count(*) FILTER (WHERE type IN ('page', 'screen'))::INTEGER AS page_views,
    count(*)::INTEGER AS event_count,
    arg_min(context->>'$.userAgent', (ts, message_id)) AS user_agent,
    arg_min(context->>'$.location.country', (ts, message_id)) AS country
  FROM s GROUP BY anonymous_id, session_no`;
}

/** The distinct landings to classify (url, referrer, campaign context as JSON text). */
export const DISTINCT_LANDINGS_SQL = `SELECT DISTINCT landing_url, referrer, campaign_ctx::VARCHAR AS campaign_ctx FROM derive_sessions`;

/** Removes the sessions about to be replaced. */
export function clearSessionsSql(scoped: boolean): string {
  return `DELETE FROM sessions WHERE workspace_id = $ws ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}`;
}

/** The new sessions: staged boundaries joined to their acquisition (temp table `derive_new`). */
export function newSessionsSql(acquisitionsFile: string): string {
  return `
    CREATE OR REPLACE TEMP TABLE derive_new AS
    SELECT $ws AS workspace_id, s.session_id, s.anonymous_id, s.started_at, s.ended_at, s.landing_url, s.referrer,
      a.source, a.medium, a.campaign, a.term, a.content, a.campaign_id, a.click_ids, a.ad_ids,
      a.channel, a.platform, a.channel_rule, a.decided_by, s.page_views, s.event_count, s.user_agent, s.country, s.first_message_id
    FROM derive_sessions s
    JOIN read_ndjson(${acquisitionsFile}, columns={landing_url: 'VARCHAR', referrer: 'VARCHAR', campaign_ctx: 'VARCHAR',
      source: 'VARCHAR', medium: 'VARCHAR', campaign: 'VARCHAR', term: 'VARCHAR', content: 'VARCHAR', campaign_id: 'VARCHAR',
      click_ids: 'JSON', ad_ids: 'JSON', channel: 'VARCHAR', platform: 'VARCHAR', channel_rule: 'VARCHAR', decided_by: 'VARCHAR'}) a
      ON a.landing_url IS NOT DISTINCT FROM s.landing_url AND a.referrer IS NOT DISTINCT FROM s.referrer
        AND a.campaign_ctx IS NOT DISTINCT FROM s.campaign_ctx::VARCHAR`;
}

/** Sessions per (old channel, new channel), matched by session id (NULL: a session that is new or gone). */
export function channelMovesSql(scoped: boolean): string {
  return `
    SELECT o.channel AS from_channel, n.channel AS to_channel, count(*) AS sessions
    FROM (SELECT session_id, channel FROM sessions WHERE workspace_id = $ws
            ${scoped ? 'AND anonymous_id IN (SELECT anonymous_id FROM derive_scope)' : ''}) o
    FULL OUTER JOIN derive_new n USING (session_id)
    GROUP BY ALL ORDER BY ALL`;
}

export const INSERT_NEW_SESSIONS_SQL = 'INSERT INTO sessions SELECT * FROM derive_new';
