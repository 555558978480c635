// The goals report on the suite's engine, on the insights world (test-helpers/insights-world.ts) with
// spend: each goal's actual so far, its projection at the period's end at the current rate, and its
// status, as of a time mid-period and after it; goal files refused with the field named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoalsError, goalsFor, setGoals } from '../derive/goal-settings.js';
import { row, spend } from '../test-helpers/cost-world.js';
import { withStore } from '../test-helpers/events.js';
import { EUR_USD, insightsWorld } from '../test-helpers/insights-world.js';
import { goals } from './goals.js';

const GOALS = [
  { period: '2026-03', metric: 'leads', target: 10 },
  { period: '2026-03', metric: 'pipeline', target: 30000 },
  { period: '2026-03', metric: 'revenue', target: 10000 },
  { period: '2026-03', metric: 'cpl', target: 40 },
  { period: '2026-Q1', metric: 'leads', target: 5 },
  { period: '2026-04', metric: 'leads', target: 1 },
];

test('goals: progress so far and pace to the period end, per month and quarter', async () => {
  await withStore(async (store) => {
    await insightsWorld(store);
    // $150 of spend in March (03-01 and 03-02)
    await spend(store, 'google', 'g-1', [
      row('2026-03-01', '111', 'Brand', 100),
      row('2026-03-02', '111', 'Brand', 50),
    ]);
    await setGoals(store, 'w', { goals: GOALS });
    assert.deepEqual(await goalsFor(store, 'w'), GOALS);
    const run = (q: Record<string, string>) =>
      goals.run({ store, workspaceId: 'w' }, goals.params.parse(q));

    // as of 03-10: 9 of March's 31 days, 68 of Q1's 90
    const mid = await run({ at: '2026-03-10T00:00:00Z' });
    // ada's and bob's deals, to the cent
    const cents = (x: number) => Math.round(x * 100) / 100;
    const pipeline = 12000.5 * EUR_USD + 5000 * EUR_USD;
    assert.deepEqual(
      mid.goals.map((g) => [g.period, g.metric, g.elapsed, g.actual, g.projected, g.status]),
      [
        // 3 leads (ada, bob, zed): 3 / (9/31) = 10.33 at the end
        ['2026-03', 'leads', 0.2903, 3, 10.33, 'on_track'],
        ['2026-03', 'pipeline', 0.2903, cents(pipeline), cents((pipeline * 31) / 9), 'on_track'],
        // ada's deal is won on 03-20
        ['2026-03', 'revenue', 0.2903, 0, 0, 'off_track'],
        // $150 over 3 leads
        ['2026-03', 'cpl', 0.2903, 50, 50, 'off_track'],
        ['2026-Q1', 'leads', 0.7556, 3, 3.97, 'off_track'],
      ],
    );
    const cpl = mid.goals.find((g) => g.metric === 'cpl')!;
    assert.deepEqual([cpl.spend, cpl.leads, cpl.progress], [150, 3, 0.8]);
    assert.equal(mid.goals[0]!.progress, 0.3);

    // after March: what it reached, met or missed
    const after = await run({ at: '2026-04-02T00:00:00Z', period: '2026-03' });
    assert.deepEqual(
      after.goals.map((g) => [g.metric, g.elapsed, g.actual, g.status]),
      [
        ['leads', 1, 3, 'missed'],
        // on pace at 03-10, but no deal came after
        ['pipeline', 1, cents(pipeline), 'missed'],
        ['revenue', 1, cents(12000.5 * EUR_USD), 'met'],
        ['cpl', 1, 50, 'missed'],
      ],
    );
    // a period yet to begin
    const april = await run({ at: '2026-03-10T00:00:00Z', period: '2026-04' });
    assert.deepEqual(
      april.goals.map((g) => [g.metric, g.elapsed, g.actual, g.projected, g.status]),
      [['leads', 0, 0, null, 'not_started']],
    );
    // the default periods are those holding `at`: April (1 of its 30 days gone) and Q2 (no goal)
    assert.deepEqual(
      (await run({ at: '2026-04-02T00:00:00Z' })).goals.map((g) => [
        g.period,
        g.metric,
        g.elapsed,
        g.actual,
        g.status,
      ]),
      [['2026-04', 'leads', 0.0333, 0, 'off_track']],
    );
  });
});

test('a bad goal file is refused naming the field, and the goals in force stay', async () => {
  await withStore(async (store) => {
    await setGoals(store, 'w', { goals: GOALS.slice(0, 1) });
    for (const [input, field] of [
      [{ goals: [{ period: '2026-13', metric: 'leads', target: 1 }] }, 'goals[0].period'],
      [{ goals: [{ period: '2026-Q5', metric: 'leads', target: 1 }] }, 'goals[0].period'],
      [{ goals: [{ period: '2026-03', metric: 'mqls', target: 1 }] }, 'goals[0].metric'],
      [{ goals: [{ period: '2026-03', metric: 'leads', target: -1 }] }, 'goals[0].target'],
      [{ goals: [{ period: '2026-03', metric: 'leads', target: '1' }] }, 'goals[0].target'],
      [{ goals: [GOALS[0], GOALS[0]] }, 'goals[1].metric'],
      [{ goal: [] }, 'goals'],
      [null, 'goals'],
    ] as const) {
      await assert.rejects(setGoals(store, 'w', input), (err: unknown) => {
        assert.ok(err instanceof GoalsError);
        assert.equal(err.field, field, JSON.stringify(input));
        return true;
      });
    }
    assert.deepEqual(await goalsFor(store, 'w'), GOALS.slice(0, 1));
  });
});
