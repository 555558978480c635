/**
 * The simulated Microsoft Advertising account as Microsoft gives it: the Reporting service's
 * AdGroupPerformanceReport download (a zip holding the CSV: quoted preamble, API column names, rows, the
 * copyright footer) and the web interface's export of the same report (spaced column names, thousands
 * separators, a Total row and the footer). external-formats.md §2e.
 */
import type { AdCostRow } from '../types.js';
import {
  csvRecord,
  money,
  periodOf,
  rollUp,
  SIM_AD_ACCOUNTS,
  thousands,
  usDay,
} from './accounts.js';
import { zipOne } from './zip.js';

const quoted = (cells: readonly (string | number)[]) =>
  cells.map((c) => `"${String(c).replace(/"/g, '""')}"`).join(',');

const footer = (year: string) => `"©${year} Microsoft Corporation. All rights reserved. "`;

/** The report CSV as the download URL's zip holds it (UTF-8 with its byte-order mark). */
export function microsoftReportCsv(
  rows: readonly AdCostRow[],
  accountId: string = SIM_AD_ACCOUNTS.microsoft,
): string {
  const { from, to } = periodOf(rows);
  const data = rollUp(rows, 'microsoft_ads', true);
  const lines = [
    quoted([`Report Name: closedloop AdGroup ${from}..${to}`]),
    quoted([`Report Time: ${usDay(from)} - ${usDay(to)}`]),
    quoted(['Time Zone: (GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London']),
    quoted([`Last Completed Available Day: ${usDay(to)} 11:59:59 PM (GMT)`]),
    quoted(['Potential Incomplete Data: false']),
    quoted([`Rows: ${data.length}`]),
    '',
    quoted([
      'TimePeriod',
      'AccountId',
      'CampaignId',
      'CampaignName',
      'AdGroupId',
      'AdGroupName',
      'CurrencyCode',
      'Impressions',
      'Clicks',
      'Spend',
      'Conversions',
      'Revenue',
    ]),
    ...data.map((r) =>
      quoted([
        r.date,
        accountId,
        r.campaignId,
        r.campaignName,
        r.adGroupId ?? '',
        r.adGroupName ?? '',
        r.currency,
        r.impressions,
        r.clicks,
        money(r.cents),
        0,
        '0.00',
      ]),
    ),
    '',
    footer(to.slice(0, 4)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The zip the report's download URL gives. */
export function microsoftReportZip(
  rows: readonly AdCostRow[],
  accountId: string = SIM_AD_ACCOUNTS.microsoft,
): Buffer {
  return zipOne(
    `AdGroupPerformanceReport_${accountId}.csv`,
    Buffer.from(microsoftReportCsv(rows, accountId), 'utf8'),
  );
}

/** The web interface's export of the ad group report, with the id columns added. */
export function microsoftUiCsv(rows: readonly AdCostRow[]): string {
  const { from, to } = periodOf(rows);
  const data = rollUp(rows, 'microsoft_ads', true);
  const lines = [
    csvRecord(['Ad group report']),
    csvRecord([`Report Time: ${usDay(from)} - ${usDay(to)}`]),
    csvRecord(['Time Zone: (GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London']),
    '',
    csvRecord([
      'Day',
      'Campaign name',
      'Campaign ID',
      'Ad group',
      'Ad group ID',
      'Currency code',
      'Impr.',
      'Clicks',
      'Spend',
      'Conv.',
    ]),
    ...data.map((r) =>
      csvRecord([
        usDay(r.date),
        r.campaignName,
        r.campaignId,
        r.adGroupName ?? '',
        r.adGroupId ?? '',
        r.currency,
        thousands(r.impressions),
        thousands(r.clicks),
        money(r.cents, 'en'),
        '0',
      ]),
    ),
    csvRecord([
      'Total',
      '',
      '',
      '',
      '',
      data[0]?.currency ?? 'USD',
      thousands(data.reduce((s, r) => s + r.impressions, 0)),
      thousands(data.reduce((s, r) => s + r.clicks, 0)),
      money(
        data.reduce((s, r) => s + r.cents, 0),
        'en',
      ),
      '0',
    ]),
    '',
    footer(to.slice(0, 4)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
