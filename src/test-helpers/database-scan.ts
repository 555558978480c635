// Tests that must see a data directory's database as it is (every table, every column), past the store's
// interface, with the store closed (one owner at a time): on the engine the suite runs
// (CLOSEDLOOP_TEST_ENGINE), the DuckDB file under the directory, or the ClickHouse database openTestStore
// gave it (clickhouse-scan.ts reads that one).
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { openChdbConnection } from '../store/engines/clickhouse/chdb-connection.js';
import { queryNeutral as chQueryNeutral } from '../store/engines/clickhouse/dialect.js';
import type { ChStore } from '../store/engines/clickhouse/events.js';
import { duckSql } from '../store/engines/duckdb/dialect.js';
import { raw, sql, Sql } from '../store/engines/neutral/sql.js';
import { DB_FILE } from '../store/open.js';
import { chdbTestDir } from './clickhouse.js';
import {
  chCountMatching,
  chTableColumns,
  chTableRows,
  holdsText,
  type Column,
} from './clickhouse-scan.js';
import { testDatabaseName, testEngine, type TEST_ENGINES } from './store.js';

type Row = Record<string, unknown>;

/** Queries on a closed store's database: written once (neutral `sql`), or as text in the engine's own SQL. */
export interface Query {
  (q: Sql | string, params?: Record<string, unknown>): Promise<Row[]>;
  readonly engine: (typeof TEST_ENGINES)[number];
  /** On ClickHouse: the connection and the store's database. */
  readonly ch?: ChStore;
}

/** Runs `fn` with queries on the database of a data directory whose store is closed. */
export async function withDatabase<T>(dataDir: string, fn: (q: Query) => Promise<T>): Promise<T> {
  if (testEngine() === 'clickhouse') return withClickHouse(dataDir, fn);
  const instance = await DuckDBInstance.create(join(dataDir, DB_FILE));
  const conn = await instance.connect();
  const run = async (text: string, params?: Record<string, unknown>, types?: object) =>
    (
      await conn.runAndReadAll(
        text,
        params as Record<string, DuckDBValue> | undefined,
        types as Parameters<typeof conn.runAndReadAll>[2],
      )
    ).getRowObjectsJson() as Row[];
  try {
    const q = (query: Sql | string, params?: Record<string, unknown>) => {
      if (typeof query === 'string') return run(query, params);
      const r = duckSql(query);
      return run(r.text, r.params, r.types);
    };
    return await fn(Object.assign(q, { engine: 'duckdb' as const }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function withClickHouse<T>(dataDir: string, fn: (q: Query) => Promise<T>): Promise<T> {
  const ch: ChStore = {
    conn: await openChdbConnection(chdbTestDir()),
    database: testDatabaseName(dataDir),
  };
  try {
    // an empty scan of a database that is not there would pass any "nothing left" check
    if ((await chTableColumns(ch)).size === 0)
      throw new Error(
        `no ClickHouse database ${ch.database} for ${dataDir}: open it with openTestStore`,
      );
    const q = (query: Sql | string, params?: Record<string, unknown>) =>
      typeof query === 'string'
        ? ch.conn.query<Row>(query, params as Parameters<typeof ch.conn.query>[1])
        : chQueryNeutral<Row>(ch.conn, ch.database, query);
    return await fn(Object.assign(q, { engine: 'clickhouse' as const, ch }));
  } finally {
    await ch.conn.close();
  }
}

/**
 * Writes a dead letter as a journal load would have left it (line 1 of events-000000000001.ndjson, reason
 * `test`, failed now), with the id and bytes given: `workspaceId` null for a line too broken to name one.
 */
export async function insertDeadLetter(
  q: Query,
  letter: { id: string; workspaceId: string | null; raw: Buffer },
): Promise<void> {
  const values = {
    id: letter.id,
    ws: letter.workspaceId,
    source: 'events-000000000001.ndjson',
    raw: letter.raw.toString('base64'),
  };
  if (q.ch) {
    await q.ch.conn.command(
      `INSERT INTO ${q.ch.database}.dead_letters (id, workspace_id, source, line_no, failed_at, reason, raw, version)
       SELECT {id:String}, {ws:Nullable(String)}, {source:String}, 1, now64(3), 'test', base64Decode({raw:String}), 1`,
      values,
    );
    return;
  }
  await q(
    `INSERT INTO dead_letters (id, workspace_id, source, line_no, failed_at, reason, raw)
     VALUES ($id, CAST($ws AS VARCHAR), $source, 1, now(), 'test', from_base64($raw))`,
    values,
  );
}

/** Every table of the database with its columns and their types. */
export async function tableColumns(q: Query): Promise<Map<string, Column[]>> {
  if (q.ch) return chTableColumns(q.ch);
  const rows = await q(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, Column[]>();
  for (const r of rows) {
    const t = String(r.table_name);
    tables.set(t, [
      ...(tables.get(t) ?? []),
      { name: String(r.column_name), type: String(r.data_type) },
    ]);
  }
  return tables;
}

/**
 * Every row of a table that `where` selects (trusted SQL text the engines share, or a neutral query), as
 * JSON text of all its columns, sorted: for comparing a table before and after, or with an export. On
 * ClickHouse, as chTableRows gives them (current versions, JSON columns as JSON).
 */
export async function tableRows(
  q: Query,
  table: string,
  where: Sql | string = 'true',
): Promise<string[]> {
  const cond = typeof where === 'string' ? sql`${raw(where)}` : where;
  if (q.ch) return chTableRows(q.ch, table, cond);
  return (
    await q(sql`SELECT to_json(t)::VARCHAR AS row FROM ${raw(table)} t WHERE ${cond} ORDER BY ALL`)
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
  if (q.ch) {
    for (const [table, columns] of await chTableColumns(q.ch)) {
      const scoped =
        exceptWorkspace !== undefined && columns.some((c) => c.name === 'workspace_id');
      const where = scoped
        ? `workspace_id IS NULL OR workspace_id != '${exceptWorkspace}'`
        : 'true';
      for (const c of columns.filter((c) => holdsText(c.type)))
        for (const pattern of patterns) {
          const rows = await chCountMatching(q.ch, table, c, pattern, where);
          if (rows > 0) found.push({ table, column: c.name, pattern, rows });
        }
    }
    return found;
  }
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
