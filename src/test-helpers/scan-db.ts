// Whole-database scans for privacy tests: every column of every table of the store's data engine, read as
// text (BLOBs and JSON included) through the store's own connection, searched for given strings. On
// ClickHouse that is every table of the store's database (clickhouse-scan.ts); the control plane, in
// DuckDB or PostgreSQL, is not scanned there.
import type { Store } from '../store/store.js';
import { chStoreOf } from '../store/engines/clickhouse/clickhouse-store.js';
import type { Db } from '../store/engines/duckdb/connection.js';
import { duckDbOf } from '../store/engines/duckdb/duckdb-store.js';
import { chCountContaining, chTableColumns } from './clickhouse-scan.js';

/** The store's DuckDB connection (tests only: nothing else may reach past the Store interface). */
export function dbOf(store: Store): Db {
  const db = duckDbOf(store);
  if (!db) throw new Error(`store engine ${store.engine} has no DuckDB connection`);
  return db;
}

export interface Hit {
  table: string;
  column: string;
  rows: number;
}

/** Where (table, column, how many rows) any of the needles occurs, case-insensitively. */
export async function scanDatabase(
  store: Store,
  needles: readonly string[],
): Promise<Map<string, Hit[]>> {
  const ch = chStoreOf(store);
  if (ch) {
    const out = new Map<string, Hit[]>(needles.map((n) => [n, []]));
    for (const [table, columns] of await chTableColumns(ch))
      for (const column of columns)
        for (const needle of needles) {
          const rows = await chCountContaining(ch, table, column, needle);
          if (rows > 0) out.get(needle)!.push({ table, column: column.name, rows });
        }
    return out;
  }
  const db = dbOf(store);
  const cols = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
  );
  const out = new Map<string, Hit[]>(needles.map((n) => [n, []]));
  for (const c of cols) {
    const table = String(c.table_name);
    const column = String(c.column_name);
    for (const needle of needles) {
      const rows = await db.query(
        `SELECT count(*) AS n FROM "${table}" WHERE contains(lower(CAST("${column}" AS VARCHAR)), lower($needle))`,
        { needle },
      );
      const n = Number(rows[0]?.n ?? 0);
      if (n > 0) out.get(needle)!.push({ table, column, rows: n });
    }
  }
  return out;
}

/** How many tables and columns a scan covers (so a test can show it did look). */
export async function columnCount(store: Store): Promise<{ tables: number; columns: number }> {
  const ch = chStoreOf(store);
  if (ch) {
    const tables = [...(await chTableColumns(ch)).values()];
    return { tables: tables.length, columns: tables.reduce((n, t) => n + t.length, 0) };
  }
  const rows = await dbOf(store).query(
    `SELECT count(DISTINCT table_name) AS t, count(*) AS c FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database()`,
  );
  return { tables: Number(rows[0]?.t), columns: Number(rows[0]?.c) };
}
