// A migration's progress, kept in the target so a run that stopped (a crash, a lost connection) is
// continued by the next one: per unit (a table's rows of one workspace), whether it is being copied or
// done, and for a table with a resume key the last key a stored chunk ended on. A unit's rows in the
// target beyond what its progress vouches for are the remains of a chunk cut short, and are deleted
// before the copy goes on: nothing is stored twice. One migration at a time per target.
import { createTableSql } from '../clickhouse/schema.js';
import type { ChStore } from '../clickhouse/events.js';
import type { TablePlan } from './tables.js';

export const PROGRESS_TABLE = 'migration_progress';

export interface UnitProgress {
  state: 'copying' | 'done';
  /** The resume key of the last row a stored chunk held (tables with one). */
  lastKey: string | null;
  /** Rows stored so far. */
  rows: number;
  version: number;
}

// a workspace id is never empty: '' stands for the dead letters that name no workspace
const wsKey = (workspaceId: string | null) => workspaceId ?? '';
const unitKey = (table: string, workspaceId: string | null) =>
  `${table}\u0000${wsKey(workspaceId)}`;

/** Creates the progress table if missing. */
export async function ensureProgressTable(ch: ChStore): Promise<void> {
  await ch.conn.command(
    createTableSql(
      {
        name: PROGRESS_TABLE,
        note: 'closedloop migrate: per table and workspace, how far the copy from DuckDB got',
        columns: [
          'table_name String',
          'workspace_id String',
          'state LowCardinality(String)',
          'last_key Nullable(String)',
          'rows UInt64',
          "updated_at DateTime64(3, 'UTC') DEFAULT now64(3)",
          'version UInt64',
        ],
        engine: 'ReplacingMergeTree',
        version: 'version',
        orderBy: ['table_name', 'workspace_id'],
      },
      { database: ch.database },
    ),
  );
}

/** Every unit's latest progress, by table and workspace. */
export async function readProgress(ch: ChStore): Promise<Map<string, UnitProgress>> {
  const rows = await ch.conn.query<{
    table_name: string;
    workspace_id: string;
    state: string;
    last_key: string | null;
    rows: number;
    version: number;
  }>(
    `SELECT table_name, workspace_id, state, last_key, rows, version
     FROM ${ch.database}.${PROGRESS_TABLE} FINAL`,
  );
  const out = new Map<string, UnitProgress>();
  for (const r of rows)
    out.set(`${r.table_name}\u0000${r.workspace_id}`, {
      state: r.state === 'done' ? 'done' : 'copying',
      lastKey: r.last_key,
      rows: Number(r.rows),
      version: Number(r.version),
    });
  return out;
}

/** A unit's progress in what readProgress gave. */
export function progressOf(
  all: ReadonlyMap<string, UnitProgress>,
  table: string,
  workspaceId: string | null,
): UnitProgress | undefined {
  return all.get(unitKey(table, workspaceId));
}

/** Records a unit's progress (a new version of its row). */
export async function writeProgress(
  ch: ChStore,
  table: string,
  workspaceId: string | null,
  p: UnitProgress,
): Promise<void> {
  await ch.conn.insert(`${ch.database}.${PROGRESS_TABLE}`, [
    {
      table_name: table,
      workspace_id: wsKey(workspaceId),
      state: p.state,
      last_key: p.lastKey,
      rows: p.rows,
      version: p.version,
    },
  ]);
}

const filterOf = (workspaceId: string | null) =>
  workspaceId === null ? 'workspace_id IS NULL' : 'workspace_id = {ws:String}';
const paramsOf = (workspaceId: string | null): Record<string, string> =>
  workspaceId === null ? {} : { ws: workspaceId };

/** A unit's rows in the target. */
export async function countTargetRows(
  ch: ChStore,
  t: TablePlan,
  workspaceId: string | null,
): Promise<number> {
  const [row] = await ch.conn.query<{ n: number }>(
    `SELECT count() AS n FROM ${ch.database}.${t.name} WHERE ${filterOf(workspaceId)}`,
    paramsOf(workspaceId),
  );
  return Number(row?.n ?? 0);
}

/**
 * Deletes a unit's rows from the target: those after `afterKey` (the remains of a chunk cut short), or all
 * of them. A derived table's workspace is its partition, dropped without a mutation.
 */
export async function clearTargetRows(
  ch: ChStore,
  t: TablePlan,
  workspaceId: string | null,
  afterKey?: string,
): Promise<void> {
  const table = `${ch.database}.${t.name}`;
  if (afterKey !== undefined) {
    await ch.conn.command(
      `DELETE FROM ${table} WHERE ${filterOf(workspaceId)} AND ${t.resumeKey!} > {after:String}`,
      { ...paramsOf(workspaceId), after: afterKey },
    );
    return;
  }
  if ((await countTargetRows(ch, t, workspaceId)) === 0) return;
  if (t.partitionedByWorkspace && workspaceId !== null)
    await ch.conn.command(`ALTER TABLE ${table} DROP PARTITION {ws:String}`, { ws: workspaceId });
  else
    await ch.conn.command(
      `DELETE FROM ${table} WHERE ${filterOf(workspaceId)}`,
      paramsOf(workspaceId),
    );
}
