import { unlinkSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Store } from './store.js';
import type { EventJournal } from './journal.js';
import type { TouchedIds } from './types.js';

export interface LoadedEvents {
  inserted: number;
  /** Per workspace, the anonymous and user ids that received new events. */
  touched: Map<string, TouchedIds>;
}

/**
 * Moves closed journal segments into the store on a short interval (the engine's bulk path is far
 * faster than row-at-a-time writes), deleting each only after the store has committed it.
 */
export class JournalLoader {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private listeners: ((loaded: LoadedEvents) => void)[] = [];

  constructor(
    private readonly journal: EventJournal,
    private readonly store: Store,
    private readonly logger?: Logger,
    private readonly intervalMs = 200,
  ) {}

  /** Loads what a previous run left behind, then keeps loading on the interval. */
  async start(): Promise<number> {
    const n = await this.flush();
    this.timer = setInterval(() => {
      if (this.journal.linesInCurrentSegment > 0 || this.journal.closedSegments().length > 0) {
        this.flush().catch((err: unknown) => this.logger?.error({ err }, 'journal load failed; will retry'));
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
    const run = (this.running ?? Promise.resolve(0)).then(async () => {
      let inserted = 0;
      const touched = new Map<string, TouchedIds>();
      for (const segment of await this.journal.rotate()) {
        const r = await this.store.loadEventJournal(segment);
        inserted += r.inserted;
        for (const [ws, ids] of r.touched) {
          const t = touched.get(ws);
          touched.set(ws, t ? { anonymousIds: [...new Set([...t.anonymousIds, ...ids.anonymousIds])], userIds: [...new Set([...t.userIds, ...ids.userIds])] } : ids);
        }
        unlinkSync(segment);
      }
      if (inserted > 0) {
        const loaded = { inserted, touched };
        for (const fn of this.listeners) fn(loaded);
      }
      return inserted;
    });
    this.running = run.catch(() => 0);
    return run;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
