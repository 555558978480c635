import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chStoreOf } from '../store/engines/clickhouse/clickhouse-store.js';
import { DB_FILE } from '../store/open.js';
import { openTestStore, testEngine } from './store.js';
import { tempDir } from './tmp.js';

test('CLOSEDLOOP_TEST_ENGINE chooses the engine the suite runs on, duckdb by default; an unknown one is refused by name', () => {
  assert.equal(testEngine({}), 'duckdb');
  assert.equal(testEngine({ CLOSEDLOOP_TEST_ENGINE: 'duckdb' }), 'duckdb');
  assert.equal(testEngine({ CLOSEDLOOP_TEST_ENGINE: 'clickhouse' }), 'clickhouse');
  assert.throws(
    () => testEngine({ CLOSEDLOOP_TEST_ENGINE: 'oracle' }),
    /CLOSEDLOOP_TEST_ENGINE=oracle: not an engine of this build \(duckdb, clickhouse\)/,
  );
});

const workspace = {
  id: 'w',
  name: 'w',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk',
  secretKeyHash: 'h',
};

test(
  'on clickhouse, a test store keeps its data in a chdb database of its directory’s own (found again on a reopen, new for a new directory) and its control plane in the DuckDB file there',
  { timeout: 60_000 },
  async () => {
    const before = process.env.CLOSEDLOOP_TEST_ENGINE;
    process.env.CLOSEDLOOP_TEST_ENGINE = 'clickhouse';
    const { dir, cleanup } = tempDir();
    const page = {
      type: 'page',
      messageId: 'm1',
      anonymousId: 'a1',
      timestamp: '2026-01-01T00:00:00Z',
    };
    try {
      const a = await openTestStore(join(dir, 'a'));
      const b = await openTestStore(join(dir, 'b'));
      try {
        assert.equal(a.engine, 'clickhouse');
        assert.equal(a.controlEngine, 'duckdb');
        assert.ok(existsSync(join(dir, 'a', DB_FILE)), 'the control plane is in the local file');
        assert.notEqual(chStoreOf(a)!.database, chStoreOf(b)!.database);
        await a.createWorkspace(workspace);
        await b.createWorkspace(workspace);
        const r = await a.appendEvents('w', [page], { origin: 'api', receivedAt: new Date() });
        assert.equal(r.inserted, 1);
        assert.equal(await b.countEvents('w'), 0);
      } finally {
        await a.close();
        await b.close();
      }
      const reopened = await openTestStore(join(dir, 'a'));
      try {
        assert.equal(await reopened.countEvents('w'), 1, 'a reopen finds the data');
      } finally {
        await reopened.close();
      }
      // the directory removed and made again: a new store, whatever the last one at that path held
      rmSync(join(dir, 'a'), { recursive: true });
      const fresh = await openTestStore(join(dir, 'a'));
      try {
        assert.equal(await fresh.countEvents('w'), 0);
      } finally {
        await fresh.close();
      }
    } finally {
      if (before === undefined) delete process.env.CLOSEDLOOP_TEST_ENGINE;
      else process.env.CLOSEDLOOP_TEST_ENGINE = before;
      cleanup();
    }
  },
);
