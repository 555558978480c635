// A live derive's delete on ClickHouse: the rows it names are gone when it returns, written as a patch
// part rather than a mutation waited for (the mutation is what cost), on a derived table's settings; on a
// table without them it falls back to the mutation, as correct.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { fn, p, sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import type { ChStore } from './events.js';
import { PATCH_DELETE_TABLE_SETTINGS } from './schema.js';

const settings = Object.entries(PATCH_DELETE_TABLE_SETTINGS)
  .map(([k, v]) => `${k} = ${v}`)
  .join(', ');

test(
  'deleteRows removes the rows it names at once, as a patch part and no mutation',
  { timeout: 120_000 },
  async () => {
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await s.conn.command(
        `CREATE TABLE ${s.database}.t (workspace_id String, person_id String, n Int32) ENGINE = MergeTree
          PARTITION BY workspace_id ORDER BY (workspace_id, person_id) SETTINGS ${settings}`,
      );
      // two inserts, so the rows a delete takes lie in more than one part
      await s.conn.insert(`${s.database}.t`, [
        { workspace_id: 'w', person_id: 'p1', n: 1 },
        { workspace_id: 'w', person_id: 'p2', n: 1 },
      ]);
      await s.conn.insert(`${s.database}.t`, [
        { workspace_id: 'w', person_id: 'p3', n: 1 },
        { workspace_id: 'other', person_id: 'p1', n: 1 },
      ]);
      const rows = async () =>
        (
          await s.conn.query<{ w: string; p: string; n: number }>(
            `SELECT workspace_id AS w, person_id AS p, n FROM ${s.database}.t ORDER BY w, p`,
          )
        ).map((r) => `${r.w}/${r.p}/${r.n}`);
      const count = async (what: string) =>
        Number(
          (
            await s.conn.query<{ n: number }>(
              what === 'mutations'
                ? `SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND table = 't'`
                : `SELECT count() AS n FROM system.parts WHERE database = {db:String} AND table = 't'
                    AND active AND startsWith(partition_id, 'patch-')`,
              { db: s.database },
            )
          )[0]?.n,
        );
      const of = (ws: string, persons: string[]) =>
        sql`workspace_id = ${p.text(ws)} AND ${fn.inSet('person_id', p.texts(persons))}`;

      await deleteRows(s, fn.table('t'), of('w', ['p8', 'p9']));
      await deleteRows(s, fn.table('t'), of('nobody', ['p1']));
      assert.deepEqual(await rows(), ['other/p1/1', 'w/p1/1', 'w/p2/1', 'w/p3/1']);
      assert.equal(await count('patches'), 0, 'nothing matched: nothing written');

      await deleteRows(s, fn.table('t'), of('w', ['p1', 'p3', 'p9']));
      assert.deepEqual(await rows(), ['other/p1/1', 'w/p2/1'], 'gone when the call returns');
      assert.equal(await count('mutations'), 0, 'no mutation ran');
      assert.ok((await count('patches')) > 0, 'a patch part masks them');
      const [counted] = await s.conn.query<{ n: number }>(
        `SELECT count() AS n FROM ${s.database}.t WHERE workspace_id = 'w'`,
      );
      assert.equal(Number(counted?.n), 1, 'a count sees the patch too');

      // the rows written again after it are not masked, before a merge or after one
      await s.conn.insert(`${s.database}.t`, [{ workspace_id: 'w', person_id: 'p1', n: 2 }]);
      assert.deepEqual(await rows(), ['other/p1/1', 'w/p1/2', 'w/p2/1']);
      await s.conn.command(`OPTIMIZE TABLE ${s.database}.t FINAL`);
      assert.deepEqual(await rows(), ['other/p1/1', 'w/p1/2', 'w/p2/1']);
      await deleteRows(s, fn.table('t'), of('w', ['p2']));
      assert.deepEqual(await rows(), ['other/p1/1', 'w/p1/2'], 'a merged part masked too');
    } finally {
      await chdb.close();
    }
  },
);

test(
  'deleteRows on a table without block numbers falls back to the mutation, as correct',
  { timeout: 120_000 },
  async () => {
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await s.conn.command(
        `CREATE TABLE ${s.database}.t (workspace_id String, person_id String) ENGINE = MergeTree
          ORDER BY (workspace_id, person_id)`,
      );
      await s.conn.insert(`${s.database}.t`, [
        { workspace_id: 'w', person_id: 'p1' },
        { workspace_id: 'w', person_id: 'p2' },
      ]);
      await deleteRows(s, fn.table('t'), sql`person_id = ${p.text('p1')}`);
      const left = await s.conn.query<{ p: string }>(`SELECT person_id AS p FROM ${s.database}.t`);
      assert.deepEqual(
        left.map((r) => r.p),
        ['p2'],
      );
    } finally {
      await chdb.close();
    }
  },
);
