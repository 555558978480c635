// The pipeline reports' reads on DuckDB: the neutral queries (neutral/pipeline-queries.ts,
// revenue-report-queries.ts, funnel-report-queries.ts).
import type {
  FunnelCountsRow,
  FunnelQuery,
  OpenPipelineQuery,
  OpenPipelineRow,
  RevenueCohorts,
  RevenueQuery,
  RevenueSeriesQuery,
  RevenueSeriesRow,
} from '../../areas/pipeline.js';
import { funnelCountsSql, toFunnelCountsRow } from '../neutral/funnel-report-queries.js';
import { openPipelineSql, toOpenPipelineRow } from '../neutral/pipeline-queries.js';
import {
  cohortSizesSql,
  revenueCohortsSql,
  revenueSeriesSql,
  toRevenueCohorts,
  toRevenueSeriesRow,
} from '../neutral/revenue-report-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function openPipeline(
  db: Db,
  ws: string,
  q: OpenPipelineQuery,
): Promise<OpenPipelineRow[]> {
  return (await queryNeutral(db, openPipelineSql(ws, q))).map(toOpenPipelineRow);
}

export async function revenueSeries(
  db: Db,
  ws: string,
  q: RevenueSeriesQuery,
): Promise<RevenueSeriesRow[]> {
  return (await queryNeutral(db, revenueSeriesSql(ws, q))).map(toRevenueSeriesRow);
}

export async function revenueCohorts(db: Db, ws: string, q: RevenueQuery): Promise<RevenueCohorts> {
  return toRevenueCohorts(
    await queryNeutral(db, revenueCohortsSql(ws, q)),
    await queryNeutral(db, cohortSizesSql(ws, q)),
  );
}

export async function funnelCounts(db: Db, ws: string, q: FunnelQuery): Promise<FunnelCountsRow[]> {
  return (await queryNeutral(db, funnelCountsSql(ws, q))).map(toFunnelCountsRow(q));
}
