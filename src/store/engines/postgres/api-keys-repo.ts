// A workspace's role-scoped API keys (hashes only) and the access audit log in PostgreSQL: the same
// contract as duckdb/api-keys-repo.ts.
import { randomUUID } from 'node:crypto';
import type { ApiKey, AuditEntry, NewApiKey, NewAuditEntry, Role } from '../../types.js';
import type { Pool } from './connection.js';

interface KeyRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
});

const KEY = 'id, workspace_id, name, role, created_at, revoked_at';

export async function createApiKey(pool: Pool, k: NewApiKey): Promise<ApiKey> {
  const r = await pool.query<KeyRow>(
    `INSERT INTO api_keys (id, workspace_id, name, role, key_hash) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${KEY}`,
    [k.id, k.workspaceId, k.name, k.role, k.keyHash],
  );
  return toKey(r.rows[0]!);
}

export async function listApiKeys(pool: Pool, workspaceId: string): Promise<ApiKey[]> {
  const r = await pool.query<KeyRow>(
    `SELECT ${KEY} FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id`,
    [workspaceId],
  );
  return r.rows.map(toKey);
}

export async function findApiKeyByHash(pool: Pool, keyHash: string): Promise<ApiKey | undefined> {
  const r = await pool.query<KeyRow>(`SELECT ${KEY} FROM api_keys WHERE key_hash = $1`, [keyHash]);
  return r.rows[0] ? toKey(r.rows[0]) : undefined;
}

export async function revokeApiKey(pool: Pool, workspaceId: string, id: string): Promise<boolean> {
  const r = await pool.query(
    `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL`,
    [id, workspaceId],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function appendAudit(pool: Pool, e: NewAuditEntry): Promise<void> {
  await pool.query(
    `INSERT INTO audit_log (id, workspace_id, actor, action, target, address)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [`au_${randomUUID()}`, e.workspaceId, e.actor, e.action, e.target, e.address],
  );
}

export async function listAudit(
  pool: Pool,
  q: { workspaceId?: string; limit: number },
): Promise<AuditEntry[]> {
  const r = await pool.query<{
    id: string;
    occurred_at: Date;
    workspace_id: string | null;
    actor: string;
    action: string;
    target: string | null;
    address: string | null;
  }>(
    q.workspaceId === undefined
      ? 'SELECT * FROM audit_log ORDER BY occurred_at DESC, id DESC LIMIT $1'
      : 'SELECT * FROM audit_log WHERE workspace_id = $2 ORDER BY occurred_at DESC, id DESC LIMIT $1',
    q.workspaceId === undefined ? [q.limit] : [q.limit, q.workspaceId],
  );
  return r.rows.map((row) => ({
    id: row.id,
    at: row.occurred_at.toISOString(),
    workspaceId: row.workspace_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    address: row.address,
  }));
}
