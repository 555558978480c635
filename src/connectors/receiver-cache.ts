// The connector a webhook receiver checks each delivery against, kept for a few seconds: every delivery
// needs it, and a burst of deliveries otherwise queued its reads behind every other read of the store
// (bench/webhooks.bench.ts: two reads a delivery cost most of its time). A change made in this process
// (setConnector, removeConnector, a workspace deleted) forgets it at once; one made by another process
// is seen within the TTL, and a delivery refused meanwhile is retried by the vendor.
import type { Store } from '../store/store.js';
import type { OpenedConnector } from './settings.js';

export const RECEIVER_TTL_MS = 5_000;

const cached = new WeakMap<Store, Map<string, { c: OpenedConnector; until: number }>>();
const keyOf = (workspaceId: string, name: string) => `${workspaceId}\u0000${name}`;

/**
 * The workspace's connector with its secrets opened (`open` reads it from the store), from the cache
 * while fresh; undefined if none.
 */
export async function receiverConnector(
  store: Store,
  workspaceId: string,
  name: string,
  open: () => Promise<OpenedConnector | undefined>,
  now = Date.now(),
): Promise<OpenedConnector | undefined> {
  let map = cached.get(store);
  const hit = map?.get(keyOf(workspaceId, name));
  if (hit && hit.until > now) return hit.c;
  const c = await open();
  if (!map) cached.set(store, (map = new Map()));
  if (map.size > 10_000) map.clear();
  // only a connector found is kept: one set a moment later must receive at once
  if (c) map.set(keyOf(workspaceId, name), { c, until: now + RECEIVER_TTL_MS });
  else map.delete(keyOf(workspaceId, name));
  return c;
}

/** Forgets one workspace's connector, or (no workspace) every cached one of this store. */
export function forgetReceivers(store: Store, workspaceId?: string, name?: string): void {
  const map = cached.get(store);
  if (!map) return;
  if (workspaceId === undefined) return map.clear();
  for (const k of [...map.keys()])
    if (
      k.startsWith(`${workspaceId}\u0000`) &&
      (name === undefined || k === keyOf(workspaceId, name))
    )
      map.delete(k);
}
