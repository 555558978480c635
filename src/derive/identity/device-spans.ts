// A shared device's time, split between the persons who identified on it. Each session goes to the
// person whose identify came next: sessions up to the first person's identify are the first person's,
// those after A's identify and up to B's are B's, and those after the last identify the last person's.
// Boundaries fall on session starts, so that a session (and every event in it) belongs to one person;
// only when two persons identified within one session does the boundary fall inside it, at the second
// identify, so that each identify stays with its own person.
import { normaliseIdentifier } from './normalise.js';
import { compareStrings } from './person-ids.js';
import type { DeviceClaim, DeviceSpan, NormaliseOptions, SharedDevice } from './types.js';

/**
 * Spans `[from, until)` in epoch ms (null: unbounded) covering all time, one person each, in time order;
 * adjacent spans of one person are merged. `sessionStarts`: the device's session start times.
 */
export function deviceSpans(
  claims: readonly DeviceClaim[],
  sessionStarts: readonly number[],
): DeviceSpan[] {
  if (claims.length === 0) return [];
  const sorted = [...claims].sort((x, y) => x.at - y.at || compareStrings(x.personId, y.personId));
  // runs of consecutive claims by one person
  const runs: { personId: string; first: number; last: number }[] = [];
  for (const c of sorted) {
    const run = runs.at(-1);
    if (run !== undefined && run.personId === c.personId) run.last = c.at;
    else runs.push({ personId: c.personId, first: c.at, last: c.at });
  }
  const starts = Float64Array.from(sessionStarts).sort();
  const spans: DeviceSpan[] = [];
  let from: number | null = null;
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k]!;
    const next = runs[k + 1];
    let until: number | null = null;
    if (next !== undefined) {
      // the first session after this person's last identify opens the next person's span
      const s = firstAfter(starts, run.last);
      until = s !== undefined && s <= next.first ? s : next.first;
    }
    if (from === null || until === null || until > from) {
      const prev = spans.at(-1);
      if (prev !== undefined && prev.personId === run.personId) prev.until = until;
      else spans.push({ personId: run.personId, from, until });
      from = until;
    }
  }
  return spans;
}

/** The smallest value > t in a sorted array, if any. */
function firstAfter(sorted: Float64Array, t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : undefined;
}

/** One raw link that touches a shared device, as the facts state it (every occurrence, not only the first). */
export interface DeviceLinkFact {
  aKind: string;
  aValue: string;
  bKind: string;
  bValue: string;
  at: number;
}

export interface DeviceSpanRow extends DeviceSpan {
  /** The device's anonymous id. */
  value: string;
}

/**
 * The spans of every shared device of a resolution: its claims (the graph's, one per link, plus every
 * later occurrence in `facts`) split over its session starts. A fact whose other end is not one of the
 * device's persons (quarantined, unknown) claims nothing.
 */
export function sharedDeviceSpans(
  devices: readonly SharedDevice[],
  personOf: (id: { kind: string; value: string }) => string | undefined,
  facts: readonly DeviceLinkFact[],
  sessionStarts: readonly { anonymousId: string; at: number }[],
  normalise: NormaliseOptions = {},
): DeviceSpanRow[] {
  const byValue = new Map(
    devices.map((d) => [
      d.identifier.value,
      { device: d, claims: [...d.claims], starts: [] as number[] },
    ]),
  );
  const deviceOf = (kind: string, value: string): ReturnType<typeof byValue.get> => {
    if (kind !== 'anonymous_id') return undefined;
    const n = normaliseIdentifier({ kind, value }, normalise).identifier;
    return n === undefined ? undefined : byValue.get(n.value);
  };
  for (const f of facts) {
    for (const [d, kind, value] of [
      [deviceOf(f.aKind, f.aValue), f.bKind, f.bValue],
      [deviceOf(f.bKind, f.bValue), f.aKind, f.aValue],
    ] as const) {
      if (d === undefined) continue;
      const p = personOf({ kind, value });
      if (p !== undefined && d.device.persons.includes(p)) d.claims.push({ personId: p, at: f.at });
    }
  }
  for (const s of sessionStarts) deviceOf('anonymous_id', s.anonymousId)?.starts.push(s.at);
  const rows: DeviceSpanRow[] = [];
  for (const [value, d] of byValue)
    for (const span of deviceSpans(d.claims, d.starts)) rows.push({ value, ...span });
  return rows;
}
