// Ad spend matched to the sessions it bought, written once for every engine (docs/costs.md, "Spend
// matched to sessions"). A paid session of an ad platform is matched to one of that platform's campaigns
// with spend in the range: by the campaign id its URL carried (utm_id, or a ValueTrack-style campaign id
// parameter), else by its utm_campaign compared as rules/campaign-name-key.ts spells names (any name the
// campaign had in the range, so a renamed campaign still matches). The conversions credited to the
// sessions come from the stored credits of one model and milestone.
import type { AdPlatform } from '../../areas/ad-costs.js';
import type {
  ClickIdsByPlatform,
  CostGroup,
  CostsQuery,
  CostsRow,
  MatchQuery,
  TaggingFacts,
} from '../../areas/costs.js';
import { ENCODED_SPACE, SEPARATORS } from '../../../rules/campaign-name-key.js';
import { effectiveAdCostsSql, rateKey, ratesSql } from './ad-costs-queries.js';
import { fn, join, p, raw, sql, type Piece, type Sql } from './sql.js';

/** A campaign name as its key (rules/campaign-name-key.ts): lower case, separators one space, no end spaces. */
export function campaignNameKeySql(e: Piece | string): Sql {
  const spaced = fn.regexpReplaceAll(
    fn.regexpReplaceAll(fn.lower(e), ENCODED_SPACE, ' '),
    SEPARATORS,
    ' ',
  );
  return sql`${fn.regexpReplaceAll(spaced, '^ | $', '')}`;
}

const nextDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

/** The ad platform of a session, from the platform the channel rules gave it (NULL: none). */
function adPlatformSql(q: MatchQuery): Sql {
  const whens = (Object.entries(q.platforms) as [AdPlatform, readonly string[]][]).flatMap(
    ([ad, names]) => names.map((n) => sql`WHEN ${p.text(n)} THEN ${p.text(ad)}`),
  );
  return sql`CASE s.platform ${join(whens, ' ')} ELSE NULL END`;
}

const GROUP = {
  platform: 'platform',
  campaign: 'campaign',
  date: 'day',
} as const satisfies Record<CostGroup, string>;

/**
 * The spend in effect (costs, rates, spend, ids, names), the paid sessions of the range (sess), and each
 * matched session's campaign and rule (matched): the CTEs every spend-and-sessions read starts from.
 */
function matchCtes(ws: string, q: MatchQuery): Sql {
  const w = p.text(ws);
  return sql`  costs AS (${effectiveAdCostsSql(ws, q.from, q.to)}),
  rates AS (${ratesSql(ws, q.from, q.to, q.currency)}),
  spend AS (
    SELECT c.platform AS platform, c.campaign_id AS campaign, CAST(c.cost_date AS VARCHAR) AS day,
      c.campaign_name AS campaign_name, c.impressions AS impressions, c.clicks AS clicks,
      c.cost_micros * x.rate / 1000000.0 AS cost, CASE WHEN x.rate IS NULL THEN 1 ELSE 0 END AS unrated
    FROM costs c LEFT JOIN rates x ON x.key = ${rateKey('c')}),
  ids AS (SELECT DISTINCT platform, campaign_id AS campaign FROM costs),
  names AS (SELECT DISTINCT platform, campaign_id AS campaign, ${campaignNameKeySql('campaign_name')} AS name_key
    FROM costs),
  sess AS (
    SELECT s.session_id AS session_id, CAST(${fn.utcDay('s.started_at')} AS VARCHAR) AS day,
      ${adPlatformSql(q)} AS platform, s.campaign_id AS campaign_id, s.campaign AS raw_campaign,
      s.click_ids AS click_ids, s.landing_url AS landing_url,
      ${campaignNameKeySql(sql`coalesce(s.campaign, '')`)} AS name_key
    FROM ${fn.table('sessions')} s
    WHERE s.workspace_id = ${w} AND s.started_at >= ${p.time(`${q.from}T00:00:00.000Z`)}
      AND s.started_at < ${p.time(nextDay(q.to))}
      AND (${fn.inTexts('s.channel', q.paidChannels)} OR s.campaign_id IS NOT NULL)),
  by_id AS (
    SELECT s.session_id AS session_id, i.campaign AS campaign
    FROM sess s JOIN ids i ON i.platform = s.platform AND i.campaign = s.campaign_id),
  by_name AS (
    SELECT s.session_id AS session_id, min(n.campaign) AS campaign
    FROM sess s JOIN names n ON n.platform = s.platform AND n.name_key = s.name_key
    WHERE s.name_key <> '' AND s.session_id NOT IN (SELECT session_id FROM by_id)
    GROUP BY s.session_id),
  matched AS (
    SELECT session_id, campaign, 'campaign_id' AS rule FROM by_id
    UNION ALL SELECT session_id, campaign, 'campaign_name' AS rule FROM by_name)`;
}

