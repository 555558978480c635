// `goals`: each target of the workspace's goals (set by PUT /api/goals or `closedloop goals set`) beside
// what the period has reached so far and where the current rate would end it. Leads, pipeline and revenue
// are read from the milestones as the costs report counts them; cost per lead is the spend of the
// period's days so far over its leads. Periods are months and quarters of the workspace's time zone. docs/reports.md, "goals".
import { z } from 'zod';
import { goalsFor, Period, PERIOD, type GoalMetric } from '../derive/goal-settings.js';
import { dayStart } from './common-params.js';
import { Instant, round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

export interface GoalProgress {
  period: string;
  metric: GoalMetric;
  target: number;
  /** The period's bounds (ISO 8601). */
  start: string;
  end: string;
  /** The share of the period gone by at `at` (0 to 1). */
  elapsed: number;
  /** Reached so far (cpl: spend so far over leads so far; null with no lead). */
  actual: number | null;
  /** At the current rate, at the period's end (cpl: the current cost per lead). */
  projected: number | null;
  /** The share of the target reached so far (cpl: target over actual, so 1 or more is on target). */
  progress: number | null;
  status: 'not_started' | 'on_track' | 'off_track' | 'met' | 'missed';
  /** cpl: the spend and leads it is made of. */
  spend?: number | null;
  leads?: number;
}

const params = z
  .object({
    period: Period.optional().describe(
      'a month (YYYY-MM) or a quarter (YYYY-Qn) (default: the month and quarter holding at)',
    ),
    at: Instant.optional().describe('progress as of this time (ISO 8601; default: now)'),
  })
  .strict();

const iso = (t: number) => new Date(t).toISOString();

/** The day (YYYY-MM-DD) an instant falls on in a time zone. */
export function dayIn(t: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(t));
}

const monthStart = (year: number, month0: number) =>
  `${year + Math.floor(month0 / 12)}-${String((month0 % 12) + 1).padStart(2, '0')}-01`;

/** The period's bounds in the workspace's time zone, epoch ms [start, end). */
export function periodBounds(period: string, zone: string): { start: number; end: number } {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`not a period: ${period}`);
  const year = Number(m[1]);
  const first = m[2] !== undefined ? Number(m[2]) - 1 : (Number(m[3]) - 1) * 3;
  const months = m[2] !== undefined ? 1 : 3;
  return {
    start: dayStart(monthStart(year, first), zone),
    end: dayStart(monthStart(year, first + months), zone),
  };
}

/** The month and the quarter holding an instant in the workspace's time zone. */
export function periodsAt(t: number, zone: string): string[] {
  const [y, m] = dayIn(t, zone).split('-').map(Number) as [number, number];
  return [`${y}-${String(m).padStart(2, '0')}`, `${y}-Q${Math.floor((m - 1) / 3) + 1}`];
}

export const goals = defineReport({
  name: 'goals',
  summary:
    'Targets per period for leads, pipeline, revenue and cost per lead, with progress and pace',
  params,
  async run({ store, workspaceId }, p) {
    const ws = await store.getWorkspace(workspaceId);
    if (!ws) throw new ReportParamError('workspace', 'no such workspace');
    const at = p.at ?? Date.now();
    const wanted = new Set(p.period !== undefined ? [p.period] : periodsAt(at, ws.timezone));
    const set = (await goalsFor(store, workspaceId)).filter((g) => wanted.has(g.period));
    const out: GoalProgress[] = [];
    // each period's actuals (and spend, for a cpl goal) read at once: the reads are independent
    const periods = await Promise.all(
      [...new Set(set.map((g) => g.period))].sort().map(async (period) => {
        const { start, end } = periodBounds(period, ws.timezone);
        const upTo = Math.min(Math.max(at, start), end);
        const ofPeriod = set.filter((g) => g.period === period);
        const spendOf = async (): Promise<number | null> => {
          if (upTo === start || !ofPeriod.some((g) => g.metric === 'cpl')) return 0;
          // the spend of every day the period has begun, in the workspace's currency
          const t = await store.adCostTotals(workspaceId, {
            from: dayIn(start, ws.timezone),
            to: dayIn(upTo - 1, ws.timezone),
            groupBy: [],
            currency: ws.currency,
          });
          return t.missingRates.length > 0 ? null : t.rows.reduce((s, r) => s + (r.cost ?? 0), 0);
        };
        const [actuals, spend] = await Promise.all([
          store.goalActuals(workspaceId, start, upTo),
          spendOf(),
        ]);
        return {
          period,
          start,
          end,
          elapsed: (upTo - start) / (end - start),
          ofPeriod,
          actuals,
          spend,
        };
      }),
    );
    for (const { period, start, end, elapsed, ofPeriod, actuals, spend } of periods) {
      for (const g of ofPeriod) {
        const base = {
          period,
          metric: g.metric,
          target: g.target,
          start: iso(start),
          end: iso(end),
          elapsed: Math.round(elapsed * 10_000) / 10_000,
        };
        if (g.metric === 'cpl') {
          const actual =
            spend === null || actuals.leads === 0 ? null : round2(spend / actuals.leads);
          out.push({
            ...base,
            actual,
            // a rate: at a steady pace, spend and leads grow together and their ratio stays
            projected: actual,
            progress: actual === null || actual === 0 ? null : round2(g.target / actual),
            status:
              elapsed === 0
                ? 'not_started'
                : actual === null
                  ? elapsed === 1
                    ? 'missed'
                    : 'off_track'
                  : actual <= g.target
                    ? elapsed === 1
                      ? 'met'
                      : 'on_track'
                    : elapsed === 1
                      ? 'missed'
                      : 'off_track',
            spend: spend === null ? null : round2(spend),
            leads: actuals.leads,
          });
          continue;
        }
        const actual = actuals[g.metric];
        const projected = elapsed === 0 ? null : actual / elapsed;
        out.push({
          ...base,
          actual: round2(actual),
          projected: projected === null ? null : round2(projected),
          progress: g.target === 0 ? null : Math.round((actual / g.target) * 10_000) / 10_000,
          status:
            elapsed === 0
              ? 'not_started'
              : elapsed === 1
                ? actual >= g.target
                  ? 'met'
                  : 'missed'
                : (projected ?? 0) >= g.target
                  ? 'on_track'
                  : 'off_track',
        });
      }
    }
    return { at: iso(at), currency: ws.currency, goals: out };
  },
  table(r) {
    return {
      headline: `goals as of ${r.at} (${r.currency})`,
      rows: r.goals.map((g) => ({
        period: g.period,
        metric: g.metric,
        target: g.target,
        actual: g.actual ?? '-',
        projected: g.projected ?? '-',
        elapsed: `${Math.round(g.elapsed * 100)}%`,
        status: g.status,
      })),
    };
  },
});
