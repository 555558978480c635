// A workspace's role-scoped API keys (hashes only) and the access audit log, in the DuckDB file: the
// same statements as postgres/api-keys-repo.ts.
import { randomUUID } from 'node:crypto';
import type { ApiKey, AuditEntry, NewApiKey, NewAuditEntry, Role } from '../../types.js';
import type { Db, Row } from './connection.js';

const iso = (v: unknown) => new Date(String(v)).toISOString();
const orNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

const toKey = (r: Row): ApiKey => ({
  id: String(r.id),
  workspaceId: String(r.workspace_id),
  name: String(r.name),
  role: String(r.role) as Role,
  createdAt: iso(r.created_at),
  revokedAt: r.revoked_at === null || r.revoked_at === undefined ? null : iso(r.revoked_at),
});

const KEY = 'id, workspace_id, name, role, created_at, revoked_at';

export async function createApiKey(db: Db, k: NewApiKey): Promise<ApiKey> {
  await db.write((c) =>
    c.run(
      `INSERT INTO api_keys (id, workspace_id, name, role, key_hash) VALUES ($id, $ws, $name, $role, $h)`,
      { id: k.id, ws: k.workspaceId, name: k.name, role: k.role, h: k.keyHash },
    ),
  );
  const [r] = await db.query(`SELECT ${KEY} FROM api_keys WHERE id = $id`, { id: k.id });
  return toKey(r!);
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKey[]> {
  return (
    await db.query(`SELECT ${KEY} FROM api_keys WHERE workspace_id = $ws ORDER BY created_at, id`, {
      ws: workspaceId,
    })
  ).map(toKey);
}

export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKey | undefined> {
  const [r] = await db.query(`SELECT ${KEY} FROM api_keys WHERE key_hash = $h`, { h: keyHash });
  return r ? toKey(r) : undefined;
}

export async function revokeApiKey(db: Db, workspaceId: string, id: string): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run(
      `UPDATE api_keys SET revoked_at = now()
       WHERE id = $id AND workspace_id = $ws AND revoked_at IS NULL`,
      { id, ws: workspaceId },
    );
    return r.rowsChanged > 0;
  });
}

export async function appendAudit(db: Db, e: NewAuditEntry): Promise<void> {
  await db.write((c) =>
    c.run(
      `INSERT INTO audit_log (id, workspace_id, actor, action, target, address)
       VALUES ($id, $ws, $actor, $action, $target, $address)`,
      {
        id: `au_${randomUUID()}`,
        ws: e.workspaceId,
        actor: e.actor,
        action: e.action,
        target: e.target,
        address: e.address,
      },
    ),
  );
}

export async function listAudit(
  db: Db,
  q: { workspaceId?: string; limit: number },
): Promise<AuditEntry[]> {
  const where = q.workspaceId === undefined ? '' : 'WHERE workspace_id = $ws';
  const rows = await db.query(
    `SELECT * FROM audit_log ${where} ORDER BY occurred_at DESC, id DESC LIMIT $limit`,
    q.workspaceId === undefined ? { limit: q.limit } : { ws: q.workspaceId, limit: q.limit },
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: iso(r.occurred_at),
    workspaceId: orNull(r.workspace_id),
    actor: String(r.actor),
    action: String(r.action),
    target: orNull(r.target),
    address: orNull(r.address),
  }));
}
