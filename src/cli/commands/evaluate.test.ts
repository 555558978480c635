import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../sim/index.js';
import { rebuild } from '../../derive/derive.js';
import { openTestStore } from '../../test-helpers/store.js';
import { TEST_WORKSPACE } from '../../test-helpers/events.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { UsageError } from '../errors.js';
import { runEvaluate } from './evaluate.js';

test('evaluate: every model is scored on leads, revenue and pipeline against the truth file’s incremental values', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const truthFile = join(dir, 'truth.json');
    const sim = await simulate(
      { seed: 3, days: 60, visitorsPerDay: 60, end: '2026-10-31' },
      { outDir: dir, truthFile },
    );
    assert.ok(sim.record.crm.dealsWon > 0, 'the world needs a won deal for the revenue columns');
    const r = await runEvaluate({ truth: truthFile, lookbackDays: 730 });
    assert.equal(r.lookbackDays, 730);
    assert.equal(r.world.pipeline, sim.truth!.totals.pipeline);
    assert.ok(r.world.pipeline! > r.world.revenue, 'more is opened than won');
    assert.deepEqual(r.models.map((m) => m.model).sort(), [
      'first_touch',
      'full_path',
      'last_non_direct',
      'last_touch',
      'linear',
      'markov',
      'position_based',
      'shapley',
      'shapley_simplified',
      'time_decay',
      'u_shaped',
      'w_shaped',
    ]);
    // the truth's channels summed into GA4 groups
    const trueLeads = Object.values(sim.truth!.channels).reduce(
      (s, c) => s + c.incrementalLeads,
      0,
    );
    assert.equal(
      r.truth.leads.reduce((s, c) => s + c.amount, 0),
      trueLeads,
    );
    for (const m of r.models) {
      for (const e of [m.leads, m.revenue!, m.pipeline!]) {
        assert.ok(
          e.totalVariation >= 0 && e.totalVariation <= 1,
          `${m.model} TV ${e.totalVariation}`,
        );
        assert.ok(
          Math.abs(e.channels.reduce((s, c) => s + c.modelShare, 0) - 1) < 1e-9,
          `${m.model} shares sum to 1`,
        );
        // TV is half the L1 distance of the listed shares
        const l1 = e.channels.reduce((s, c) => s + Math.abs(c.modelShare - c.trueShare), 0);
        assert.ok(Math.abs(e.totalVariation - l1 / 2) < 1e-12);
      }
    }
    // the leads evaluated are the product's own: first touch with a wide window splits the leads as the
    // store's independent SQL first-touch count does on the same events
    const store = await openTestStore(join(dir, 'check'));
    try {
      await store.createWorkspace(TEST_WORKSPACE);
      await store.importEventsFile('w', join(dir, 'events.ndjson'));
      await rebuild(store, 'w');
      const seen = await store.leadsByFirstTouchChannel('w');
      const total = seen.reduce((a, b) => a + b.leads, 0);
      const first = r.models.find((m) => m.model === 'first_touch')!;
      assert.deepEqual(
        first.leads.channels
          .filter((c) => c.modelShare > 0)
          .map((c) => [c.channel, Math.round(c.modelShare * total * 1e9) / 1e9]),
        seen
          .map((c) => [c.channel, c.leads])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
    } finally {
      await store.close();
    }
    // ranked best first by lead TV
    const tvs = r.models.map((m) => m.leads.totalVariation);
    assert.deepEqual(
      tvs,
      [...tvs].sort((a, b) => a - b),
    );
  } finally {
    cleanup();
  }
});

test('evaluate: a file that is not a truth file is refused naming --truth and the field', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'x.json');
    writeFileSync(f, JSON.stringify({ run: { seed: 1, days: 'many' } }));
    await assert.rejects(
      runEvaluate({ truth: f }),
      (e: unknown) => e instanceof UsageError && /run\.days/.test(e.message),
    );
    await assert.rejects(
      runEvaluate({ truth: join(dir, 'missing.json') }),
      (e: unknown) => e instanceof UsageError && /cannot read/.test(e.message),
    );
  } finally {
    cleanup();
  }
});
