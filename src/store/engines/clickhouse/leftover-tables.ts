// Work tables a killed process leaves behind. Imports, partition swaps, scratch rows and redactions make
// tables of unique names (`<what>_<random hex>`) and drop them when done; a process killed in between
// leaves them, and on a server they stay (an import's stage holds a whole file). The open drops those
// old enough that no running process can still be using them: several processes may share a database,
// so age is the only safe sign of abandonment.
import type { ClickHouseConnection } from './connection.js';

// names the engine gives its work tables (import.ts, partition-swap.ts, scratch.ts, redaction.ts)
const WORK_TABLE =
  /^(?:import_stage|[a-z_]+_stage|identity_seen_now|identity_graph_ids|identity_graph_out|fx_amounts|redact_candidates|redact_rewrites)_[0-9a-f]{12,16}$/;

/** A day: longer than any import or rebuild runs. */
export const LEFTOVER_AGE_SECONDS = 24 * 3600;

export function isWorkTableName(name: string): boolean {
  return WORK_TABLE.test(name);
}

/**
 * Drops the database's work tables last changed more than `olderThanSeconds` ago, except a redaction's
 * rewrites that an unfinished mutation still reads. The names dropped.
 */
export async function dropLeftoverTables(
  conn: ClickHouseConnection,
  database: string,
  olderThanSeconds = LEFTOVER_AGE_SECONDS,
): Promise<string[]> {
  const old = await conn.query<{ name: string }>(
    `SELECT name FROM system.tables
     WHERE database = {db:String} AND metadata_modification_time <= now() - {age:UInt32}`,
    { db: database, age: olderThanSeconds },
  );
  const pending = await conn.query<{ command: string }>(
    `SELECT command FROM system.mutations WHERE database = {db:String} AND NOT is_done`,
    { db: database },
  );
  const dropped: string[] = [];
  for (const { name } of old) {
    if (!isWorkTableName(name)) continue;
    if (pending.some((m) => m.command.includes(name))) continue;
    await conn.command(`DROP TABLE IF EXISTS ${database}.${name}`);
    dropped.push(name);
  }
  return dropped;
}
