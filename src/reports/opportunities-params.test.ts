// The opportunities report's common parameters on the suite's engine, over the hand-built pipeline world
// (test-helpers/pipeline-world.ts) in UTC and in a New York workspace: the day ends at the zone's
// midnight, and the common filters keep deals by their person's first touch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
import { pipelineWorld } from '../test-helpers/pipeline-world.js';
import { opportunities } from './opportunities.js';

test('the day ends at midnight of the workspace time zone; filters keep deals by first touch', async () => {
  await withStore(async (store) => {
    // deals created on March 6th (00:00 UTC) are open by the end of March 5th in New York (05:00 UTC)
    await zonedWorkspace(store, 'ny', 'America/New_York');
    await pipelineWorld(store);
    await pipelineWorld(store, 'ny');
    const run = (workspaceId: string, q: Record<string, string>) =>
      opportunities.run({ store, workspaceId }, opportunities.params.parse(q));
    const utc = await run('w', { asOf: '2026-03-05' });
    assert.deepEqual(utc.total, { deals: 2, value: 1700, unvalued: 0 });
    const ny = await run('ny', { asOf: '2026-03-05' });
    assert.equal(ny.timezone, 'America/New_York');
    // d2 (bob, 500) and d3 (dan, no visit: 900) beside d1 (1000) and d6 (700)
    assert.deepEqual(ny.total, { deals: 4, value: 3100, unvalued: 0 });
    assert.deepEqual(
      ny.rows.map((r) => [r.firstTouch, r.deals, r.value]),
      [
        ['(no touchpoint)', 1, 900],
        ['Email', 2, 1200],
        ['Paid Search', 1, 1000],
      ],
    );

    // bob's deals d2 and d6 alone, by either name of the first touch's channel
    for (const q of [{ channel: 'Email' }, { filter: 'firstTouchChannel:Email' }] as Record<
      string,
      string
    >[]) {
      const email = await run('w', { asOf: '2026-03-06', ...q });
      assert.deepEqual(email.total, { deals: 2, value: 1200, unvalued: 0 }, JSON.stringify(q));
      assert.deepEqual(email.filter, { channel: ['Email'] });
    }
    const none = await run('w', { asOf: '2026-03-06', source: '(no touchpoint)' });
    assert.deepEqual(none.total, { deals: 1, value: 900, unvalued: 0 });
    // ad group, ad and keyword are not kept with a first touch: refused, naming the parameter
    await assert.rejects(run('w', { keyword: 'shoes' }), { field: 'keyword' });
    await assert.rejects(run('w', { filter: 'adGroup:x' }), { field: 'filter' });
    await assert.rejects(run('w', { filter: 'colour:red' }), { field: 'filter' });
  });
});
