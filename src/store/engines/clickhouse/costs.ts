// Spend matched to sessions on ClickHouse: the neutral query (neutral/costs-queries.ts).
import type { AdPlatform } from '../../areas/ad-costs.js';
import {
  adClickProblem,
  type AdClickRow,
  type ClickIdsByPlatform,
  type CostMatchStep,
  type CostsQuery,
  type CostsRow,
  type MatchQuery,
  type TaggingFacts,
} from '../../areas/costs.js';
import {
  costsReportSql,
  explainMatchSql,
  toMatchStep,
  creditedMilestonesSql,
  toCostsRow,
} from '../neutral/costs-queries.js';
import { foundSql, toFound, type Found } from '../neutral/cost-match-found.js';
import {
  clickIdShareSql,
  idMismatchSql,
  toTaggingFacts,
  unmatchedCampaignsSql,
  untaggedLandingsSql,
} from '../neutral/tagging-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/** What the range holds that the matching reads (costs-queries.ts Found). */
async function foundIn(s: ChStore, ws: string, q: MatchQuery): Promise<Found> {
  return toFound(await queryNeutral(s.conn, s.database, foundSql(ws, q)));
}

export async function costsReport(s: ChStore, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (
    await queryNeutral(s.conn, s.database, costsReportSql(ws, q, await foundIn(s, ws, q)))
  ).map(toCostsRow(q));
}

export async function taggingFacts(
  s: ChStore,
  ws: string,
  q: MatchQuery & { click: ClickIdsByPlatform },
): Promise<TaggingFacts> {
  const read = (sql: Parameters<typeof queryNeutral>[2]) => queryNeutral(s.conn, s.database, sql);
  return toTaggingFacts(
    await read(unmatchedCampaignsSql(ws, q, await foundIn(s, ws, q))),
    await read(clickIdShareSql(ws, q, q.click)),
    await read(untaggedLandingsSql(ws, q)),
    await read(idMismatchSql(ws, q)),
  );
}

export async function creditedMilestones(s: ChStore, ws: string, model: string): Promise<string[]> {
  return (await queryNeutral(s.conn, s.database, creditedMilestonesSql(ws, model))).map((r) =>
    String(r.milestone),
  );
}

export async function appendAdClicks(
  s: ChStore,
  ws: string,
  source: { platform: AdPlatform; accountId: string },
  rows: readonly AdClickRow[],
): Promise<{ rows: number }> {
  const problem = adClickProblem(rows);
  if (problem)
    throw new Error(`ad clicks of ${source.platform} account ${source.accountId}: ${problem}`);
  if (rows.length === 0) return { rows: 0 };
  const recordedAt = new Date().toISOString();
  await s.conn.insert(
    `${s.database}.ad_clicks`,
    rows.map((r) => ({
      workspace_id: ws,
      platform: source.platform,
      account_id: source.accountId,
      click_id: r.clickId,
      click_date: r.date,
      campaign_id: r.campaignId,
      ad_group_id: r.adGroupId,
      ad_id: r.adId,
      keyword: r.keyword,
      match_type: r.matchType,
      recorded_at: recordedAt,
    })),
  );
  return { rows: rows.length };
}

export async function explainCostMatch(
  s: ChStore,
  ws: string,
  q: MatchQuery,
  sessionId: string,
): Promise<CostMatchStep[]> {
  return (await queryNeutral(s.conn, s.database, explainMatchSql(ws, q, sessionId))).map(
    toMatchStep(q.rules ?? []),
  );
}
