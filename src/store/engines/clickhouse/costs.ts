// Spend matched to sessions on ClickHouse: the neutral query (neutral/costs-queries.ts).
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
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function costsReport(s: ChStore, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (await queryNeutral(s.conn, s.database, costsReportSql(ws, q))).map(toCostsRow(q));
}

export async function taggingFacts(
  s: ChStore,
  ws: string,
  q: MatchQuery & { click: ClickIdsByPlatform },
): Promise<TaggingFacts> {
  const read = (sql: Parameters<typeof queryNeutral>[2]) => queryNeutral(s.conn, s.database, sql);
  return toTaggingFacts(
    await read(unmatchedCampaignsSql(ws, q)),
    await read(clickIdShareSql(ws, q, q.click)),
    await read(untaggedLandingsSql(ws, q)),
  );
}

export async function creditedMilestones(s: ChStore, ws: string, model: string): Promise<string[]> {
  return (await queryNeutral(s.conn, s.database, creditedMilestonesSql(ws, model))).map((r) => String(r.milestone));
}