export function costsReportSql(ws: string, q: CostsQuery): Sql {
  const w = p.text(ws);
  const groups = (side: string) =>
    q.groupBy.map((g) => sql`${raw(`${side}.${GROUP[g]}`)} AS ${raw(`g_${g}`)}`);
  const by = q.groupBy.map((g) => sql`${raw(GROUP[g])}`);
  const groupBy = by.length ? sql`GROUP BY ${join(by, ', ')}` : sql``;
  const select = (side: string) => (by.length ? sql`${join(groups(side), ', ')}, ` : sql``);
  const on = q.groupBy.map((g) => sql`${raw(`a.g_${g}`)} = ${raw(`b.g_${g}`)}`);
  const joined = on.length ? sql`FULL OUTER JOIN b ON ${join(on, ' AND ')}` : sql`CROSS JOIN b`;
  const out = q.groupBy.map(
    (g) => sql`coalesce(${raw(`a.g_${g}`)}, ${raw(`b.g_${g}`)}) AS ${raw(`g_${g}`)}`,
  );
  const name = q.groupBy.includes('campaign')
    ? sql`, ${fn.argMax('campaign_name', 'day')} AS campaign_name`
    : sql``;
  return sql`WITH ${matchCtes(ws, q)},
  credited AS (
    SELECT touch_id, sum(conversions) AS conversions, sum(value) AS value
    FROM ${fn.table('attribution_credits')}
    WHERE workspace_id = ${w} AND model = ${p.text(q.model)} AND milestone = ${p.text(q.milestone)}
      AND touch_id IS NOT NULL
    GROUP BY touch_id),
  traffic AS (
    SELECT s.platform AS platform, coalesce(m.campaign, '') AS campaign, s.day AS day,
      coalesce(m.rule, '') AS rule, coalesce(k.conversions, 0) AS conversions, coalesce(k.value, 0) AS value
    FROM sess s LEFT JOIN matched m ON m.session_id = s.session_id
      LEFT JOIN credited k ON k.touch_id = s.session_id
    WHERE s.platform IS NOT NULL),
  a AS (
    SELECT ${select('spend')}sum(impressions) AS impressions, sum(clicks) AS clicks, sum(cost) AS cost,
      sum(unrated) AS unrated${name}
    FROM spend ${groupBy}),
  b AS (
    SELECT ${select('traffic')}${fn.countAll()} AS sessions,
      ${fn.countIf("rule = 'campaign_id'")} AS by_id, ${fn.countIf("rule = 'campaign_name'")} AS by_name,
      sum(conversions) AS conversions, sum(value) AS value
    FROM traffic ${groupBy})
  SELECT ${out.length ? sql`${join(out, ', ')}, ` : sql``}
    coalesce(a.impressions, 0) AS impressions, coalesce(a.clicks, 0) AS clicks,
    CASE WHEN coalesce(a.unrated, 0) > 0 THEN NULL ELSE coalesce(a.cost, 0) END AS cost,
    ${q.groupBy.includes('campaign') ? sql`a.campaign_name AS campaign_name,` : sql``}
    coalesce(b.sessions, 0) AS sessions, coalesce(b.by_id, 0) AS by_id, coalesce(b.by_name, 0) AS by_name,
    coalesce(b.conversions, 0) AS conversions, coalesce(b.value, 0) AS value
  FROM a ${joined}
  ${
    out.length
      ? sql`ORDER BY ${join(
          q.groupBy.map((g) => sql`${raw(`g_${g}`)}`),
          ', ',
        )}`
      : sql``
  }`;
}

