// Connector settings in PostgreSQL (migration 4): one row per (workspace, vendor), secrets sealed.
import type {
  ConnectorSettings,
  ConnectorSyncStatus,
  StoredConnector,
} from '../../areas/connectors.js';
import type { Pool } from './connection.js';

interface Row {
  workspace_id: string;
  vendor: string;
  credentials: string | null;
  webhook_secret: string | null;
  base_url: string | null;
  options: Record<string, unknown>;
  cursor: unknown;
  last_sync: ConnectorSyncStatus | null;
  created_at: Date;
  updated_at: Date;
}

const toConnector = (r: Row): StoredConnector => ({
  workspaceId: r.workspace_id,
  vendor: r.vendor,
  credentials: r.credentials,
  webhookSecret: r.webhook_secret,
  baseUrl: r.base_url,
  options: r.options ?? {},
  cursor: r.cursor ?? null,
  lastSync: r.last_sync ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function putConnector(pool: Pool, c: ConnectorSettings): Promise<void> {
  await pool.query(
    `INSERT INTO connectors (workspace_id, vendor, credentials, webhook_secret, base_url, options)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (workspace_id, vendor) DO UPDATE SET credentials = excluded.credentials,
       webhook_secret = excluded.webhook_secret, base_url = excluded.base_url,
       options = excluded.options, updated_at = now()`,
    [c.workspaceId, c.vendor, c.credentials, c.webhookSecret, c.baseUrl, JSON.stringify(c.options)],
  );
}

export async function getConnector(
  pool: Pool,
  workspaceId: string,
  vendor: string,
): Promise<StoredConnector | undefined> {
  const r = await pool.query<Row>(
    'SELECT * FROM connectors WHERE workspace_id = $1 AND vendor = $2',
    [workspaceId, vendor],
  );
  return r.rows[0] ? toConnector(r.rows[0]) : undefined;
}

export async function listConnectors(pool: Pool, workspaceId: string): Promise<StoredConnector[]> {
  const r = await pool.query<Row>(
    'SELECT * FROM connectors WHERE workspace_id = $1 ORDER BY vendor',
    [workspaceId],
  );
  return r.rows.map(toConnector);
}

export async function deleteConnector(
  pool: Pool,
  workspaceId: string,
  vendor: string,
): Promise<boolean> {
  const r = await pool.query('DELETE FROM connectors WHERE workspace_id = $1 AND vendor = $2', [
    workspaceId,
    vendor,
  ]);
  return (r.rowCount ?? 0) > 0;
}

export async function recordConnectorSync(
  pool: Pool,
  workspaceId: string,
  vendor: string,
  sync: { cursor: unknown; lastSync: ConnectorSyncStatus },
): Promise<boolean> {
  const r = await pool.query(
    `UPDATE connectors SET cursor = $3::jsonb, last_sync = $4::jsonb, updated_at = now()
     WHERE workspace_id = $1 AND vendor = $2`,
    [workspaceId, vendor, JSON.stringify(sync.cursor ?? null), JSON.stringify(sync.lastSync)],
  );
  return (r.rowCount ?? 0) > 0;
}
