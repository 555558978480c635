// A live derive's delete on ClickHouse: the rows it names are gone when it returns, and one that names
// none leaves no mutation behind (the mutation is what costs, matched or not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { fn, p, sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import type { ChStore } from './events.js';

test(
  'deleteRows removes the rows it names at once, and runs no mutation when it names none',
  { timeout: 120_000 },
  async () => {
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await s.conn.command(
        `CREATE TABLE ${s.database}.t (workspace_id String, person_id String) ENGINE = MergeTree
          PARTITION BY workspace_id ORDER BY (workspace_id, person_id)`,
      );
      await s.conn.insert(`${s.database}.t`, [
        { workspace_id: 'w', person_id: 'p1' },
        { workspace_id: 'w', person_id: 'p2' },
        { workspace_id: 'other', person_id: 'p1' },
      ]);
      const rows = async () =>
        (
          await s.conn.query<{ w: string; p: string }>(
            `SELECT workspace_id AS w, person_id AS p FROM ${s.database}.t ORDER BY w, p`,
          )
        ).map((r) => `${r.w}/${r.p}`);
      const mutations = async () =>
        Number(
          (
            await s.conn.query<{ n: number }>(
              `SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND table = 't'`,
              { db: s.database },
            )
          )[0]?.n,
        );
      const of = (ws: string, persons: string[]) =>
        sql`workspace_id = ${p.text(ws)} AND ${fn.inSet('person_id', p.texts(persons))}`;

      assert.equal(await deleteRows(s, fn.table('t'), of('w', ['p3', 'p4'])), false);
      assert.equal(await deleteRows(s, fn.table('t'), of('nobody', ['p1'])), false);
      assert.deepEqual(await rows(), ['other/p1', 'w/p1', 'w/p2']);
      assert.equal(await mutations(), 0, 'nothing matched: no mutation ran');

      assert.equal(await deleteRows(s, fn.table('t'), of('w', ['p1', 'p3'])), true);
      assert.deepEqual(await rows(), ['other/p1', 'w/p2'], 'gone when the call returns');
      assert.equal(await mutations(), 1);
    } finally {
      await chdb.close();
    }
  },
);
