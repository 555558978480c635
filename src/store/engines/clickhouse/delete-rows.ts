// A live derive's deletes. A DELETE is a mutation that the statement waits for (mutations_sync): it runs
// on the server's background pool, so even one that matches nothing costs a round of that pool (on a busy
// machine 0.2-1 s, where the read that finds nothing takes a few ms). A derive's deletes often match
// nothing (a new visitor has no sessions, identities, edges, lead or credits yet), so each looks first.
// Safe because a workspace's derived rows have one writer at a time (its lock; across processes, its lease).
import { sql, type Piece, type Sql } from '../neutral/sql.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/** Deletes the rows of `table` that `where` takes, when there are any; whether there were. */
export async function deleteRows(s: ChStore, table: Piece, where: Sql): Promise<boolean> {
  const found = await queryNeutral(
    s.conn,
    s.database,
    sql`SELECT 1 AS found FROM ${table} WHERE ${where} LIMIT 1`,
  );
  if (found.length === 0) return false;
  await commandNeutral(s.conn, s.database, sql`DELETE FROM ${table} WHERE ${where}`);
  return true;
}
