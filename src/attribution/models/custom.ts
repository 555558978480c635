import type { RuleKernel } from '../journey-view.js';
import type { CustomModelOptions } from '../types.js';
import { anchored, type Role } from './anchored.js';

/**
 * Custom: the user's weights by role (first, lead, opportunity, won, last, middle) and optional
 * per-channel multipliers, renormalised per journey. A role weighted 0 is left out, so its touch
 * shares the middle weight like any other. Follows the same coinciding/empty-role rules as
 * the other position models (see anchored.ts).
 */
export function custom(options: CustomModelOptions, channels: readonly string[]): RuleKernel {
  const w = options.weights;
  const roles: Role[] = ['first', 'lead', 'opportunity', 'won', 'last'];
  const shares = [w.first ?? 0, w.lead ?? 0, w.opportunity ?? 0, w.won ?? 0, w.last ?? 0];
  const middle = w.middle ?? 0;
  for (const [name, value] of [
    ...roles.map((r, i) => [r, shares[i]!] as const),
    ['middle', middle] as const,
  ]) {
    if (!(value >= 0) || !Number.isFinite(value))
      throw new RangeError(`custom weight "${name}" must be a non-negative number, got ${value}`);
  }
  if (shares.every((s) => s === 0) && middle === 0)
    throw new RangeError('custom weights are all zero');
  const m = options.channelMultipliers;
  let multiplier: Float64Array | null = null;
  if (m !== undefined && Object.keys(m).length > 0) {
    for (const [channel, factor] of Object.entries(m)) {
      if (!(factor >= 0) || !Number.isFinite(factor)) {
        throw new RangeError(
          `channel multiplier for "${channel}" must be a non-negative number, got ${factor}`,
        );
      }
    }
    multiplier = Float64Array.from(channels, (c) => m[c] ?? 1);
  }
  // A role weighted 0 is not part of the model: its touch counts as a middle touch.
  const used = roles.map((_, i) => i).filter((i) => shares[i]! > 0);
  return anchored(
    used.map((i) => roles[i]!),
    used.map((i) => shares[i]!),
    middle,
    multiplier,
  );
}
