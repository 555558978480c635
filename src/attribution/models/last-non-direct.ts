import type { JourneyView, RuleKernel } from '../journey-view.js';

/** Channel names that count as Direct unless the caller says otherwise (compared case-insensitively). */
export const DEFAULT_DIRECT_CHANNELS: readonly string[] = ['direct', '(direct)'];

/**
 * Last non-direct: all credit to the last touch whose channel is not Direct; when every touch is
 * Direct, the last touch keeps it. `isDirect` is indexed by channel id.
 */
export function lastNonDirect(isDirect: Uint8Array): RuleKernel {
  return (v: JourneyView, out: Float64Array): void => {
    out.fill(0, v.start, v.end);
    let k = v.end - 1;
    while (k > v.start && isDirect[v.ch[k]!] === 1) k--;
    if (isDirect[v.ch[k]!] === 1) k = v.end - 1;
    out[k] = 1;
  };
}

export function directMask(
  channels: readonly string[],
  direct: readonly string[] = DEFAULT_DIRECT_CHANNELS,
): Uint8Array {
  const names = new Set(direct.map((d) => d.toLowerCase()));
  return Uint8Array.from(channels, (c) => (names.has(c.toLowerCase()) ? 1 : 0));
}
