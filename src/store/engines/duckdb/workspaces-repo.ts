// Workspaces: created with a write key and the hash of a secret key (the key itself is never stored).
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
      { id: w.id, name: w.name, currency: w.currency, timezone: w.timezone, wk: w.writeKey, sk: w.secretKeyHash },
    ),
  );
  const ws = await getWorkspace(db, w.id);
  if (!ws) throw new Error(`workspace ${w.id} not found after insert`);
  return ws;
}

export async function listWorkspaces(db: Db): Promise<Workspace[]> {
  return (await db.query('SELECT * FROM workspaces ORDER BY created_at, id')).map(toWorkspace);
}

async function oneWorkspace(db: Db, where: 'id' | 'write_key' | 'secret_key_hash', value: string): Promise<Workspace | undefined> {
  const rows = await db.query(`SELECT * FROM workspaces WHERE ${where} = $v`, { v: value });
  return rows[0] ? toWorkspace(rows[0]) : undefined;
}

export const getWorkspace = (db: Db, id: string) => oneWorkspace(db, 'id', id);
export const findWorkspaceByWriteKey = (db: Db, writeKey: string) => oneWorkspace(db, 'write_key', writeKey);
export const findWorkspaceBySecretHash = (db: Db, hash: string) => oneWorkspace(db, 'secret_key_hash', hash);
