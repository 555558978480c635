/**
 * Exact Shapley values over channel sets.
 *
 * The game: r(T) is the worth measured on the journeys whose set of channels is exactly T, either
 * their conversion rate conv/(conv + nulls) ("rate") or their conversions ("conversions"); a coalition
 * S is worth everything its own channels could produce, v(S) = Σ_{T ⊆ S} r(T).
 * Such a game is a sum of unanimity games, so its Shapley value has an exact closed form,
 * φ_k = Σ_{T ∋ k} r(T) / |T|: no 2^n enumeration, hence no channel limit. (The tests check it
 * against the permutation formula by brute force.) The value game is the same with each set's value
 * (per journey, in "rate") in place of its conversions.
 *
 * φ is scaled so credits sum to the conversions (and the value) of the paths that had a touch.
 *
 * "conversions" (the default) already sums to that, and it amounts to splitting each journey's
 * conversion and value equally between its distinct channels (order and repeats ignored). "rate"
 * brings in the non-converting journeys, rewarding channel sets that convert well, but it weighs every
 * set by its rate alone, not its volume: a set seen once with one conversion counts as much as a set
 * with a thousand journeys at the same rate. It needs null counts.
 */
import type { EncodedPaths } from '../encoded-paths.js';
import { SequenceInterner } from '../sequence-interner.js';

export type ShapleyValueFunction = 'rate' | 'conversions';

export interface ShapleyResult {
  /** Shapley value of each channel id in the conversion game (before scaling). */
  phi: Float64Array;
  conversions: Float64Array;
  value: Float64Array;
  valueFunction: ShapleyValueFunction;
}

export function shapley(
  paths: EncodedPaths,
  valueFunction: ShapleyValueFunction = 'conversions',
): ShapleyResult {
  const C = paths.channels.length;
  const { tokens, offsets, conversions, nulls } = paths;
  const nPaths = offsets.length - 1;
  const mode = valueFunction;

  // Group paths by their sorted set of distinct channels.
  const sets = new SequenceInterner(1024);
  const stamp = new Int32Array(C).fill(-1);
  const scratch = new Int32Array(C);
  let setConv: Float64Array = new Float64Array(1024);
  let setNull: Float64Array = new Float64Array(1024);
  let setValue: Float64Array = new Float64Array(1024);
  let touchedConversions = 0;
  let touchedValue = 0;
  for (let p = 0; p < nPaths; p++) {
    const a = offsets[p]!;
    const b = offsets[p + 1]!;
    if (a === b) continue;
    touchedConversions += conversions[p]!;
    touchedValue += paths.value[p]!;
    let n = 0;
    for (let i = a; i < b; i++) {
      const c = tokens[i]!;
      if (stamp[c] === p) continue;
      stamp[c] = p;
      let j = n++;
      while (j > 0 && scratch[j - 1]! > c) {
        scratch[j] = scratch[j - 1]!;
        j--;
      }
      scratch[j] = c;
    }
    const id = sets.intern(scratch, 0, n);
    if (id >= setConv.length) {
      setConv = grow(setConv);
      setNull = grow(setNull);
      setValue = grow(setValue);
    }
    setConv[id] = setConv[id]! + conversions[p]!;
    setNull[id] = setNull[id]! + nulls[p]!;
    setValue[id] = setValue[id]! + paths.value[p]!;
  }

  const phi = new Float64Array(C);
  const phiValue = new Float64Array(C);
  for (let id = 0; id < sets.size; id++) {
    let r: number;
    let rv: number;
    if (mode === 'rate') {
      const journeys = setConv[id]! + setNull[id]!;
      if (!(journeys > 0)) continue;
      r = setConv[id]! / journeys;
      rv = setValue[id]! / journeys;
    } else {
      r = setConv[id]!;
      rv = setValue[id]!;
    }
    const members = sets.sequence(id);
    const share = r / members.length;
    const shareValue = rv / members.length;
    for (const c of members) {
      phi[c] = phi[c]! + share;
      phiValue[c] = phiValue[c]! + shareValue;
    }
  }
  return {
    phi,
    conversions: scaleTo(phi, touchedConversions),
    value: scaleTo(phiValue, touchedValue),
    valueFunction: mode,
  };
}

function scaleTo(x: Float64Array, total: number): Float64Array {
  let sum = 0;
  for (const v of x) sum += v;
  const out = new Float64Array(x.length);
  if (sum === 0) return out;
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! / sum) * total;
  return out;
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
