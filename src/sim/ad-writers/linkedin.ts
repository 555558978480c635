/**
 * The simulated LinkedIn ad account as LinkedIn gives it: Campaign Manager's campaign performance export
 * with the daily breakdown (its preamble, then a row per campaign and day) and the Marketing API's
 * answers the client reads: adAnalytics pivoted by CAMPAIGN with DAILY granularity (URNs only, money as
 * decimal text), the account (its currency) and the account's campaigns (their names). Each simulated
 * campaign is a LinkedIn campaign here. external-formats.md §2d.
 */
import type { AdCostRow } from '../types.js';
import { csvRecord, money, periodOf, rollUp, SIM_AD_ACCOUNTS, usDay } from './accounts.js';

/** The Campaign Manager CSV (campaign performance, daily). */
export function linkedInCampaignManagerCsv(rows: readonly AdCostRow[]): string {
  const { from, to } = periodOf(rows);
  const data = rollUp(rows, 'linkedin_ads', false);
  const lines = [
    csvRecord(['Campaign Performance Report (in UTC)']),
    csvRecord([`Report Start: ${usDay(from)}, 12:00 AM`]),
    csvRecord([`Report End: ${usDay(to)}, 11:59 PM`]),
    csvRecord([
      'Start Date (in UTC)',
      'Account Name',
      'Campaign Name',
      'Campaign ID',
      'Currency',
      'Total Spent',
      'Impressions',
      'Clicks',
    ]),
    ...data.map((r) =>
      csvRecord([
        usDay(r.date),
        'Brightpipe',
        r.campaignName,
        r.campaignId,
        r.currency,
        money(r.cents),
        r.impressions,
        r.clicks,
      ]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

const ymd = (day: string) => {
  const [year, month, d] = day.split('-').map(Number);
  return { year: year!, month: month!, day: d! };
};

/** The adAnalytics elements (pivot CAMPAIGN, DAILY) of the whole window; the replay serves each slice. */
export function linkedInAnalyticsElements(rows: readonly AdCostRow[]): {
  dateRange: { start: ReturnType<typeof ymd>; end: ReturnType<typeof ymd> };
  pivotValues: string[];
  impressions: number;
  clicks: number;
  costInLocalCurrency: string;
  externalWebsiteConversions: number;
  conversionValueInLocalCurrency: string;
}[] {
  return rollUp(rows, 'linkedin_ads', false).map((r) => ({
    dateRange: { start: ymd(r.date), end: ymd(r.date) },
    pivotValues: [`urn:li:sponsoredCampaign:${r.campaignId}`],
    impressions: r.impressions,
    clicks: r.clicks,
    costInLocalCurrency: money(r.cents),
    externalWebsiteConversions: 0,
    conversionValueInLocalCurrency: '0',
  }));
}

/** The account as `GET /rest/adAccounts/{id}` answers. */
export function linkedInAdAccount(rows: readonly AdCostRow[]) {
  const currency = rows.find((r) => r.platform === 'linkedin_ads')?.account_currency ?? 'USD';
  return {
    id: Number(SIM_AD_ACCOUNTS.linkedin),
    name: 'Brightpipe',
    currency,
    status: 'ACTIVE',
    type: 'BUSINESS',
    reference: 'urn:li:organization:10470265',
  };
}

/** The account's campaigns (id and current name), as adCampaigns search pages them. */
export function linkedInCampaigns(rows: readonly AdCostRow[]): { id: number; name: string }[] {
  const names = new Map<string, string>();
  for (const r of rows)
    if (r.platform === 'linkedin_ads') names.set(r.campaign_id, r.campaign_name);
  return [...names].map(([id, name]) => ({ id: Number(id), name }));
}
