/**
 * The simulated company's ad accounts, one per platform, with ids shaped as each platform writes them,
 * and what the platform exports have in common: cost rows rolled up to the level an export reports, in
 * cents (exact), under each campaign's current name (platforms report a renamed campaign by its new name
 * on every day), and number formatting as the UIs write it.
 */
import type { AdCostRow, AdPlatform } from '../types.js';

export const SIM_AD_ACCOUNTS = {
  /** Google Ads customer id (the UI writes it 471-820-3956). */
  google: '4718203956',
  /** Meta ad account id (without act_). */
  meta: '301948276153820',
  /** LinkedIn sponsored account id. */
  linkedin: '508214397',
  /** Microsoft Advertising account id, under its customer id. */
  microsoft: '180423715',
  microsoftCustomer: '251847903',
} as const;

/** The file platform names `closedloop import ads --platform` takes, by the simulator's platform. */
export const FILE_PLATFORM = {
  google_ads: 'google',
  meta_ads: 'meta',
  linkedin_ads: 'linkedin',
  microsoft_ads: 'microsoft',
} as const satisfies Record<AdPlatform, string>;

/** One row of an export: a day and a campaign, with its ad group when the export reports one. */
export interface ExportRow {
  date: string;
  currency: string;
  campaignId: string;
  campaignName: string;
  adGroupId: string | null;
  adGroupName: string | null;
  impressions: number;
  clicks: number;
  /** Spend in cents of the account's currency. */
  cents: number;
}

export const toCents = (cost: number): number => Math.round(cost * 100);

/**
 * A platform's rows rolled up by day, campaign and (when `adGroups`) ad group, in the order they came,
 * each campaign under its last name. Rows with no impressions, clicks or spend are left out, as the
 * platforms' reports leave them out.
 */
export function rollUp(
  rows: readonly AdCostRow[],
  platform: AdPlatform,
  adGroups: boolean,
): ExportRow[] {
  const latest = new Map<string, string>();
  for (const r of rows) if (r.platform === platform) latest.set(r.campaign_id, r.campaign_name);
  const out = new Map<string, ExportRow>();
  for (const r of rows) {
    if (r.platform !== platform) continue;
    const key = `${r.date}|${r.campaign_id}|${adGroups ? r.ad_group_id : ''}`;
    let x = out.get(key);
    if (x === undefined) {
      x = {
        date: r.date,
        currency: r.account_currency,
        campaignId: r.campaign_id,
        campaignName: latest.get(r.campaign_id) ?? r.campaign_name,
        adGroupId: adGroups ? r.ad_group_id : null,
        adGroupName: adGroups ? r.ad_group_name : null,
        impressions: 0,
        clicks: 0,
        cents: 0,
      };
      out.set(key, x);
    }
    x.impressions += r.impressions;
    x.clicks += r.clicks;
    x.cents += toCents(r.cost);
  }
  return [...out.values()].filter((x) => x.impressions > 0 || x.clicks > 0 || x.cents > 0);
}

/** First and last day of the rows (the writer sees every catalogue row of every day). */
export function periodOf(rows: readonly AdCostRow[]): { from: string; to: string } {
  let from = '';
  let to = '';
  for (const r of rows) {
    if (from === '' || r.date < from) from = r.date;
    if (to === '' || r.date > to) to = r.date;
  }
  return { from, to };
}

/** Cents as decimal text: "1234.5" style when `plain`, else with thousands separators ("1,234.50"). */
export function money(cents: number, style: 'plain' | 'en' | 'de' = 'plain'): string {
  const whole = Math.floor(cents / 100);
  const frac = String(cents % 100).padStart(2, '0');
  if (style === 'plain') return `${whole}.${frac}`;
  return `${thousands(whole, style)}${style === 'de' ? ',' : '.'}${frac}`;
}

/** A whole number with thousands separators as the locale writes them. */
export function thousands(n: number, style: 'en' | 'de' = 'en'): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, style === 'de' ? '.' : ',');
}

/** One CSV record: cells quoted when they hold the separator, a quote or a line break. */
export function csvRecord(cells: readonly (string | number)[], sep = ','): string {
  return cells
    .map((c) => {
      const s = String(c);
      return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(sep);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** 2026-03-01 as "March 1, 2026" (Google's date range line). */
export function longDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${MONTHS[(m ?? 1) - 1]} ${d}, ${y}`;
}

/** 2026-03-01 as "3/1/2026" (the US order of Microsoft's and LinkedIn's files). */
export function usDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${m}/${d}/${y}`;
}
