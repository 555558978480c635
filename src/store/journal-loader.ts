import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Store } from './store.js';
import type { EventJournal } from './journal.js';
import type { AffectedIds } from './types.js';
import { withLease } from './lease.js';
import { backgroundShare, LoopPressure, nextRunAt } from './background-pacing.js';

/**
 * Loads into one store go one at a time across processes: the engine de-duplicates by messageId against
 * what it has stored, so two processes loading the same retried event at once could both store it.
 */
export const JOURNAL_LOAD_LEASE = 'journal-load';
/** Its life unless renewed: what a crashed loader can hold up the other processes' loads by, at most. */
const JOURNAL_LOAD_LEASE_MS = 30_000;

/** The loader's progress, for /readyz and `ingest status`: what waits, how long, whether loads fail. */
export interface LoaderStatus {
  pendingSegments: number;
  pendingBytes: number;
  /** Age of the oldest acknowledged data not loaded yet, or null when everything is loaded. */
  oldestPendingSeconds: number | null;
  lastLoadAt: string | null;
  /** Loads that failed in a row (the engine failed, not a line: bad lines become dead letters). */
  consecutiveFailures: number;
  lastFailureAt: string | null;
  /** Lines set aside as dead letters since the process started. */
  deadLettersSinceStart: number;
}

export interface LoadedEvents {
  inserted: number;
  /** Per workspace, the anonymous and user ids that received new events. */
  affected: Map<string, AffectedIds>;
}

/**
 * Moves closed journal segments into the store on a short interval (the engine's bulk path is far
 * faster than row-at-a-time writes), deleting each only after the store has committed it.
 */
export class JournalLoader {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private listeners: ((loaded: LoadedEvents) => void)[] = [];
  private lastLoadAt: number | undefined;
  private lastFailureAt: number | undefined;
  private failures = 0;
  private deadLetters = 0;
  /** The timer's next load waits until then (a flush asked for does not). */
  private notBefore = 0;
  /** How busy the requests kept the event loop between loads (the pace's share follows it). */
  private readonly pressure = new LoopPressure();

  constructor(
    private readonly journal: EventJournal,
    private readonly store: Store,
    private readonly logger?: Logger,
    private readonly intervalMs = 200,
  ) {}

  /**
   * Loads what a previous run left behind, then keeps loading on the interval. A failing engine or disk
   * does not stop the start: the server serves (and journals) while the loader retries, and /readyz says so.
   */
  async start(): Promise<number> {
    const n = await this.flush().catch((err: unknown) => {
      this.logger?.error({ err }, 'journal load failed at start; will retry');
      return 0;
    });
    this.timer = setInterval(() => {
      if (Date.now() < this.notBefore) return; // pacing: see background-pacing.ts
      if (this.journal.linesInCurrentSegment > 0 || this.journal.closedSegments().length > 0) {
        this.flush().catch((err: unknown) => {
          // retried every tick: say it at the first failure, then every 50th (10 s), not five times a second
          if (this.failures % 50 === 1)
            this.logger?.error({ err, failures: this.failures }, 'journal load failed; will retry');
        });
      }
    }, this.intervalMs);
    this.timer.unref();
    return n;
  }

  /** Called after each load that stored new events (the derive step listens here). */
  onLoaded(fn: (loaded: LoadedEvents) => void): void {
    this.listeners.push(fn);
  }

  /** Rotates and loads everything acknowledged so far. */
  flush(): Promise<number> {
    let started = 0;
    let utilisation = 0;
    let lag = 0;
    const run = (this.running ?? Promise.resolve(0))
      .then(() => {
        started = Date.now();
        utilisation = this.pressure.sinceLastRun();
        lag = started - (this.journal.backlog().oldestAt ?? started);
        return this.loadAll();
      })
      .then(
        (n) => {
          this.failures = 0;
          this.lastLoadAt = Date.now();
          this.pressure.ended();
          const share = backgroundShare(utilisation, lag);
          this.notBefore = nextRunAt(started, this.lastLoadAt, this.intervalMs, share);
          return n;
        },
        (err: unknown) => {
          this.failures += 1;
          this.lastFailureAt = Date.now();
          throw err;
        },
      );
    this.running = run.catch(() => 0);
    return run;
  }

  private async loadAll(): Promise<number> {
    let inserted = 0;
    const affected = new Map<string, AffectedIds>();
    try {
      const segments = await this.journal.rotate();
      if (segments.length === 0) return 0;
      const load = () => this.loadSegments(segments, affected, (n) => (inserted += n));
      await withLease(this.store, JOURNAL_LOAD_LEASE, load, { leaseMs: JOURNAL_LOAD_LEASE_MS });
    } finally {
      // segments stored before a failure are derived too
      if (inserted > 0) {
        const loaded = { inserted, affected };
        for (const fn of this.listeners) fn(loaded);
      }
    }
    return inserted;
  }

  private async loadSegments(
    segments: readonly string[],
    affected: Map<string, AffectedIds>,
    add: (inserted: number) => void,
  ): Promise<void> {
    for (const segment of segments) {
      // the ids a segment of this run carries were noted as it was written: the engine need not return them
      const known = this.journal.idsOf(segment);
      const r = await this.store.loadEventJournal(segment, { readAffected: known === undefined });
      const loaded = known === undefined ? r.affected : r.inserted > 0 ? known : new Map();
      if (r.deadLetters > 0) {
        this.deadLetters += r.deadLetters;
        this.logger?.warn(
          { segment, deadLetters: r.deadLetters },
          'journal lines that cannot load were set aside as dead letters',
        );
      }
      add(r.inserted);
      for (const [ws, ids] of loaded) {
        const t = affected.get(ws);
        affected.set(
          ws,
          t
            ? {
                anonymousIds: [...new Set([...t.anonymousIds, ...ids.anonymousIds])],
                userIds: [...new Set([...t.userIds, ...ids.userIds])],
              }
            : ids,
        );
      }
      await unlink(segment); // (not unlinkSync: the main thread is serving requests meanwhile)
      this.journal.loaded(segment);
    }
  }

  status(now = Date.now()): LoaderStatus {
    const b = this.journal.backlog();
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    return {
      pendingSegments: b.segments,
      pendingBytes: b.bytes,
      oldestPendingSeconds:
        b.oldestAt === null ? null : Math.max(0, Math.round((now - b.oldestAt) / 100) / 10),
      lastLoadAt: iso(this.lastLoadAt),
      consecutiveFailures: this.failures,
      lastFailureAt: iso(this.lastFailureAt),
      deadLettersSinceStart: this.deadLetters,
    };
  }

  /** Stops the interval after a last load; what a failing engine could not load stays in the journal for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch((err: unknown) =>
      this.logger?.error(
        { err },
        'journal load failed at shutdown; the journal keeps it for the next start',
      ),
    );
  }
}
