// One derive at a time per workspace: a background derive and a settings change both rewrite derived
// tables from reads they made first, so they must not interleave. Within a process a queue per workspace
// orders them; across processes (several API processes on one ClickHouse) a lease in the control plane
// does, so a crashed holder's workspace passes on once its lease expires.
import type { LeasesStore } from '../store/areas/leases.js';
import { processHolder, withLease } from '../store/lease.js';

/** How long a derive lease lives unless renewed (renewed every third of it while the work runs). */
export const DERIVE_LEASE_MS = 60_000;

export interface LockOptions {
  /** Who holds the lease (default: this process). */
  holder?: string;
  /** The lease's life (default DERIVE_LEASE_MS). */
  leaseMs?: number;
  /** Told when a renewal found the lease lost: the work may have overlapped another holder's. */
  onLost?: (name: string) => void;
}

const tails = new Map<string, Promise<unknown>>();

/** The lease that makes a workspace's derive exclusive across processes. */
export function deriveLeaseName(workspaceId: string): string {
  return `derive:${workspaceId}`;
}

export async function withWorkspaceLock<T>(
  leases: LeasesStore,
  workspaceId: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const key = `${opts.holder ?? processHolder()}\u0000${workspaceId}`;
  const leased = () =>
    withLease(leases, deriveLeaseName(workspaceId), fn, {
      ...opts,
      leaseMs: opts.leaseMs ?? DERIVE_LEASE_MS,
    });
  const prev = tails.get(key) ?? Promise.resolve();
  const run = prev.then(leased, leased);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
