/**
 * The simulated Meta ad account as Meta gives it: the Ads Manager export by ad set and day (English with
 * `,`, or German with `;`, translated headers and decimal commas; the summary row last) and the Insights
 * API's pages for `level=adset&time_increment=1` (numbers as strings, cursor paging with `paging.next`).
 * external-formats.md §2c.
 */
import type { AdCostRow } from '../types.js';
import { csvRecord, money, rollUp, SIM_AD_ACCOUNTS, thousands } from './accounts.js';

const HEADERS = {
  en: [
    'Reporting starts',
    'Reporting ends',
    'Campaign name',
    'Campaign ID',
    'Ad set name',
    'Ad set ID',
    'Amount spent (CUR)',
    'Impressions',
    'Link clicks',
  ],
  de: [
    'Berichtsbeginn',
    'Berichtsende',
    'Kampagnenname',
    'Kampagnen-ID',
    'Anzeigengruppenname',
    'Anzeigengruppen-ID',
    'Ausgegebener Betrag (CUR)',
    'Impressionen',
    'Link-Klicks',
  ],
} as const;

/** The Ads Manager CSV; `de` is the German export (`;`, "1.234,56"). */
export function metaAdsManagerCsv(rows: readonly AdCostRow[], locale: 'en' | 'de' = 'en'): string {
  const data = rollUp(rows, 'meta_ads', true);
  const sep = locale === 'de' ? ';' : ',';
  const currency = data[0]?.currency ?? 'USD';
  const header = HEADERS[locale].map((h) => h.replace('CUR', currency));
  const num = (n: number) => (locale === 'de' ? thousands(n, 'de') : String(n));
  const lines = [
    csvRecord(header, sep),
    ...data.map((r) =>
      csvRecord(
        [
          r.date,
          r.date,
          r.campaignName,
          r.campaignId,
          r.adGroupName ?? '',
          r.adGroupId ?? '',
          money(r.cents, locale === 'de' ? 'de' : 'plain'),
          num(r.impressions),
          num(r.clicks),
        ],
        sep,
      ),
    ),
  ];
  // the summary row: no campaign, the totals
  const days = data.map((r) => r.date).sort();
  lines.push(
    csvRecord(
      [
        days[0] ?? '',
        days.at(-1) ?? '',
        '',
        '',
        '',
        '',
        money(
          data.reduce((s, r) => s + r.cents, 0),
          locale === 'de' ? 'de' : 'plain',
        ),
        num(data.reduce((s, r) => s + r.impressions, 0)),
        num(data.reduce((s, r) => s + r.clicks, 0)),
      ],
      sep,
    ),
  );
  return `\uFEFF${lines.join('\n')}\n`;
}

/** The fields the client asks of the adset level (src/sources/meta-ads/insights.ts). */
const ADSET_FIELDS =
  'account_id,account_currency,campaign_id,campaign_name,adset_id,adset_name,spend,impressions,clicks,actions,action_values';

/** The cursor of page `n` (opaque to the client; the replay reads it back). */
export const metaCursor = (n: number): string => Buffer.from(`sim-page:${n}`).toString('base64url');

/**
 * The Insights answer as its pages, each with `paging.next` to the page after (on graph.facebook.com,
 * with the access token Meta writes into it) but the last.
 */
export function metaInsightsPages(
  rows: readonly AdCostRow[],
  opts: { accountId?: string; pageSize?: number; apiVersion?: string } = {},
): { data: unknown[]; paging?: unknown }[] {
  const account = opts.accountId ?? SIM_AD_ACCOUNTS.meta;
  const size = opts.pageSize ?? 500;
  const data = rollUp(rows, 'meta_ads', true).map((r) => ({
    account_id: account,
    account_currency: r.currency,
    campaign_id: r.campaignId,
    campaign_name: r.campaignName,
    adset_id: r.adGroupId,
    adset_name: r.adGroupName,
    spend: money(r.cents),
    impressions: String(r.impressions),
    clicks: String(r.clicks),
    date_start: r.date,
    date_stop: r.date,
  }));
  const pages: { data: unknown[]; paging?: unknown }[] = [];
  for (let i = 0, n = 0; i < data.length || n === 0; i += size, n++) {
    const last = i + size >= data.length;
    const next = new URLSearchParams({
      access_token: 'EAAsim',
      level: 'adset',
      time_increment: '1',
      fields: ADSET_FIELDS,
      limit: String(size),
      after: metaCursor(n + 1),
    });
    pages.push({
      data: data.slice(i, i + size),
      paging: {
        cursors: { before: metaCursor(n), after: metaCursor(n + 1) },
        ...(last
          ? {}
          : {
              next: `https://graph.facebook.com/${opts.apiVersion ?? 'v21.0'}/act_${account}/insights?${next}`,
            }),
      },
    });
  }
  return pages;
}
