import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { AffectedIds } from '../store/types.js';
import { deriveAffected, refitWorkspace } from './derive.js';
import { backgroundShare, LoopPressure, nextRunAt } from '../store/background-pacing.js';

/** How often, at most, live ingestion refits a workspace's data-driven models (a refit reads every journey). */
export const DEFAULT_REFIT_INTERVAL_MS = 60_000;

/**
 * Keeps derived tables current as events arrive: the anonymous and user ids each journal load affected are
 * queued per workspace and derived in the background, one derive at a time, batching whatever piled
 * up meanwhile (so a burst of events costs one derive, not one per load). Sessions, persons,
 * milestones and rule-based credits follow each batch; the data-driven models (fitted over every
 * journey of the workspace) are refitted when the queue is empty and at most once per interval, so a
 * large workspace's refit never holds up the next batch's journeys.
 */
export class LiveDeriver {
  private pending = new Map<string, { anon: Set<string>; users: Set<string> }>();
  /** Resolve the enqueue() promises of what `pending` holds. */
  private pendingDone: (() => void)[] = [];
  /** When the oldest of `pending` was queued (the pace's share follows how long it waits). */
  private pendingSince: number | undefined;
  private running: Promise<void> | undefined;
  /** Workspaces whose data-driven fits lag behind their journeys. */
  private stale = new Set<string>();
  private lastRefit = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Paced like the journal loader (background-pacing.ts): the next derive waits until then, unless idle() is awaited. */
  private notBefore = 0;
  private readonly pressure = new LoopPressure();
  private waiters = 0;
  private wake: (() => void) | undefined;
  /** Fits are current when the deriver starts (a rebuild or the last run made them). */
  private readonly startedAt = Date.now();

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
    private readonly refitIntervalMs = DEFAULT_REFIT_INTERVAL_MS,
  ) {}

  /**
   * Queues the ids for a derive; resolves once a derive of them has run, whether it succeeded (a failure
   * is logged, and a rebuild catches up): the journal keeps their segments until then.
   */
  enqueue(affected: Map<string, AffectedIds>): Promise<void> {
    if (affected.size === 0) return Promise.resolve();
    this.pendingSince ??= Date.now();
    const derived = new Promise<void>((resolve) => this.pendingDone.push(resolve));
    for (const [ws, ids] of affected) {
      const p = this.pending.get(ws) ?? { anon: new Set<string>(), users: new Set<string>() };
      for (const id of ids.anonymousIds) p.anon.add(id);
      for (const id of ids.userIds) p.users.add(id);
      this.pending.set(ws, p);
    }
    this.start(false);
    return derived;
  }

  /** Resolves when everything queued so far is derived, data-driven fits included (without pacing). */
  async idle(): Promise<void> {
    this.waiters += 1;
    this.wake?.();
    try {
      do {
        while (this.running) await this.running;
        if (this.stale.size > 0) this.start(true);
      } while (this.running);
    } finally {
      this.waiters -= 1;
    }
  }

  /** Resolves when everything queued so far is derived (without pacing; the data-driven fits may wait). */
  async drain(): Promise<void> {
    this.waiters += 1;
    this.wake?.();
    try {
      while (this.running) await this.running;
    } finally {
      this.waiters -= 1;
    }
  }

  /** Stops the refit timer (the server is closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(refitNow: boolean): void {
    this.running ??= this.loop(refitNow);
  }

  private async loop(refitNow: boolean): Promise<void> {
    // yield first: `running` must be assigned before the loop can finish and clear it
    await Promise.resolve();
    try {
      for (;;) {
        while (this.pending.size > 0) {
          // under a burst a derive may take at most a share of the time (a smaller one while requests keep
          // the event loop busy): the ids that pile up meanwhile are derived together, and the requests
          // being acknowledged keep the CPU
          const wait = this.notBefore - Date.now();
          if (wait > 0 && this.waiters === 0) {
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, wait);
              this.wake = () => {
                clearTimeout(t);
                resolve();
              };
            });
            this.wake = undefined;
          }
          const started = Date.now();
          const utilisation = this.pressure.sinceLastRun();
          const lag = started - (this.pendingSince ?? started);
          const batch = this.pending;
          const done = this.pendingDone;
          this.pending = new Map();
          this.pendingDone = [];
          this.pendingSince = undefined;
          for (const [ws, ids] of batch) {
            try {
              await deriveAffected(
                this.store,
                ws,
                { anonymousIds: [...ids.anon], userIds: [...ids.users] },
                undefined,
                { dataDriven: false },
              );
              this.stale.add(ws);
            } catch (err) {
              this.logger?.error({ err, workspace: ws }, 'derive failed; a rebuild will catch up');
            }
          }
          for (const resolve of done) resolve();
          this.pressure.ended();
          this.notBefore = nextRunAt(started, Date.now(), 0, backgroundShare(utilisation, lag));
        }
        const due = [...this.stale].filter(
          (ws) =>
            refitNow ||
            Date.now() - (this.lastRefit.get(ws) ?? this.startedAt) >= this.refitIntervalMs,
        );
        if (due.length === 0) break;
        for (const ws of due) {
          this.stale.delete(ws);
          this.lastRefit.set(ws, Date.now());
          try {
            await refitWorkspace(this.store, ws);
          } catch (err) {
            this.logger?.error(
              { err, workspace: ws },
              'data-driven refit failed; the next one will catch up',
            );
          }
        }
        if (this.pending.size === 0) break;
      }
    } finally {
      this.running = undefined;
      this.scheduleRefit();
    }
  }

  /** Comes back for fits left stale because their interval had not passed. */
  private scheduleRefit(): void {
    if (this.timer || this.stale.size === 0) return;
    const next = Math.min(
      ...[...this.stale].map(
        (ws) => (this.lastRefit.get(ws) ?? this.startedAt) + this.refitIntervalMs,
      ),
    );
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.start(false);
      },
      Math.max(0, next - Date.now()),
    );
    this.timer.unref();
  }
}
