/**
 * Absorption probabilities of an absorbing Markov chain, solved (not simulated): x = r + Q·x, where
 * Q holds the transient-to-transient probabilities and r the one-step probability of conversion.
 * Small chains use Gaussian elimination with partial pivoting (exact up to rounding); large ones
 * (higher-order chains with many states) use Gauss–Seidel sweeps on the sparse rows until no value
 * moves by more than 1e-15, which for these substochastic systems is the same solution to ~1e-12.
 */

export interface AbsorbingChain {
  /** Number of transient states. */
  n: number;
  /** CSR rows of Q: state s's successors are col[rowStart[s]..rowStart[s+1]). */
  rowStart: Int32Array;
  col: Int32Array;
  prob: Float64Array;
  /** One-step probability of reaching (conversion) from each state. */
  toConversion: Float64Array;
  /** Probability that (start) moves to each state. */
  start: Float64Array;
}

export type SolveMethod = 'auto' | 'dense' | 'sweeps';

/** Chains up to this many states are solved densely. */
export const DENSE_LIMIT = 400;
const TOLERANCE = 1e-15;
const MAX_SWEEPS = 1_000_000;

/**
 * P(conversion) from (start). States flagged in `removed` send every walk that enters them to
 * (null), i.e. their absorption probability is 0.
 */
export function conversionProbability(
  chain: AbsorbingChain,
  removed: Uint8Array | null = null,
  method: SolveMethod = 'auto',
): number {
  const x = absorptionProbabilities(chain, removed, method);
  let p = 0;
  for (let s = 0; s < chain.n; s++) p += chain.start[s]! * x[s]!;
  return p;
}

/** The absorption probability of every state (exposed for tests and diagnostics). */
export function absorptionProbabilities(
  chain: AbsorbingChain,
  removed: Uint8Array | null = null,
  method: SolveMethod = 'auto',
): Float64Array {
  const dense = method === 'dense' || (method === 'auto' && chain.n <= DENSE_LIMIT);
  return dense ? solveDense(chain, removed) : solveSweeps(chain, removed);
}

function solveDense(chain: AbsorbingChain, removed: Uint8Array | null): Float64Array {
  const { n, rowStart, col, prob, toConversion } = chain;
  // A = I − Q restricted to kept states; a removed state's row becomes x_s = 0.
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    a[s * n + s] = 1;
    if (removed !== null && removed[s] === 1) continue;
    b[s] = toConversion[s]!;
    for (let e = rowStart[s]!; e < rowStart[s + 1]!; e++) {
      const t = col[e]!;
      if (removed !== null && removed[t] === 1) continue;
      a[s * n + t] = a[s * n + t]! - prob[e]!;
    }
  }
  for (let c = 0; c < n; c++) {
    let pivot = c;
    let best = Math.abs(a[c * n + c]!);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(a[r * n + c]!);
      if (v > best) {
        best = v;
        pivot = r;
      }
    }
    if (best === 0)
      throw new Error('Markov chain: singular system (a state never reaches an absorbing state)');
    if (pivot !== c) {
      for (let k = c; k < n; k++) {
        const tmp = a[c * n + k]!;
        a[c * n + k] = a[pivot * n + k]!;
        a[pivot * n + k] = tmp;
      }
      const tb = b[c]!;
      b[c] = b[pivot]!;
      b[pivot] = tb;
    }
    const d = a[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[c * n + k]!;
      b[r] = b[r]! - f * b[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

function solveSweeps(chain: AbsorbingChain, removed: Uint8Array | null): Float64Array {
  const { n, rowStart, col, prob, toConversion } = chain;
  const x = new Float64Array(n);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let delta = 0;
    for (let s = 0; s < n; s++) {
      if (removed !== null && removed[s] === 1) continue;
      let acc = toConversion[s]!;
      let self = 0;
      for (let e = rowStart[s]!; e < rowStart[s + 1]!; e++) {
        const t = col[e]!;
        if (t === s) self += prob[e]!;
        else acc += prob[e]! * x[t]!;
      }
      const next = acc / (1 - self);
      const d = Math.abs(next - x[s]!);
      if (d > delta) delta = d;
      x[s] = next;
    }
    if (delta <= TOLERANCE) return x;
  }
  throw new Error('Markov chain: the absorption probabilities did not converge');
}
