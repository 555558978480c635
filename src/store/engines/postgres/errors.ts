// PostgreSQL's errors in the store's neutral terms.
import { WorkspaceConflict, type WorkspaceKey } from '../../types.js';

// the unique constraints of the workspaces table (migrations.ts) and the key each guards
const WORKSPACE_CONSTRAINTS: Record<string, WorkspaceKey> = {
  workspaces_pkey: 'id',
  workspaces_write_key_unique: 'writeKey',
  workspaces_secret_key_hash_unique: 'secretKeyHash',
};

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505';

/** A unique violation on a workspace key as the store's WorkspaceConflict; any other error unchanged. */
export function asWorkspaceConflict(err: unknown): unknown {
  const e = err as { code?: unknown; constraint?: unknown };
  if (e?.code !== UNIQUE_VIOLATION || typeof e.constraint !== 'string') return err;
  const key = WORKSPACE_CONSTRAINTS[e.constraint];
  return key ? new WorkspaceConflict(key) : err;
}

/**
 * Why a connection or start failed, in one line the operator can act on: the client's message (or, for
 * a refused connection to a name with several addresses, the first address's), the SQLSTATE or
 * errno, and never the password.
 */
export function reasonOf(err: unknown, password: string): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  const message = e?.message || e?.errors?.[0]?.message || String(err);
  const text = e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
  return password ? text.replaceAll(password, '***') : text;
}
