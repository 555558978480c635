// The lead-quality report's common parameters on the suite's engine, over the hand-computed quality
// world (test-helpers/quality-world.ts) in UTC and in a New York workspace: leads by the zone's days,
// filters on the first touch, the comparison period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore, zonedWorkspace } from '../test-helpers/events.js';
import { qualityWorld } from '../test-helpers/quality-world.js';
import { leadQuality } from './lead-quality.js';

const run = (store: Parameters<Parameters<typeof withStore>[0]>[0], q: Record<string, string>) =>
  leadQuality.run({ store, workspaceId: 'w' }, leadQuality.params.parse(q));

test('leads by the days of the workspace time zone; filters and the comparison period', async () => {
  await withStore(async (store) => {
    // hal became a lead at 03-09 00:00 UTC: the evening of March 8th in New York, beside eve (08:00 UTC)
    await zonedWorkspace(store, 'ny', 'America/New_York');
    await qualityWorld(store);
    await qualityWorld(store, 'ny');
    const on8th = { from: '2026-03-08', to: '2026-03-08', groupBy: 'channel' };
    const utc = await run(store, on8th);
    assert.deepEqual(
      utc.rows.map((x) => [x.group.channel, x.leads]),
      [['Paid Search', 1]],
    );
    const ny = await leadQuality.run({ store, workspaceId: 'ny' }, leadQuality.params.parse(on8th));
    assert.equal(ny.timezone, 'America/New_York');
    assert.deepEqual(ny.rows.map((x) => [x.group.channel, x.leads]).sort(), [
      ['Email', 1],
      ['Paid Search', 1],
    ]);

    // the Email leads of March (bob and hal) alone: bob's lost deal is the only lost reason
    const march = { from: '2026-03-01', to: '2026-03-31', groupBy: 'channel' };
    const email = await run(store, { ...march, channel: 'Email' });
    assert.deepEqual(
      email.rows.map((x) => x.group.channel),
      ['Email'],
    );
    assert.equal(email.total.leads, 2);
    assert.deepEqual(email.lostReasons, [{ reason: 'price', deals: 1 }]);
    // a campaign filter by filter=: ada and eve (spring); gina entered in February
    const spring = await run(store, { ...march, filter: 'campaign:spring' });
    assert.deepEqual(
      [spring.total.leads, spring.total.wonDeals, spring.total.lostDeals],
      [2, 1, 2],
    );

    // March against February: gina alone then
    const cmp = await run(store, { ...march, compare: '2026-02-01..2026-02-28' });
    assert.deepEqual(cmp.compare, { from: '2026-02-01', to: '2026-02-28' });
    assert.equal(cmp.previous?.leads, 1);
    assert.equal(cmp.previous?.wonDeals, 1);
    await assert.rejects(run(store, { device: 'mobile', keyword: 'x' }), { field: 'keyword' });
  });
});
