// The sessions derive, written once for every engine: the session rule of src/rules/session-boundary.ts
// (its data rendered here; its JavaScript reference is what the property test holds each engine to).
// The acquisition (source, medium, channel) of each session is decided in JavaScript by the channel
// rules (derive/channels) for each distinct landing, then joined back.
//
// The engine supplies the tables (its events or a derive's staged events, its scratch tables) and the
// column that names an event row. Only narrow columns go through the window sorts; the wide fields of
// the one or two events per session that need them (its first event, its landing) are fetched again by
// that row reference afterwards, which is the cheapest form on both engines (carrying them through the
// windows costs DuckDB 1.4x and ClickHouse 2x the CPU).
import type { Acquisition, Landing } from '../../areas/sessions.js';
import {
  CAMPAIGN_CONTEXT_KEYS,
  CAMPAIGN_HIT_TYPES,
  CAMPAIGN_PARAMS,
} from '../../../rules/session-boundary.js';
import { fn, ident, join, p, raw, sql, type Piece, type Sql } from './sql.js';
import { landingKeySql, withClickIdsSql } from './url-params.js';

export interface SessionSource {
  /** The events to read: the events table, or a derive's staged events (the same columns). */
  events: Piece;
  /**
   * A column naming one row of `events` within the workspace: DuckDB's `rowid` (or its stage's `rid`),
   * ClickHouse's `message_id` (unique per workspace by its de-duplicating insert; it has no row ids).
   */
  rowId: string;
  /** A table of the anonymous ids in scope (column `anonymous_id`); absent: the whole workspace. */
  scope?: Piece;
}

const isPage = fn.inTexts('type', CAMPAIGN_HIT_TYPES);

/**
 * The campaign a hit carries, as a number (NULL when none): the sum of the hashes of its campaign
 * `name=value` pairs (a multiset: order does not matter), URL pairs lower-cased. Only page views with a
 * query string or a campaign context are looked at, a small share of all hits.
 */
function campaignKey(): Sql {
  const query = fn.lower(fn.splitPart(fn.splitPart(sql`coalesce(page_url, '')`, '#', 1), '?', 2));
  const urlPairs = fn.listFilter(
    fn.split(query, '&'),
    'p',
    fn.inTexts(fn.splitPart('p', '=', 1), CAMPAIGN_PARAMS),
  );
  const contextPairs = fn.listFilter(
    sql`[${join(
      CAMPAIGN_CONTEXT_KEYS.map((k) => sql`${fn.lit(`${k}=`)} || ${fn.jsonText('campaign', k)}`),
      ', ',
    )}]`,
    'p',
    'p IS NOT NULL',
  );
  return sql`CASE WHEN ${isPage} AND (${fn.contains('page_url', '?')} OR campaign IS NOT NULL)
    THEN ${fn.textHashSum(fn.listConcat(urlPairs, contextPairs))} END`;
}

/**
 * The rows of the sessions scratch table for a workspace (optionally only the anonymous ids in scope):
 * anonymous_id, session_no, session_id, first_message_id, started_at, ended_at, landing_url, referrer,
 * landing_key, campaign_ctx, page_views, event_count, user_agent, country.
 */
export function stageSessionsSql(
  workspaceId: string,
  inactivityMinutes: number,
  clickIdParams: readonly string[],
  src: SessionSource,
): Sql {
  const ws = p.text(workspaceId);
  const rid = ident(src.rowId);
  const inScope = src.scope
    ? sql`AND anonymous_id IN (SELECT anonymous_id FROM ${src.scope})`
    : sql``;
  // the wide fields of the events a session needs (its first event and its landing), by row
  const rows = sql`(SELECT ${rid} AS rid, user_agent, country, page_url, page_referrer, campaign
    FROM ${src.events} WHERE workspace_id = ${ws} ${inScope})`;
  return sql`WITH e AS (
    SELECT ${rid} AS rid, anonymous_id, message_id, ts, ${isPage} AS is_page, ${campaignKey()} AS ckey
    FROM ${src.events}
    WHERE workspace_id = ${ws} AND anonymous_id IS NOT NULL ${inScope}
  ),
  w AS (
    SELECT *, row_number() OVER win AS rn, lag(ts) OVER win AS prev_ts,
      ${fn.lastValueIgnoreNulls('ckey')} OVER (PARTITION BY anonymous_id ORDER BY ts, message_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ckey
    FROM e WINDOW win AS (PARTITION BY anonymous_id ORDER BY ts, message_id)
  ),
  s AS (
    -- (ts > prev_ts + gap, not ts - prev_ts > gap: subtracting times is many times slower in DuckDB)
    SELECT *, sum(CASE WHEN rn = 1 OR ts > ${fn.addMinutes('prev_ts', p.int(inactivityMinutes))}
                        OR (ckey IS NOT NULL AND ckey IS DISTINCT FROM prev_ckey) THEN 1 ELSE 0 END)
      OVER (PARTITION BY anonymous_id ORDER BY rn ROWS UNBOUNDED PRECEDING) AS session_no
    FROM w
  ),
  b AS (
    SELECT anonymous_id, session_no, ${fn.argMin('message_id', 'rn')} AS first_message_id,
      ${fn.argMin('rid', 'rn')} AS first_rid,
      -- the landing: the first page view (else the first event) of the session
      CASE WHEN ${fn.countIf('is_page')} > 0 THEN ${fn.argMinIf('rid', 'rn', 'is_page')}
        ELSE ${fn.argMin('rid', 'rn')} END AS landing_rid,
      min(ts) AS started_at, max(ts) AS ended_at,
      CAST(${fn.countIf('is_page')} AS INTEGER) AS page_views, CAST(${fn.countAll()} AS INTEGER) AS event_count
    FROM s GROUP BY anonymous_id, session_no
  )
  SELECT b.anonymous_id AS anonymous_id, b.session_no AS session_no,
    ${fn.md5Hex(sql`${ws} || '|' || b.anonymous_id || '|' || b.first_message_id`)} AS session_id,
    b.first_message_id AS first_message_id, b.started_at AS started_at, b.ended_at AS ended_at,
    l.page_url AS landing_url, l.page_referrer AS referrer,
    ${landingKeySql('l.page_url', clickIdParams)} AS landing_key, l.campaign AS campaign_ctx,
    b.page_views AS page_views, b.event_count AS event_count, f.user_agent AS user_agent, f.country AS country
  FROM b JOIN ${rows} f ON f.rid = b.first_rid JOIN ${rows} l ON l.rid = b.landing_rid`;
}

