// DuckDB's rows copied into ClickHouse as stored, for the cross-engine tests (withBothEngines) of areas
// whose ClickHouse writes are not there yet (the derive): their reads can then be compared row for row.
import type { ChStore } from '../store/engines/clickhouse/events.js';
import { TABLES } from '../store/engines/clickhouse/schema.js';
import { duckDbOf } from '../store/engines/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';

/** Adds a workspace to DuckDB's control plane (the second one a cross-engine test needs). */
export async function addWorkspace(duck: Store, id: string): Promise<void> {
  await duck.createWorkspace({
    id,
    name: id,
    currency: 'USD',
    timezone: 'UTC',
    writeKey: `wk_${id}`,
    secretKeyHash: `h_${id}`,
  });
}

/**
 * Copies every row DuckDB holds in the ClickHouse tables named (all but dead_letters, whose raw bytes
 * JSON cannot carry: load those through the journal on both), column by column as ClickHouse names them,
 * times as ISO text. Returns rows copied per table.
 */
export async function copyDuckRows(
  duck: Store,
  ch: ChStore,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const db = duckDbOf(duck);
  if (!db) throw new Error('not a DuckDB store');
  const copied: Record<string, number> = {};
  for (const name of tables) {
    const spec = TABLES.find((t) => t.name === name);
    if (!spec || name === 'dead_letters') throw new Error(`cannot copy ${name}`);
    const types = new Map(
      (
        await db.query(
          `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $t AND schema_name = 'main'`,
          { t: name },
        )
      ).map((r) => [String(r.column_name), String(r.data_type)]),
    );
    const columns = spec.columns
      .map((c) => c.split(' ')[0]!)
      .filter((c) => c !== 'version' && types.has(c));
    const select = columns.map((c) =>
      types.get(c)!.startsWith('TIMESTAMP')
        ? `strftime(${c} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS ${c}`
        : c,
    );
    const rows = await db.query(`SELECT ${select.join(', ')} FROM ${name}`);
    const versioned = spec.version !== undefined;
    await ch.conn.insert(
      `${ch.database}.${name}`,
      rows.map((r) => (versioned ? { ...r, version: 1 } : r)),
    );
    copied[name] = rows.length;
  }
  return copied;
}
