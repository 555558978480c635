// Replacing a workspace's rows of a derived table in one step, where ClickHouse has no multi-statement
// transaction: derived tables are partitioned by workspace (schema.ts), so the new partition is built in
// a stage table and swapped in by one ALTER TABLE ... REPLACE PARTITION.
//
// A live derive's deletes leave patch parts in the tables (delete-rows.ts). A swap into a partition that
// holds some is allowed, and they do not touch the rows swapped in (those get newer block numbers); but
// ClickHouse refuses to move a partition *out* of a table whose patches there are not applied yet, so a
// stage never takes a patch-part delete.
import { randomBytes } from 'node:crypto';
import { fn, sql, type Sql } from '../neutral/sql.js';
import { commandNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/** A partition value as a ClickHouse string literal (derived tables are partitioned by workspace id). */
const partition = (ws: string) => `'${ws.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * Rows per insert into a stage: an insert's rows travel as one JSONEachRow text, and a ~10M-event
 * world's 1.8M credit rows are more text than one JavaScript string may hold (V8's limit, ~512 MiB).
 */
export const STAGE_INSERT_ROWS = 100_000;

/** Rebuilds a workspace's partition of a derived table: the rows `keep` selects, plus `add`, swapped in. */
export async function swapPartition(
  s: ChStore,
  table: string,
  ws: string,
  keep: Sql,
  add: readonly object[],
  chunkRows = STAGE_INSERT_ROWS,
): Promise<void> {
  await rebuildPartition(s, table, ws, async (stage) => {
    await commandNeutral(
      s.conn,
      s.database,
      sql`INSERT INTO ${fn.table(stage)} SELECT * FROM ${fn.table(table)} WHERE ${keep}`,
    );
    // in chunks: the stage is swapped in whole after, so no reader sees a part of them
    for (let i = 0; i < add.length; i += chunkRows)
      await s.conn.insert(`${s.database}.${stage}`, add.slice(i, i + chunkRows));
  });
}

/**
 * Rebuilds a workspace's partition of a derived table in a stage table (same columns, empty) that `fill`
 * writes, then swaps it in. `fill` returning false abandons the rebuild: the table is left as it was.
 * Whether the partition was replaced.
 */
export async function rebuildPartition(
  s: ChStore,
  table: string,
  ws: string,
  fill: (stage: string) => Promise<boolean | void>,
): Promise<boolean> {
  const stage = `${table}_stage_${randomBytes(6).toString('hex')}`;
  const db = s.database;
  await s.conn.command(`CREATE TABLE ${db}.${stage} AS ${db}.${table}`);
  try {
    if ((await fill(stage)) === false) return false;
    await swapInStage(s, table, stage, ws);
    return true;
  } finally {
    await s.conn.command(`DROP TABLE IF EXISTS ${db}.${stage}`);
  }
}

/**
 * Puts a stage's rows in place of a workspace's partition of `table`; an empty stage drops the partition
 * (ClickHouse refuses to replace from an empty source, not to drop data by mistake: here that is the
 * intent).
 */
export async function swapInStage(
  s: ChStore,
  table: string,
  stage: string,
  ws: string,
): Promise<void> {
  const db = s.database;
  const [left] = await s.conn.query<{ n: number }>(`SELECT count() AS n FROM ${db}.${stage}`);
  await s.conn.command(
    Number(left?.n ?? 0) > 0
      ? `ALTER TABLE ${db}.${table} REPLACE PARTITION ${partition(ws)} FROM ${db}.${stage}`
      : `ALTER TABLE ${db}.${table} DROP PARTITION ${partition(ws)}`,
  );
}
