// Which anonymous and user ids each journal segment's lines carry, noted as the lines are written, so that
// the loader need not read them back from the store: the insert's returned rows cost the main thread
// ~1.5 µs an event to decode. What is noted is a superset of what the load stores (a duplicate's ids,
// a dead letter's), which only makes the derive look at a few more ids. Bounded: past the budget the
// oldest segments are forgotten, and those load the way a previous run's segments do (ids read from the file).
import { lineSlices } from '../util/line-slices.js';
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

/**
 * The ids every line of a segment carries, per workspace, read from the file (a previous run's segment,
 * whose ids were not noted): all lines count, stored before or not, since that run may have stored the
 * segment and died before its derive. A line that does not parse carries none (it is a dead letter).
 * Read a slice at a time: a segment left behind by a long outage may be large.
 */
export async function segmentIdsFromFile(path: string): Promise<Map<string, AffectedIds>> {
  const byWorkspace = new Map<string, { anon: Set<string>; users: Set<string> }>();
  for await (const { lines } of lineSlices(path)) {
    for (const text of lines) {
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      if (typeof line !== 'object' || line === null) continue;
      const { _ws: ws, anonymousId, userId } = line as Record<string, unknown>;
      if (typeof ws !== 'string') continue;
      let w = byWorkspace.get(ws);
      if (!w) byWorkspace.set(ws, (w = { anon: new Set(), users: new Set() }));
      // (as the journal notes them: an empty one is none)
      if (typeof anonymousId === 'string' && anonymousId !== '') w.anon.add(anonymousId);
      if (typeof userId === 'string' && userId !== '') w.users.add(userId);
    }
  }
  const out = new Map<string, AffectedIds>();
  for (const [ws, w] of byWorkspace)
    if (w.anon.size + w.users.size > 0)
      out.set(ws, { anonymousIds: [...w.anon], userIds: [...w.users] });
  return out;
}
