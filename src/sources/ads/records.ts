// What an ad-platform connector hands on, whatever the platform: cost rows at the finest grain the
// platform reports (a day, a campaign, and the ad group, ad and keyword where it has them), with spend
// in micros of the account's currency (exact). The store keeps them as facts per import
// (src/store/areas/ad-costs.ts: the same shape); docs/costs.md.

export interface AdCostRecord {
  /** YYYY-MM-DD in the account's time zone. */
  date: string;
  /** ISO 4217, upper case. */
  currency: string;
  campaignId: string;
  campaignName: string;
  adGroupId: string | null;
  adGroupName: string | null;
  adId: string | null;
  adName: string | null;
  keyword: string | null;
  matchType: string | null;
  impressions: number;
  clicks: number;
  costMicros: number;
  conversions: number;
  conversionValue: number;
}

/** A problem in a platform's file, by line and column (1-based), as a marketer would look it up. */
export class AdFileError extends Error {
  constructor(
    readonly line: number,
    readonly column: string,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/**
 * Decimal text to micros, exactly (no binary fractions on the way): "184.5" is 184500000. Undefined for
 * anything but a plain non-negative decimal with at most 6 places.
 */
export function decimalToMicros(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return undefined;
  const micros = Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
  return Number.isSafeInteger(micros) ? micros : undefined;
}
