// The overview and performance reports on a simulated world (src/sim through the demo's seeding: its
// events, CRM CSV and ad platforms' cost exports, each imported as a user would): every dimension runs,
// and the totals still reconcile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedDemoWorkspace } from '../cli/demo.js';
import { REPORT_DIMENSIONS } from '../store/areas/reports.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { overview } from './overview.js';
import { performance } from './performance.js';

test('overview and performance run on a simulated world, by every dimension, and reconcile', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace } = await seedDemoWorkspace(store, {
      days: 21,
      visitorsPerDay: 40,
      end: '2026-09-30',
      seed: 3,
    });
    const ctx = { store, workspaceId: workspace.id };
    const range = { from: '2026-09-10', to: '2026-09-30' };
    const o = await overview.run(ctx, overview.params.parse(range));
    assert.equal(o.daily.length, 21);
    // the CLI's table of it: one row per metric
    assert.equal(overview.table(o, overview.params.parse(range)).rows.length, 12);
    assert.ok(
      o.totals.sessions > 0 && o.totals.leads > 0 && o.totals.spend > 0,
      JSON.stringify(o.totals),
    );
    // two dimensions a run (fewer runs on a slow engine); the rows of any grouping add up
    for (let i = 0; i < REPORT_DIMENSIONS.length; i += 2) {
      const d = REPORT_DIMENSIONS.slice(i, i + 2).join(',');
      const r = await performance.run(
        ctx,
        performance.params.parse({ ...range, model: 'linear', groupBy: d }),
      );
      assert.ok(r.rows.length > 0, d);
      const p = performance.params.parse({ ...range, groupBy: d });
      assert.equal(performance.table(r, p).rows.length, r.rows.length, `${d}: table`);
      const sum = (f: (x: (typeof r.rows)[number]) => number | null) =>
        r.rows.reduce((s, x) => s + (f(x) ?? 0), 0);
      assert.ok(
        Math.abs(sum((x) => x.spend) - o.totals.spend) < 0.01 * r.rows.length,
        `${d}: spend`,
      );
      assert.equal(
        sum((x) => x.sessions),
        o.totals.sessions,
        `${d}: sessions`,
      );
      assert.ok(Math.abs(sum((x) => x.leads) - o.totals.leads) < 1e-6, `${d}: leads`);
      assert.equal(r.totals.visitors, o.totals.visitors, `${d}: visitors`);
    }
  } finally {
    await store.close();
    cleanup();
  }
});
