// The pipeline reports' reads on ClickHouse: the neutral queries (neutral/pipeline-queries.ts,
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
import type { ChStore } from './events.js';
import { queryNeutral } from './dialect.js';

export async function openPipeline(
  s: ChStore,
  ws: string,
  q: OpenPipelineQuery,
): Promise<OpenPipelineRow[]> {
  return (await queryNeutral(s.conn, s.database, openPipelineSql(ws, q))).map(toOpenPipelineRow);
}

export async function revenueSeries(
  s: ChStore,
  ws: string,
  q: RevenueSeriesQuery,
): Promise<RevenueSeriesRow[]> {
  return (await queryNeutral(s.conn, s.database, revenueSeriesSql(ws, q))).map(toRevenueSeriesRow);
}

export async function revenueCohorts(
  s: ChStore,
  ws: string,
  q: RevenueQuery,
): Promise<RevenueCohorts> {
  return toRevenueCohorts(
    await queryNeutral(s.conn, s.database, revenueCohortsSql(ws, q)),
    await queryNeutral(s.conn, s.database, cohortSizesSql(ws, q)),
  );
}

export async function funnelCounts(
  s: ChStore,
  ws: string,
  q: FunnelQuery,
): Promise<FunnelCountsRow[]> {
  return (await queryNeutral(s.conn, s.database, funnelCountsSql(ws, q))).map(toFunnelCountsRow(q));
}
