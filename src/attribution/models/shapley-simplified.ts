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

export function shapleySimplified(paths: EncodedPaths): SimplifiedShapleyResult {
  const C = paths.channels.length;
  const { tokens, offsets, conversions, nulls, value } = paths;
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

  const outConv = new Float64Array(C);
  const outValue = new Float64Array(C);
  let longest = 0;
  for (let p = 0; p < nPaths; p++) longest = Math.max(longest, offsets[p + 1]! - offsets[p]!);
  const mc = new Float64Array(longest);
  for (let p = 0; p < nPaths; p++) {
    const a = offsets[p]!;
    const b = offsets[p + 1]!;
    const pc = conversions[p]!;
    const pv = value[p]!;
    if (a === b || (pc === 0 && pv === 0)) continue;
    if (b - a === 1) {
      const c = tokens[a]!;
      outConv[c] = outConv[c]! + pc;
      outValue[c] = outValue[c]! + pv;
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
      const c = tokens[b - 1]!;
      outConv[c] = outConv[c]! + pc;
      outValue[c] = outValue[c]! + pv;
      continue;
    }
    for (let i = a; i < b; i++) {
      const f = mc[i - a]! / sum;
      if (f === 0) continue;
      const c = tokens[i]!;
      outConv[c] = outConv[c]! + f * pc;
      outValue[c] = outValue[c]! + f * pv;
    }
  }
  return { conversions: outConv, value: outValue };
}
