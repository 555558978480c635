import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rebuild } from '../derive/derive.js';
import { simulate } from '../sim/index.js';
import { tempDir } from '../test-helpers/tmp.js';
import { defaultMemoryLimit, parseByteSize, threadsFor } from '../util/memory-limit.js';
import { openStore, SPILL_DIR } from './open.js';
import type { Store } from './store.js';

const near = (reported: string, bytes: number) => {
  const got = parseByteSize(reported);
  assert.ok(
    got !== undefined && Math.abs(got - bytes) / bytes < 0.01,
    `engine reports ${reported}, expected about ${bytes} bytes`,
  );
};

test(
  'the memory limit reaches the engine, with threads to match and spilling under the data directory',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const small = await openStore(join(dir, 'a'), { memoryLimit: 300e6 });
      try {
        const l = await small.engineLimits();
        near(l.memoryLimit, 300e6);
        assert.equal(l.threads, 1);
        assert.equal(l.tempDirectory, join(resolve(dir, 'a'), SPILL_DIR));
      } finally {
        await small.close();
      }
      // nothing set: the documented default, half of the machine
      const dflt = await openStore(join(dir, 'b'));
      try {
        const l = await dflt.engineLimits();
        near(l.memoryLimit, defaultMemoryLimit());
        assert.equal(l.threads, threadsFor(defaultMemoryLimit()));
      } finally {
        await dflt.close();
      }
    } finally {
      cleanup();
    }
  },
);

async function importAndRebuild(store: Store, file: string) {
  await store.createWorkspace({
    id: 'w',
    name: 'w',
    currency: 'USD',
    timezone: 'UTC',
    writeKey: 'wk_w',
    secretKeyHash: 'h_w',
  });
  const imported = await store.importEventsFile('w', file);
  const derived = await rebuild(store, 'w');
  return {
    inserted: imported.inserted,
    sessions: derived.sessions,
    persons: derived.identity.persons,
    leads: derived.leads,
    credits: derived.credits.rows,
    byChannel: await store.sessionsByChannel('w'),
  };
}

test(
  'an import and rebuild under a small limit spill to disk and give what an unbounded engine gives',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sim = await simulate(
        { seed: 3, days: 30, visitorsPerDay: 1000, end: '2026-09-30' },
        { outDir: join(dir, 'world') },
      );
      const file = join(dir, 'world', 'events.ndjson');
      // the file three times over: every messageId repeated sends the import down its de-duplicating path,
      // which sorts every row, the statement that needs the most memory (the plain import does not spill
      // at this size)
      const text = readFileSync(file, 'utf8');
      const tripled = join(dir, 'world', 'tripled.ndjson');
      writeFileSync(tripled, text.repeat(3));

      const bounded = await openStore(join(dir, 'bounded'), { memoryLimit: 256e6 });
      // the engine writes its spill files there while a statement runs, and removes them after
      const spilled: string[] = [];
      const watcher = watch(join(dir, 'bounded', SPILL_DIR), (_event, name) =>
        spilled.push(String(name)),
      );
      let small;
      try {
        small = await importAndRebuild(bounded, tripled);
      } finally {
        watcher.close();
        await bounded.close();
      }
      assert.ok(
        spilled.length > 0,
        'the engine never spilled: the limit did not bind, so this test proves nothing',
      );
      assert.equal(small.inserted, sim.record.events.total);

      const roomy = await openStore(join(dir, 'roomy'), { memoryLimit: 4e9 });
      try {
        assert.deepEqual(small, await importAndRebuild(roomy, file));
      } finally {
        await roomy.close();
      }
    } finally {
      cleanup();
    }
  },
);
