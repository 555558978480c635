// Which anonymous and user ids each journal segment's lines carry, noted as the lines are written, so that
// the loader need not read them back from the store: the insert's returned rows cost the main thread
// ~1.5 µs an event to decode. What is noted is a superset of what the load stores (a duplicate's ids,
// a dead letter's), which only makes the derive look at a few more ids. Bounded: past the budget the
// oldest segments are forgotten, and those load the way a previous run's segments do (ids read back).
import type { AffectedIds } from './types.js';

/** The ids of one request's lines (repeats allowed), all of one workspace. */
export interface LineIds {
  workspaceId: string;
  anonymousIds: readonly string[];
  userIds: readonly string[];
}

/** Ids noted over all segments not loaded yet, at most (a failing engine leaves segments piling up). */
export const MAX_NOTED_IDS = 500_000;

interface Noted {
  byWorkspace: Map<string, { anon: Set<string>; users: Set<string> }>;
  count: number;
}

export class SegmentIds {
  /** Per segment, oldest first: the ids noted, or null when some line's ids are not known. */
  private readonly segments = new Map<string, Noted | null>();
  private count = 0;

  constructor(private readonly budget = MAX_NOTED_IDS) {}

  /** Notes the ids of lines written to `segment`; lines without them make the segment's ids unknown. */
  add(segment: string, ids: LineIds | undefined): void {
    let noted = this.segments.get(segment);
    if (noted === null) return;
    if (ids === undefined) return this.unknown(segment);
    if (noted === undefined)
      this.segments.set(segment, (noted = { byWorkspace: new Map(), count: 0 }));
    let w = noted.byWorkspace.get(ids.workspaceId);
    if (!w) noted.byWorkspace.set(ids.workspaceId, (w = { anon: new Set(), users: new Set() }));
    const before = w.anon.size + w.users.size;
    for (const id of ids.anonymousIds) w.anon.add(id);
    for (const id of ids.userIds) w.users.add(id);
    const added = w.anon.size + w.users.size - before;
    noted.count += added;
    this.count += added;
    for (const [oldest] of this.segments) {
      if (this.count <= this.budget) break;
      this.unknown(oldest);
    }
  }

  /** The ids of the segment's lines, per workspace, or undefined when they are not all known. */
  of(segment: string): Map<string, AffectedIds> | undefined {
    const noted = this.segments.get(segment);
    if (!noted) return undefined;
    const out = new Map<string, AffectedIds>();
    for (const [ws, w] of noted.byWorkspace)
      out.set(ws, { anonymousIds: [...w.anon], userIds: [...w.users] });
    return out;
  }

  /** The segment was loaded (or is gone): its ids are no longer needed. */
  forget(segment: string): void {
    this.count -= this.segments.get(segment)?.count ?? 0;
    this.segments.delete(segment);
  }

  /** Ids noted over all segments. */
  get size(): number {
    return this.count;
  }

  private unknown(segment: string): void {
    this.count -= this.segments.get(segment)?.count ?? 0;
    this.segments.set(segment, null);
  }
}
