/**
 * The simulated Google Ads account as Google gives it: the web interface's ad group report download (a
 * title, the quoted date range, the header, rows with thousands separators, then "Total:" rows) and the
 * API's `googleAds:searchStream` answer to the ad_group query (src/sources/google-ads/gaql.ts): batches of
 * results in the API's JSON (camelCase, int64 as strings, zero metrics left out). external-formats.md §2.
 */
import type { AdCostRow } from '../types.js';
import {
  csvRecord,
  longDay,
  money,
  periodOf,
  rollUp,
  SIM_AD_ACCOUNTS,
  thousands,
  type ExportRow,
} from './accounts.js';

/** The UI's "Ad group report" CSV, with Campaign ID and Ad group ID columns added. */
export function googleAdsUiCsv(rows: readonly AdCostRow[]): string {
  const { from, to } = periodOf(rows);
  const data = rollUp(rows, 'google_ads', true);
  const lines = [
    'Ad group report',
    csvRecord([`${longDay(from)} - ${longDay(to)}`]),
    csvRecord([
      'Day',
      'Campaign',
      'Campaign ID',
      'Ad group',
      'Ad group ID',
      'Currency code',
      'Impr.',
      'Clicks',
      'Cost',
      'Conversions',
    ]),
    ...data.map((r) =>
      csvRecord([
        r.date,
        r.campaignName,
        r.campaignId,
        r.adGroupName ?? '--',
        r.adGroupId ?? '--',
        r.currency,
        thousands(r.impressions),
        thousands(r.clicks),
        money(r.cents, 'en'),
        '0.00',
      ]),
    ),
  ];
  // the totals Google appends: the account, then each campaign type
  const total = (label: string, of: ExportRow[]) =>
    csvRecord([
      label,
      '--',
      '--',
      '--',
      '--',
      of[0]?.currency ?? 'USD',
      thousands(of.reduce((s, r) => s + r.impressions, 0)),
      thousands(of.reduce((s, r) => s + r.clicks, 0)),
      money(
        of.reduce((s, r) => s + r.cents, 0),
        'en',
      ),
      '0.00',
    ]);
  const display = data.filter((r) => r.campaignName.startsWith('Display'));
  lines.push(
    total('Total: Account', data),
    total(
      'Total: Search',
      data.filter((r) => !display.includes(r)),
    ),
    total('Total: Display', display),
  );
  return `${lines.join('\n')}\n`;
}

const FIELD_MASK =
  'customer.currencyCode,segments.date,campaign.id,campaign.name,adGroup.id,adGroup.name,metrics.impressions,metrics.clicks,metrics.costMicros,metrics.conversions,metrics.conversionsValue';

/** The searchStream answer (an array of batches of at most `batchSize` results) to the ad_group query. */
export function googleAdsSearchStream(
  rows: readonly AdCostRow[],
  customerId: string = SIM_AD_ACCOUNTS.google,
  batchSize = 10_000,
): unknown[] {
  const customer = `customers/${customerId}`;
  const results = rollUp(rows, 'google_ads', true).map((r) => {
    // proto3 JSON leaves default (zero) values out
    const metrics: Record<string, string | number> = {};
    if (r.impressions > 0) metrics.impressions = String(r.impressions);
    if (r.clicks > 0) metrics.clicks = String(r.clicks);
    if (r.cents > 0) metrics.costMicros = String(r.cents * 10_000);
    return {
      customer: { resourceName: customer, currencyCode: r.currency },
      campaign: {
        resourceName: `${customer}/campaigns/${r.campaignId}`,
        id: r.campaignId,
        name: r.campaignName,
      },
      adGroup: {
        resourceName: `${customer}/adGroups/${r.adGroupId}`,
        id: r.adGroupId,
        name: r.adGroupName,
      },
      metrics,
      segments: { date: r.date },
    };
  });
  const batches: unknown[] = [];
  for (let i = 0; i < results.length || i === 0; i += batchSize)
    batches.push({
      results: results.slice(i, i + batchSize),
      fieldMask: FIELD_MASK,
      requestId: `sim${String(i / batchSize).padStart(4, '0')}`,
    });
  return batches;
}
