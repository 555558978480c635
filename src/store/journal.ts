import { mkdirSync, readdirSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^events-(\d{12})\.ndjson$/;

/**
 * The ingestion journal: an append-only NDJSON file per segment, written with group commit (all lines
 * waiting while a write is in flight go out in one write and one fdatasync). An HTTP 2xx is sent once
 * a request's lines are synced here; a loader then moves closed segments into the store, where
 * messageId de-duplication makes a replay after a crash harmless.
 */
export class EventJournal {
  private seq: number;
  private handle: FileHandle | undefined;
  private currentPath: string | undefined;
  private currentLines = 0;
  private waiting: { data: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;

  private constructor(readonly dir: string) {
    this.seq = Math.max(0, ...this.closedSegments().map((p) => Number(SEGMENT.exec(p.split('/').pop()!)![1])));
  }

  static open(dir: string): EventJournal {
    mkdirSync(dir, { recursive: true });
    return new EventJournal(dir);
  }

  /** Segments on disk, oldest first (all are closed unless one is being written now). */
  closedSegments(): string[] {
    return readdirSync(this.dir)
      .filter((f) => SEGMENT.test(f))
      .sort()
      .map((f) => join(this.dir, f))
      .filter((p) => p !== this.currentPath);
  }

  /** Appends lines (each one JSON object, no newline inside); resolves once they are on disk. */
  append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ data: `${lines.join('\n')}\n`, resolve, reject });
      this.currentLines += lines.length;
      this.writing ??= this.writeLoop();
    });
  }

  private async writeLoop(): Promise<void> {
    await Promise.resolve(); // `writing` is assigned before this can finish and clear it
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          const h = await this.currentHandle();
          await h.write(batch.map((b) => b.data).join(''));
          await h.datasync();
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async currentHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    this.seq += 1;
    this.currentPath = join(this.dir, `events-${String(this.seq).padStart(12, '0')}.ndjson`);
    this.handle = await open(this.currentPath, 'a');
    syncDir(this.dir); // the new file's name must survive a crash too
    return this.handle;
  }

  /** Closes the segment being written (after in-flight writes) and returns the closed segments. */
  async rotate(): Promise<string[]> {
    while (this.writing) await this.writing;
    const h = this.handle;
    if (h) {
      // detach before awaiting the close: an append arriving meanwhile must open a new segment, never
      // write to the one being closed
      this.handle = undefined;
      this.currentPath = undefined;
      this.currentLines = 0;
      await h.close();
    }
    return this.closedSegments();
  }

  get linesInCurrentSegment(): number {
    return this.currentLines;
  }

  async close(): Promise<void> {
    await this.rotate();
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
