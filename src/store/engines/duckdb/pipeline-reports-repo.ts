// The pipeline reports' reads on DuckDB: the neutral queries (neutral/pipeline-report-queries.ts).
import type {
  LeadQualityCounts,
  LeadQualityQuery,
  LostReasonCount,
  SalesCycleQuery,
  SalesCycleStats,
  TouchDimension,
} from '../../areas/pipeline-reports.js';
import {
  firstTouchesSql,
  leadQualitySql,
  lostReasonsSql,
  salesCycleSql,
  toFirstTouch,
  toLeadQualityCounts,
  toLostReason,
  toSalesCycleStats,
} from '../neutral/pipeline-report-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function leadQuality(
  db: Db,
  ws: string,
  q: LeadQualityQuery,
): Promise<{ groups: LeadQualityCounts[]; lostReasons: LostReasonCount[] }> {
  return {
    groups: (await queryNeutral(db, leadQualitySql(ws, q))).map(toLeadQualityCounts(q.groupBy)),
    lostReasons: (await queryNeutral(db, lostReasonsSql(ws, q))).map(toLostReason(q.groupBy)),
  };
}

export async function salesCycle(
  db: Db,
  ws: string,
  q: SalesCycleQuery,
): Promise<SalesCycleStats[]> {
  return (await queryNeutral(db, salesCycleSql(ws, q))).map(toSalesCycleStats(q));
}

export async function firstTouches(
  db: Db,
  ws: string,
  persons: readonly string[],
): Promise<Map<string, Record<TouchDimension, string>>> {
  if (persons.length === 0) return new Map();
  return toFirstTouch(await queryNeutral(db, firstTouchesSql(ws, persons)));
}
