// The funnel report's common parameters on the suite's engine, over the hand-built pipeline world
// (test-helpers/pipeline-world.ts) in UTC and in a UTC+14 workspace: first visits by the zone's days,
// filters on the first touch, the comparison period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
import { pipelineWorld } from '../test-helpers/pipeline-world.js';
import { funnel } from './funnel.js';

test('first visits by the days of the workspace time zone; filters and the comparison period', async () => {
  await withStore(async (store) => {
    // Kiritimati is UTC+14: bob's first visit, 03-02 10:00 UTC, is 03-03 00:00 there (the day's first
    // instant), carol's 03-03 11:00 UTC is 03-04 01:00, frank's 03-05 12:00 UTC is 03-06 02:00
    await zonedWorkspace(store, 'kiri', 'Pacific/Kiritimati');
    await pipelineWorld(store);
    await pipelineWorld(store, 'kiri');
    const run = (workspaceId: string, q: Record<string, string>) =>
      funnel.run({ store, workspaceId }, funnel.params.parse(q));
    const firsts = (r: Awaited<ReturnType<typeof run>>) => r.rows.map((x) => x.firstTouch);
    assert.deepEqual(firsts(await run('w', { from: '2026-03-02', to: '2026-03-02' })), ['Email']);
    assert.deepEqual(firsts(await run('kiri', { from: '2026-03-02', to: '2026-03-02' })), []);
    assert.deepEqual(firsts(await run('kiri', { from: '2026-03-03', to: '2026-03-03' })), [
      'Email',
    ]);
    assert.deepEqual(firsts(await run('w', { from: '2026-03-06', to: '2026-03-06' })), []);
    const kiri = await run('kiri', { from: '2026-03-06', to: '2026-03-06' });
    assert.equal(kiri.timezone, 'Pacific/Kiritimati');
    assert.deepEqual(firsts(kiri), ['Direct']);

    // filters on the first touch: two channels of March, and gina's row (no visit) by its label
    const march = { from: '2026-03-01', to: '2026-03-31' };
    const two = await run('w', { ...march, channel: 'Email,Organic Search' });
    assert.deepEqual(firsts(two), ['Email', 'Organic Search']);
    assert.deepEqual(two.total.counts, {
      visitor: 2,
      lead: 2,
      mql: 2,
      sql: 2,
      opportunity: 2,
      customer: 2,
    });
    assert.equal(two.untracked, null);
    const untracked = await run('w', { ...march, filter: 'channel:(no touchpoint)' });
    assert.deepEqual(firsts(untracked), []);
    assert.equal(untracked.untracked?.counts.lead, 1);

    // March against February (ada, all the way): each step's change
    const cmp = await run('w', { ...march, compare: '2026-02-01..2026-02-28' });
    assert.equal(cmp.previous?.counts.visitor, 1);
    assert.deepEqual(cmp.change, {
      visitor: 3,
      lead: 2,
      mql: 2,
      sql: 2,
      opportunity: 2,
      customer: 1,
    });
    await assert.rejects(run('w', { from: '2026-03-02', to: '2026-03-01' }), { field: 'to' });
  });
});
