/**
 * Markov chain attribution with exact removal effects.
 *
 * States: (start), one state per window of `order` consecutive channels (after consecutive repeats
 * collapse; a path shorter than the order is one state), (conversion) and (null). Each path adds its
 * conversions + nulls to every transition along it, its conversions to last → (conversion) and its
 * nulls to last → (null). Removing channel c sends every transition into a state containing c to
 * (null); RE(c) = 1 − P(conversion | c removed) / P(conversion), both solved from the chain.
 * Credit ∝ RE, scaled to the conversions and the value of the paths that had a touch.
 *
 * Without null counts (every row has nulls = 0) there is simply no traffic into (null), which is how
 * the reference treats such input: paths with no conversion carry no weight.
 */
import {
  conversionProbability,
  type AbsorbingChain,
  type SolveMethod,
} from '../absorbing-chain.js';
import type { EncodedPaths } from '../encoded-paths.js';
import { SequenceInterner } from '../sequence-interner.js';

export interface MarkovResult {
  /** Removal effect per channel id. */
  removalEffects: Float64Array;
  /** Credited conversions and value per channel id (paths with no touch excluded). */
  conversions: Float64Array;
  value: Float64Array;
  /** P(conversion) of the full chain. */
  conversionProbability: number;
  /** Transient states of the chain (channels, or channel windows for order > 1). */
  stateCount: number;
}

export const MAX_MARKOV_ORDER = 4;

/** `method` picks the linear solver (tests compare them); the default picks by chain size. */
export function markov(paths: EncodedPaths, order = 1, method: SolveMethod = 'auto'): MarkovResult {
  if (!Number.isInteger(order) || order < 1 || order > MAX_MARKOV_ORDER) {
    throw new RangeError(
      `Markov order must be an integer from 1 to ${MAX_MARKOV_ORDER}, got ${order}`,
    );
  }
  const C = paths.channels.length;
  const { tokens, offsets, conversions, nulls } = paths;
  const nPaths = offsets.length - 1;

  // 1. State sequences (ids from 0), with the channels each state contains.
  const stateSeq = new Int32Array(tokens.length);
  const seqStart = new Int32Array(nPaths + 1);
  const collapsed = new Int32Array(longestPath(offsets));
  const windows = order > 1 ? new SequenceInterner(1024) : null;
  let k = 0;
  for (let p = 0; p < nPaths; p++) {
    seqStart[p] = k;
    if (conversions[p]! + nulls[p]! <= 0) continue;
    let L = 0;
    for (let i = offsets[p]!; i < offsets[p + 1]!; i++) {
      const c = tokens[i]!;
      if (L === 0 || collapsed[L - 1] !== c) collapsed[L++] = c;
    }
    if (windows === null) {
      for (let i = 0; i < L; i++) stateSeq[k++] = collapsed[i]!;
    } else if (L <= order) {
      if (L > 0) stateSeq[k++] = windows.intern(collapsed, 0, L);
    } else {
      for (let i = 0; i + order <= L; i++) stateSeq[k++] = windows.intern(collapsed, i, i + order);
    }
  }
  seqStart[nPaths] = k;
  const S = windows === null ? C : windows.size;

  // 2. Transition weights: dense when small, a map keyed from·(S+1)+to otherwise (S = start row).
  const chain = buildChain(S, nPaths, seqStart, stateSeq, conversions, nulls);

  // 3. Removal effects.
  const base = conversionProbability(chain, null, method);
  const removalEffects = new Float64Array(C);
  const removed = new Uint8Array(S);
  const statesOf: number[][] = Array.from({ length: C }, () => []);
  for (let s = 0; s < S; s++) {
    if (windows === null) statesOf[s]!.push(s);
    else for (const c of new Set(windows.sequence(s))) statesOf[c]!.push(s);
  }
  for (let c = 0; c < C; c++) {
    const states = statesOf[c]!;
    if (states.length === 0 || base <= 0) continue;
    removed.fill(0);
    for (const s of states) removed[s] = 1;
    const without = conversionProbability(chain, removed, method);
    removalEffects[c] = Math.min(1, Math.max(0, 1 - without / base));
  }

  // 4. Credit ∝ removal effect.
  let touchedConversions = 0;
  let touchedValue = 0;
  for (let p = 0; p < nPaths; p++) {
    if (offsets[p + 1]! > offsets[p]!) {
      touchedConversions += conversions[p]!;
      touchedValue += paths.value[p]!;
    }
  }
  let reSum = 0;
  for (let c = 0; c < C; c++) reSum += removalEffects[c]!;
  const conv = new Float64Array(C);
  const value = new Float64Array(C);
  if (reSum > 0) {
    for (let c = 0; c < C; c++) {
      conv[c] = (removalEffects[c]! / reSum) * touchedConversions;
      value[c] = (removalEffects[c]! / reSum) * touchedValue;
    }
  }
  return { removalEffects, conversions: conv, value, conversionProbability: base, stateCount: S };
}

