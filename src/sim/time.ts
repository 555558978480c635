/** Calendar helpers on UTC milliseconds. No clock is read here: every time is derived from arguments. */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Parses YYYY-MM-DD as UTC midnight; returns NaN when the text is not a real calendar date. */
export function parseDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : NaN;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Weight of each local hour for visits to a B2B site: working hours, a lunch dip, a small evening tail. */
export const HOUR_WEIGHTS: readonly (readonly [number, number])[] = [
  0.2, 0.1, 0.05, 0.05, 0.05, 0.15, 0.5, 1.5, 4, 6, 6.5, 6, 4.5, 5.5, 6, 5.5, 4.5, 3, 2, 1.8, 1.6,
  1.2, 0.8, 0.4,
].map((w, h) => [h, w] as const);

/** 0 = Sunday ... 6 = Saturday, of local time. */
export function localWeekday(utcMs: number, offsetMin: number): number {
  return new Date(utcMs + offsetMin * MINUTE).getUTCDay();
}