/** The distinct landings to classify (blinded url, referrer, campaign context as JSON text). */
export function distinctLandingsSql(staged: Piece): Sql {
  return sql`SELECT DISTINCT landing_key AS landing_url, referrer, ${fn.jsonAsText('campaign_ctx')} AS campaign_ctx FROM ${staged}`;
}

/** A row of distinctLandingsSql as a Landing. */
export function toLanding(r: Record<string, unknown>): Landing {
  return {
    landingUrl: (r.landing_url as string | null) ?? null,
    referrer: (r.referrer as string | null) ?? null,
    campaignContext: (r.campaign_ctx as string | null) ?? null,
  };
}

/**
 * Rows handed to an engine (an engine operation: DuckDB reads them from a file through its bulk reader,
 * ClickHouse inserts them into a scratch table): each column's kind, `json` for an object.
 */
export type RowColumns = Readonly<Record<string, 'text' | 'json'>>;

/** The columns of the acquisitions going back into the engine. */
export const ACQUISITION_COLUMNS = {
  landing_url: 'text',
  referrer: 'text',
  campaign_ctx: 'text',
  source: 'text',
  medium: 'text',
  campaign: 'text',
  term: 'text',
  content: 'text',
  campaign_id: 'text',
  ad_ids: 'json',
  channel: 'text',
  platform: 'text',
  channel_rule: 'text',
  decided_by: 'text',
} as const satisfies RowColumns;
export type AcquisitionRow = Record<keyof typeof ACQUISITION_COLUMNS, unknown>;

/**
 * Each landing with its acquisition, as rows for the engine. Not the click ids: they were classified
 * blinded, and each session's are read from its own URL (withClickIds).
 */
export function acquisitionRows(
  landings: readonly Landing[],
  acquisitions: readonly Acquisition[],
): AcquisitionRow[] {
  if (acquisitions.length !== landings.length)
    throw new Error(`${acquisitions.length} acquisitions for ${landings.length} landings`);
  return acquisitions.map((a, i) => {
    const l = landings[i]!;
    return {
      landing_url: l.landingUrl,
      referrer: l.referrer,
      campaign_ctx: l.campaignContext,
      source: a.source,
      medium: a.medium,
      campaign: a.campaign,
      term: a.term,
      content: a.content,
      campaign_id: a.campaignId,
      ad_ids: a.adIds,
      channel: a.channel,
      platform: a.platform,
      channel_rule: a.channelRule,
      decided_by: a.decidedBy,
    };
  });
}

/** The current channel of the sessions about to be replaced (for the moves report). */
export function oldChannelsSql(workspaceId: string, scope?: Piece): Sql {
  return sql`SELECT session_id, channel FROM ${fn.table('sessions')} WHERE workspace_id = ${p.text(workspaceId)}
    ${scope ? sql`AND anonymous_id IN (SELECT anonymous_id FROM ${scope})` : sql``}`;
}

const SESSION_COLUMNS = `workspace_id, session_id, anonymous_id, started_at, ended_at, landing_url, referrer,
      source, medium, campaign, term, content, campaign_id, click_ids, ad_ids,
      channel, platform, channel_rule, decided_by, page_views, event_count, user_agent, country, first_message_id`;

/** The new sessions into `target`: staged boundaries joined to the acquisition of their (blinded) landing. */
export function insertSessionsSql(
  workspaceId: string,
  target: Piece,
  staged: Piece,
  acquisitions: Piece,
  clickIdParams: readonly string[],
): Sql {
  return sql`INSERT INTO ${target} (${raw(SESSION_COLUMNS)})
    SELECT ${p.text(workspaceId)}, s.session_id, s.anonymous_id, s.started_at, s.ended_at, s.landing_url, s.referrer,
      a.source, a.medium, a.campaign, a.term, a.content, a.campaign_id, s.click_ids, a.ad_ids,
      a.channel, a.platform, a.channel_rule, a.decided_by, s.page_views, s.event_count, s.user_agent, s.country, s.first_message_id
    FROM ${withClickIdsSql(staged, clickIdParams)} s
    JOIN ${acquisitions} a
      ON a.landing_url IS NOT DISTINCT FROM s.landing_key AND a.referrer IS NOT DISTINCT FROM s.referrer
        AND a.campaign_ctx IS NOT DISTINCT FROM ${fn.jsonAsText('s.campaign_ctx')}`;
}

/** Sessions per (old channel, new channel), matched by session id (NULL: a session that is new or gone). */
export function channelMovesSql(workspaceId: string, old: Piece, scope?: Piece): Sql {
  return sql`SELECT o.channel AS from_channel, n.channel AS to_channel, ${fn.countAll()} AS sessions
    FROM ${old} o
    FULL OUTER JOIN (${oldChannelsSql(workspaceId, scope)}) n USING (session_id)
    GROUP BY ALL ORDER BY ALL`;
}

/** How many sessions a scratch table holds. */
export function countSql(table: Piece): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${table}`;
}
