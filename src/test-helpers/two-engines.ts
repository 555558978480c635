// The same data on both engines, for the cross-engine tests of src/store/engines/clickhouse/: a DuckDB
// store (the conformance suite's, through openTestStore) and a migrated ClickHouse database of the
// test's own (chdb), with the same workspaces; and a copy of DuckDB's rows into ClickHouse for areas whose
// ClickHouse writes are not there yet (the derive), so that their reads can be compared row for row.
import { join } from 'node:path';
import type { ChStore } from '../store/engines/clickhouse/events.js';
import { migrateClickHouse } from '../store/engines/clickhouse/migrate.js';
import { TABLES } from '../store/engines/clickhouse/schema.js';
import { duckDbOf } from '../store/engines/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { openTestChdb } from './clickhouse.js';
import { openTestStore } from './store.js';
import { tempDir } from './tmp.js';

export interface TwoEngines {
  /** DuckDB, through the Store. */
  duck: Store;
  /** ClickHouse, for the engine's area functions. */
  ch: ChStore;
  dir: string;
  close(): Promise<void>;
}

/** Both engines, each holding the workspaces named (DuckDB's control plane needs them). */
export async function openTwoEngines(workspaceIds: readonly string[]): Promise<TwoEngines> {
  const { dir, cleanup } = tempDir();
  const duck = await openTestStore(join(dir, 'duck'));
  const chdb = await openTestChdb();
  for (const id of workspaceIds)
    await duck.createWorkspace({
      id,
      name: id,
      currency: 'USD',
      timezone: 'UTC',
      writeKey: `wk_${id}`,
      secretKeyHash: `h_${id}`,
    });
  await migrateClickHouse(chdb.conn, { database: chdb.database });
  return {
    duck,
    ch: { conn: chdb.conn, database: chdb.database },
    dir,
    async close() {
      await duck.close();
      await chdb.close();
      cleanup();
    },
  };
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
