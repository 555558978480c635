import { mkdirSync, readdirSync, existsSync, statSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SegmentIds, type LineIds } from './journal-ids.js';
import type { AffectedIds } from './types.js';

const SEGMENT = /^events-(\d{12})\.ndjson$/;
/**
 * A segment the loader stored whose ids still wait for their derive: renamed (the store has its lines),
 * kept until the derive has run, so that a process killed in between derives them at its next start.
 */
const LOADED = /^events-(\d{12})\.ndjson\.loaded$/;
const LOADED_SUFFIX = '.loaded';

/** What the journal holds that the store does not have yet. */
export interface JournalBacklog {
  segments: number;
  bytes: number;
  /** When the oldest of it was appended (epoch ms; a previous run's segment: its last write), or null when empty. */
  oldestAt: number | null;
}

/** Syncs in flight at once (each on a file handle of its own; libuv's pool has four threads). */
export const MAX_CONCURRENT_SYNCS = 3;

interface Pending {
  data: Buffer;
  lines: number;
  ids: LineIds | undefined;
  /** When it was appended (epoch ms). */
  at: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The segment being written: one handle for the writes, and one per sync that may be in flight. */
interface OpenSegment {
  path: string;
  writer: FileHandle;
  /** Sync handles not in use. */
  free: FileHandle[];
  all: FileHandle[];
}

/**
 * The ingestion journal: an append-only NDJSON file per segment, written with group commit: the lines
 * that arrive while a write is in flight go out together in the next write, and each write is then made
 * durable by an fdatasync. Writes go one at a time, in order; their syncs may overlap (up to
 * MAX_CONCURRENT_SYNCS), because one slow flush of a busy disk would otherwise hold every request behind
 * it. Each sync runs on a handle of its own, opened before the segment's first write: the kernel reports
 * a failed write-back once per open file, so a sync on a shared handle could return success after another
 * sync had taken the error. An HTTP 2xx is sent once a request's lines are synced here; a loader then
 * moves closed segments into the store, where messageId de-duplication makes a replay after a crash harmless.
 */
export class EventJournal {
  private seq: number;
  private segment: OpenSegment | undefined;
  /** Set when a write or sync failed: the segment is closed once the syncs in flight end (a torn line stays last in it). */
  private broken = false;
  private currentLines = 0;
  private currentBytes = 0;
  /** When the current segment's first line was appended. */
  private currentSince: number | undefined;
  /** The same for closed segments of this run, until loaded. */
  private readonly since = new Map<string, number>();
  private waiting: Pending[] = [];
  /** A write (or opening or closing a segment) is in progress. */
  private busy = false;
  private syncing = 0;
  /** rotate() calls, served once the write and syncs in flight end (before the next write). */
  private rotations: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** The ids each segment's lines carry, noted as they are written (journal-ids.ts). */
  private readonly ids = new SegmentIds();

  /** Segments a previous run stored and did not derive (found at open). */
  private readonly underivedAtOpen: string[];

  private constructor(readonly dir: string) {
    const files = readdirSync(dir);
    // loaded segments count too: a number used again would name a second segment's kept file the same
    this.seq = Math.max(
      0,
      ...files.map((f) => Number((SEGMENT.exec(f) ?? LOADED.exec(f))?.[1] ?? 0)),
    );
    this.underivedAtOpen = files
      .filter((f) => LOADED.test(f))
      .sort()
      .map((f) => join(dir, f));
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
      .filter((p) => p !== this.segment?.path);
  }

