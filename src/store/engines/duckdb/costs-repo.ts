// Spend matched to sessions on DuckDB: the neutral query (neutral/costs-queries.ts).
import type {
  ClickIdsByPlatform,
  CostsQuery,
  CostsRow,
  MatchQuery,
  TaggingFacts,
} from '../../areas/costs.js';
import {
  clickIdShareSql,
  costsReportSql,
  creditedMilestonesSql,
  toCostsRow,
  toTaggingFacts,
  unmatchedCampaignsSql,
  untaggedLandingsSql,
} from '../neutral/costs-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function costsReport(db: Db, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (await queryNeutral(db, costsReportSql(ws, q))).map(toCostsRow(q));
}

export async function taggingFacts(
  db: Db,
  ws: string,
  q: MatchQuery & { click: ClickIdsByPlatform },
): Promise<TaggingFacts> {
  return toTaggingFacts(
    await queryNeutral(db, unmatchedCampaignsSql(ws, q)),
    await queryNeutral(db, clickIdShareSql(ws, q, q.click)),
    await queryNeutral(db, untaggedLandingsSql(ws, q)),
  );
}

export async function creditedMilestones(db: Db, ws: string, model: string): Promise<string[]> {
  return (await queryNeutral(db, creditedMilestonesSql(ws, model))).map((r) => String(r.milestone));
}
