import { equalWeights, type JourneyView, type RuleKernel } from '../journey-view.js';

/** The role a key touch plays in a journey. */
export type Role = 'first' | 'last' | 'lead' | 'opportunity' | 'won';

/**
 * The shared shape of the position models (position-based, U, W, full path, custom): fixed shares for
 * key touches and one "rest" share split equally between the touches holding no role.
 *
 * Documented rules for the cases the vendors leave open:
 * - A touch holding several roles (the first touch is also the lead-creation touch) receives the sum
 *   of those shares.
 * - A role with no touch (no milestone time, or a milestone before every touch in the window) and a
 *   rest share with no rest touches drop out, and what remains is scaled up to 1: their share goes to
 *   the others pro rata. So position-based gives 1 touch 100% and 2 touches 50/50, as Google does.
 * - Per-channel multipliers (custom model) scale each touch's weight before renormalising.
 * - If everything comes to zero (only possible with custom weights), the touches share equally.
 */
export function anchored(
  roles: readonly Role[],
  shares: readonly number[],
  restShare: number,
  multiplier: Float64Array | null = null,
): RuleKernel {
  const nRoles = roles.length;
  const codes = Int32Array.from(roles, (r) =>
    ['first', 'last', 'lead', 'opportunity', 'won'].indexOf(r),
  );
  const share = Float64Array.from(shares);
  const pos = new Int32Array(nRoles);
  return (v: JourneyView, out: Float64Array): void => {
    const { start, end } = v;
    out.fill(0, start, end);
    let total = 0;
    let keyCount = 0;
    for (let r = 0; r < nRoles; r++) {
      const code = codes[r]!;
      const p =
        code === 0
          ? start
          : code === 1
            ? end - 1
            : code === 2
              ? v.lead
              : code === 3
                ? v.opportunity
                : v.won;
      pos[r] = p;
      if (p < 0) continue;
      total += share[r]!;
      let seen = false;
      for (let q = 0; q < r; q++) if (pos[q] === p) seen = true;
      if (!seen) keyCount++;
    }
    const restCount = end - start - keyCount;
    if (restCount > 0) total += restShare;
    if (!(total > 0)) return equalWeights(v, out);
    const inv = 1 / total;
    for (let r = 0; r < nRoles; r++) {
      const p = pos[r]!;
      if (p >= 0) out[p] = out[p]! + share[r]! * inv;
    }
    if (restCount > 0 && restShare > 0) {
      const each = (restShare * inv) / restCount;
      for (let i = start; i < end; i++) {
        let key = false;
        for (let r = 0; r < nRoles; r++) if (pos[r] === i) key = true;
        if (!key) out[i] = each;
      }
    }
    if (multiplier === null) return;
    let sum = 0;
    for (let i = start; i < end; i++) {
      const w = out[i]! * multiplier[v.ch[i]!]!;
      out[i] = w;
      sum += w;
    }
    if (!(sum > 0)) return equalWeights(v, out);
    const norm = 1 / sum;
    for (let i = start; i < end; i++) out[i] = out[i]! * norm;
  };
}
