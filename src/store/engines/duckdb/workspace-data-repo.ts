// The data half of a workspace's deletion: every row of it in every data table.
import type { Db } from './connection.js';
import { CONTROL_TABLES } from './migrations.js';

/**
 * Deletes, in one transaction, every row of every data table with a workspace_id column (found in the
 * catalog, so a table added later is covered without a change here; the control plane's tables are left
 * to deleteWorkspaceControl). Rows removed per table.
 */
export async function deleteWorkspaceData(db: Db, id: string): Promise<Record<string, number>> {
  const tables = (
    await db.query(
      `SELECT DISTINCT table_name FROM duckdb_columns()
       WHERE column_name = 'workspace_id' AND schema_name = 'main' AND NOT internal AND database_name = current_database()
       ORDER BY table_name`,
    )
  )
    .map((r) => String(r.table_name))
    .filter((t) => !CONTROL_TABLES.includes(t));
  return db.transaction(async (c) => {
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const r = await c.run(`DELETE FROM "${t.replaceAll('"', '""')}" WHERE workspace_id = $id`, {
        id,
      });
      counts[t] = r.rowsChanged;
    }
    return counts;
  });
}