function longestPath(offsets: Int32Array): number {
  let m = 0;
  for (let p = 0; p + 1 < offsets.length; p++) m = Math.max(m, offsets[p + 1]! - offsets[p]!);
  return m;
}

const DENSE_TRANSITIONS = 1 << 22;

function buildChain(
  S: number,
  nPaths: number,
  seqStart: Int32Array,
  seq: Int32Array,
  conversions: Float64Array,
  nulls: Float64Array,
): AbsorbingChain {
  const outTotal = new Float64Array(S + 1); // index S is (start)
  const toConv = new Float64Array(S);
  const width = S + 1;
  const dense = width * width <= DENSE_TRANSITIONS ? new Float64Array(width * width) : null;
  const sparse = dense === null ? new Map<number, number>() : null;
  const add = (from: number, to: number, w: number): void => {
    const key = from * width + to;
    if (dense !== null) dense[key] = dense[key]! + w;
    else sparse!.set(key, (sparse!.get(key) ?? 0) + w);
  };
  for (let p = 0; p < nPaths; p++) {
    const a = seqStart[p]!;
    const b = seqStart[p + 1]!;
    if (a === b) continue;
    const conv = conversions[p]!;
    const w = conv + nulls[p]!;
    let prev = S;
    for (let i = a; i < b; i++) {
      const s = seq[i]!;
      add(prev, s, w);
      outTotal[prev] = outTotal[prev]! + w;
      prev = s;
    }
    toConv[prev] = toConv[prev]! + conv;
    outTotal[prev] = outTotal[prev]! + w; // conversions + nulls leave the last state
  }
  // CSR of transient → transient probabilities.
  const counts = new Int32Array(S + 1);
  const entries: number[] = [];
  if (dense !== null) {
    for (let from = 0; from < S; from++) {
      for (let to = 0; to < S; to++) {
        if (dense[from * width + to]! > 0) {
          entries.push(from * width + to);
          counts[from + 1]!++;
        }
      }
    }
  } else {
    for (const key of sparse!.keys()) {
      if (Math.floor(key / width) < S) entries.push(key);
    }
    entries.sort((x, y) => x - y);
    for (const key of entries) counts[Math.floor(key / width) + 1]!++;
  }
  const rowStart = new Int32Array(S + 1);
  for (let s = 0; s < S; s++) rowStart[s + 1] = rowStart[s]! + counts[s + 1]!;
  const col = new Int32Array(entries.length);
  const prob = new Float64Array(entries.length);
  entries.forEach((key, e) => {
    const from = Math.floor(key / width);
    col[e] = key - from * width;
    const w = dense !== null ? dense[key]! : sparse!.get(key)!;
    prob[e] = w / outTotal[from]!;
  });
  const toConversion = new Float64Array(S);
  for (let s = 0; s < S; s++) toConversion[s] = outTotal[s]! > 0 ? toConv[s]! / outTotal[s]! : 0;
  const start = new Float64Array(S);
  const startTotal = outTotal[S]!;
  for (let s = 0; s < S; s++) {
    const w = dense !== null ? dense[S * width + s]! : (sparse!.get(S * width + s) ?? 0);
    start[s] = startTotal > 0 ? w / startTotal : 0;
  }
  return { n: S, rowStart, col, prob, toConversion, start };
}
