// Workspace settings: one JSON value per (workspace, key).
import type { Db } from './connection.js';
import { parseJson } from './rows.js';

export async function getSetting(db: Db, workspaceId: string, key: string): Promise<unknown> {
  const rows = await db.query(
    'SELECT value FROM workspace_settings WHERE workspace_id = $ws AND key = $k',
    { ws: workspaceId, k: key },
  );
  return rows[0] ? parseJson(rows[0].value) : undefined;
}

export async function setSetting(
  db: Db,
  workspaceId: string,
  key: string,
  value: unknown,
): Promise<void> {
  await db.write((c) =>
    c.run(
      `INSERT INTO workspace_settings (workspace_id, key, value) VALUES ($ws, $k, $v)
       ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      { ws: workspaceId, k: key, v: JSON.stringify(value) },
    ),
  );
}
