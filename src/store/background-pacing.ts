// How much of the time the server's background work (journal loads, live derives) may take while events
// keep arriving. Both run on the cores that acknowledge requests: under a burst each may take a share of
// the time, and a smaller share while the requests keep the event loop busy. The ack rate is bound by
// the CPU per event then, and what waits is loaded and derived later in larger, cheaper batches.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** The share of the time a load or a derive may take while the event loop has room. */
export const BACKGROUND_SHARE = 1 / 3;
/** The share while requests keep the event loop busy. */
export const BUSY_BACKGROUND_SHARE = 1 / 10;
/** Event-loop utilisation up to which the share is BACKGROUND_SHARE... */
export const ROOMY_UTILISATION = 0.3;
/** ...and from which it is BUSY_BACKGROUND_SHARE (linear between, so the pace never jumps). */
export const BUSY_UTILISATION = 0.7;
/**
 * Once the oldest work waiting has waited this long, the usual share applies however busy the loop: the
 * smaller share alone could not keep up with a sustained peak, and the lag would grow without bound.
 */
export const MAX_BUSY_LAG_MS = 10_000;

/**
 * The share of the time background work may take, given the event loop's utilisation while it waited and
 * how long the oldest work now waiting has waited (`lagMs`).
 */
export function backgroundShare(utilisation: number, lagMs = 0): number {
  if (lagMs > MAX_BUSY_LAG_MS) return BACKGROUND_SHARE;
  if (!(utilisation > ROOMY_UTILISATION)) return BACKGROUND_SHARE; // an empty window (NaN) has room
  if (utilisation >= BUSY_UTILISATION) return BUSY_BACKGROUND_SHARE;
  const f = (utilisation - ROOMY_UTILISATION) / (BUSY_UTILISATION - ROOMY_UTILISATION);
  return BACKGROUND_SHARE + f * (BUSY_BACKGROUND_SHARE - BACKGROUND_SHARE);
}

/**
 * When the next run may start: after the interval, and after long enough for the last run to have taken
 * at most `share` of the time. Under a burst, runs then grow larger and fewer (the engine's bulk path
 * costs less per event in larger batches) and leave the CPU and the disk to the requests being
 * acknowledged; when traffic is light, runs stay one interval apart.
 */
export function nextRunAt(
  startedAt: number,
  endedAt: number,
  intervalMs: number,
  share = BACKGROUND_SHARE,
): number {
  const took = Math.max(0, endedAt - startedAt);
  return Math.max(endedAt + intervalMs, startedAt + took / share);
}

/**
 * The event loop's utilisation while a background job waited (from the end of its last run to the start
 * of this one): the requests' load, not the job's own work.
 */
export class LoopPressure {
  private mark: EventLoopUtilization = performance.eventLoopUtilization();

  /** The job starts a run: the utilisation since its last run ended (0..1; NaN for an empty window). */
  sinceLastRun(): number {
    return performance.eventLoopUtilization(this.mark).utilization;
  }

  /** The job's run ended: the next window starts now. */
  ended(): void {
    this.mark = performance.eventLoopUtilization();
  }
}
