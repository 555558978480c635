// One ad-cost row as every ad platform's reader hands it on and the store keeps it (issue 16,
// docs/costs.md). It lives in util, the bottom layer, because both src/sources (the readers) and
// src/store (the facts) speak it and neither may import the other.

/** One row as the platform reports it: a day and the finest level it has (campaign, ad group, ad, keyword). */
export interface AdCostRow {
  /** YYYY-MM-DD in the account's time zone. */
  date: string;
  /** ISO 4217, upper case: the account's currency. */
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
  /** Spend in millionths of the currency (exact: platforms give micros or decimal text). */
  costMicros: number;
  /** The platform's own conversions and their value (in `currency`). */
  conversions: number;
  conversionValue: number;
}
