// Work that one process at a time may do, across every process on one control plane: a named lease with
// expiry (src/store/areas/leases.ts), waited for while another holder's lives, renewed while the work runs.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { LeasesStore } from './areas/leases.js';

let holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** This process's name as a lease holder (readable in the leases table). */
export function processHolder(): string {
  return holder;
}

/**
 * Names this process's leases after the data directory it serves (its journal's home, which one process
 * at a time holds): a process restarted after a crash is then the same holder and takes its leases back
 * at once, instead of waiting out the life of the leases its dead self held.
 */
export function holdLeasesAs(dataDir: string): void {
  holder = `${hostname()}:${resolve(dataDir)}`;
}

/** The longest pause between two tries for a lease another process holds. */
const MAX_POLL_MS = 1_000;

export interface LeaseOptions {
  /** Who holds the lease (default: this process). */
  holder?: string;
  /** The lease's life in ms, renewed every third of it while the work runs. */
  leaseMs: number;
  /** Told when a renewal found the lease lost: the work may have overlapped another holder's. */
  onLost?: (name: string) => void;
}

/** Runs `fn` holding the lease `name`: waits while another holder's lease lives, renews it meanwhile. */
export async function withLease<T>(
  leases: LeasesStore,
  name: string,
  fn: () => Promise<T>,
  opts: LeaseOptions,
): Promise<T> {
  const holder = opts.holder ?? processHolder();
  const ttl = opts.leaseMs;
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
        `the lease ${name} was lost while its work ran: another process may have done the same work at once`,
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

/**
 * Takes the lease `name` if no other holder's lives, without waiting, and renews it until the returned
 * release is called; undefined when another holder has it (the caller refuses the work instead).
 */
export async function tryLease(
  leases: LeasesStore,
  name: string,
  opts: LeaseOptions,
): Promise<(() => Promise<void>) | undefined> {
  const holder = opts.holder ?? processHolder();
  const ttl = opts.leaseMs;
  if (!(await leases.acquireLease(name, holder, ttl))) return undefined;
  const renewing = setInterval(
    () => {
      const lost = () =>
        opts.onLost
          ? opts.onLost(name)
          : process.emitWarning(`the lease ${name} was lost while its work ran`);
      leases.renewLease(name, holder, ttl).then((ok) => ok || lost(), lost);
    },
    Math.max(1, Math.floor(ttl / 3)),
  );
  renewing.unref();
  return async () => {
    clearInterval(renewing);
    await leases.releaseLease(name, holder).catch(() => undefined);
  };
}
