// The GAQL queries the Google Ads backfill sends to `customers/{id}/googleAds:searchStream`, one per level
// (docs/costs.md): each reads a day's metrics per row of its resource, with the names and ids of the
// levels above, and the account's currency. Dates are days in the account's time zone.
export type GoogleAdsLevel = 'campaign' | 'ad_group' | 'ad' | 'keyword';

const METRICS =
  'metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value';
const BASE = 'customer.currency_code, segments.date, campaign.id, campaign.name';

const SELECT: Record<GoogleAdsLevel, { fields: string; from: string }> = {
  campaign: { fields: BASE, from: 'campaign' },
  ad_group: { fields: `${BASE}, ad_group.id, ad_group.name`, from: 'ad_group' },
  ad: {
    fields: `${BASE}, ad_group.id, ad_group.name, ad_group_ad.ad.id, ad_group_ad.ad.name`,
    from: 'ad_group_ad',
  },
  keyword: {
    fields: `${BASE}, ad_group.id, ad_group.name, ad_group_criterion.criterion_id, ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type`,
    from: 'keyword_view',
  },
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The searchStream query of a level over the days from..to (inclusive). */
export function gaqlFor(level: GoogleAdsLevel, from: string, to: string): string {
  if (!DAY.test(from) || !DAY.test(to) || from > to)
    throw new Error(`not a period of days: ${from}..${to}`);
  const { fields, from: resource } = SELECT[level];
  // eslint-disable-next-line no-restricted-syntax -- GAQL sent to Google Ads, not an engine's SQL
  return `SELECT ${fields}, ${METRICS} FROM ${resource} WHERE segments.date BETWEEN '${from}' AND '${to}'`;
}
