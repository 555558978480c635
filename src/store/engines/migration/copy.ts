// Copying one unit (a table's rows of one workspace) from the DuckDB file into ClickHouse: one streamed,
// ordered read of DuckDB, inserted in chunks, the progress recorded after each stored chunk. A unit with a
// resume key continues after the last key recorded; any other starts again (its rows in the target are
// deleted first: they are the remains of a copy cut short, or, asked for, rows being replaced).
import type { Json } from '@duckdb/node-api';
import type { Sql } from '../neutral/sql.js';
import type { ChStore } from '../clickhouse/events.js';
import type { Db } from '../duckdb/connection.js';
import { duckSql } from '../duckdb/dialect.js';
import { clearTargetRows, writeProgress, type UnitProgress } from './progress.js';
import { readUnitSql, type Column, type TablePlan, type Unit } from './tables.js';

/** Rows of a table with bytes per chunk at most: each travels as a query parameter (base64). */
const BYTES_CHUNK_ROWS = 1_000;

export interface CopyHooks {
  /** Rows stored (for a progress bar). */
  onRows?: (rows: number) => void;
  /**
   * Called after a chunk is stored in the target and before its progress is recorded: the worst moment
   * for a run to stop, where tests stop it.
   */
  afterChunkStored?: () => void | Promise<void>;
}

/**
 * Streams a neutral query's rows out of DuckDB in batches of `batchRows`, in one read snapshot. It holds
 * the file's reader until done: `fn` must not read the DuckDB file itself.
 */
export async function forEachDuckBatch(
  db: Db,
  q: Sql,
  batchRows: number,
  fn: (rows: Json[][]) => Promise<void>,
): Promise<void> {
  const { text, params, types } = duckSql(q);
  await db.readTransaction(async (conn) => {
    const result = await conn.stream(text, params, types);
    let batch: Json[][] = [];
    for await (const rows of result.yieldRowsJson()) {
      for (const r of rows) {
        batch.push(r);
        if (batch.length >= batchRows) {
          await fn(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await fn(batch);
  });
}

/** Copies a unit; `prior` is its progress from an earlier run. Returns the rows this run copied. */
export async function copyUnit(
  db: Db,
  ch: ChStore,
  unit: Unit,
  prior: UnitProgress | undefined,
  chunkRows: number,
  hooks: CopyHooks = {},
): Promise<number> {
  const t = unit.table;
  const ws = unit.workspaceId;
  let version = prior?.version ?? 0;
  const resume =
    prior?.state === 'copying' && t.resumeKey !== undefined && prior.lastKey !== null
      ? prior
      : undefined;
  let lastKey: string | null = resume?.lastKey ?? null;
  let rows = resume?.rows ?? 0;
  await clearTargetRows(ch, t, ws, lastKey ?? undefined);
  await writeProgress(ch, t.name, ws, { state: 'copying', lastKey, rows, version: ++version });
  const keyAt = t.resumeKey ? t.columns.findIndex((c) => c.name === t.resumeKey) : -1;
  const withBytes = t.columns.some((c) => c.kind === 'bytes');
  const read = readUnitSql(t, ws, {
    ordered: true,
    ...(lastKey !== null ? { after: lastKey } : {}),
  });
  let copied = 0;
  await forEachDuckBatch(
    db,
    read,
    withBytes ? Math.min(chunkRows, BYTES_CHUNK_ROWS) : chunkRows,
    async (batch) => {
      await (withBytes ? insertWithBytes(ch, t, batch) : insertRows(ch, t, batch));
      await hooks.afterChunkStored?.();
      rows += batch.length;
      copied += batch.length;
      if (keyAt >= 0) lastKey = String(batch[batch.length - 1]![keyAt]);
      await writeProgress(ch, t.name, ws, { state: 'copying', lastKey, rows, version: ++version });
      hooks.onRows?.(batch.length);
    },
  );
  await writeProgress(ch, t.name, ws, { state: 'done', lastKey, rows, version: ++version });
  return copied;
}

/** A value as a JSONEachRow field: JSON columns are text in ClickHouse. */
function fieldOf(c: Column, v: Json): Json {
  return c.kind === 'json' && v !== null && typeof v !== 'string' ? JSON.stringify(v) : v;
}

/** Rows as JSONEachRow objects (times are ISO text, which the pinned best_effort parsing reads). */
async function insertRows(ch: ChStore, t: TablePlan, batch: readonly Json[][]): Promise<void> {
  const objects = batch.map((r) => {
    const o: Record<string, Json> = {};
    t.columns.forEach((c, i) => (o[c.name] = fieldOf(c, r[i] ?? null)));
    if (t.versioned) o.version = 1;
    return o;
  });
  await ch.conn.insert(`${ch.database}.${t.name}`, objects);
}

/**
 * Rows with bytes that may not be UTF-8 (a dead letter's raw line), which a JSON row cannot carry: each
 * column travels as an array parameter, bytes as base64 decoded by the server, in one INSERT ... SELECT.
 */
async function insertWithBytes(ch: ChStore, t: TablePlan, batch: readonly Json[][]): Promise<void> {
  const params: Record<string, unknown> = {};
  const exprs = t.columns.map((c, i) => {
    const values = batch.map((r) => r[i] ?? null);
    const plain = c.chType.replace(/^LowCardinality\((.*)\)$/, '$1');
    const text = c.nullable ? 'Nullable(String)' : 'String';
    const x = `a${i}[n]`;
    switch (c.kind) {
      case 'bytes':
        params[`a${i}`] = values;
        return { type: `Array(${text})`, expr: `base64Decode(${x})` };
      case 'time':
        params[`a${i}`] = values;
        return {
          type: `Array(${text})`,
          expr: c.nullable
            ? `parseDateTime64BestEffortOrNull(${x}, 3, 'UTC')`
            : `parseDateTime64BestEffort(${x}, 3, 'UTC')`,
        };
      case 'int':
        params[`a${i}`] = values.map((v) => (v === null ? null : Number(v)));
        return { type: `Array(${plain})`, expr: x };
      default:
        params[`a${i}`] = values.map((v) => fieldOf(c, v));
        return { type: `Array(${plain})`, expr: x };
    }
  });
  const columns = t.columns.map((c) => c.name);
  const select = exprs.map((e) => e.expr);
  if (t.versioned) {
    columns.push('version');
    select.push('1');
  }
  await ch.conn.command(
    `INSERT INTO ${ch.database}.${t.name} (${columns.join(', ')})
     SELECT ${select.join(', ')}
     FROM (SELECT ${exprs.map((e, i) => `{a${i}:${e.type}} AS a${i}`).join(', ')})
     ARRAY JOIN arrayEnumerate(a0) AS n`,
    params,
  );
}
