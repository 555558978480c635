// The overview on the suite's engine, on a world whose every number is computed by hand
// (test-helpers/report-world.ts): visits and visitors, milestones reached and their value, spend and its
// returns, per day of the workspace's time zone and against the period before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { RANGE, reportWorld } from '../test-helpers/report-world.js';
import { overview } from './overview.js';

test('overview: totals, a daily series and the change against the previous period', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    const r = await overview.run({ store, workspaceId: 'w' }, overview.params.parse(RANGE));
    console.log(JSON.stringify(r, null, 1));
  });
});
