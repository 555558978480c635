// Model comparison reads every model's credits at once (creditReports): each model's rows are the ones,
// in the order, its own credit report gives, on the suite's engine over the pipeline world.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { qualityWorld } from '../test-helpers/quality-world.js';

test("one read of every model's credits gives each model's own credit report", async () => {
  await withStore(async (store) => {
    await qualityWorld(store);
    const models = ['first_touch', 'last_touch', 'linear', 'no_such_model'];
    for (const groupBy of [[], ['channel'], ['channel', 'campaign']] as const) {
      const q = { milestone: 'lead', groupBy, from: Date.parse('2026-01-01T00:00:00Z') };
      const all = await store.creditReports('w', { ...q, models });
      assert.deepEqual(Object.keys(all).sort(), [...models].sort());
      for (const model of models)
        assert.deepEqual(all[model], await store.creditReport('w', { ...q, model }), model);
      assert.ok((all.linear ?? []).length > 0, 'the world has credits');
      // a model without credits: no group, or the one zero row of ungrouped sums
      assert.deepEqual(
        all.no_such_model,
        groupBy.length ? [] : [{ key: {}, conversions: 0, value: 0, touchedConversions: 0 }],
      );
    }
  });
});
