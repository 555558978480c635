// The waits of a retry: capped exponential backoff with jitter, and what `Retry-After` asks for.

/** Exponential with equal jitter: half the step for sure, half at random (`random` in [0, 1)). */
export function backoffMs(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(max, base * 2 ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

/** `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3), in ms from `now`; null if neither. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A header that counts seconds (`x-ratelimit-reset: 2`), in ms; null if it is not a number. */
export function secondsHeaderMs(header: string | null): number | null {
  if (!header || !/^\d+(\.\d+)?$/.test(header.trim())) return null;
  return Math.round(Number(header) * 1000);
}

/** A header that is a whole positive number (`X-HubSpot-RateLimit-Interval-Milliseconds`). */
export function positiveIntHeader(header: string | null): number | null {
  if (!header || !/^\d+$/.test(header.trim())) return null;
  const n = Number(header);
  return n > 0 ? n : null;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
