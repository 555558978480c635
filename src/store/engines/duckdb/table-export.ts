// A report's table written as CSV or Parquet by DuckDB's own writers (COPY ... TO, FORMAT csv |
// parquet), whatever engine holds the data: the rows are already computed, and DuckDB is a dependency of
// every build. Its Parquet writer is a maintained one (column types, compression, statistics) where an
// npm Parquet library would be one more dependency, and its CSV writer quotes by RFC 4180. The rows go in
// as newline-delimited JSON read with the column types given (so a text column of digits stays text).
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export type ExportColumnType = 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';
export interface ExportColumn {
  name: string;
  type: ExportColumnType;
}
export type ExportFormat = 'csv' | 'parquet';

// one small in-memory instance for the process, made on first use; each export has its own connection
let instance: Promise<DuckDBInstance> | undefined;
const converter = () =>
  (instance ??= DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB' }));

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The rows (each an object keyed by the columns' names; absent or null: NULL) as a CSV file with a
 * header line, or a Parquet file, in memory.
 */
export async function exportTable(
  columns: readonly ExportColumn[],
  rows: readonly Record<string, unknown>[],
  format: ExportFormat,
): Promise<Buffer> {
  const base = join(tmpdir(), `closedloop-export-${randomUUID()}`);
  const input = `${base}.ndjson`;
  const output = `${base}.${format}`;
  // JSON keys by position (c0, c1...): a column's name may be anything a table header says
  const key = (i: number) => `c${i}`;
  await writeFile(
    input,
    rows
      .map((r) =>
        JSON.stringify(Object.fromEntries(columns.map((c, i) => [key(i), r[c.name] ?? null]))),
      )
      .join('\n'),
  );
  const conn = await (await converter()).connect();
  try {
    const types = columns.map((c, i) => `${key(i)}: ${literal(c.type)}`).join(', ');
    const select = columns.map((c, i) => `${key(i)} AS ${ident(c.name)}`).join(', ');
    // an empty table still has its columns: read_json of an empty file gives none, so select from nothing
    const from =
      rows.length === 0
        ? `(SELECT ${columns.map((c, i) => `CAST(NULL AS ${c.type}) AS ${key(i)}`).join(', ')} LIMIT 0)`
        : `read_json(${literal(input)}, format = 'newline_delimited', columns = {${types}})`;
    const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet';
    await conn.run(`COPY (SELECT ${select} FROM ${from}) TO ${literal(output)} (${options})`);
    return await readFile(output);
  } finally {
    conn.closeSync();
    await rm(input, { force: true });
    await rm(output, { force: true });
  }
}
