// A workspace's key rotation and its removal with every row that names it.
import type { Db } from './connection.js';

/** Replaces the workspace's secret key hash; false when there is no such workspace. */
export async function setWorkspaceSecretHash(db: Db, id: string, secretKeyHash: string): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run('UPDATE workspaces SET secret_key_hash = $h WHERE id = $id', { h: secretKeyHash, id });
    return r.rowsChanged > 0;
  });
}

/**
 * Deletes the workspace and, in one transaction, every row of every table with a workspace_id column
 * (found in the catalog, so a table added later is covered without a change here). Returns rows removed
 * per table, or undefined when there is no such workspace.
 */
export async function deleteWorkspace(db: Db, id: string): Promise<Record<string, number> | undefined> {
  const tables = (
    await db.query(
      `SELECT DISTINCT table_name FROM duckdb_columns()
       WHERE column_name = 'workspace_id' AND schema_name = 'main' AND NOT internal AND database_name = current_database()
       ORDER BY table_name`,
    )
  ).map((r) => String(r.table_name));
  return db.transaction(async (c) => {
    const gone = await c.run('DELETE FROM workspaces WHERE id = $id', { id });
    if (gone.rowsChanged === 0) return undefined;
    const counts: Record<string, number> = { workspaces: gone.rowsChanged };
    for (const t of tables) {
      const r = await c.run(`DELETE FROM "${t.replaceAll('"', '""')}" WHERE workspace_id = $id`, { id });
      counts[t] = r.rowsChanged;
    }
    return counts;
  });
}
