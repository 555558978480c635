import { equalWeights, type JourneyView, type RuleKernel } from '../journey-view.js';
import { DAY_MS } from '../lookback.js';

export const DEFAULT_HALF_LIFE_DAYS = 7;

/**
 * Time decay: weight ∝ 2^(−Δt / half-life) with Δt = conversion time − touch time, continuous (in
 * milliseconds, not whole days), normalised. Measuring Δt from the journey's latest touch instead of
 * the conversion multiplies every weight by the same factor, so the result is identical; it keeps the
 * numbers away from underflow when the conversion comes long after the touches.
 */
export function timeDecay(halfLifeDays: number = DEFAULT_HALF_LIFE_DAYS): RuleKernel {
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) {
    throw new RangeError(`half-life must be a positive number of days, got ${halfLifeDays}`);
  }
  const rate = 1 / (halfLifeDays * DAY_MS);
  return (v: JourneyView, out: Float64Array): void => {
    const { at, start, end } = v;
    const latest = at[end - 1]!;
    let sum = 0;
    for (let i = start; i < end; i++) {
      const w = 2 ** ((at[i]! - latest) * rate);
      out[i] = w;
      sum += w;
    }
    if (!(sum > 0) || !Number.isFinite(sum)) return equalWeights(v, out); // timestamps missing (NaN)
    const inv = 1 / sum;
    for (let i = start; i < end; i++) out[i] = out[i]! * inv;
  };
}
