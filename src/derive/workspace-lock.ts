// One derive at a time per workspace: a background derive and a settings change both rewrite derived
// tables from reads they made first, so they must not interleave. Within a process a queue per workspace
// orders them; across processes (several API processes on one ClickHouse) a lease in the control plane
// does, so a crashed holder's workspace passes on once its lease expires.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { LeasesStore } from '../store/areas/leases.js';

/** How long a derive lease lives unless renewed (renewed every third of it while the work runs). */
export const DERIVE_LEASE_MS = 60_000;
/** The longest pause between two tries for a lease another process holds. */
const MAX_POLL_MS = 1_000;

/** This process's name as a lease holder: unique per start, readable in the leases table. */
export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

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
  const key = `${opts.holder ?? PROCESS_HOLDER}\u0000${workspaceId}`;
  const leased = () => withLease(leases, deriveLeaseName(workspaceId), fn, opts);
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

/** Runs `fn` holding the lease `name`: waits while another holder's lease lives, renews it meanwhile. */
async function withLease<T>(
  leases: LeasesStore,
  name: string,
  fn: () => Promise<T>,
  opts: LockOptions,
): Promise<T> {
  const holder = opts.holder ?? PROCESS_HOLDER;
  const ttl = opts.leaseMs ?? DERIVE_LEASE_MS;
  for (let pause = 20; !(await leases.acquireLease(name, holder, ttl));) {
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, MAX_POLL_MS, ttl);
  }
  let lostTold = false;
  const lost = () => {
    if (lostTold) return;
    lostTold = true;
    if (opts.onLost) opts.onLost(name);
    else
      process.emitWarning(
        `the lease ${name} was lost while its work ran: another process may have derived the same workspace at once`,
      );
  };
  const renewing = setInterval(
    () => {
      leases.renewLease(name, holder, ttl).then((ok) => ok || lost(), lost);
    },
    Math.max(1, Math.floor(ttl / 3)),
  );
  renewing.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renewing);
    // a release that fails leaves the lease to expire: the next holder waits at most its life
    await leases.releaseLease(name, holder).catch(() => undefined);
  }
}
