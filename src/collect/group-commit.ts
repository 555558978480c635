import type { EventGroup, Store } from '../store/store.js';
import type { IngestResult } from '../store/types.js';

interface Pending {
  group: EventGroup;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: requests that arrive while a write is in flight are written together in the next
 * one, so many requests share one transaction and one WAL sync. Each caller's promise resolves only
 * once its events are durable (or rejects if the write failed; nothing of that write is kept).
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private pendingEvents = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly maxEventsPerWrite = 20_000,
  ) {}

  submit(group: EventGroup): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ group, resolve, reject });
      this.pendingEvents += group.events.length;
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Resolves when everything submitted so far is written. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const take: Pending[] = [];
        let n = 0;
        while (this.pending.length > 0 && (take.length === 0 || n + this.pending[0]!.group.events.length <= this.maxEventsPerWrite)) {
          const p = this.pending.shift()!;
          n += p.group.events.length;
          take.push(p);
        }
        this.pendingEvents -= n;
        try {
          const results = await this.store.appendEventGroups(take.map((p) => p.group));
          take.forEach((p, i) => p.resolve(results[i]!));
        } catch (err) {
          for (const p of take) p.reject(err);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
