// A workspace's goals: targets per month or quarter for leads, pipeline, revenue and cost per lead, kept
// as its setting `goals` (the control plane's settings, as the cost mapping rules are: no table of
// their own). Nothing is derived from them: the goals report reads them beside the actuals when it runs.
// docs/reports.md, "goals".
import { z } from 'zod';
import type { Store } from '../store/store.js';

/** Setting key. */
export const GOALS = 'goals';

export const GOAL_METRICS = ['leads', 'pipeline', 'revenue', 'cpl'] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];

/** A month (2026-03) or a quarter (2026-Q1). */
export const PERIOD = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;

export const Period = z
  .string()
  .regex(PERIOD, 'must be a month (YYYY-MM) or a quarter (YYYY-Qn)')
  .describe('a month (YYYY-MM) or a quarter (YYYY-Qn)');

const Goal = z
  .object({
    period: Period,
    metric: z.enum(GOAL_METRICS, { error: `must be one of ${GOAL_METRICS.join(', ')}` }),
    target: z.number({ error: 'must be a number' }).finite().nonnegative('must not be negative'),
  })
  .strict();
export type Goal = z.infer<typeof Goal>;

const GoalFile = z
  .object({ goals: z.array(Goal, { error: 'must be a list of goals' }).max(500) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.goals.forEach((g, i) => {
      const k = `${g.period}|${g.metric}`;
      if (seen.has(k))
        ctx.addIssue({
          code: 'custom',
          path: ['goals', i, 'metric'],
          message: `a second ${g.metric} goal for ${g.period}`,
        });
      seen.add(k);
    });
  });
export type GoalFile = z.infer<typeof GoalFile>;

/** A goal file that does not read: each issue as `path: message`, the first path naming the field. */
export class GoalsError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
    this.name = 'GoalsError';
  }
  get field(): string {
    return this.issues[0]?.split(':')[0] ?? 'goals';
  }
}

/** A path as the cost mapping rules name theirs: goals[0].period. */
const fieldOf = (path: readonly PropertyKey[]) =>
  path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`))
    .join('');

export function parseGoals(input: unknown): GoalFile {
  const r = GoalFile.safeParse(input);
  if (r.success) return r.data;
  throw new GoalsError(r.error.issues.map((i) => `${fieldOf(i.path) || 'goals'}: ${i.message}`));
}

/** The workspace's goals (none when never set). */
export async function goalsFor(store: Store, workspaceId: string): Promise<Goal[]> {
  const stored = await store.getSetting(workspaceId, GOALS);
  if (stored === undefined || stored === null) return [];
  // written only through setGoals, so it reads
  return parseGoals(stored).goals;
}

/** Replaces the workspace's goals with a checked file (a GoalsError names each bad field). */
export async function setGoals(
  store: Store,
  workspaceId: string,
  input: unknown,
): Promise<GoalFile> {
  const file = parseGoals(input);
  await store.setSetting(workspaceId, GOALS, file);
  return file;
}
