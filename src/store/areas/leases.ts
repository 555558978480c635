// The store's leases area (control plane): what an engine must implement for it.

/**
 * Named leases with expiry, so that of several processes one at a time does a piece of work (e.g. derives
 * a workspace), and a crashed holder's lease passes on once it expires. Expiry is decided by the
 * database's clock, never by the callers' (their clocks may disagree), and every change is a
 * compare-and-set: two holders never both hold a lease.
 */
export interface LeasesStore {
  /**
   * Takes the lease for `ttlMs` milliseconds if it is free, expired, or already `holder`'s (then it is
   * renewed). True when `holder` holds it now; false when another holder's lease is still live.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /**
   * Extends `holder`'s live lease by `ttlMs` from now. False when it was lost: expired (even if nobody
   * took it since: the holder must not assume its work was exclusive), taken or released.
   */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (another holder's lease is left alone). */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Refuses a lease request no engine should store: an empty name or holder, a time that is not a positive whole number of ms. */
export function checkLeaseRequest(name: string, holder: string, ttlMs?: number): void {
  if (name.length === 0) throw new RangeError('lease name must not be empty');
  if (holder.length === 0) throw new RangeError('lease holder must not be empty');
  if (ttlMs !== undefined && !(Number.isSafeInteger(ttlMs) && ttlMs > 0))
    throw new RangeError(
      `lease time must be a positive whole number of milliseconds (got ${ttlMs})`,
    );
}
