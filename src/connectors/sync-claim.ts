// One sync of a connector at a time: in this process (a set of the syncs under way) and across the
// processes sharing one control plane (a lease named after the workspace and connector, taken without
// waiting and renewed while the sync runs), so that two servers' schedules, or a CLI beside a server,
// never pull the same connector at once. The second is refused with a 409 saying where the first runs.
import type { Store } from '../store/store.js';
import { tryLease } from '../store/lease.js';
import { ConnectorError } from './errors.js';

const running = new Set<string>();
/** A sync's lease lives this long unless renewed (every third of it while the sync runs). */
const SYNC_LEASE_MS = 60_000;

/** Claims the connector's sync, or throws the 409; the returned release ends the claim. */
export async function claimSync(
  store: Store,
  workspaceId: string,
  name: string,
): Promise<() => Promise<void>> {
  const key = `${workspaceId}\u0000${name}`;
  if (running.has(key))
    throw new ConnectorError(409, 'sync_running', `a ${name} sync is already running`, 'name');
  running.add(key);
  let release: (() => Promise<void>) | undefined;
  try {
    release = await tryLease(store, `sync:${workspaceId}:${name}`, { leaseMs: SYNC_LEASE_MS });
  } catch (err) {
    running.delete(key);
    throw err;
  }
  if (!release) {
    running.delete(key);
    throw new ConnectorError(
      409,
      'sync_running',
      `a ${name} sync is already running in another process`,
      'name',
    );
  }
  const lease = release;
  return async () => {
    running.delete(key);
    await lease();
  };
}
