// An ad connector's cursor (sync-ads.ts), per account: the last complete day stored, and the period of
// a run that has not ended with the last day of it stored. Its own module so that the connector's view
// (settings.ts) can say whether a run is left to resume without loading the platforms' clients.
import { z } from 'zod';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const AccountCursor = z.object({
  /** The last complete day stored by any run (null before the first chunk). */
  lastDay: Day.nullable(),
  /** The period of a run that has not ended, and the last day of it stored (null: none yet). */
  pending: z.object({ from: Day, to: Day, done: Day.nullable() }).nullable(),
});
export type AccountCursor = z.infer<typeof AccountCursor>;
export const AdCursor = z.object({ accounts: z.record(z.string(), AccountCursor) });
export type AdCursor = z.infer<typeof AdCursor>;

/** The stored cursor, or an empty one (none stored, or not of this shape). */
export function adCursorOf(stored: unknown): AdCursor {
  const c = AdCursor.safeParse(stored);
  return c.success ? c.data : { accounts: {} };
}

/** Whether a run of some account stopped before its end (the next one resumes it). */
export const adRunPending = (stored: unknown): boolean =>
  Object.values(adCursorOf(stored).accounts).some((a) => a.pending !== null);
