// Sign-in throttling: failed attempts counted per e-mail (known or not, so the answer never says whether
// an account exists) and per client address, in a sliding window; past the limit, that e-mail or address
// is locked out until its oldest failure leaves the window. Held in the process's memory: behind several
// processes each counts its own share (docs/access.md).

export interface ThrottleLimits {
  /** Failures of one e-mail within the window before it is locked. */
  perEmail: number;
  /** Failures from one address within the window before it is locked. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perEmail: 5,
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
};

// beyond this many tracked keys the oldest are dropped (a flood of made-up e-mails cannot grow memory)
const MAX_KEYS = 100_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** Milliseconds until a sign-in of this e-mail from this address may be tried again; 0: now. */
  retryAfter(email: string, address: string): number {
    const wait = (key: string, limit: number) => {
      const times = this.recent(key);
      return times.length < limit
        ? 0
        : times[times.length - limit]! + this.limits.windowMs - this.now();
    };
    return Math.max(
      wait(`e:${email}`, this.limits.perEmail),
      wait(`a:${address}`, this.limits.perAddress),
    );
  }

  failed(email: string, address: string): void {
    for (const key of [`e:${email}`, `a:${address}`]) {
      const times = this.recent(key);
      times.push(this.now());
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A success clears the e-mail's failures (the address's stay: one address may try many e-mails). */
  succeeded(email: string): void {
    this.failures.delete(`e:${email}`);
  }
}
