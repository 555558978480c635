// `overview` (issue 17): the range's visitors, sessions, milestones reached and their value, spend and
// the returns on it, with a daily series and the change against a comparison period. Counts of what
// happened, under no model: every model's credits add up to them (the performance report's sums over
// any dimension equal these totals). docs/reports.md, "overview".
import { z } from 'zod';
import { REPORT_MILESTONES, type OverviewRow } from '../store/areas/reports.js';
import {
  COMPARE,
  CURRENCY,
  daysBetween,
  RANGE,
  reportCurrency,
  resolveCommon,
} from './common-params.js';
import { cents, MILESTONE_METRIC, ratio, returns, windowFor } from './report-metrics.js';
import { defineReport, ReportParamError } from './report.js';

const params = z.object({ ...RANGE, ...COMPARE, ...CURRENCY }).strict();

/** The longest range a daily series is drawn for (ten years of days). */
const MAX_DAYS = 3660;

export interface OverviewMetrics {
  visitors: number;
  sessions: number;
  leads: number;
  mqls: number;
  sqls: number;
  opportunities: number;
  pipeline: number;
  customers: number;
  revenue: number;
  spend: number;
  roas: number | null;
  roi: number | null;
}

function metrics(r: OverviewRow | undefined): OverviewMetrics {
  const reached = Object.fromEntries(
    REPORT_MILESTONES.map((m) => [MILESTONE_METRIC[m], r?.reached[m] ?? 0]),
  ) as Record<(typeof MILESTONE_METRIC)[keyof typeof MILESTONE_METRIC], number>;
  const revenue = r?.revenue ?? 0;
  const spend = r?.spend ?? 0;
  const { roas, roi } = returns(revenue, spend);
  return {
    visitors: r?.visitors ?? 0,
    sessions: r?.sessions ?? 0,
    ...reached,
    pipeline: cents(r?.pipeline ?? 0)!,
    revenue: cents(revenue)!,
    spend: cents(spend)!,
    roas,
    roi,
  };
}

const nextDay = (d: string) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export const overview = defineReport({
  name: 'overview',
  summary:
    'Visitors, sessions, milestones, pipeline, revenue and spend, daily and against a comparison period',
  params,
  async run({ store, workspaceId }, p) {
    const common = await resolveCommon(store, workspaceId, p);
    const { range, compare } = common;
    if (daysBetween(range.from, range.to) > MAX_DAYS)
      throw new ReportParamError('from', `the range is longer than ${MAX_DAYS} days`);
    const money = await reportCurrency(store, workspaceId, p);
    const window = await windowFor(store, workspaceId, common, range, money);
    const [total] = await store.overviewReport(workspaceId, { ...window, byDay: false });
    const days = await store.overviewReport(workspaceId, { ...window, byDay: true });
    const byDay = new Map(days.map((d) => [d.day, d]));
    const daily: (OverviewMetrics & { day: string })[] = [];
    for (let d = range.from; d <= range.to; d = nextDay(d))
      daily.push({ day: d, ...metrics(byDay.get(d)) });

    const totals = metrics(total);
    let previous: OverviewMetrics | null = null;
    let change: Record<keyof OverviewMetrics, number | null> | null = null;
    if (compare) {
      const w = await windowFor(store, workspaceId, common, compare, money);
      const [prev] = await store.overviewReport(workspaceId, { ...w, byDay: false });
      previous = metrics(prev);
      const before = previous;
      // relative change: (now - before) / before; null where before is 0 or unknown
      change = Object.fromEntries(
        (Object.keys(totals) as (keyof OverviewMetrics)[]).map((k) => {
          const a = totals[k];
          const b = before[k];
          return [k, a === null || b === null ? null : ratio(a - b, b)];
        }),
      ) as Record<keyof OverviewMetrics, number | null>;
    }
    // the (currency, day) pairs alone: no totals query
    const missingRates = await store.missingAdCostRates(workspaceId, {
      from: range.from,
      to: range.to,
      currency: window.currency,
    });
    return {
      from: range.from,
      to: range.to,
      timezone: common.timezone,
      currency: window.currency,
      compare: compare ? { from: compare.from, to: compare.to } : null,
      totals,
      previous,
      change,
      daily,
      /** Spend with no exchange rate to the currency: left out of spend. */
      missingRates,
      /**
       * Days whose milestone values (kept in the workspace's currency) have no rate to the asked one:
       * left out of pipeline and revenue (empty in the workspace's currency).
       */
      missingValueRates: await store.missingValueRates(workspaceId, window),
    };
  },
  table(r) {
    const pct = (x: number | null | undefined) =>
      x === null || x === undefined ? '-' : `${x >= 0 ? '+' : ''}${Math.round(x * 1000) / 10}%`;
    return {
      headline: `${r.from} to ${r.to} (${r.timezone}), ${r.currency}${r.compare ? `, against ${r.compare.from} to ${r.compare.to}` : ''}`,
      rows: (Object.keys(r.totals) as (keyof OverviewMetrics)[]).map((k) => ({
        metric: k,
        value: r.totals[k] ?? '-',
        ...(r.previous ? { previous: r.previous[k] ?? '-', change: pct(r.change?.[k]) } : {}),
      })),
    };
  },
});
