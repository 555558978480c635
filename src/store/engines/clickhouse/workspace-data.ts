// A workspace's data deleted from ClickHouse: every row of it in every data table (the control plane's
// workspace row and settings are the control store's). Facts and logs go by lightweight DELETE (masked at
// once, purged by later merges); derived tables are partitioned by workspace, so their rows go by dropping
// the workspace's partition, which costs no mutation. There is no transaction: each step is repeatable,
// so a deletion cut short is finished by running it again. Rows are counted before each step, versioned
// tables through FINAL (a row, not its versions), to report rows removed per table as DuckDB does.
import type { ChStore } from './events.js';
import { TABLES } from './schema.js';

export async function deleteWorkspaceData(
  s: ChStore,
  workspaceId: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const ws = { ws: workspaceId };
  // facts first: were the deletion cut short, what is left is derived and goes with the next run
  const tables = [...TABLES].sort(
    (a, b) => Number(a.partitionBy === 'workspace_id') - Number(b.partitionBy === 'workspace_id'),
  );
  for (const t of tables) {
    if (!t.columns.some((c) => c.startsWith('workspace_id '))) continue;
    const table = `${s.database}.${t.name}`;
    const [row] = await s.conn.query<{ n: number }>(
      `SELECT count() AS n FROM ${table}${t.engine === 'ReplacingMergeTree' ? ' FINAL' : ''}
       WHERE workspace_id = {ws:String}`,
      ws,
    );
    counts[t.name] = Number(row?.n ?? 0);
    if (counts[t.name] === 0) continue;
    if (t.partitionBy === 'workspace_id')
      await s.conn.command(`ALTER TABLE ${table} DROP PARTITION {ws:String}`, ws);
    else await s.conn.command(`DELETE FROM ${table} WHERE workspace_id = {ws:String}`, ws);
  }
  return counts;
}
