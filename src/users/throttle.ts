// Sign-in throttling, the pure part: failed attempts counted per e-mail (known or not, so the answer never
// says whether an account exists) and per client address, in a sliding window; past the limit, that e-mail
// or address is locked out until its oldest failure in the window leaves it. The attempts are kept in the
// control store (areas/login-attempts.ts), which every API process shares, so the lockout holds behind
// several processes; this module says what to count and how long a refusal lasts (docs/access.md).
import { createHash } from 'node:crypto';
import type { AttemptSubject } from '../store/types.js';

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

/**
 * What a sign-in counts against: its e-mail (normalised by the caller, as the users table holds it) and
 * its client address. The e-mail is stored as its sha256 only: whatever was typed into the field (made-up
 * addresses, or a password typed there by mistake) never lies in the store in clear. The e-mail's
 * subject comes first.
 */
export function throttleSubjects(
  email: string,
  address: string,
  limits: ThrottleLimits = DEFAULT_THROTTLE,
): [AttemptSubject, AttemptSubject] {
  return [
    {
      key: `email:${createHash('sha256').update(email).digest('base64url')}`,
      limit: limits.perEmail,
    },
    { key: `address:${address}`, limit: limits.perAddress },
  ];
}

/**
 * Milliseconds until a refused sign-in may be tried again: for each subject at its limit, until the
 * limit-th newest failure leaves the window. `recent`: per subject, its failures' ages in ms, newest first.
 */
export function retryAfterMs(
  recent: readonly (readonly number[])[],
  subjects: readonly AttemptSubject[],
  windowMs: number,
): number {
  let wait = 0;
  subjects.forEach((s, i) => {
    const ages = recent[i] ?? [];
    if (ages.length >= s.limit) wait = Math.max(wait, windowMs - ages[s.limit - 1]!);
  });
  return wait;
}
