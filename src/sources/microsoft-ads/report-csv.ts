// Microsoft Advertising's report CSV, read into cost records: the file the Reporting service's download
// URL gives (CampaignPerformanceReport, AdGroupPerformanceReport, AdPerformanceReport,
// KeywordPerformanceReport; column names as the API spells them, `TimePeriod`, `CampaignId`, `Spend`)
// and the web interface's export of the same reports (the same data with spaced names: `Campaign name`,
// `Impr.`, `Spend`). Both may carry a quoted preamble ("Report Name: ...", "Report Time: ...") before the
// header, and total rows and a copyright footer ("©2026 Microsoft Corporation. All rights reserved.")
// after the rows; both are skipped. external-formats.md §2e; docs/costs.md.
import { AdFileError, type AdCostRecord } from '../ads/records.js';
import {
  cellReader,
  HEAD,
  headerThenRows,
  readWhole,
  sniffDelimiter,
  usOrIsoDay,
  type AdCsvReader,
} from '../ads/csv.js';

// header, lower case without spaces, dots or underscores, to our field: API names and the UI's alike
const COLUMNS: Record<string, string> = {
  timeperiod: 'day',
  accountid: 'accountId',
  gregoriandate: 'day',
  day: 'day',
  date: 'day',
  campaignid: 'campaignId',
  campaignname: 'campaign',
  campaign: 'campaign',
  adgroupid: 'adGroupId',
  adgroupname: 'adGroup',
  adgroup: 'adGroup',
  adid: 'adId',
  adtitle: 'ad',
  title: 'ad',
  keyword: 'keyword',
  keywordid: 'keywordId',
  deliveredmatchtype: 'matchType',
  bidmatchtype: 'bidMatchType',
  matchtype: 'matchType',
  impressions: 'impressions',
  impr: 'impressions',
  clicks: 'clicks',
  spend: 'spend',
  conversions: 'conversions',
  conv: 'conversions',
  revenue: 'revenue',
  currencycode: 'currency',
  currency: 'currency',
};

const fieldOf = (h: string) => COLUMNS[h.toLowerCase().replace(/[\s._]/g, '')];

/** A day as the reports write it: 2026-09-01 or 9/1/2026 (the US order of the service's files). */
export const reportDay = usOrIsoDay;

export interface MicrosoftCsv {
  rows: AdCostRecord[];
  /** The accounts the file names (its AccountId column), to check against the one imported. */
  accounts?: string[];
  from: string;
  to: string;
}

const NO_HEADER = 'no header with TimePeriod, CampaignName and Spend (ask for a Daily aggregation)';

/**
 * The reader of a report file or UI export, record by record (ads/csv.ts); `head` is the file's
 * beginning; `currency` is the account's when the file has no currency column.
 */
export function microsoftAdsCsvReader(head: string, opts: { currency?: string } = {}): AdCsvReader {
  const delimiter = sniffDelimiter(head);
  let period: { from: string; to: string } | undefined;
  let rows = 0;
  const accounts = new Set<string>();
  const phase = headerThenRows(
    (record) => {
      const f = record.map(fieldOf);
      return f.includes('campaign') && f.includes('spend') && f.includes('day');
    },
    NO_HEADER,
    (h, preamble) => {
      // "Report Time: 9/1/2026 - 9/30/2026" in the preamble is the report's period, when it is a range
      for (const { record } of preamble) {
        const m = /^report time:\s*(.+?)\s+-\s+(.+)$/i.exec(record.join(',').trim());
        const [a, b] = [m && reportDay(m[1]!), m && reportDay(m[2]!)];
        if (a && b) period = { from: a, to: b };
      }
      const header = h.record;
      const fields = header.map(fieldOf);
      const fallback = opts.currency?.toUpperCase();
      if (!fields.includes('currency') && (fallback === undefined || !/^[A-Z]{3}$/.test(fallback)))
        throw new AdFileError(
          h.line,
          'header',
          "no CurrencyCode column: give the account's currency",
        );
      return (l) => {
        const first = (l.record[0] ?? '').trim();
        // the copyright footer and total rows are not a day's cost
        if (/^©|microsoft corporation/i.test(first) || /^total\b/i.test(first)) return undefined;
        if (l.record.length === 1 && fields.length > 1) return undefined; // a one-cell note line
        const c = cellReader(header, fields, l, delimiter === ';');
        const date = reportDay(c.text('day') ?? '');
        if (date === undefined) throw c.bad('day', `not a day: "${c.text('day') ?? ''}"`);
        if (period && (date < period.from || date > period.to))
          throw c.bad('day', `${date} is outside the report's ${period.from}..${period.to}`);
        const campaign = c.text('campaign');
        if (campaign === null) throw c.bad('campaign', 'is empty');
        const currency = (c.text('currency') ?? fallback ?? '').toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency)) throw c.bad('currency', 'not a currency code');
        const adGroup = c.text('adGroup');
        const account = c.text('accountId');
        // a few accounts at most: the set stays small however long the file
        if (account !== null) accounts.add(account);
        rows++;
        return {
          date,
          currency,
          campaignId: c.text('campaignId') ?? `name:${campaign}`,
          campaignName: campaign,
          adGroupId: c.text('adGroupId') ?? (adGroup === null ? null : `name:${adGroup}`),
          adGroupName: adGroup,
          adId: c.text('adId'),
          adName: c.text('ad'),
          keyword: c.text('keyword'),
          matchType: c.text('matchType') ?? c.text('bidMatchType'),
          impressions: c.count('impressions'),
          clicks: c.count('clicks'),
          costMicros: c.micros('spend'),
          conversions: c.decimal('conversions'),
          conversionValue: c.decimal('revenue'),
        };
      };
    },
  );
  return {
    delimiter,
    take: phase.take,
    end() {
      const h = phase.header();
      if (period === undefined && rows === 0)
        throw new AdFileError(h.line, 'file', 'no rows and no report time: nothing to import');
      return { ...period, accounts: [...accounts] };
    },
  };
}

/** Reads a whole report file or UI export (the streamed import uses microsoftAdsCsvReader). */
export function readMicrosoftAdsCsv(text: string, opts: { currency?: string } = {}): MicrosoftCsv {
  return readWhole(microsoftAdsCsvReader(text.slice(0, HEAD), opts), text);
}
