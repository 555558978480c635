// The overview's totals are what every model's credits add up to, with `lead` as the conversion: under
// every stored model the performance report's rows by channel sum to the overview's (test-helpers/report-reconcile.ts), on
// the hand-computed world of test-helpers/report-world.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { reportWorld } from '../test-helpers/report-world.js';
import { reconcileUnder } from '../test-helpers/report-reconcile.js';

test('lead: under every model, the performance report’s sum over channels is the overview’s total', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    // the rule-based models but custom (no weights here) and the three data-driven ones
    assert.equal((await reconcileUnder(store, 'lead')).length, 12);
  });
});
