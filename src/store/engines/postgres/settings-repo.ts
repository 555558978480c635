// Workspace settings in PostgreSQL: one JSON value (jsonb) per (workspace, key).
import type { Pool } from './connection.js';

export async function getSetting(pool: Pool, workspaceId: string, key: string): Promise<unknown> {
  const r = await pool.query<{ value: unknown }>(
    'SELECT value FROM workspace_settings WHERE workspace_id = $1 AND key = $2',
    [workspaceId, key],
  );
  return r.rows[0]?.value;
}

export async function setSetting(
  pool: Pool,
  workspaceId: string,
  key: string,
  value: unknown,
): Promise<void> {
  await pool.query(
    `INSERT INTO workspace_settings (workspace_id, key, value) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [workspaceId, key, JSON.stringify(value)],
  );
}
