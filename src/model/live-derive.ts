import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { deriveTouched } from './derive.js';

/**
 * Keeps derived tables current as events arrive: the anonymous ids each journal load touched are
 * queued per workspace and derived in the background, one derive at a time, batching whatever piled
 * up meanwhile (so a burst of events costs one derive, not one per load).
 */
export class LiveDeriver {
  private pending = new Map<string, Set<string>>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  enqueue(touched: Map<string, readonly string[]>): void {
    for (const [ws, ids] of touched) {
      const set = this.pending.get(ws) ?? new Set<string>();
      for (const id of ids) set.add(id);
      this.pending.set(ws, set);
    }
    if (this.pending.size > 0) this.running ??= this.loop();
  }

  /** Resolves when everything queued so far is derived. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    // yield first: `running` must be assigned before the loop can finish and clear it
    await Promise.resolve();
    try {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Map();
        for (const [ws, ids] of batch) {
          try {
            await deriveTouched(this.store, ws, [...ids]);
          } catch (err) {
            this.logger?.error({ err, workspace: ws }, 'derive failed; a rebuild will catch up');
          }
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
