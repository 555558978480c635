// Tests that must see a data directory's database as it is on disk (every table, every column), past the
// store's interface: open the file directly, with the store closed (one owner at a time).
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { DB_FILE } from '../store/open.js';

export type Query = (
  sql: string,
  params?: Record<string, DuckDBValue>,
) => Promise<Record<string, unknown>[]>;

/** Runs `fn` with queries on the database file of a data directory whose store is closed. */
export async function withDatabase<T>(dataDir: string, fn: (q: Query) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(join(dataDir, DB_FILE));
  const conn = await instance.connect();
  try {
    return await fn(
      async (sql, params) =>
        (await conn.runAndReadAll(sql, params)).getRowObjectsJson() as Record<string, unknown>[],
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Every table of the database with its columns and their types. */
export async function tableColumns(
  q: Query,
): Promise<Map<string, { name: string; type: string }[]>> {
  const rows = await q(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const r of rows) {
    const t = String(r.table_name);
    tables.set(t, [
      ...(tables.get(t) ?? []),
      { name: String(r.column_name), type: String(r.data_type) },
    ]);
  }
  return tables;
}

/** Every row of a table as JSON text (all columns), sorted: for comparing a table before and after. */
export async function tableRows(q: Query, table: string, where = 'true'): Promise<string[]> {
  return (
    await q(`SELECT to_json(t)::VARCHAR AS row FROM ${table} t WHERE ${where} ORDER BY ALL`)
  ).map((r) => String(r.row));
}

const NUMERIC_OR_TIME =
  /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|DATE|TIME.*|TIMESTAMP.*|INTERVAL)$/;

/**
 * Where any of the patterns (regular expressions, lower case, matched against lower-cased text) occurs in any
 * text, JSON, list or blob cell of any table; rows of `exceptWorkspace` are left out (another tenant may hold
 * the same e-mail).
 */
export async function findInDatabase(
  q: Query,
  patterns: readonly string[],
  exceptWorkspace?: string,
): Promise<{ table: string; column: string; pattern: string; rows: number }[]> {
  const found: { table: string; column: string; pattern: string; rows: number }[] = [];
  for (const [table, columns] of await tableColumns(q)) {
    const scoped = exceptWorkspace !== undefined && columns.some((c) => c.name === 'workspace_id');
    const where = scoped ? `workspace_id IS DISTINCT FROM '${exceptWorkspace}'` : 'true';
    for (const c of columns) {
      if (NUMERIC_OR_TIME.test(c.type)) continue;
      // a blob that is not UTF-8 reads as text with \xNN escapes (quotes too): each escape becomes a space
      const text =
        c.type === 'BLOB'
          ? `coalesce(try(decode("${c.name}")), regexp_replace("${c.name}"::VARCHAR, '\\\\x[0-9A-F]{2}', ' ', 'g'))`
          : `"${c.name}"::VARCHAR`;
      for (const pattern of patterns) {
        const r = await q(
          `SELECT count(*) AS n FROM ${table} WHERE ${where} AND regexp_matches(lower(${text}), $p)`,
          { p: pattern },
        );
        const n = Number(r[0]?.n ?? 0);
        if (n > 0) found.push({ table, column: c.name, pattern, rows: n });
      }
    }
  }
  return found;
}
