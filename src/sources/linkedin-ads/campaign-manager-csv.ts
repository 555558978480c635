// The CSV a marketer exports from LinkedIn Campaign Manager (a campaign performance report with the
// daily time breakdown), read into cost records. No official specification: the layout as exported
// (third-party samples) is a few preamble lines ("Campaign Performance Report (in UTC)", "Report Start:
// 5/1/2024, 12:00 AM", "Report End: ..."), the header, the rows; `Start Date (in UTC)` is the day,
// `Total Spent` the spend in the `Currency` column's currency. All or nothing: the first value that
// cannot be read stops the file with its line and column. docs/costs.md.
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

// header, lower case, "(in UTC)" and the like dropped, to our field
const COLUMNS: Record<string, string> = {
  'start date': 'day',
  date: 'day',
  day: 'day',
  'campaign name': 'campaign',
  campaign: 'campaign',
  'campaign id': 'campaignId',
  'creative name': 'ad',
  'ad name': 'ad',
  'creative id': 'adId',
  'ad id': 'adId',
  currency: 'currency',
  'total spent': 'spend',
  'amount spent': 'spend',
  impressions: 'impressions',
  clicks: 'clicks',
  conversions: 'conversions',
  'total conversion value': 'conversionValue',
  'conversion value': 'conversionValue',
};

const fieldOf = (h: string) =>
  COLUMNS[
    h
      .toLowerCase()
      .replace(/\s*\(.*\)\s*$/, '')
      .trim()
  ];

/** "5/1/2024, 12:00 AM" or "2024-05-01": the day. */
const dayOf = (text: string) => usOrIsoDay(text.split(/[,\s]/)[0] ?? '');

export interface LinkedInCsv {
  rows: AdCostRecord[];
  from: string;
  to: string;
}

const NO_HEADER =
  'no header with Start Date, Campaign Name and Total Spent (export with the daily time breakdown)';

/** The reader of an export, record by record (ads/csv.ts); `head` is the file's beginning. */
export function linkedInCsvReader(head: string, opts: { currency?: string } = {}): AdCsvReader {
  let start: string | undefined;
  let end: string | undefined;
  let rows = 0;
  const phase = headerThenRows(
    (record) => {
      const f = record.map(fieldOf);
      return f.includes('campaign') && f.includes('spend') && f.includes('day');
    },
    NO_HEADER,
    (h, preamble) => {
      for (const { record } of preamble) {
        const m = /^report (start|end):\s*(.+)$/i.exec(record.join(',').trim());
        if (m?.[1]!.toLowerCase() === 'start') start = dayOf(m[2]!);
        if (m?.[1]!.toLowerCase() === 'end') end = dayOf(m[2]!);
      }
      const period = start && end ? { from: start, to: end } : undefined;
      const header = h.record;
      const fields = header.map(fieldOf);
      const fallback = opts.currency?.toUpperCase();
      if (!fields.includes('currency') && (fallback === undefined || !/^[A-Z]{3}$/.test(fallback)))
        throw new AdFileError(h.line, 'header', "no Currency column: give the account's currency");
      return (l) => {
        if (/^total\b/i.test((l.record[0] ?? '').trim())) return undefined;
        const c = cellReader(header, fields, l, false);
        const date = dayOf(c.text('day') ?? '');
        if (date === undefined) throw c.bad('day', `not a day: "${c.text('day') ?? ''}"`);
        if (period && (date < period.from || date > period.to))
          throw c.bad('day', `${date} is outside the report's ${period.from}..${period.to}`);
        const campaign = c.text('campaign');
        if (campaign === null) throw c.bad('campaign', 'is empty');
        const currency = (c.text('currency') ?? fallback ?? '').toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency)) throw c.bad('currency', 'not a currency code');
        const ad = c.text('ad');
        rows++;
        return {
          date,
          currency,
          campaignId: c.text('campaignId') ?? `name:${campaign}`,
          campaignName: campaign,
          adGroupId: null,
          adGroupName: null,
          adId: c.text('adId') ?? (ad === null ? null : `name:${ad}`),
          adName: ad,
          keyword: null,
          matchType: null,
          impressions: c.count('impressions'),
          clicks: c.count('clicks'),
          costMicros: c.micros('spend'),
          conversions: c.decimal('conversions'),
          conversionValue: c.decimal('conversionValue'),
        };
      };
    },
  );
  return {
    delimiter: sniffDelimiter(head),
    take: phase.take,
    end() {
      const h = phase.header();
      if (!(start && end) && rows === 0)
        throw new AdFileError(h.line, 'file', 'no rows and no report dates: nothing to import');
      return start && end ? { from: start, to: end } : {};
    },
  };
}

/** Reads a whole export (the streamed import uses linkedInCsvReader). */
export function readLinkedInCsv(text: string, opts: { currency?: string } = {}): LinkedInCsv {
  const { rows, from, to } = readWhole(linkedInCsvReader(text.slice(0, HEAD), opts), text);
  return { rows, from, to };
}
