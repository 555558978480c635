// The CSV a marketer downloads from the Google Ads web interface (Reports, or a table's Download > CSV),
// read into cost records. No official specification exists; the layout as exported (external-formats.md
// §2b): a title line, a quoted date range ("September 1, 2026 - September 30, 2026"), the header, the
// rows, then total rows ("Total: Account", "Total: Search" ...). Values as the UI shows them in English:
// thousands separators, "--" for none, days as 2026-09-01, 09/01/2026 or Sep 1, 2026; cost in major
// units. "Excel CSV" downloads are UTF-16 with tabs: decodeExport reads both. All or nothing: the first
// value that cannot be read stops the file with its line and column. Read record by record (ads/csv.ts).
import { AdFileError, decimalToMicros, type AdCostRecord } from '../ads/records.js';
import { HEAD, headerThenRows, readWhole, type AdCsvReader } from '../ads/csv.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The file's text: UTF-16 (with its byte-order mark, as "Excel CSV" is) or UTF-8. */
export function decodeExport(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

const pad = (n: number) => String(n).padStart(2, '0');
const valid = (y: number, m: number, d: number): string | undefined => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? `${y}-${pad(m)}-${pad(d)}` : undefined;
};

/** A day as the UI writes it: 2026-09-01, 09/01/2026 (US) or Sep 1, 2026 / September 1, 2026. */
export function uiDay(text: string): string | undefined {
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return valid(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /^(?:[A-Za-z]+, )?([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    return month > 0 ? valid(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

// header names as exported, to our fields
const COLUMNS: Record<string, string> = {
  day: 'day',
  date: 'day',
  campaign: 'campaign',
  'campaign id': 'campaignId',
  'ad group': 'adGroup',
  'ad group id': 'adGroupId',
  'ad id': 'adId',
  ad: 'ad',
  keyword: 'keyword',
  'search keyword': 'keyword',
  'match type': 'matchType',
  'search keyword match type': 'matchType',
  clicks: 'clicks',
  'impr.': 'impressions',
  impressions: 'impressions',
  cost: 'cost',
  conversions: 'conversions',
  'conv. value': 'conversionValue',
  'conversion value': 'conversionValue',
  'currency code': 'currency',
  currency: 'currency',
};

export interface GoogleAdsCsv {
  rows: AdCostRecord[];
  /** The report's date range (its second line), else the first and last day of the rows. */
  from: string;
  to: string;
}

const NO_HEADER = 'no header with Day, Campaign and Cost (export the report with a Day segment)';

/**
 * The reader of an export, record by record (ads/csv.ts); `head` is the file's beginning, for its
 * separator; `currency` is the account's, needed when the file has no "Currency code" column.
 */
export function googleAdsCsvReader(head: string, opts: { currency?: string } = {}): AdCsvReader {
  const first = head.split('\n').find((l) => l.trim() !== '') ?? '';
  const delimiter = head.includes('\t') && !first.includes(',') ? '\t' : ',';
  const currencyOpt = opts.currency?.toUpperCase();
  let period: { from: string; to: string } | undefined;
  let rows = 0;
  const none = (v: string | undefined) => v === undefined || v === '' || v === '--' || v === ' --';
  const phase = headerThenRows(
    (record) => {
      const names = record.map((c) => COLUMNS[c.toLowerCase()]);
      return names.includes('campaign') && names.includes('cost') && names.includes('day');
    },
    NO_HEADER,
    (h, preamble) => {
      for (const { record } of preamble) {
        const range = /^(.+?) - (.+)$/.exec(record.join(','));
        const [a, b] = [range && uiDay(range[1]!), range && uiDay(range[2]!)];
        if (a && b) period = { from: a, to: b };
      }
      const names = h.record;
      const header = names.map((c) => COLUMNS[c.toLowerCase()]);
      const col = (name: string) => header.indexOf(name);
      if (col('currency') < 0 && (currencyOpt === undefined || !/^[A-Z]{3}$/.test(currencyOpt)))
        throw new AdFileError(
          h.line,
          'header',
          "no Currency code column: give the account's currency (e.g. --currency USD)",
        );
      return ({ record, line }) => {
        if (/^total/i.test(record[0] ?? '')) return undefined;
        const cell = (name: string): string | undefined => {
          const i = col(name);
          return i < 0 ? undefined : (record[i] ?? '');
        };
        const text = (name: string): string | null => (none(cell(name)) ? null : cell(name)!);
        const count = (name: string): number => {
          const v = cell(name);
          if (none(v)) return 0;
          const n = v!.replace(/,/g, '');
          if (!/^\d+$/.test(n))
            throw new AdFileError(line, names[col(name)]!, `not a whole number: "${v}"`);
          return Number(n);
        };
        const decimal = (name: string): number => {
          const v = cell(name);
          if (none(v)) return 0;
          const n = v!.replace(/,/g, '');
          if (!/^\d+(\.\d+)?$/.test(n))
            throw new AdFileError(line, names[col(name)]!, `not a number: "${v}"`);
          return Number(n);
        };
        const date = uiDay(cell('day') ?? '');
        if (date === undefined)
          throw new AdFileError(line, names[col('day')]!, `not a day: "${cell('day')}"`);
        if (period && (date < period.from || date > period.to))
          throw new AdFileError(
            line,
            names[col('day')]!,
            `${date} is outside the report's range ${period.from}..${period.to}`,
          );
        const campaign = text('campaign');
        if (campaign === null) throw new AdFileError(line, names[col('campaign')]!, 'is empty');
        const costText = (cell('cost') ?? '').replace(/,/g, '');
        const costMicros = none(cell('cost')) ? 0 : decimalToMicros(costText);
        if (costMicros === undefined)
          throw new AdFileError(line, names[col('cost')]!, `not an amount: "${cell('cost')}"`);
        const currency = (text('currency') ?? currencyOpt ?? '').toUpperCase();
        if (!/^[A-Z]{3}$/.test(currency))
          throw new AdFileError(
            line,
            names[col('currency')] ?? 'Currency code',
            'not a currency code',
          );
        rows++;
        return {
          date,
          currency,
          campaignId: text('campaignId') ?? `name:${campaign}`,
          campaignName: campaign,
          adGroupId:
            text('adGroupId') ?? (text('adGroup') === null ? null : `name:${text('adGroup')}`),
          adGroupName: text('adGroup'),
          adId: text('adId'),
          adName: text('ad'),
          keyword: text('keyword'),
          matchType: text('matchType'),
          impressions: count('impressions'),
          clicks: count('clicks'),
          costMicros,
          conversions: decimal('conversions'),
          conversionValue: decimal('conversionValue'),
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
        throw new AdFileError(h.line, 'Day', 'no rows and no date range: nothing to import');
      return period ?? {};
    },
  };
}

/** Reads a whole export (the streamed import uses googleAdsCsvReader). */
export function readGoogleAdsCsv(text: string, opts: { currency?: string } = {}): GoogleAdsCsv {
  const { rows, from, to } = readWhole(googleAdsCsvReader(text.slice(0, HEAD), opts), text);
  return { rows, from, to };
}
