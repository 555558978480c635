// The pipeline reports' reads on ClickHouse: the neutral queries (neutral/pipeline-report-queries.ts).
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
import type { Sql } from '../neutral/sql.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

const read = (s: ChStore, q: Sql) => queryNeutral(s.conn, s.database, q);

export async function leadQuality(
  s: ChStore,
  ws: string,
  q: LeadQualityQuery,
): Promise<{ groups: LeadQualityCounts[]; lostReasons: LostReasonCount[] }> {
  return {
    groups: (await read(s, leadQualitySql(ws, q))).map(toLeadQualityCounts(q.groupBy)),
    lostReasons: (await read(s, lostReasonsSql(ws, q))).map(toLostReason(q.groupBy)),
  };
}

export async function salesCycle(
  s: ChStore,
  ws: string,
  q: SalesCycleQuery,
): Promise<SalesCycleStats[]> {
  return (await read(s, salesCycleSql(ws, q))).map(toSalesCycleStats(q));
}

export async function firstTouches(
  s: ChStore,
  ws: string,
  persons: readonly string[],
): Promise<Map<string, Record<TouchDimension, string>>> {
  if (persons.length === 0) return new Map();
  return toFirstTouch(await read(s, firstTouchesSql(ws, persons)));
}
