// Workspaces: created with a write key and the hash of a secret key (the key itself is never stored), given
// a new secret key hash, and deleted with every row that names them.
import type { NewWorkspace, Workspace } from '../../types.js';
import type { Db, Row } from './connection.js';

function toWorkspace(r: Row): Workspace {
  return {
    id: String(r.id),
    name: String(r.name),
    currency: String(r.currency),
    timezone: String(r.timezone),
    writeKey: String(r.write_key),
    createdAt: new Date(String(r.created_at)).toISOString(),
  };
}

export async function createWorkspace(db: Db, w: NewWorkspace): Promise<Workspace> {
  await db.write((c) =>
    c.run(
      `INSERT INTO workspaces (id, name, currency, timezone, write_key, secret_key_hash)
       VALUES ($id, $name, $currency, $timezone, $wk, $sk)`,
      {
        id: w.id,
        name: w.name,
        currency: w.currency,
        timezone: w.timezone,
        wk: w.writeKey,
        sk: w.secretKeyHash,
      },
    ),
  );
  const ws = await getWorkspace(db, w.id);
  if (!ws) throw new Error(`workspace ${w.id} not found after insert`);
  return ws;
}

export async function listWorkspaces(db: Db): Promise<Workspace[]> {
  return (await db.query('SELECT * FROM workspaces ORDER BY created_at, id')).map(toWorkspace);
}

async function oneWorkspace(
  db: Db,
  where: 'id' | 'write_key' | 'secret_key_hash',
  value: string,
): Promise<Workspace | undefined> {
  const rows = await db.query(`SELECT * FROM workspaces WHERE ${where} = $v`, { v: value });
  return rows[0] ? toWorkspace(rows[0]) : undefined;
}

export const getWorkspace = (db: Db, id: string) => oneWorkspace(db, 'id', id);
export const findWorkspaceByWriteKey = (db: Db, writeKey: string) =>
  oneWorkspace(db, 'write_key', writeKey);
export const findWorkspaceBySecretHash = (db: Db, hash: string) =>
  oneWorkspace(db, 'secret_key_hash', hash);

/** Replaces the workspace's secret key hash; false when there is no such workspace. */
export async function setWorkspaceSecretHash(
  db: Db,
  id: string,
  secretKeyHash: string,
): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run('UPDATE workspaces SET secret_key_hash = $h WHERE id = $id', {
      h: secretKeyHash,
      id,
    });
    return r.rowsChanged > 0;
  });
}

/**
 * Deletes the workspace and, in one transaction, every row of every table with a workspace_id column
 * (found in the catalog, so a table added later is covered without a change here). Returns rows removed
 * per table, or undefined when there is no such workspace.
 */
export async function deleteWorkspace(
  db: Db,
  id: string,
): Promise<Record<string, number> | undefined> {
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
      const r = await c.run(`DELETE FROM "${t.replaceAll('"', '""')}" WHERE workspace_id = $id`, {
        id,
      });
      counts[t] = r.rowsChanged;
    }
    return counts;
  });
}
