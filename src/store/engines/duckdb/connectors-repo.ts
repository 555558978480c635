// Connector settings in the DuckDB file's control part (migration 23): one row per (workspace,
// vendor), secrets sealed by the domain before they arrive.
import type {
  ConnectorSettings,
  ConnectorSyncStatus,
  StoredConnector,
} from '../../areas/connectors.js';
import type { Db, Row } from './connection.js';
import { isoSql, parseJson } from './rows.js';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const toConnector = (r: Row): StoredConnector => ({
  workspaceId: String(r.workspace_id),
  vendor: String(r.vendor),
  credentials: text(r.credentials),
  webhookSecret: text(r.webhook_secret),
  baseUrl: text(r.base_url),
  options: (parseJson(r.options) as Record<string, unknown> | null) ?? {},
  cursor: r.cursor === null ? null : (parseJson(r.cursor) ?? null),
  lastSync: r.last_sync === null ? null : (parseJson(r.last_sync) as ConnectorSyncStatus),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const COLUMNS = `workspace_id, vendor, credentials, webhook_secret, base_url, options::VARCHAR AS options,
  cursor::VARCHAR AS cursor, last_sync::VARCHAR AS last_sync,
  ${isoSql('created_at')} AS created_at, ${isoSql('updated_at')} AS updated_at`;

export async function putConnector(db: Db, c: ConnectorSettings): Promise<void> {
  await db.write((conn) =>
    conn.run(
      `INSERT INTO connectors (workspace_id, vendor, credentials, webhook_secret, base_url, options)
       VALUES ($ws, $vendor, $cred, $hook, $url, $opts)
       ON CONFLICT (workspace_id, vendor) DO UPDATE SET credentials = excluded.credentials,
         webhook_secret = excluded.webhook_secret, base_url = excluded.base_url,
         options = excluded.options, updated_at = now()`,
      {
        ws: c.workspaceId,
        vendor: c.vendor,
        cred: c.credentials,
        hook: c.webhookSecret,
        url: c.baseUrl,
        opts: JSON.stringify(c.options),
      },
    ),
  );
}

export async function getConnector(
  db: Db,
  workspaceId: string,
  vendor: string,
): Promise<StoredConnector | undefined> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM connectors WHERE workspace_id = $ws AND vendor = $vendor`,
    { ws: workspaceId, vendor },
  );
  return rows[0] ? toConnector(rows[0]) : undefined;
}

export async function listConnectors(db: Db, workspaceId: string): Promise<StoredConnector[]> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM connectors WHERE workspace_id = $ws ORDER BY vendor`,
    { ws: workspaceId },
  );
  return rows.map(toConnector);
}

export async function deleteConnector(
  db: Db,
  workspaceId: string,
  vendor: string,
): Promise<boolean> {
  const r = await db.write((conn) =>
    conn.run('DELETE FROM connectors WHERE workspace_id = $ws AND vendor = $vendor', {
      ws: workspaceId,
      vendor,
    }),
  );
  return r.rowsChanged > 0;
}

export async function recordConnectorSync(
  db: Db,
  workspaceId: string,
  vendor: string,
  sync: { cursor: unknown; lastSync: ConnectorSyncStatus },
): Promise<boolean> {
  const r = await db.write((conn) =>
    conn.run(
      `UPDATE connectors SET cursor = $cursor, last_sync = $sync, updated_at = now()
       WHERE workspace_id = $ws AND vendor = $vendor`,
      {
        ws: workspaceId,
        vendor,
        cursor: JSON.stringify(sync.cursor ?? null),
        sync: JSON.stringify(sync.lastSync),
      },
    ),
  );
  return r.rowsChanged > 0;
}
