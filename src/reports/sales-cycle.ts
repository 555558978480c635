// `sales-cycle`: how many days each step of the way takes, first touch -> lead -> opportunity -> won,
// as a distribution (min, quartiles, p90, mean, max and a histogram) by the first touch's channel or any
// other first-touch dimension, beside the same over every group (issue 17; docs/reports.md,
// "sales-cycle"). Days are the workspace's time zone's; the common filters keep the persons whose first
// touch passes them; the overall distribution is shown beside the comparison period's. Quantiles and
// buckets are computed in the engine (neutral/pipeline-report-queries.ts).
import { z } from 'zod';
import {
  CYCLE_STEPS,
  type CycleStep,
  type SalesCycleStats,
  type TouchGroup,
} from '../store/areas/pipeline-reports.js';
import { COMPARE, FILTERS, RANGE, type DayRange } from './common-params.js';
import { groupColumns, touchGroupBy } from './first-touch.js';
import { round2 } from './params.js';
import { pipelineCommon } from './pipeline-params.js';
import { defineReport } from './report.js';

/** Histogram buckets: lower bounds in days (each up to the next; the last open-ended). */
export const CYCLE_BUCKETS = [0, 1, 7, 14, 30, 60, 90, 180] as const;
export const BUCKET_LABELS = CYCLE_BUCKETS.map((lo, i) => {
  const hi = CYCLE_BUCKETS[i + 1];
  return hi === undefined ? `${lo}+` : `${lo}-${hi}`;
});

const params = z
  .object({
    ...RANGE,
    ...COMPARE,
    groupBy: touchGroupBy(['channel']),
    ...FILTERS,
  })
  .strict();

export interface CycleDistribution {
  persons: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  mean: number;
  max: number;
  /** Persons per bucket of BUCKET_LABELS, by label. */
  histogram: Record<string, number>;
}

export interface CycleRow extends CycleDistribution {
  step: CycleStep;
  group: TouchGroup;
}

const distribution = (s: SalesCycleStats): CycleDistribution => ({
  persons: s.persons,
  min: round2(s.min),
  p25: round2(s.p25),
  median: round2(s.median),
  p75: round2(s.p75),
  p90: round2(s.p90),
  mean: round2(s.mean),
  max: round2(s.max),
  histogram: Object.fromEntries(BUCKET_LABELS.map((l, i) => [l, s.histogram[i] ?? 0])),
});

export const salesCycle = defineReport({
  name: 'sales-cycle',
  summary: 'Days from first touch to lead, opportunity and won, as distributions by first touch',
  params,
  async run({ store, workspaceId }, p) {
    const { timezone, range, compare, filter } = await pipelineCommon(store, workspaceId, p);
    const q = (r: DayRange) => ({ fromAt: r.fromAt, toAt: r.toAt, filter, buckets: CYCLE_BUCKETS });
    const order = (s: CycleStep) => CYCLE_STEPS.indexOf(s);
    const overallOf = (whole: SalesCycleStats[]) =>
      whole
        .map((s) => ({ step: s.step, ...distribution(s) }))
        .sort((a, b) => order(a.step) - order(b.step));
    // quantiles do not add up across groups: the whole is a query of its own
    const [groups, whole, before] = await Promise.all([
      store.salesCycle(workspaceId, { ...q(range), groupBy: p.groupBy }),
      store.salesCycle(workspaceId, { ...q(range), groupBy: [] }),
      compare ? store.salesCycle(workspaceId, { ...q(compare), groupBy: [] }) : null,
    ]);
    return {
      from: range.from,
      to: range.to,
      timezone,
      groupBy: p.groupBy,
      filter,
      buckets: BUCKET_LABELS,
      /** Each step over every person, whatever their first touch (steps nobody completed left out). */
      overall: overallOf(whole),
      rows: groups
        .map((s): CycleRow => ({ step: s.step, group: s.group, ...distribution(s) }))
        .sort((a, b) => order(a.step) - order(b.step) || b.persons - a.persons),
      compare: compare ? { from: compare.from, to: compare.to } : null,
      /** The overall distributions of the comparison period. */
      previous: before ? overallOf(before) : null,
    };
  },
  table(r) {
    const overall = r.overall
      .map((s) => `${s.step.replaceAll('_', ' ')} ${s.median} (n=${s.persons})`)
      .join(', ');
    return {
      headline: `median days, steps ended ${r.from} to ${r.to} (${r.timezone}): ${overall || 'none'}`,
      rows: r.rows.map((x) => ({
        step: x.step,
        ...groupColumns(r.groupBy, x.group),
        persons: x.persons,
        min: x.min,
        p25: x.p25,
        median: x.median,
        p75: x.p75,
        p90: x.p90,
        mean: x.mean,
        max: x.max,
        ...Object.fromEntries(Object.entries(x.histogram).map(([l, n]) => [`days ${l}`, n])),
      })),
    };
  },
});
