// The report areas' reads over any engine (areas/pipeline.ts, pipeline-reports.ts, reports.ts): each
// engine hands its way of running a neutral query, and every query and row conversion is this one, as
// insights-reads.ts does for the insights area.
import type { PipelineStore } from '../../areas/pipeline.js';
import type { PipelineReportsStore } from '../../areas/pipeline-reports.js';
import type { ReportsStore } from '../../areas/reports.js';
import { funnelCountsSql, toFunnelCountsRow } from './funnel-report-queries.js';
import { overviewSql, toOverviewRow } from './overview-queries.js';
import { foundSql, toFound } from './cost-match-found.js';
import { performanceSql, performanceVisitorsSql, toPerformanceRow } from './performance-queries.js';
import {
  firstTouchesSql,
  leadQualitySql,
  salesCycleSql,
  toFirstTouch,
  toLeadQualityCounts,
  toLostReason,
  toSalesCycleStats,
} from './pipeline-report-queries.js';
import { openPipelineSql, toOpenPipelineRow } from './pipeline-queries.js';
import {
  cohortSizesSql,
  revenueCohortsSql,
  revenueSeriesSql,
  toRevenueCohorts,
  toRevenueSeriesRow,
} from './revenue-report-queries.js';
import { p, raw, sql, type Sql } from './sql.js';
import { convertsValues, missingValueRatesSql } from './value-fx.js';

type Rows = (q: Sql) => Promise<Record<string, unknown>[]>;

export function reportReads(rows: Rows): PipelineStore & PipelineReportsStore & ReportsStore {
  return {
    async openPipeline(ws, q) {
      return (await rows(openPipelineSql(ws, q))).map(toOpenPipelineRow);
    },
    async revenueSeries(ws, q) {
      return (await rows(revenueSeriesSql(ws, q))).map(toRevenueSeriesRow);
    },
    async revenueCohorts(ws, q) {
      return toRevenueCohorts(
        await rows(revenueCohortsSql(ws, q)),
        await rows(cohortSizesSql(ws, q)),
      );
    },
    async funnelCounts(ws, q) {
      return (await rows(funnelCountsSql(ws, q))).map(toFunnelCountsRow(q));
    },
    async leadQuality(ws, q) {
      const all = await rows(leadQualitySql(ws, q));
      return {
        groups: all.filter((r) => r.part === 'g').map(toLeadQualityCounts(q.groupBy)),
        lostReasons: all.filter((r) => r.part === 'r').map(toLostReason(q.groupBy)),
      };
    },
    async salesCycle(ws, q) {
      return (await rows(salesCycleSql(ws, q))).map(toSalesCycleStats(q));
    },
    async firstTouches(ws, persons) {
      if (persons.length === 0) return new Map();
      return toFirstTouch(await rows(firstTouchesSql(ws, persons)));
    },
    async overviewReport(ws, q) {
      return (await rows(overviewSql(ws, q))).map(toOverviewRow(q));
    },
    async performanceReport(ws, q) {
      // the click-id step and the exchange rates only when the range has them (costs-queries.ts Found)
      const found = toFound(await rows(foundSql(ws, q)));
      return (await rows(performanceSql(ws, q, found))).map(toPerformanceRow(q));
    },
    async performanceVisitors(ws, q) {
      const [r] = await rows(performanceVisitorsSql(ws, q));
      return Number(r?.m_visitors ?? 0);
    },
    async missingValueRates(ws, q) {
      if (!convertsValues(q)) return [];
      const at = q.model === undefined ? 'reached_at' : 'converted_at';
      const range = sql`v.${raw(at)} >= ${p.time(new Date(q.fromAt))} AND v.${raw(at)} < ${p.time(new Date(q.toAt))}`;
      const of =
        q.milestone === undefined ? range : sql`v.milestone = ${p.text(q.milestone)} AND ${range}`;
      const where = q.model === undefined ? of : sql`v.model = ${p.text(q.model)} AND ${of}`;
      const table = q.model === undefined ? 'milestones' : 'attribution_credits';
      return (await rows(missingValueRatesSql(ws, q, table, at, where))).map((r) => ({
        currency: String(r.currency),
        date: String(r.on_day),
      }));
    },
  };
}
