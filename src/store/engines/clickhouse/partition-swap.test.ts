// A workspace's partition swapped in whole, also after a live derive's deletes left patch parts in it
// (ClickHouse refuses to move such a partition until they are applied).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { fn, p, sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import type { ChStore } from './events.js';
import { migrateClickHouse } from './migrate.js';
import { rebuildPartition, swapPartition } from './partition-swap.js';

const fit = (ws: string, channel: string, score: number) => ({
  workspace_id: ws,
  model: 'linear',
  milestone: 'lead',
  channel,
  score,
});

test(
  'a swap replaces the partition after patch-part deletes in it, and an empty stage drops it',
  { timeout: 120_000 },
  async () => {
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await migrateClickHouse(s.conn, { database: s.database });
      const table = `${s.database}.attribution_fits`;
      await s.conn.insert(table, [fit('w', 'a', 1), fit('w', 'b', 1), fit('other', 'a', 1)]);
      await s.conn.insert(table, [fit('w', 'c', 1)]);
      const rows = async () =>
        (
          await s.conn.query<{ w: string; c: string; n: number }>(
            `SELECT workspace_id AS w, channel AS c, score AS n FROM ${table} ORDER BY w, c`,
          )
        ).map((r) => `${r.w}/${r.c}/${r.n}`);
      // a live derive's delete: a patch part in w's partition
      await deleteRows(
        s,
        fn.table('attribution_fits'),
        sql`workspace_id = ${p.text('w')} AND channel = ${p.text('b')}`,
      );
      assert.deepEqual(await rows(), ['other/a/1', 'w/a/1', 'w/c/1']);

      await swapPartition(s, 'attribution_fits', 'w', sql`workspace_id = ${p.text('w')}`, [
        fit('w', 'd', 2),
      ]);
      assert.deepEqual(await rows(), ['other/a/1', 'w/a/1', 'w/c/1', 'w/d/2']);

      await deleteRows(
        s,
        fn.table('attribution_fits'),
        sql`workspace_id = ${p.text('w')} AND channel = ${p.text('a')}`,
      );
      assert.equal(await rebuildPartition(s, 'attribution_fits', 'w', async () => undefined), true);
      assert.deepEqual(await rows(), ['other/a/1'], 'an empty stage: the partition dropped');
      // and swapped in again over the patch parts the drop left behind
      await swapPartition(s, 'attribution_fits', 'w', sql`0 = 1`, [fit('w', 'a', 3)]);
      assert.deepEqual(await rows(), ['other/a/1', 'w/a/3']);
    } finally {
      await chdb.close();
    }
  },
);

test('a swap inserts its rows in chunks, every one of them', { timeout: 120_000 }, async () => {
  const chdb = await openTestChdb();
  const s: ChStore = { conn: chdb.conn, database: chdb.database };
  try {
    await migrateClickHouse(s.conn, { database: s.database });
    const table = `${s.database}.attribution_fits`;
    await s.conn.insert(table, [fit('w', 'old', 1), fit('other', 'a', 1)]);
    const add = ['a', 'b', 'c', 'd', 'e'].map((c, i) => fit('w', c, i));
    // 5 rows in chunks of 2: three inserts into the stage
    await swapPartition(s, 'attribution_fits', 'w', sql`0 = 1`, add, 2);
    const rows = await s.conn.query<{ w: string; c: string; n: number }>(
      `SELECT workspace_id AS w, channel AS c, score AS n FROM ${table} ORDER BY w, c`,
    );
    assert.deepEqual(
      rows.map((r) => `${r.w}/${r.c}/${r.n}`),
      ['other/a/1', 'w/a/0', 'w/b/1', 'w/c/2', 'w/d/3', 'w/e/4'],
    );
  } finally {
    await chdb.close();
  }
});
