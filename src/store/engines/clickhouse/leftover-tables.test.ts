// Work tables a killed process left (an import's stage, a partition swap's stage, scratch rows, a
// redaction's tables) are dropped at open once old enough; the engine's own tables, other tables, and a
// redaction's rewrites that a pending mutation reads are kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chdbTestDir, freshDatabase } from '../../../test-helpers/clickhouse.js';
import { openChdbConnection } from './chdb-connection.js';
import { dropLeftoverTables, isWorkTableName } from './leftover-tables.js';

test('work table names are told from the engine and user tables', () => {
  for (const n of [
    'import_stage_0123456789abcdef',
    'sessions_stage_0123456789ab',
    'identity_graph_out_0123456789ab',
    'redact_candidates_0123456789ab',
  ])
    assert.ok(isWorkTableName(n), n);
  for (const n of ['events', 'sessions', 'import_stage', 'sessions_stage_xyz', 'my_stage_0123'])
    assert.ok(!isWorkTableName(n), n);
});

test(
  'old work tables are dropped, recent ones and other tables are kept',
  { timeout: 60_000 },
  async () => {
    const conn = await openChdbConnection(chdbTestDir());
    const db = freshDatabase('leftover');
    try {
      await conn.command(`CREATE DATABASE ${db}`);
      for (const t of ['import_stage_0123456789abcdef', 'identity_seen_now_0123456789ab', 'events'])
        await conn.command(`CREATE TABLE ${db}.${t} (x Int32) ENGINE = MergeTree ORDER BY x`);
      // a day's age: nothing here is that old, so nothing goes
      assert.deepEqual(await dropLeftoverTables(conn, db), []);
      // any age: the work tables go, the others stay
      assert.deepEqual((await dropLeftoverTables(conn, db, 0)).sort(), [
        'identity_seen_now_0123456789ab',
        'import_stage_0123456789abcdef',
      ]);
      const left = await conn.query<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`,
        { db },
      );
      assert.deepEqual(
        left.map((r) => r.name),
        ['events'],
      );
    } finally {
      await conn.command(`DROP DATABASE IF EXISTS ${db}`);
      await conn.close();
    }
  },
);
