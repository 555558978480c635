/**
 * Path summaries in columnar form: channel ids in one Int32Array, path p at
 * tokens[offsets[p]..offsets[p+1]). Rows whose paths are equal after the settings are merged, so
 * every data-driven model sees each distinct path once.
 */
import { SequenceInterner } from './sequence-interner.js';
import { PathSelector, type PathSettings } from './transforms.js';
import type { PathSummaryRow } from './types.js';

export interface EncodedPaths {
  channels: readonly string[];
  tokens: Int32Array;
  offsets: Int32Array;
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
}

function checkCount(row: number, field: string, x: number): void {
  if (!Number.isFinite(x) || x < 0)
    throw new RangeError(`row ${row}: ${field} must be a non-negative number, got ${x}`);
}

export function encodePaths(
  rows: readonly PathSummaryRow[],
  settings: PathSettings = {},
): EncodedPaths {
  const ids = new Map<string, number>();
  const channels: string[] = [];
  let total = 0;
  for (const r of rows) total += r.path.length;
  const raw = new Int32Array(total);
  let k = 0;
  rows.forEach((r, i) => {
    checkCount(i + 1, 'conversions', r.conversions);
    checkCount(i + 1, 'nulls', r.nulls);
    if (!Number.isFinite(r.value))
      throw new RangeError(`row ${i + 1}: value must be a number, got ${r.value}`);
    // Value is credited in proportion to conversions by the data-driven models; value on a path with
    // no conversion has nothing to follow.
    if (r.conversions === 0 && r.value !== 0)
      throw new RangeError(`row ${i + 1}: value ${r.value} on a path with no conversions`);
    for (const c of r.path) {
      let id = ids.get(c);
      if (id === undefined) {
        id = channels.length;
        ids.set(c, id);
        channels.push(c);
      }
      raw[k++] = id;
    }
  });
  const selector = new PathSelector(channels, settings);
  const interner = new SequenceInterner(rows.length);
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, r.path.length);
  const picked = new Int32Array(longest);
  const kept = new Int32Array(longest);
  const conversions = new Float64Array(rows.length);
  const value = new Float64Array(rows.length);
  const nulls = new Float64Array(rows.length);
  k = 0;
  for (const r of rows) {
    const start = k;
    k += r.path.length;
    const m = selector.select(raw, start, k, picked);
    for (let p = 0; p < m; p++) kept[p] = raw[picked[p]!]!;
    const id = interner.intern(kept, 0, m);
    conversions[id] = conversions[id]! + r.conversions;
    value[id] = value[id]! + r.value;
    nulls[id] = nulls[id]! + r.nulls;
  }
  return packPaths(channels, interner, { conversions, value, nulls });
}

/**
 * The distinct paths an interner collected, as EncodedPaths; `counts` are indexed by path id (and
 * may be longer than the number of paths).
 */
export function packPaths(
  channels: readonly string[],
  interner: SequenceInterner,
  counts: { conversions: Float64Array; value: Float64Array; nulls: Float64Array },
): EncodedPaths {
  const n = interner.size;
  const offsets = new Int32Array(n + 1);
  for (let p = 0; p < n; p++) offsets[p + 1] = offsets[p]! + interner.length(p);
  const tokens = new Int32Array(offsets[n]!);
  for (let p = 0; p < n; p++) tokens.set(interner.sequence(p), offsets[p]!);
  return {
    channels,
    tokens,
    offsets,
    conversions: counts.conversions.slice(0, n),
    value: counts.value.slice(0, n),
    nulls: counts.nulls.slice(0, n),
  };
}
