// The revenue report's common parameters on the suite's engine, over the hand-built pipeline world
// (test-helpers/pipeline-world.ts) in UTC and in a New York workspace: periods of the zone, filters on
// the first touch, the comparison period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
import { pipelineWorld } from '../test-helpers/pipeline-world.js';
import { revenue, type RevenueResult } from './revenue.js';

test('closes by the day, week and month of the workspace time zone; filters and the comparison period', async () => {
  await withStore(async (store) => {
    // d1 won 03-20 and d7 won 03-25 at 00:00 UTC: the evenings before in New York
    await zonedWorkspace(store, 'ny', 'America/New_York');
    await pipelineWorld(store);
    await pipelineWorld(store, 'ny');
    const run = (workspaceId: string, q: Record<string, string>) =>
      revenue.run({ store, workspaceId }, revenue.params.parse(q));
    const days = (r: RevenueResult) =>
      r.view === 'series' ? r.rows.map((x) => [x.period, x.firstTouch, x.revenue]) : [];
    const march = { from: '2026-03-01', to: '2026-03-31', interval: 'day' };
    assert.deepEqual(days(await run('w', march)), [
      ['2026-03-20', 'Paid Search', 1000],
      ['2026-03-25', 'Email', 400],
    ]);
    const ny = await run('ny', march);
    assert.equal(ny.timezone, 'America/New_York');
    assert.deepEqual(days(ny), [
      ['2026-03-19', 'Paid Search', 1000],
      ['2026-03-24', 'Email', 400],
    ]);
    // d4 won 04-02 00:00 UTC is March's in New York: the range March 20th to April 1st holds it there
    const late = { from: '2026-03-20', to: '2026-04-01', compare: 'none' };
    assert.deepEqual((await run('w', late)).total, { closes: 2, revenue: 1400, unvalued: 0 });
    assert.deepEqual((await run('ny', late)).total, { closes: 2, revenue: 2400, unvalued: 0 });
    // weeks from Monday in the zone: d7 (Tuesday the 24th in New York) in the week of the 23rd
    const weeks = await run('ny', { ...march, interval: 'week', channel: 'Email' });
    assert.deepEqual(days(weeks), [['2026-03-23', 'Email', 400]]);

    // filters: bob's won deal d7 alone (Email); the first touch's source keeps eve's and ada's
    const email = await run('w', { ...march, filter: 'channel:Email' });
    assert.deepEqual(email.total, { closes: 1, revenue: 400, unvalued: 0 });
    const google = await run('w', { from: '2026-03-01', to: '2026-04-30', source: 'google' });
    assert.deepEqual(google.total, { closes: 2, revenue: 3000, unvalued: 0 });

    // the comparison period: April (d4 2000) against March's 1400
    const april = await run('w', {
      from: '2026-04-01',
      to: '2026-04-30',
      compare: '2026-03-01..2026-03-31',
    });
    assert.deepEqual(april.compare, { from: '2026-03-01', to: '2026-03-31' });
    assert.deepEqual(april.previous, { closes: 2, revenue: 1400, unvalued: 0 });
    assert.deepEqual(april.change, { closes: -0.5, revenue: 0.4286 });
    // cohorts in the zone: every close of ada's February cohort and the March one, filtered to Email
    const cohorts = await run('ny', {
      from: '2026-03-01',
      to: '2026-04-30',
      view: 'cohorts',
      channel: 'Email',
    });
    assert.equal(cohorts.view, 'cohorts');
    if (cohorts.view === 'cohorts')
      assert.deepEqual(
        cohorts.rows.map((x) => [x.cohort, x.monthsSince, x.revenue]),
        [['2026-03', 0, 400]],
      );
    await assert.rejects(run('w', { compare: '2026-03-05..2026-03-01' }), { field: 'compare' });
  });
});
