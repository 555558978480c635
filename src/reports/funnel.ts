// `funnel`: visitor -> each milestone of the workspace's funnel (lead, mql, sql, opportunity, customer
// by default), as counts and step rates by the first touch of the person (issue 17). A cohort: the
// persons whose first visit is in the range (persons with funnel milestones but no tracked visit on a
// row of their own, entered at their first milestone), and how far down the funnel each got since. A
// person counts at a step when they reached it or a later one, so every step's rate is a share of the
// same persons. Not the attribution route /api/funnel (the funnel's configuration). docs/reports.md,
// "funnel".
import { z } from 'zod';
import { funnelFor } from '../derive/funnel.js';
import { Day, reportRange } from './costs.js';
import { DAY_MS, dayStart, FirstTouchBy } from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    from: Day.optional().describe('first day of first visits (default: 30 days before to)'),
    to: Day.optional().describe('last day, inclusive (default: today, UTC)'),
    by: FirstTouchBy,
  })
  .strict();

export const VISITOR = 'visitor';

export interface FunnelRow {
  /** The first visit's value (null: none; on the row of persons never seen visiting, null too). */
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
    const { from, to } = reportRange(p);
    const { milestones } = await funnelFor(store, workspaceId);
    const raw = await store.funnelCounts(workspaceId, {
      from: dayStart(from),
      to: dayStart(to) + DAY_MS,
      by: p.by,
      milestones,
    });
    const steps = [VISITOR, ...milestones];
    const all = raw.map((r) => rowOf(steps, r.firstTouch, r.visited, [r.visitors, ...r.reached]));
    const rows = all.filter((r) => r.visited);
    // the total is the visitors' (a person never seen visiting has no place in a visitor's rate)
    const sums = steps.map((s) => rows.reduce((n, r) => n + r.counts[s]!, 0));
    return {
      from,
      to,
      by: p.by,
      steps,
      rows,
      total: rowOf(steps, null, true, sums),
      /** Persons with funnel milestones but no tracked visit, entered at their first (null: none). */
      untracked: all.find((r) => !r.visited) ?? null,
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
      headline: `persons first seen ${r.from} to ${r.to} (UTC), by first-touch ${r.by}: each step counts those who reached it or a later one; the total is the visitors'`,
      rows: [
        ...r.rows.map((x) => line(x.firstTouch ?? '(none)', x)),
        line('total', r.total),
        ...(r.untracked ? [line('(no tracked visit)', r.untracked)] : []),
      ],
    };
  },
});
