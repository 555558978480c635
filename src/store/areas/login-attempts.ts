// The store's sign-in attempts area (control plane): the failures a sign-in throttle counts
// (src/users/throttle.ts), kept where every API process sees them, so a lockout holds across processes.
// A subject is what attempts are counted against: an e-mail's hash or a client address (never a
// password, never an e-mail in clear).

/** A subject and how many attempts it may have within the window. */
export interface AttemptSubject {
  key: string;
  limit: number;
}

export interface LoginAttempt {
  /** The attempt's own id (random, not secret): a success removes it by this id. */
  id: string;
  subjects: readonly AttemptSubject[];
  windowMs: number;
}

export type AttemptAdmission =
  | { admitted: true }
  | {
      admitted: false;
      /**
       * Per subject (in the order given), the ages in ms of its attempts within the window by the
       * database's clock, newest first, at most `limit` of them.
       */
      recent: number[][];
    };

export interface LoginAttemptsStore {
  /**
   * Records an attempt against every subject if each has fewer than its limit within the window, and
   * then it counts as a failure until clearLoginAttempts; otherwise records nothing. Decided and written
   * as one step under a lock per subject, so concurrent attempts (of this process or another) never
   * take a subject past its limit. Attempts older than the window are deleted on the way, whoever's
   * they are: the table holds one window's attempts at most.
   */
  beginLoginAttempt(a: LoginAttempt): Promise<AttemptAdmission>;
  /** A sign-in succeeded: its attempt no longer counts, nor does any attempt of `subject` (its e-mail). */
  clearLoginAttempts(attemptId: string, subject: string): Promise<void>;
}

/** Refuses an attempt no engine should store: no subject, an empty key, a limit or window that is not a positive whole number. */
export function checkLoginAttempt(a: LoginAttempt): void {
  if (a.id.length === 0) throw new RangeError('attempt id must not be empty');
  if (a.subjects.length === 0) throw new RangeError('an attempt needs a subject');
  for (const s of a.subjects) {
    if (s.key.length === 0) throw new RangeError('attempt subject must not be empty');
    if (!(Number.isSafeInteger(s.limit) && s.limit > 0))
      throw new RangeError(`attempt limit must be a positive whole number (got ${s.limit})`);
  }
  if (!(Number.isSafeInteger(a.windowMs) && a.windowMs > 0))
    throw new RangeError(
      `attempt window must be a positive whole number of milliseconds (got ${a.windowMs})`,
    );
}