  /**
   * Appends lines (each one JSON object, no newline inside); resolves once they are on disk. `ids`, the
   * anonymous and user ids the lines carry, spare the loader reading them back from the store.
   */
  append(lines: readonly string[], ids?: LineIds): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // bytes now, outside the JavaScript heap: the text is garbage at once rather than surviving the
      // wait for the disk (which, under load, promoted every request's lines to the old generation)
      const text = lines.join('\n');
      const size = Buffer.byteLength(text) + 1;
      // (written in place with its newline: `${text}\n` made one more copy of every request's lines)
      const data = Buffer.allocUnsafe(size);
      data.write(text);
      data[size - 1] = 0x0a;
      const at = Date.now();
      this.waiting.push({ data, lines: lines.length, ids, at, resolve, reject });
      this.currentLines += lines.length;
      this.currentBytes += data.length;
      this.currentSince ??= at;
      this.pump();
    });
  }

  /** Starts whatever can start now; called again whenever a write, a sync or a close ends. */
  private pump(): void {
    if (this.busy) return;
    if (this.rotations.length > 0 || this.broken) {
      if (this.syncing > 0) return; // the segment closes when its syncs have ended
      const rotations = this.rotations;
      this.rotations = [];
      this.busy = true;
      void this.detach()
        .then(
          () => rotations.forEach((r) => r.resolve()),
          (err: unknown) => rotations.forEach((r) => r.reject(err)),
        )
        .finally(() => {
          this.busy = false;
          this.pump();
        });
      return;
    }
    if (this.waiting.length === 0 || this.syncing >= MAX_CONCURRENT_SYNCS) return;
    const group = this.waiting;
    this.waiting = [];
    this.busy = true;
    void this.write(group);
  }

  private async write(group: Pending[]): Promise<void> {
    let seg: OpenSegment | undefined;
    try {
      seg = await this.currentSegment();
      // noted before the write: whatever of it reaches the disk may load
      for (const g of group) this.ids.add(seg.path, g.ids);
      const data = group.length === 1 ? group[0]!.data : Buffer.concat(group.map((g) => g.data));
      for (let at = 0; at < data.length;) {
        const { bytesWritten } = await seg.writer.write(data, at, data.length - at);
        if (bytesWritten === 0) throw new Error('journal write made no progress');
        at += bytesWritten;
      }
    } catch (err) {
      for (const g of group) g.reject(err);
      // the write may have left part of a line: later lines go to a new segment rather than glue onto
      // it (the loader sets the torn line aside as a dead letter)
      if (this.segment) this.broken = true;
      this.busy = false;
      this.pump();
      return;
    }
    const handle = seg.free.pop()!; // one is free: pump() starts a write only below MAX_CONCURRENT_SYNCS
    this.syncing += 1;
    this.busy = false;
    this.pump(); // the next write may go while this one syncs
    try {
      await handle.datasync();
      for (const g of group) g.resolve();
    } catch (err) {
      for (const g of group) g.reject(err);
      this.broken = true;
    } finally {
      seg.free.push(handle);
      this.syncing -= 1;
      this.pump();
    }
  }

  private async currentSegment(): Promise<OpenSegment> {
    if (this.segment) return this.segment;
    this.seq += 1;
    const path = join(this.dir, `events-${String(this.seq).padStart(12, '0')}.ndjson`);
    const opened: FileHandle[] = [];
    try {
      for (let i = 0; i <= MAX_CONCURRENT_SYNCS; i++) opened.push(await open(path, 'a'));
      // the new file's name must survive a crash too (off the main thread: a directory sync can take long on a busy disk)
      await syncDir(this.dir);
    } catch (err) {
      await Promise.allSettled(opened.map((h) => h.close()));
      throw err;
    }
    this.segment = { path, writer: opened[0]!, free: opened.slice(1), all: opened };
    return this.segment;
  }

  /**
   * Closes the segment being written (after the write and syncs in flight; appends meanwhile go to the
   * next segment) and returns the closed segments.
   */
  async rotate(): Promise<string[]> {
    await new Promise<void>((resolve, reject) => {
      this.rotations.push({ resolve, reject });
      this.pump();
    });
    return this.closedSegments();
  }

  private async detach(): Promise<void> {
    this.broken = false;
    const seg = this.segment;
    if (!seg) return;
    // detach before awaiting the close: an append arriving meanwhile must open a new segment, never
    // write to the one being closed
    this.since.set(seg.path, this.currentSince ?? Date.now());
    this.segment = undefined;
    // lines still waiting (appended during the last writes, or after a failed one) will open the next segment
    this.currentLines = this.waiting.reduce((n, w) => n + w.lines, 0);
    this.currentBytes = this.waiting.reduce((n, w) => n + w.data.length, 0);
    // (when the oldest of them came: under a steady stream lines are always waiting, and the closed
    // segment's time would otherwise pass on to every next one, the backlog's age growing forever)
    this.currentSince = this.waiting[0]?.at;
    const closed = await Promise.allSettled(seg.all.map((h) => h.close()));
    const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * The loader stored this closed segment: it leaves closedSegments() (renamed; returns the new path)
   * and stays on disk until derived() says the derive of its ids has run.
   */
  async loaded(segment: string): Promise<string> {
    const kept = segment + LOADED_SUFFIX;
    await rename(segment, kept);
    this.since.delete(segment);
    this.ids.forget(segment);
    return kept;
  }

  /** The derive of a loaded segment's ids has run: the segment goes. */
  async derived(kept: string): Promise<void> {
    if (!LOADED.test(kept.split('/').pop()!)) throw new Error(`${kept} is not a loaded segment`);
    await unlink(kept).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Segments a previous run stored and did not derive (a process killed in between), oldest first. */
  underived(): readonly string[] {
    return this.underivedAtOpen;
  }

  /**
   * The anonymous and user ids the lines of a segment of this run carry, per workspace (a superset of
   * those its load stores), or undefined when not all are known (a previous run's segment, say).
   */
  idsOf(segment: string): Map<string, AffectedIds> | undefined {
    return this.ids.of(segment);
  }

  /** What is acknowledged but not loaded yet: closed segments on disk and the one being written. */
  backlog(): JournalBacklog {
    const closed = journalBacklog(this.dir, this.closedSegments(), this.since);
    if (this.currentLines === 0) return closed;
    const oldest = Math.min(closed.oldestAt ?? Infinity, this.currentSince ?? Date.now());
    return {
      segments: closed.segments + 1,
      bytes: closed.bytes + this.currentBytes,
      oldestAt: oldest,
    };
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
export function journalBacklog(
  dir: string,
  segments?: readonly string[],
  since: ReadonlyMap<string, number> = new Map(),
): JournalBacklog {
  if (!segments && !existsSync(dir)) return { segments: 0, bytes: 0, oldestAt: null };
  const paths =
    segments ??
    readdirSync(dir)
      .filter((f) => SEGMENT.test(f))
      .sort()
      .map((f) => join(dir, f));
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
