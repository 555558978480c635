// The sales-cycle report's common parameters on the suite's engine, over the hand-computed quality
// world (test-helpers/quality-world.ts) in UTC and in a New York workspace: steps by the zone's day
// they ended on, filters on the first touch, the comparison period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
import { qualityWorld } from '../test-helpers/quality-world.js';
import { salesCycle } from './sales-cycle.js';

test('steps by the days of the workspace time zone they ended on; filters and the comparison period', async () => {
  await withStore(async (store) => {
    // frank became a lead at 03-15 00:00 UTC: March 14th, 20:00 in New York
    await zonedWorkspace(store, 'ny', 'America/New_York');
    await qualityWorld(store);
    await qualityWorld(store, 'ny');
    const run = (workspaceId: string, q: Record<string, string>) =>
      salesCycle.run({ store, workspaceId }, salesCycle.params.parse(q));
    const steps = (r: Awaited<ReturnType<typeof run>>) =>
      r.overall.map((s) => [s.step, s.persons, s.median]);
    const day = (d: string) => ({ from: d, to: d });
    assert.deepEqual(steps(await run('w', day('2026-03-15'))), [['touch_to_lead', 1, 10]]);
    assert.deepEqual(steps(await run('w', day('2026-03-14'))), []);
    assert.deepEqual(steps(await run('ny', day('2026-03-15'))), []);
    const ny = await run('ny', day('2026-03-14'));
    assert.equal(ny.timezone, 'America/New_York');
    assert.deepEqual(steps(ny), [['touch_to_lead', 1, 10]]);

    // the march campaign's persons (bob 2 days, hal 3 to their lead) alone
    const march = await run('w', { from: '2026-03-01', to: '2026-03-31', campaign: 'march' });
    assert.deepEqual(march.overall[0]!.step, 'touch_to_lead');
    assert.deepEqual(
      [march.overall[0]!.persons, march.overall[0]!.min, march.overall[0]!.max],
      [2, 2, 3],
    );
    assert.deepEqual([...new Set(march.rows.map((r) => r.group.channel))], ['Email']);
    // against February: gina's lead, a day after her first visit
    const cmp = await run('w', {
      from: '2026-03-01',
      to: '2026-03-31',
      compare: '2026-02-01..2026-02-28',
    });
    assert.deepEqual(
      cmp.previous?.map((s) => [s.step, s.persons, s.median]),
      [['touch_to_lead', 1, 1]],
    );
  });
});
