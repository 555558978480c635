// `funnel`: visitor -> each milestone of the workspace's funnel (lead, mql, sql, opportunity, customer
// by default), as counts and step rates by the first touch of the person (issue 17). A cohort: the
// persons whose first visit is in the range (persons with funnel milestones but no tracked visit on a
// row of their own, entered at their first milestone), and how far down the funnel each got since. A
// person counts at a step when they reached it or a later one, so every step's rate is a share of the
// same persons. Days are the workspace's time zone's; the common filters keep the persons whose first
// touch passes them; the total is compared with the comparison period's cohort. Not the attribution
// route /api/funnel (the funnel's configuration). docs/reports.md, "funnel".
import { NO_TOUCHPOINT } from '../store/areas/first-touch.js';
import { z } from 'zod';
import { funnelFor } from '../derive/funnel.js';
import { COMPARE, FILTERS, RANGE, type DayRange } from './common-params.js';
import { change, FirstTouchBy, pipelineCommon } from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    ...RANGE,
    ...COMPARE,
    by: FirstTouchBy,
    ...FILTERS,
  })
  .strict();

export const VISITOR = 'visitor';

export interface FunnelRow {
  /**
   * The first touch's value, `(not set)` for a first visit without it, `(no touchpoint)` on the row of
   * persons never seen visiting; null on the total.
   */
  firstTouch: string | null;
  /** False on the row of persons with funnel milestones but no tracked visit. */
  visited: boolean;
  /** Per step (visitor, then the funnel's milestones): persons who reached it or a later one. */
  counts: Record<string, number>;
  /** Per step after the first: its count over the previous step's (null when that is 0). */
  rates: Record<string, number | null>;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

function rowOf(
  steps: readonly string[],
  firstTouch: string | null,
  visited: boolean,
  values: readonly number[],
): FunnelRow {
  const counts: Record<string, number> = {};
  const rates: Record<string, number | null> = {};
  steps.forEach((s, i) => {
    counts[s] = values[i]!;
    if (i > 0) rates[s] = ratio(values[i]!, values[i - 1]!);
  });
  return { firstTouch, visited, counts, rates };
}

export const funnel = defineReport({
  name: 'funnel',
  summary: 'Visitors to customers: counts and step rates by first-touch channel',
  params,
  async run({ store, workspaceId }, p) {
    const { timezone, range, compare, filter } = await pipelineCommon(store, workspaceId, p);
    const { milestones } = await funnelFor(store, workspaceId);
    const steps = [VISITOR, ...milestones];
    const read = async (r: DayRange) => {
      const raw = await store.funnelCounts(workspaceId, {
        from: r.fromAt,
        to: r.toAt,
        by: p.by,
        milestones,
        filter,
      });
      const all = raw.map((x) => rowOf(steps, x.firstTouch, x.visited, [x.visitors, ...x.reached]));
      const rows = all.filter((x) => x.visited);
      // the total is the visitors' (a person never seen visiting has no place in a visitor's rate)
      const sums = steps.map((s) => rows.reduce((n, x) => n + x.counts[s]!, 0));
      return { all, rows, total: rowOf(steps, null, true, sums) };
    };
    const now = await read(range);
    const previous = compare ? (await read(compare)).total : null;
    return {
      from: range.from,
      to: range.to,
      timezone,
      by: p.by,
      filter,
      steps,
      rows: now.rows,
      total: now.total,
      /** Persons with funnel milestones but no tracked visit, entered at their first (null: none). */
      untracked: now.all.find((r) => !r.visited) ?? null,
      compare: compare ? { from: compare.from, to: compare.to } : null,
      /** The comparison period's total, and each step's relative change to this total. */
      previous,
      change: previous
        ? Object.fromEntries(
            steps.map((s) => [s, change(now.total.counts[s]!, previous.counts[s]!)]),
          )
        : null,
    };
  },
  table(r) {
    const line = (label: string, x: FunnelRow) => {
      const out: Record<string, unknown> = { [`first ${r.by}`]: label };
      r.steps.forEach((s, i) => {
        out[s] = x.counts[s];
        if (i > 0) {
          const rate = x.rates[s];
          out[`→${s}`] =
            rate === null || rate === undefined ? '-' : `${Math.round(rate * 1000) / 10}%`;
        }
      });
      return out;
    };
    return {
      headline: `persons first seen ${r.from} to ${r.to} (${r.timezone}), by first-touch ${r.by}: each step counts those who reached it or a later one; the total is the visitors'`,
      rows: [
        ...r.rows.map((x) => line(x.firstTouch ?? '', x)),
        line('total', r.total),
        ...(r.untracked ? [line(r.untracked.firstTouch ?? NO_TOUCHPOINT, r.untracked)] : []),
        ...(r.previous && r.compare
          ? [line(`total ${r.compare.from} to ${r.compare.to}`, r.previous)]
          : []),
      ],
    };
  },
});
