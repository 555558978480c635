// The journeys, identity-health, goals and realtime reports on a simulated world (the Demo workspace's,
// small: its events, CRM CSV and ad-cost CSVs through the import paths), on the suite's engine: each
// runs, and what two of them count alike agrees (a month's leads in goals and in journeys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedDemoWorkspace } from '../cli/demo.js';
import { setGoals } from '../derive/goal-settings.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { goals } from './goals.js';
import { identityHealth } from './identity-health.js';
import { journeys } from './journeys.js';
import { realtime } from './realtime.js';

test(
  'journeys, identity-health, goals and realtime run on a simulated world',
  { timeout: 110_000 },
  async (t) => {
    const { dir, cleanup } = tempDir();
    const store = await openTestStore(dir);
    try {
      const demo = await seedDemoWorkspace(store, {
        days: 45,
        visitorsPerDay: 60,
        end: '2026-03-31',
      });
      const ctx = { store, workspaceId: demo.workspace.id };

      const leads = await journeys.run(
        ctx,
        journeys.params.parse({ from: '2026-03-01', to: '2026-03-31', limit: '500' }),
      );
      assert.ok(leads.total > 0, 'the world has March leads');
      for (const p of leads.persons) {
        assert.ok(
          p.path.every((t) => t.at <= p.reachedAt),
          'a path ends at its conversion',
        );
        assert.ok(p.touchCount >= p.path.length);
      }
      const customers = await journeys.run(
        ctx,
        journeys.params.parse({ milestone: 'customer', from: '2026-02-01', to: '2026-03-31' }),
      );
      assert.ok(customers.total >= 0);
      const channel = leads.persons.find((p) => p.firstTouch !== null)?.firstTouch;
      if (channel) {
        const some = await journeys.run(
          ctx,
          journeys.params.parse({ from: '2026-03-01', to: '2026-03-31', channel }),
        );
        assert.ok(some.total > 0 && some.total <= leads.total);
        assert.ok(some.persons.every((p) => p.path.some((t) => t.channel === channel)));
      }

      const health = await identityHealth.run(ctx, identityHealth.params.parse({}));
      const lead = health.matchRates.filter((m) => m.milestone === 'lead');
      assert.ok(lead.length > 0);
      assert.ok(health.crm.length > 0, 'the CRM import reached the match counts');
      assert.ok(health.crm.every((c) => c.matched <= c.objects));

      await setGoals(store, ctx.workspaceId, {
        goals: [
          { period: '2026-03', metric: 'leads', target: 100 },
          { period: '2026-03', metric: 'pipeline', target: 100_000 },
          { period: '2026-03', metric: 'revenue', target: 50_000 },
          { period: '2026-03', metric: 'cpl', target: 50 },
        ],
      });
      const g = await goals.run(
        ctx,
        goals.params.parse({ period: '2026-03', at: '2026-04-01T00:00:00Z' }),
      );
      assert.equal(g.goals.length, 4);
      // the month's leads: the same persons as the journeys segment's
      assert.equal(g.goals.find((x) => x.metric === 'leads')!.actual, leads.total);
      const cpl = g.goals.find((x) => x.metric === 'cpl')!;
      assert.ok(cpl.spend !== null && cpl.spend !== undefined && cpl.spend > 0, 'March had spend');

      t.diagnostic(
        `March leads ${leads.total}, customers ${customers.total}; lead stitched ${lead.map((m) => `${m.source} ${m.stitched}/${m.persons}`).join(', ')}; CRM ${health.crm.map((c) => `${c.objectType} ${c.matched}/${c.objects}`).join(', ')}; goals ${g.goals.map((x) => `${x.metric} ${x.actual} ${x.status}`).join(', ')}`,
      );
      const live = await realtime.run(ctx, realtime.params.parse({}));
      assert.equal(live.perMinute.length, 30);

      // the CLI's tables of them: a row per person, finding or goal
      const lp = journeys.params.parse({ from: '2026-03-01', to: '2026-03-31', limit: '500' });
      assert.equal(journeys.table(leads, lp).rows.length, leads.persons.length);
      const hp = identityHealth.params.parse({});
      assert.equal(
        identityHealth.table(health, hp).rows.length,
        health.matchRates.length +
          health.crm.length +
          health.quarantined.length +
          health.unmatchedCrm.length,
      );
      assert.equal(goals.table(g, goals.params.parse({})).rows.length, 4);
      assert.match(realtime.table(live, realtime.params.parse({})).headline ?? '', /visitors/);
    } finally {
      await store.close();
      cleanup();
    }
  },
);
