// A workspace's lifetime after creation: a new secret key when the old one is lost, and removal.
import type { Store } from '../store/store.js';
import { hashSecret, newSecretKey } from './keys.js';

/**
 * Gives the workspace a new secret key and returns it (shown once: only its hash is stored, so the old
 * key stops working and can never be shown again). Undefined when there is no such workspace.
 */
export async function rotateSecretKey(
  store: Store,
  workspaceId: string,
): Promise<string | undefined> {
  const secretKey = newSecretKey();
  return (await store.setWorkspaceSecretHash(workspaceId, hashSecret(secretKey)))
    ? secretKey
    : undefined;
}

/**
 * Removes a workspace and all its data (facts, derived rows, settings, audit rows). A server runs it under
 * the workspace's derive lock, so no derive in progress writes rows back afterwards. Rows removed per
 * table, or undefined: no such workspace.
 */
export function deleteWorkspace(
  store: Store,
  workspaceId: string,
): Promise<Record<string, number> | undefined> {
  return store.deleteWorkspace(workspaceId);
}
