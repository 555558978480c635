// The overview and performance reports on DuckDB: the neutral queries (neutral/overview-queries.ts,
// neutral/performance-queries.ts).
import type {
  OverviewQuery,
  OverviewRow,
  PerformanceQuery,
  PerformanceRow,
} from '../../areas/reports.js';
import { overviewSql, toOverviewRow } from '../neutral/overview-queries.js';
import {
  performanceSql,
  performanceVisitorsSql,
  toPerformanceRow,
} from '../neutral/performance-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function overviewReport(db: Db, ws: string, q: OverviewQuery): Promise<OverviewRow[]> {
  return (await queryNeutral(db, overviewSql(ws, q))).map(toOverviewRow(q));
}

export async function performanceReport(
  db: Db,
  ws: string,
  q: PerformanceQuery,
): Promise<PerformanceRow[]> {
  return (await queryNeutral(db, performanceSql(ws, q))).map(toPerformanceRow(q));
}

export async function performanceVisitors(
  db: Db,
  ws: string,
  q: PerformanceQuery,
): Promise<number> {
  const [r] = await queryNeutral(db, performanceVisitorsSql(ws, q));
  return Number(r?.m_visitors ?? 0);
}
