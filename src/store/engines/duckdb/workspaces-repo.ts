// Workspaces (the control plane's, when it lives in the DuckDB file): created with a write key and the
// hash of a secret key (the key itself is never stored), given a new secret key hash, and deleted with
// their settings (their data goes first: workspace-data-repo.ts).
import { WorkspaceConflict, type NewWorkspace, type Workspace } from '../../types.js';
import type { Db, Row } from './connection.js';

// DuckDB names the column of a unique or primary key it refuses: `Duplicate key "write_key: ..."`
const CONFLICT_COLUMNS = {
  id: 'id',
  write_key: 'writeKey',
  secret_key_hash: 'secretKeyHash',
} as const;

/** The engine's refusal of a taken workspace key, as the store's neutral error (else the error itself). */
function asConflict(err: unknown): unknown {
  const m = /^Constraint Error: Duplicate key "(\w+):/.exec(
    err instanceof Error ? err.message : '',
  );
  const key = m && CONFLICT_COLUMNS[m[1] as keyof typeof CONFLICT_COLUMNS];
  return key ? new WorkspaceConflict(key) : err;
}

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
  await db.write(async (c) => {
    await c
      .run(
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
      )
      .catch((err: unknown) => {
        throw asConflict(err);
      });
  });
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
    const r = await c
      .run('UPDATE workspaces SET secret_key_hash = $h WHERE id = $id', { h: secretKeyHash, id })
      .catch((err: unknown) => {
        throw asConflict(err);
      });
    return r.rowsChanged > 0;
  });
}

/**
 * The control half of a workspace's deletion: its row and its settings, in one transaction. Rows removed
 * per table, or undefined when there is no such workspace.
 */
export async function deleteWorkspaceControl(
  db: Db,
  id: string,
): Promise<Record<string, number> | undefined> {
  return db.transaction(async (c) => {
    const gone = await c.run('DELETE FROM workspaces WHERE id = $id', { id });
    if (gone.rowsChanged === 0) return undefined;
    const settings = await c.run('DELETE FROM workspace_settings WHERE workspace_id = $id', { id });
    const connectors = await c.run('DELETE FROM connectors WHERE workspace_id = $id', { id });
    const members = await c.run('DELETE FROM workspace_members WHERE workspace_id = $id', { id });
    const keys = await c.run('DELETE FROM api_keys WHERE workspace_id = $id', { id });
    const invited = await c.run('DELETE FROM invitations WHERE workspace_id = $id', { id });
    return {
      workspaces: gone.rowsChanged,
      workspace_settings: settings.rowsChanged,
      connectors: connectors.rowsChanged,
      workspace_members: members.rowsChanged,
      api_keys: keys.rowsChanged,
      invitations: invited.rowsChanged,
    };
  });
}
