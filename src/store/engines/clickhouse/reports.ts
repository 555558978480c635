// The overview and performance reports on ClickHouse: the neutral queries (neutral/overview-queries.ts,
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
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function overviewReport(
  s: ChStore,
  ws: string,
  q: OverviewQuery,
): Promise<OverviewRow[]> {
  return (await queryNeutral(s.conn, s.database, overviewSql(ws, q))).map(toOverviewRow(q));
}

export async function performanceReport(
  s: ChStore,
  ws: string,
  q: PerformanceQuery,
): Promise<PerformanceRow[]> {
  return (await queryNeutral(s.conn, s.database, performanceSql(ws, q))).map(toPerformanceRow(q));
}

export async function performanceVisitors(
  s: ChStore,
  ws: string,
  q: PerformanceQuery,
): Promise<number> {
  const [r] = await queryNeutral(s.conn, s.database, performanceVisitorsSql(ws, q));
  return Number(r?.m_visitors ?? 0);
}
