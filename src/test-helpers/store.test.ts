import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openChdbConnection } from '../store/engines/clickhouse/chdb-connection.js';
import { chStoreOf } from '../store/engines/clickhouse/clickhouse-store.js';
import { DB_FILE } from '../store/open.js';
import { chdbTestDir } from './clickhouse.js';
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
  'on clickhouse, each test store has a chdb database of its own, dropped on close, and its control plane in the DuckDB file under its directory',
  { timeout: 60_000 },
  async () => {
    const before = process.env.CLOSEDLOOP_TEST_ENGINE;
    process.env.CLOSEDLOOP_TEST_ENGINE = 'clickhouse';
    const { dir, cleanup } = tempDir();
    const conn = await openChdbConnection(chdbTestDir());
    try {
      const a = await openTestStore(join(dir, 'a'));
      const b = await openTestStore(join(dir, 'b'));
      let database: string;
      try {
        assert.equal(a.engine, 'clickhouse');
        assert.equal(a.controlEngine, 'duckdb');
        assert.ok(existsSync(join(dir, 'a', DB_FILE)), 'the control plane is in the local file');
        database = chStoreOf(a)!.database;
        assert.notEqual(database, chStoreOf(b)!.database);
        await a.createWorkspace(workspace);
        await b.createWorkspace(workspace);
        const page = {
          type: 'page',
          messageId: 'm1',
          anonymousId: 'a1',
          timestamp: '2026-01-01T00:00:00Z',
        };
        assert.equal(
          (await a.appendEvents('w', [page], { origin: 'api', receivedAt: new Date() })).inserted,
          1,
        );
        assert.equal(await a.countEvents('w'), 1);
        assert.equal(await b.countEvents('w'), 0);
      } finally {
        await a.close();
        await b.close();
      }
      const left = await conn.query<{ name: string }>(
        'SELECT name FROM system.databases WHERE name = {db:String}',
        { db: database },
      );
      assert.deepEqual(left, [], 'the store’s database is dropped with it');
    } finally {
      if (before === undefined) delete process.env.CLOSEDLOOP_TEST_ENGINE;
      else process.env.CLOSEDLOOP_TEST_ENGINE = before;
      await conn.close();
      cleanup();
    }
  },
);
