// The finest grain a platform reports, whole: a platform's finest breakdown (keywords) leaves out spend
// that has none (a Display or Performance Max campaign, a dynamic search ad group), so the coarser
// levels are read too and what each of their rows spent beyond the finer rows under it is kept as a row
// at that level. The totals are then the coarsest level's, and every row is as fine as the platform
// gives it. A coarser row that the finer rows already exceed (the platform's own rounding) adds nothing.
import type { AdCostRecord } from './records.js';

type Metric = 'impressions' | 'clicks' | 'costMicros' | 'conversions' | 'conversionValue';
const METRICS: readonly Metric[] = [
  'impressions',
  'clicks',
  'costMicros',
  'conversions',
  'conversionValue',
];

// the rows under a coarser row: the same day and campaign, and its ad group when it has one
const keyOf = (r: AdCostRecord, withAdGroup: boolean) =>
  `${r.date}\u0000${r.campaignId}\u0000${withAdGroup ? (r.adGroupId ?? '') : ''}`;

/** Rounds away the binary noise of subtracting fractional conversions. */
const tidy = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The rows of `levels` (finest first): every row of the first, then each coarser row's remainder over
 * the rows already kept under it, when it has one.
 */
export function withRemainders(levels: readonly (readonly AdCostRecord[])[]): AdCostRecord[] {
  const kept: AdCostRecord[] = [...(levels[0] ?? [])];
  for (const level of levels.slice(1)) {
    const byAdGroup = level.some((r) => r.adGroupId !== null);
    const sums = new Map<string, Record<Metric, number>>();
    for (const r of kept) {
      const k = keyOf(r, byAdGroup);
      const s = sums.get(k) ?? {
        impressions: 0,
        clicks: 0,
        costMicros: 0,
        conversions: 0,
        conversionValue: 0,
      };
      for (const m of METRICS) s[m] += r[m];
      sums.set(k, s);
    }
    const added: AdCostRecord[] = [];
    for (const r of level) {
      const under = sums.get(keyOf(r, byAdGroup));
      const rest = { ...r };
      for (const m of METRICS) rest[m] = tidy(Math.max(0, r[m] - (under?.[m] ?? 0)));
      if (METRICS.some((m) => rest[m] > 0))
        added.push({
          ...rest,
          // the remainder is the level's own: nothing finer is claimed for it
          ...(byAdGroup ? {} : { adGroupId: null, adGroupName: null }),
          adId: null,
          adName: null,
          keyword: null,
          matchType: null,
        });
    }
    kept.push(...added);
  }
  return kept;
}
