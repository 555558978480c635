// Days and periods of the workspace's time zone, on the suite's engine: in a New York workspace, a lead at
// 03:30 UTC on April 1st is March's (23:30 the evening before), in the journeys' days and in the goals'
// month, whose bounds are New York's midnights (EST at its start, EDT at its end).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { setGoals } from '../derive/goal-settings.js';
import { identify, TEST_WORKSPACE, withStore } from '../test-helpers/events.js';
import { goals } from './goals.js';
import { journeys } from './journeys.js';

test('journeys and goals count in the workspace time zone', async () => {
  await withStore(async (store) => {
    await store.createWorkspace({
      ...TEST_WORKSPACE,
      id: 'ny',
      writeKey: 'k-ny',
      secretKeyHash: 'h-ny',
      timezone: 'America/New_York',
    });
    await store.appendEvents(
      'ny',
      [
        // March 31st 16:00 in New York
        identify('a1', '2026-03-31T20:00:00Z', 'one@acme.io'),
        // March 31st 23:30 in New York, April 1st in UTC
        identify('a2', '2026-04-01T03:30:00Z', 'two@acme.io'),
        // February 28th 23:00 in New York, March 1st in UTC
        identify('a3', '2026-03-01T04:00:00Z', 'three@acme.io'),
      ],
      { origin: 'import', receivedAt: new Date() },
    );
    await rebuild(store, 'ny');
    const ctx = { store, workspaceId: 'ny' };

    const day = await journeys.run(
      ctx,
      journeys.params.parse({ from: '2026-03-31', to: '2026-03-31' }),
    );
    assert.deepEqual(
      day.persons.map((p) => p.email),
      ['two@acme.io', 'one@acme.io'],
    );
    const march = await journeys.run(
      ctx,
      journeys.params.parse({ from: '2026-03-01', to: '2026-03-31' }),
    );
    assert.equal(march.total, 2);

    await setGoals(store, 'ny', { goals: [{ period: '2026-03', metric: 'leads', target: 2 }] });
    const g = await goals.run(
      ctx,
      goals.params.parse({ period: '2026-03', at: '2026-04-01T12:00:00Z' }),
    );
    assert.deepEqual(
      g.goals.map((x) => [x.period, x.start, x.end, x.actual, x.status]),
      [['2026-03', '2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z', 2, 'met']],
    );
    // 03:00 UTC on April 1st is still March in New York: the default period is March's
    const late = await goals.run(ctx, goals.params.parse({ at: '2026-04-01T03:00:00Z' }));
    assert.deepEqual(
      late.goals.map((x) => [x.period, x.actual, x.status]),
      [['2026-03', 1, 'off_track']],
    );
  });
});
