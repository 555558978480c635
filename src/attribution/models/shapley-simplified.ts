/**
 * Simplified Shapley, as Google's Fractribution defines it. Per path, P(path) = conversions /
 * (conversions + non-conversions), 0 for a path never seen. A one-touch path gives its channel
 * everything. Otherwise position i earns mc_i = max(P(path) − P(path without position i), 0),
 * normalised over the path; if every mc_i is 0 the last touch gets 1. The counterfactual path is
 * looked up exactly as it reads after deleting the position (not re-transformed), as the reference
 * does. A channel's credit is the sum of its positions' fractions × the path's conversions (and value).
 */
import type { EncodedPaths } from '../encoded-paths.js';
import { SequenceInterner } from '../sequence-interner.js';

export interface SimplifiedShapleyResult {
  conversions: Float64Array;
  value: Float64Array;
}

/** Paths with neither conversions nor value have nothing to share, so by default they are skipped. */
const credited =
  (paths: EncodedPaths) =>
  (p: number): boolean =>
    paths.conversions[p] !== 0 || paths.value[p] !== 0;

/**
 * Each position's fraction of its path's credit, indexed like `paths.tokens` (the fractions of a
 * non-empty path sum to 1). Paths that `include` rejects, and empty paths, keep 0 everywhere.
 */
export function simplifiedShapleyFractions(
  paths: EncodedPaths,
  include: (path: number) => boolean = credited(paths),
): Float64Array {
  const { tokens, offsets, conversions, nulls } = paths;
  const nPaths = offsets.length - 1;
  const table = new SequenceInterner(nPaths);
  const ids = new Int32Array(nPaths);
  const conv = new Float64Array(nPaths);
  const seen = new Float64Array(nPaths);
  for (let p = 0; p < nPaths; p++) {
    const id = table.intern(tokens, offsets[p]!, offsets[p + 1]!);
    ids[p] = id;
    conv[id] = conv[id]! + conversions[p]!;
    seen[id] = seen[id]! + conversions[p]! + nulls[p]!;
  }
  const prob = new Float64Array(table.size);
  for (let id = 0; id < table.size; id++) prob[id] = seen[id]! > 0 ? conv[id]! / seen[id]! : 0;

  const fractions = new Float64Array(tokens.length);
  let longest = 0;
  for (let p = 0; p < nPaths; p++) longest = Math.max(longest, offsets[p + 1]! - offsets[p]!);
  const mc = new Float64Array(longest);
  for (let p = 0; p < nPaths; p++) {
    const a = offsets[p]!;
    const b = offsets[p + 1]!;
    if (a === b || !include(p)) continue;
    if (b - a === 1) {
      fractions[a] = 1;
      continue;
    }
    const pPath = prob[ids[p]!]!;
    let sum = 0;
    for (let i = a; i < b; i++) {
      const q = table.find(tokens, a, b, i);
      const m = Math.max(pPath - (q >= 0 ? prob[q]! : 0), 0);
      mc[i - a] = m;
      sum += m;
    }
    if (sum === 0) {
      fractions[b - 1] = 1;
      continue;
    }
    for (let i = a; i < b; i++) fractions[i] = mc[i - a]! / sum;
  }
  return fractions;
}

export function shapleySimplified(paths: EncodedPaths): SimplifiedShapleyResult {
  const C = paths.channels.length;
  const { tokens, offsets, conversions, value } = paths;
  const nPaths = offsets.length - 1;
  const fractions = simplifiedShapleyFractions(paths);
  const outConv = new Float64Array(C);
  const outValue = new Float64Array(C);
  for (let p = 0; p < nPaths; p++) {
    const pc = conversions[p]!;
    const pv = value[p]!;
    if (pc === 0 && pv === 0) continue;
    for (let i = offsets[p]!; i < offsets[p + 1]!; i++) {
      const f = fractions[i]!;
      if (f === 0) continue;
      const c = tokens[i]!;
      outConv[c] = outConv[c]! + f * pc;
      outValue[c] = outValue[c]! + f * pv;
    }
  }
  return { conversions: outConv, value: outValue };
}
