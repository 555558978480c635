// The model-comparison report's common parameters on the suite's engine: days of the workspace's time
// zone (a lead at 03:00 UTC on March 2nd is New York's March 1st), groupBy by the common dimension names
// the credits carry (keyword is a touch's term), and bad parameters refused naming them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { identify, page, withStore, zonedWorkspace } from '../test-helpers/events.js';
import { modelComparison } from './model-comparison.js';

const G = 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=shoes';

test('model comparison by the days of the workspace time zone and the common dimension names', async () => {
  await withStore(async (store) => {
    await zonedWorkspace(store, 'ny', 'America/New_York');
    for (const ws of ['w', 'ny']) {
      await store.appendEvents(
        ws,
        [
          page('anon-a', '2026-03-01T20:00:00Z', G),
          identify('anon-a', '2026-03-02T03:00:00Z', 'ada@acme.io'),
        ],
        { origin: 'import', receivedAt: new Date() },
      );
      await rebuild(store, ws);
    }
    const run = (workspaceId: string, q: Record<string, string>) =>
      modelComparison.run({ store, workspaceId }, modelComparison.params.parse(q));
    const count = (r: Awaited<ReturnType<typeof run>>) =>
      (r.models.last_touch ?? []).reduce((n, x) => n + x.conversions, 0);
    const march1 = { from: '2026-03-01', to: '2026-03-01' };
    assert.equal(count(await run('w', march1)), 0);
    assert.equal(count(await run('w', { from: '2026-03-02', to: '2026-03-02' })), 1);
    assert.equal(count(await run('ny', march1)), 1);
    // every conversion without a range
    assert.equal(count(await run('w', {})), 1);

    const byKeyword = await run('w', { groupBy: 'channel,keyword' });
    assert.deepEqual(byKeyword.groupBy, ['channel', 'keyword']);
    assert.deepEqual(
      byKeyword.models.last_touch?.map((x) => [x.key.channel, x.key.term, x.conversions]),
      [['Paid Search', 'shoes', 1]],
    );
    const table = modelComparison.table(byKeyword, modelComparison.params.parse({}));
    assert.equal(table.rows[0]?.keyword, 'shoes');

    await assert.rejects(run('w', { groupBy: 'device' }), { field: 'groupBy' });
    await assert.rejects(run('w', { groupBy: 'colour' }), { field: 'groupBy' });
    await assert.rejects(run('w', { from: '2026-03-02', to: '2026-03-01' }), { field: 'to' });
    assert.equal(modelComparison.params.safeParse({ from: '2026-02-30' }).success, false);
  });
});
