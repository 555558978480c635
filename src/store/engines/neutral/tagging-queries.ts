// The tagging-health checks' reads, written once for every engine (docs/costs.md, "Tagging health"):
// each starts from the costs matching's CTEs (costs-queries.ts matchCtes) and reads what the checks
// judge: unmatched paid sessions by campaign and day, utm_id disagreements, click-id shares, untagged
// landing pages.
import type { AdPlatform } from '../../areas/ad-costs.js';
import type { ClickIdsByPlatform, MatchQuery, TaggingFacts } from '../../areas/costs.js';
import { ALL_FOUND, type Found } from './cost-match-found.js';
import { matchCtes, textOrNull } from './costs-queries.js';
import { fn, join, p, sql, type Sql } from './sql.js';

/**
 * Paid sessions matched to no spend, by platform, the utm_campaign they carried and day, for the
 * `limit` campaigns with most sessions: the tagging checks group them by campaign and compare their
 * days with a campaign's days of spend without sessions. `found`: costs-queries.ts Found.
 */
export function unmatchedCampaignsSql(
  ws: string,
  q: MatchQuery,
  found: Found = ALL_FOUND,
  limit = 50,
): Sql {
  return sql`WITH ${matchCtes(ws, q, { ...found, place: false })}
  SELECT platform, campaign, day, sessions FROM (
    SELECT *, dense_rank() OVER (ORDER BY total DESC, platform, campaign) AS rnk FROM (
      SELECT *, sum(sessions) OVER (PARTITION BY platform, campaign) AS total FROM (
        SELECT s.platform AS platform, coalesce(s.raw_campaign, '') AS campaign, s.day AS day,
          ${fn.countAll()} AS sessions
        FROM sess s LEFT JOIN matched m ON m.session_id = s.session_id
        WHERE s.platform IS NOT NULL AND m.session_id IS NULL
        GROUP BY s.platform, coalesce(s.raw_campaign, ''), s.day) d) t) r
  WHERE rnk <= ${p.int(limit)}
  ORDER BY rnk, day`;
}

/**
 * Paid sessions whose utm_id names one campaign of their platform with spend (carried) while their
 * ValueTrack campaign id, or their utm_campaign (a name no name of the carried campaign has), names
 * another (named), by platform, both campaigns and day: a campaign copied with another's utm_id.
 */
export function idMismatchSql(ws: string, q: MatchQuery, limit = 2000): Sql {
  return sql`WITH ${matchCtes(ws, q)},
  mism AS (
    SELECT s.session_id AS session_id, s.platform AS platform, s.day AS day, s.campaign_id AS carried,
      v.campaign AS named
    FROM sess s JOIN ids i ON i.platform = s.platform AND i.campaign = s.campaign_id
      JOIN ids v ON v.platform = s.platform AND v.campaign = s.vt_campaign
    WHERE v.campaign <> s.campaign_id
    UNION ALL
    SELECT s.session_id, s.platform, s.day, s.campaign_id, n.campaign
    FROM sess s JOIN ids i ON i.platform = s.platform AND i.campaign = s.campaign_id
      JOIN names n ON n.platform = s.platform AND n.name_key = s.name_key
      LEFT JOIN names o ON o.platform = s.platform AND o.campaign = s.campaign_id
        AND o.name_key = s.name_key
    WHERE s.name_key <> '' AND n.campaign <> s.campaign_id AND o.campaign IS NULL)
  SELECT platform, carried, named, day, ${fn.countDistinct('session_id')} AS sessions
  FROM mism GROUP BY platform, carried, named, day
  ORDER BY platform, named, carried, day LIMIT ${p.int(limit)}`;
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
  FROM sess WHERE platform IS NOT NULL AND paid = 1
  GROUP BY platform ORDER BY platform`;
}

/** Paid sessions with neither a utm_campaign nor a campaign id, by platform and landing page. */
export function untaggedLandingsSql(ws: string, q: MatchQuery, limit = 50): Sql {
  const page = fn.splitPart(fn.splitPart(sql`coalesce(landing_url, '')`, '#', 1), '?', 1);
  return sql`WITH ${matchCtes(ws, q)}
  SELECT platform, ${page} AS landing_page, ${fn.countAll()} AS sessions
  FROM sess
  WHERE platform IS NOT NULL AND paid = 1 AND (raw_campaign IS NULL OR raw_campaign = '')
    AND campaign_id IS NULL
  GROUP BY platform, ${page}
  ORDER BY sessions DESC, platform, landing_page LIMIT ${p.int(limit)}`;
}

export const toTaggingFacts = (
  unmatched: Record<string, unknown>[],
  clickIds: Record<string, unknown>[],
  untagged: Record<string, unknown>[],
  mismatched: Record<string, unknown>[],
): TaggingFacts => {
  const byCampaign = new Map<string, TaggingFacts['unmatched'][number]>();
  for (const r of unmatched) {
    const platform = String(r.platform) as AdPlatform;
    const campaign = textOrNull(r.campaign);
    const k = `${platform}\u0000${campaign ?? ''}`;
    const u = byCampaign.get(k) ?? { platform, campaign, sessions: 0, days: [] };
    u.sessions += Number(r.sessions);
    u.days.push(String(r.day));
    byCampaign.set(k, u);
  }
  return {
    // in the query's order: most sessions first
    unmatched: [...byCampaign.values()],
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
    mismatched: mismatched.map((r) => ({
      platform: String(r.platform) as AdPlatform,
      carried: String(r.carried),
      named: String(r.named),
      day: String(r.day),
      sessions: Number(r.sessions),
    })),
  };
};
