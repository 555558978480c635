// The shared-device span rule as SQL, the same text on every engine.

/**
 * Whether an identities row `i` holds time `ts`: a shared device's row holds only its span
 * `[from_at, until_at)`; every other row (both NULL) holds all time. Join sessions by their start, events by
 * their time, so that a shared device's sessions and events reach only the person whose span holds them.
 */
export const spanHolds = (i: string, ts: string): string =>
  `(${i}.from_at IS NULL OR ${ts} >= ${i}.from_at) AND (${i}.until_at IS NULL OR ${ts} < ${i}.until_at)`;
