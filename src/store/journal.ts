import { mkdirSync, readdirSync, existsSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^events-(\d{12})\.ndjson$/;

/** What the journal holds that the store does not have yet. */
export interface JournalBacklog {
  segments: number;
  bytes: number;
  /** When the oldest of it was appended (epoch ms; a previous run's segment: its last write), or null when empty. */
  oldestAt: number | null;
}

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
  private currentBytes = 0;
  /** When the current segment's first line was appended. */
  private currentSince: number | undefined;
  /** The same for closed segments of this run, until loaded. */
  private readonly since = new Map<string, number>();
  private waiting: { data: Buffer; lines: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  /** rotate() calls waiting for the write loop to reach the gap between two writes. */
  private rotations: { resolve: () => void; reject: (e: unknown) => void }[] = [];

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
      // bytes now, outside the JavaScript heap: the text is garbage at once rather than surviving the
      // wait for the disk (which, under load, promoted every request's lines to the old generation)
      const data = Buffer.from(`${lines.join('\n')}\n`);
      this.waiting.push({ data, lines: lines.length, resolve, reject });
      this.currentLines += lines.length;
      this.currentBytes += data.length;
      this.currentSince ??= Date.now();
      this.writing ??= this.writeLoop();
    });
  }

  private async writeLoop(): Promise<void> {
    await Promise.resolve(); // `writing` is assigned before this can finish and clear it
    try {
      for (;;) {
        // a rotation is served between two writes: under a steady stream of appends the loop never
        // ends, and the loader must still get closed segments to load
        if (this.rotations.length > 0) {
          const rotations = this.rotations;
          this.rotations = [];
          await this.detach().then(
            () => rotations.forEach((r) => r.resolve()),
            (err: unknown) => rotations.forEach((r) => r.reject(err)),
          );
        }
        if (this.waiting.length === 0) break; // (and `writing` is cleared before anything else runs)
        const batch = this.waiting;
        this.waiting = [];
        try {
          const h = await this.currentHandle();
          const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((b) => b.data));
          for (let at = 0; at < data.length; ) {
            const { bytesWritten } = await h.write(data, at, data.length - at);
            if (bytesWritten === 0) throw new Error('journal write made no progress');
            at += bytesWritten;
          }
          await h.datasync();
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
          // the write may have left part of a line: later lines go to a new segment rather than glue onto
          // it (the loader sets the torn line aside as a dead letter)
          await this.detach().catch(() => undefined);
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
    // the new file's name must survive a crash too (off the main thread: a directory sync can take long on a busy disk)
    await syncDir(this.dir);
    return this.handle;
  }

  /**
   * Closes the segment being written (after the write in flight, if any; appends meanwhile go to the next
   * segment) and returns the closed segments.
   */
  async rotate(): Promise<string[]> {
    if (this.writing) await new Promise<void>((resolve, reject) => this.rotations.push({ resolve, reject }));
    else await this.detach();
    return this.closedSegments();
  }

  private async detach(): Promise<void> {
    const h = this.handle;
    if (!h) return;
    // detach before awaiting the close: an append arriving meanwhile must open a new segment, never
    // write to the one being closed
    if (this.currentPath !== undefined) this.since.set(this.currentPath, this.currentSince ?? Date.now());
    this.handle = undefined;
    this.currentPath = undefined;
    // lines still waiting (appended during the last write, or after a failed one) will open the next segment
    this.currentLines = this.waiting.reduce((n, w) => n + w.lines, 0);
    this.currentBytes = this.waiting.reduce((n, w) => n + w.data.length, 0);
    this.currentSince = this.currentLines > 0 ? this.currentSince : undefined;
    await h.close();
  }

  /** The loader stored this closed segment and deleted it. */
  loaded(segment: string): void {
    this.since.delete(segment);
  }

  /** What is acknowledged but not loaded yet: closed segments on disk and the one being written. */
  backlog(): JournalBacklog {
    const closed = journalBacklog(this.dir, this.closedSegments(), this.since);
    if (this.currentLines === 0) return closed;
    const oldest = Math.min(closed.oldestAt ?? Infinity, this.currentSince ?? Date.now());
    return { segments: closed.segments + 1, bytes: closed.bytes + this.currentBytes, oldestAt: oldest };
  }

  get linesInCurrentSegment(): number {
    return this.currentLines;
  }

  async close(): Promise<void> {
    await this.rotate();
  }
}

/**
 * The backlog of a journal directory's segments (for the CLI too: it reads a stopped server's journal).
 * `since` gives a segment's first append where known; else its last write stands in.
 */
export function journalBacklog(dir: string, segments?: readonly string[], since: ReadonlyMap<string, number> = new Map()): JournalBacklog {
  if (!segments && !existsSync(dir)) return { segments: 0, bytes: 0, oldestAt: null };
  const paths = segments ?? readdirSync(dir).filter((f) => SEGMENT.test(f)).sort().map((f) => join(dir, f));
  let bytes = 0;
  let oldestAt: number | null = null;
  let count = 0;
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      continue; // loaded and deleted meanwhile
    }
    count += 1;
    bytes += st.size;
    const at = since.get(p) ?? st.mtimeMs;
    oldestAt = oldestAt === null ? at : Math.min(oldestAt, at);
  }
  return { segments: count, bytes, oldestAt };
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
