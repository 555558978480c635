import type { Logger } from 'pino';
import type { Store } from './store.js';
import type { EventJournal } from './journal.js';
import type { AffectedIds } from './types.js';
import { withLease } from './lease.js';
import { segmentIdsFromFile } from './journal-ids.js';
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
  /** The stored segments that hold them, kept until every listener's promise has resolved. */
  segments: string[];
}

/** A listener of loads: the derive step; its promise resolves once the ids it was given are derived. */
export type LoadListener = (loaded: LoadedEvents) => void | Promise<void>;

/**
 * Moves closed journal segments into the store on a short interval (the engine's bulk path is far
 * faster than row-at-a-time writes). A stored segment is kept (out of the journal's closed segments)
 * until the listeners have derived its ids, without the loader waiting for them: a process killed in
 * between finds it at its next start and hands its ids on again, read from the file.
 */
export class JournalLoader {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private listeners: LoadListener[] = [];
  /** Loads handed to the listeners whose segments are not deleted yet. */
  private readonly handedOn = new Set<Promise<void>>();
  /** The previous run's stored, underived segments already handed on. */
  private readonly recovered = new Set<string>();
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

  /**
   * Called after each load (the derive step listens here), and at the first load for the segments a
   * previous run stored and did not derive. The segments are deleted once every listener's promise has
   * resolved; a rejected one keeps them for the next start.
   */
  onLoaded(fn: LoadListener): void {
    this.listeners.push(fn);
  }

  /** Resolves once every load handed on so far has been derived and its segments deleted (or kept). */
  async derived(): Promise<void> {
    while (this.handedOn.size > 0) await Promise.all([...this.handedOn]);
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
    const stored: string[] = [];
    // with this load's ids: one derive for both (a restart's stop must not wait for two)
    await this.takeUnderived(affected, stored);
    try {
      const segments = await this.journal.rotate();
      if (segments.length === 0) return 0;
      const load = () => this.loadSegments(segments, affected, stored, (n) => (inserted += n));
      await withLease(this.store, JOURNAL_LOAD_LEASE, load, { leaseMs: JOURNAL_LOAD_LEASE_MS });
    } finally {
      // segments stored before a failure are derived too (and their ids if the rename failed)
      if (stored.length > 0 || affected.size > 0)
        this.handOn({ inserted, affected, segments: stored });
    }
    return inserted;
  }

  /**
   * Hands the listeners a load without waiting for them (the loader keeps its own pace), and deletes
   * its segments once they are done with it.
   */
  private handOn(loaded: LoadedEvents): void {
    const results = this.listeners.map(async (fn) => fn(loaded));
    const done = Promise.allSettled(results).then(async (settled) => {
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        this.logger?.error(
          { err: failed.reason, segments: loaded.segments },
          'the derive of stored journal segments failed; they are kept and derived at the next start',
        );
        return;
      }
      for (const segment of loaded.segments)
        await this.journal
          .derived(segment)
          .catch((err: unknown) =>
            this.logger?.error({ err, segment }, 'a derived journal segment could not be deleted'),
          );
    });
    this.handedOn.add(done);
    void done.finally(() => this.handedOn.delete(done));
  }

  /**
   * The segments a previous run stored and did not derive (killed in between): their ids, read from the
   * file, go to the listeners once, with the next load's, and the segments are not loaded again.
   */
  private async takeUnderived(affected: Map<string, AffectedIds>, stored: string[]): Promise<void> {
    for (const segment of this.journal.underived()) {
      if (this.recovered.has(segment)) continue;
      this.recovered.add(segment);
      try {
        mergeIds(affected, await segmentIdsFromFile(segment));
        stored.push(segment);
      } catch (err) {
        // kept for the next start; the loads go on
        this.logger?.error(
          { err, segment },
          'a stored, underived journal segment could not be read',
        );
      }
    }
  }

  private async loadSegments(
    segments: readonly string[],
    affected: Map<string, AffectedIds>,
    stored: string[],
    add: (inserted: number) => void,
  ): Promise<void> {
    for (const segment of segments) {
      // the ids a segment of this run carries were noted as it was written: the engine need not return
      // them; any other segment's are read from the file, every line's, since a previous run may have
      // stored it and died before renaming it (a stored segment then stores nothing new, yet its ids
      // still need their derive)
      const known = this.journal.idsOf(segment);
      const r = await this.store.loadEventJournal(segment, { readAffected: false });
      const loaded =
        known === undefined
          ? await segmentIdsFromFile(segment)
          : r.inserted > 0
            ? known
            : new Map<string, AffectedIds>();
      if (r.deadLetters > 0) {
        this.deadLetters += r.deadLetters;
        this.logger?.warn(
          { segment, deadLetters: r.deadLetters },
          'journal lines that cannot load were set aside as dead letters',
        );
      }
      add(r.inserted);
      mergeIds(affected, loaded);
      stored.push(await this.journal.loaded(segment));
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

  /**
   * Stops the interval after a last load; what a failing engine could not load stays in the journal for
   * the next start. The loads handed on are not waited for (derived() does, once the derive has run).
   */
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

/** Adds `ids` to `into`, per workspace, without repeats. */
function mergeIds(into: Map<string, AffectedIds>, ids: ReadonlyMap<string, AffectedIds>): void {
  for (const [ws, add] of ids) {
    const t = into.get(ws);
    into.set(
      ws,
      t
        ? {
            anonymousIds: [...new Set([...t.anonymousIds, ...add.anonymousIds])],
            userIds: [...new Set([...t.userIds, ...add.userIds])],
          }
        : add,
    );
  }
}
