// Spend matched to sessions on DuckDB: the neutral query (neutral/costs-queries.ts).
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
import { listValue } from '@duckdb/node-api';
import { VARCHAR_LIST, type Db } from './connection.js';
import { queryNeutral } from './dialect.js';

/** What the range holds that the matching reads (costs-queries.ts Found). */
async function foundIn(db: Db, ws: string, q: MatchQuery): Promise<Found> {
  return toFound(await queryNeutral(db, foundSql(ws, q)));
}

export async function costsReport(db: Db, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (await queryNeutral(db, costsReportSql(ws, q, await foundIn(db, ws, q)))).map(
    toCostsRow(q),
  );
}

export async function taggingFacts(
  db: Db,
  ws: string,
  q: MatchQuery & { click: ClickIdsByPlatform },
): Promise<TaggingFacts> {
  return toTaggingFacts(
    await queryNeutral(db, unmatchedCampaignsSql(ws, q, await foundIn(db, ws, q))),
    await queryNeutral(db, clickIdShareSql(ws, q, q.click)),
    await queryNeutral(db, untaggedLandingsSql(ws, q)),
    await queryNeutral(db, idMismatchSql(ws, q)),
  );
}

export async function creditedMilestones(db: Db, ws: string, model: string): Promise<string[]> {
  return (await queryNeutral(db, creditedMilestonesSql(ws, model))).map((r) => String(r.milestone));
}

export async function appendAdClicks(
  db: Db,
  ws: string,
  source: { platform: AdPlatform; accountId: string },
  rows: readonly AdClickRow[],
): Promise<{ rows: number }> {
  const problem = adClickProblem(rows);
  if (problem)
    throw new Error(`ad clicks of ${source.platform} account ${source.accountId}: ${problem}`);
  if (rows.length === 0) return { rows: 0 };
  const col = (f: (r: AdClickRow) => string | null) => listValue(rows.map(f) as never[]);
  await db.transaction(async (c) => {
    await c.run(
      `INSERT INTO ad_clicks SELECT $ws, $platform, $account, unnest($id::VARCHAR[]),
       unnest($d::DATE[]), unnest($cid::VARCHAR[]), unnest($gid::VARCHAR[]), unnest($aid::VARCHAR[]),
       unnest($kw::VARCHAR[]), unnest($mt::VARCHAR[]), now()`,
      {
        ws,
        platform: source.platform,
        account: source.accountId,
        id: col((r) => r.clickId),
        d: col((r) => r.date),
        cid: col((r) => r.campaignId),
        gid: col((r) => r.adGroupId),
        aid: col((r) => r.adId),
        kw: col((r) => r.keyword),
        mt: col((r) => r.matchType),
      },
      // typed: DuckDB would type a list by its first item, and a first NULL makes every item NULL
      Object.fromEntries(
        ['id', 'd', 'cid', 'gid', 'aid', 'kw', 'mt'].map((k) => [k, VARCHAR_LIST]),
      ),
    );
  });
  return { rows: rows.length };
}

export async function explainCostMatch(
  db: Db,
  ws: string,
  q: MatchQuery,
  sessionId: string,
): Promise<CostMatchStep[]> {
  return (await queryNeutral(db, explainMatchSql(ws, q, sessionId))).map(
    toMatchStep(q.rules ?? []),
  );
}
