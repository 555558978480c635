// A live derive's deletes, as patch parts. A plain lightweight DELETE is a mutation that the statement
// waits for (mutations_sync): it runs on the server's background pool behind the merges of the parts it
// touches, so a returning visitor's derive waited 0.2-1 s for each table whose rows it replaced. Run as a
// lightweight update (ClickHouse 25.7+), the DELETE writes a patch part masking the rows, as an INSERT
// writes a part: it returns when the part is written, every read applies it at once, and merges fold it
// into the data later. It needs the derived tables' block number and offset columns (schema.ts,
// migration 2); where they are missing ClickHouse falls back to the mutation, slower but as correct.
// One that matches nothing writes no part, so no look first. ClickHouse will not move a partition out of
// a table while patches there are unapplied, so stage tables never take one (partition-swap.ts).
import { raw, sql, type Piece, type Sql } from '../neutral/sql.js';
import { commandNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/** The statement settings that make a DELETE a patch part (a lightweight update) rather than a mutation. */
export const PATCH_DELETE_SETTINGS = "lightweight_delete_mode = 'lightweight_update'";

/** Deletes the rows of `table` (a derived table) that `where` takes; they are gone when it returns. */
export async function deleteRows(s: ChStore, table: Piece, where: Sql): Promise<void> {
  await commandNeutral(
    s.conn,
    s.database,
    sql`DELETE FROM ${table} WHERE ${where} SETTINGS ${raw(PATCH_DELETE_SETTINGS)}`,
  );
}
