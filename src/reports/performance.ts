// `performance` (issue 17): spend, traffic and every funnel milestone by any dimension under one
// attribution model, with cost per lead, per opportunity and per customer, returns and step rates.
// Milestones and their value are the model's stored credits (fractional: a campaign can hold 1.5 leads);
// spend is the costs area's matching of spend to sessions (docs/costs.md). docs/reports.md, "performance".
import { z } from 'zod';
import {
  REPORT_MILESTONES,
  type PerformanceRow,
  type ReportMilestone,
} from '../store/areas/reports.js';
import {
  CURRENCY,
  GROUPING,
  MODEL,
  RANGE,
  reportCurrency,
  resolveCommon,
} from './common-params.js';
import { cents, MILESTONE_METRIC, ratio, returns, windowFor } from './report-metrics.js';
import { defineReport } from './report.js';

const params = z.object({ ...RANGE, ...MODEL, ...GROUPING, ...CURRENCY }).strict();

type MilestoneMetric = (typeof MILESTONE_METRIC)[ReportMilestone];

export type PerformanceMetrics = {
  spend: number;
  impressions: number;
  clicks: number;
  sessions: number;
  visitors: number;
  pipeline: number | null;
  revenue: number | null;
  cpl: number | null;
  cost_per_opportunity: number | null;
  cac: number | null;
  roas: number | null;
  roi: number | null;
  /** Step rates: each milestone over the step before it (sessions before leads). */
  session_to_lead: number | null;
  lead_to_mql: number | null;
  mql_to_sql: number | null;
  sql_to_opportunity: number | null;
  opportunity_to_customer: number | null;
} & Record<MilestoneMetric, number | null>;

/** A row's metrics; a milestone with no stored credits under the model is null (unknown), not 0. */
function metrics(r: PerformanceRow, credited: ReadonlySet<string>): PerformanceMetrics {
  const known = (m: ReportMilestone, x: number) => (credited.has(m) ? x : null);
  const n = Object.fromEntries(
    REPORT_MILESTONES.map((m) => [MILESTONE_METRIC[m], known(m, r.credited[m])]),
  ) as Record<MilestoneMetric, number | null>;
  const revenue = known('customer', r.revenue);
  const spend = cents(r.spend)!;
  return {
    spend,
    impressions: r.impressions,
    clicks: r.clicks,
    sessions: r.sessions,
    visitors: r.visitors,
    ...n,
    pipeline: cents(known('opportunity', r.pipeline)),
    revenue: cents(revenue),
    cpl: cents(ratio(spend, n.leads)),
    cost_per_opportunity: cents(ratio(spend, n.opportunities)),
    cac: cents(ratio(spend, n.customers)),
    ...returns(revenue, spend),
    session_to_lead: ratio(n.leads, r.sessions),
    lead_to_mql: ratio(n.mqls, n.leads),
    mql_to_sql: ratio(n.sqls, n.mqls),
    sql_to_opportunity: ratio(n.opportunities, n.sqls),
    opportunity_to_customer: ratio(n.customers, n.opportunities),
  };
}

/** The sum of rows (visitors excepted: one visitor may be in several rows, so it is not a sum). */
function sumOf(rows: readonly PerformanceRow[]): Omit<PerformanceRow, 'key' | 'visitors'> {
  const add = (f: (r: PerformanceRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    spend: add((r) => r.spend),
    impressions: add((r) => r.impressions),
    clicks: add((r) => r.clicks),
    sessions: add((r) => r.sessions),
    credited: Object.fromEntries(
      REPORT_MILESTONES.map((m) => [m, add((r) => r.credited[m])]),
    ) as Record<ReportMilestone, number>,
    pipeline: add((r) => r.pipeline),
    revenue: add((r) => r.revenue),
  };
}

export const performance = defineReport({
  name: 'performance',
  summary:
    'Spend, traffic, credited milestones, pipeline and revenue by any dimension under one model',
  params,
  async run({ store, workspaceId }, p) {
    const common = await resolveCommon(store, workspaceId, p);
    const money = await reportCurrency(store, workspaceId, p);
    const window = await windowFor(store, workspaceId, common, common.range, money);
    const q = { ...window, model: common.model, groupBy: common.groupBy, filters: common.filters };
    const raw = await store.performanceReport(workspaceId, q);
    const credited = new Set(await store.creditedMilestones(workspaceId, common.model));
    const rows = raw.map((r) => ({ ...r.key, ...metrics(r, credited) }));
    // totals of the rows; visitors counted once over all of them (a light query of visits alone)
    const visitors = await store.performanceVisitors(workspaceId, q);
    const totals = metrics({ key: {}, ...sumOf(raw), visitors }, credited);
    // the (currency, day) pairs alone: no totals query
    const missingRates = await store.missingAdCostRates(workspaceId, {
      from: common.range.from,
      to: common.range.to,
      currency: window.currency,
    });
    return {
      from: common.range.from,
      to: common.range.to,
      timezone: common.timezone,
      currency: window.currency,
      model: common.model,
      groupBy: common.groupBy,
      filters: common.filters,
      /** Milestones with stored credits under the model (the others' columns are null). */
      credited: REPORT_MILESTONES.filter((m) => credited.has(m)),
      rows,
      totals,
      /** Spend with no exchange rate to the currency: left out of spend. */
      missingRates,
      /** Days whose credit values (kept in the workspace's currency) have no rate to the asked one. */
      missingValueRates: await store.missingValueRates(workspaceId, q),
    };
  },
  table(r) {
    const two = (x: number | null) => (x === null ? '-' : Math.round(x * 100) / 100);
    return {
      headline: `${r.from} to ${r.to} (${r.timezone}), ${r.currency}, credited by ${r.model} (milestones credited: ${r.credited.join(', ') || 'none'})`,
      rows: r.rows.map((x) => ({
        ...Object.fromEntries(r.groupBy.map((d) => [d, (x as Record<string, unknown>)[d] ?? '-'])),
        spend: x.spend,
        clicks: x.clicks,
        sessions: x.sessions,
        visitors: x.visitors,
        leads: two(x.leads),
        opportunities: two(x.opportunities),
        customers: two(x.customers),
        pipeline: two(x.pipeline),
        revenue: two(x.revenue),
        cpl: two(x.cpl),
        cac: two(x.cac),
        roas: two(x.roas),
      })),
    };
  },
});
