/** The lookback window: a touch counts when convertedAt − lookback ≤ at ≤ convertedAt. */

export const DEFAULT_LOOKBACK_DAYS = 90;
export const DAY_MS = 86_400_000;

export function lookbackMs(days: number = DEFAULT_LOOKBACK_DAYS): number {
  if (!(days > 0) || !Number.isFinite(days))
    throw new RangeError(`lookback window must be a positive number of days, got ${days}`);
  return days * DAY_MS;
}

/**
 * For touches sorted by time in at[start..end), the sub-range inside the window, as [from, to).
 * Two short scans from the ends: journeys are short and mostly inside the window.
 */
export function windowRange(
  at: ArrayLike<number>,
  start: number,
  end: number,
  convertedAt: number,
  windowMs: number,
): [number, number] {
  const earliest = convertedAt - windowMs;
  let to = end;
  while (to > start && at[to - 1]! > convertedAt) to--;
  let from = start;
  while (from < to && at[from]! < earliest) from++;
  return [from, to];
}

/** The touches of a journey inside the window, in time order (ties keep their input order). */
export function touchesInWindow<T extends { at: number }>(
  touches: readonly T[],
  convertedAt: number,
  days: number = DEFAULT_LOOKBACK_DAYS,
): T[] {
  const earliest = convertedAt - lookbackMs(days);
  return touches.filter((t) => t.at >= earliest && t.at <= convertedAt).sort((a, b) => a.at - b.at);
}