const textOrNull = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v);

export const toCostsRow =
  (groupBy: readonly CostGroup[]) =>
  (r: Record<string, unknown>): CostsRow => ({
    ...(groupBy.includes('platform') ? { platform: String(r.g_platform) as AdPlatform } : {}),
    ...(groupBy.includes('campaign')
      ? { campaign: textOrNull(r.g_campaign), campaignName: textOrNull(r.campaign_name) }
      : {}),
    ...(groupBy.includes('date') ? { date: String(r.g_date) } : {}),
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
    cost: r.cost === null || r.cost === undefined ? null : Number(r.cost),
    sessions: Number(r.sessions),
    matchedBy: { campaign_id: Number(r.by_id), campaign_name: Number(r.by_name) },
    conversions: Number(r.conversions),
    value: Number(r.value),
  });

/** Paid sessions matched to no spend, by platform and the utm_campaign they carried, most first. */
export function unmatchedCampaignsSql(ws: string, q: MatchQuery, limit = 50): Sql {
  return sql`WITH ${matchCtes(ws, q)}
  SELECT s.platform AS platform, s.raw_campaign AS campaign, ${fn.countAll()} AS sessions
  FROM sess s LEFT JOIN matched m ON m.session_id = s.session_id
  WHERE s.platform IS NOT NULL AND m.session_id IS NULL
  GROUP BY s.platform, s.raw_campaign
  ORDER BY sessions DESC, platform, campaign LIMIT ${p.int(limit)}`;
}

/** Paid sessions per platform and how many carried one of its click ids (auto-tagging's mark). */
export function clickIdShareSql(ws: string, q: MatchQuery, click: ClickIdsByPlatform): Sql {
  const has = (Object.entries(click) as [AdPlatform, readonly string[]][]).map(
    ([ad, keys]) =>
      sql`WHEN ${p.text(ad)} THEN ${join(
        keys.map((k) => sql`${fn.jsonText('click_ids', k)} IS NOT NULL`),
        ' OR ',
      )}`,
  );
  return sql`WITH ${matchCtes(ws, q)}
  SELECT platform, ${fn.countAll()} AS sessions,
    ${fn.countIf(sql`CASE platform ${join(has, ' ')} ELSE false END`)} AS with_click_id
  FROM sess WHERE platform IS NOT NULL
  GROUP BY platform ORDER BY platform`;
}

/** Paid sessions with neither a utm_campaign nor a campaign id, by platform and landing page. */
export function untaggedLandingsSql(ws: string, q: MatchQuery, limit = 50): Sql {
  const page = fn.splitPart(fn.splitPart(sql`coalesce(landing_url, '')`, '#', 1), '?', 1);
  return sql`WITH ${matchCtes(ws, q)}
  SELECT platform, ${page} AS landing_page, ${fn.countAll()} AS sessions
  FROM sess
  WHERE platform IS NOT NULL AND (raw_campaign IS NULL OR raw_campaign = '') AND campaign_id IS NULL
  GROUP BY platform, ${page}
  ORDER BY sessions DESC, platform, landing_page LIMIT ${p.int(limit)}`;
}

export const toTaggingFacts = (
  unmatched: Record<string, unknown>[],
  clickIds: Record<string, unknown>[],
  untagged: Record<string, unknown>[],
): TaggingFacts => ({
  unmatched: unmatched.map((r) => ({
    platform: String(r.platform) as AdPlatform,
    campaign: textOrNull(r.campaign),
    sessions: Number(r.sessions),
  })),
  clickIds: clickIds.map((r) => ({
    platform: String(r.platform) as AdPlatform,
    sessions: Number(r.sessions),
    withClickId: Number(r.with_click_id),
  })),
  untagged: untagged.map((r) => ({
    platform: String(r.platform) as AdPlatform,
    landingPage: String(r.landing_page),
    sessions: Number(r.sessions),
  })),
});
