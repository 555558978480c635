// Workspaces in PostgreSQL: the same contract as the DuckDB file's (WorkspacesStore), each key unique
// under a named constraint, a taken key refused as WorkspaceConflict.
import type { NewWorkspace, Workspace } from '../../types.js';
import { transaction, type Pool } from './connection.js';
import { asWorkspaceConflict } from './errors.js';

interface WorkspaceRow {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  write_key: string;
  created_at: Date;
}

// the secret key hash is never read back: only matched
const COLUMNS = 'id, name, currency, timezone, write_key, created_at';

function toWorkspace(r: WorkspaceRow): Workspace {
  return {
    id: r.id,
    name: r.name,
    currency: r.currency,
    timezone: r.timezone,
    writeKey: r.write_key,
    createdAt: r.created_at.toISOString(),
  };
}

export async function createWorkspace(pool: Pool, w: NewWorkspace): Promise<Workspace> {
  const r = await pool
    .query<WorkspaceRow>(
      `INSERT INTO workspaces (id, name, currency, timezone, write_key, secret_key_hash)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [w.id, w.name, w.currency, w.timezone, w.writeKey, w.secretKeyHash],
    )
    .catch((err: unknown) => {
      throw asWorkspaceConflict(err);
    });
  return toWorkspace(r.rows[0]!);
}

export async function listWorkspaces(pool: Pool): Promise<Workspace[]> {
  const r = await pool.query<WorkspaceRow>(
    `SELECT ${COLUMNS} FROM workspaces ORDER BY created_at, id`,
  );
  return r.rows.map(toWorkspace);
}

async function oneWorkspace(
  pool: Pool,
  where: 'id' | 'write_key' | 'secret_key_hash',
  value: string,
): Promise<Workspace | undefined> {
  const r = await pool.query<WorkspaceRow>(
    `SELECT ${COLUMNS} FROM workspaces WHERE ${where} = $1`,
    [value],
  );
  return r.rows[0] ? toWorkspace(r.rows[0]) : undefined;
}

export const getWorkspace = (pool: Pool, id: string) => oneWorkspace(pool, 'id', id);
export const findWorkspaceByWriteKey = (pool: Pool, writeKey: string) =>
  oneWorkspace(pool, 'write_key', writeKey);
export const findWorkspaceBySecretHash = (pool: Pool, hash: string) =>
  oneWorkspace(pool, 'secret_key_hash', hash);

export async function setWorkspaceSecretHash(
  pool: Pool,
  id: string,
  secretKeyHash: string,
): Promise<boolean> {
  const r = await pool
    .query('UPDATE workspaces SET secret_key_hash = $1 WHERE id = $2', [secretKeyHash, id])
    .catch((err: unknown) => {
      throw asWorkspaceConflict(err);
    });
  return (r.rowCount ?? 0) > 0;
}

/** The control half of a workspace's deletion: its row and its settings, in one transaction. */
export async function deleteWorkspaceControl(
  pool: Pool,
  id: string,
): Promise<Record<string, number> | undefined> {
  return transaction(pool, async (c) => {
    const gone = await c.query('DELETE FROM workspaces WHERE id = $1', [id]);
    if (!gone.rowCount) return undefined;
    const settings = await c.query('DELETE FROM workspace_settings WHERE workspace_id = $1', [id]);
    const connectors = await c.query('DELETE FROM connectors WHERE workspace_id = $1', [id]);
    const members = await c.query('DELETE FROM workspace_members WHERE workspace_id = $1', [id]);
    const keys = await c.query('DELETE FROM api_keys WHERE workspace_id = $1', [id]);
    const invited = await c.query('DELETE FROM invitations WHERE workspace_id = $1', [id]);
    return {
      workspaces: gone.rowCount,
      workspace_settings: settings.rowCount ?? 0,
      connectors: connectors.rowCount ?? 0,
      workspace_members: members.rowCount ?? 0,
      api_keys: keys.rowCount ?? 0,
      invitations: invited.rowCount ?? 0,
    };
  });
}
