// One ad-cost file of any platform, as `closedloop import ads` and POST /api/ad-costs take it, its
// format sniffed: a saved API answer (JSON: Google Ads searchStream, Meta Insights pages, LinkedIn
// adAnalytics) or the platform's CSV export (Google Ads UI, Meta Ads Manager, LinkedIn Campaign
// Manager, Microsoft Advertising report or UI export, zipped or not; UTF-8 or the UTF-16 of "Excel" downloads). Every problem is an
// AdImportError naming where (line and column, or the JSON path) and why. docs/costs.md.
import type { AdCostRecord } from './records.js';
import { AdFileError } from './records.js';
import { decodeExport, readGoogleAdsCsv } from '../google-ads/ui-csv.js';
import { costRecordsOfStream, GoogleAdsRowError } from '../google-ads/stream.js';
import { readMetaAdsCsv } from '../meta-ads/ads-manager-csv.js';
import { costRecordsOfInsightsFile, MetaRowError } from '../meta-ads/insights.js';
import { costRecordsOfAnalyticsFile, LinkedInRowError } from '../linkedin-ads/analytics.js';
import { readLinkedInCsv } from '../linkedin-ads/campaign-manager-csv.js';
import { readMicrosoftAdsCsv } from '../microsoft-ads/report-csv.js';
import { isZip, unzip } from '../microsoft-ads/zip.js';

export const AD_FILE_PLATFORMS = ['google', 'meta', 'linkedin', 'microsoft'] as const;
export type AdFilePlatform = (typeof AD_FILE_PLATFORMS)[number];

/** A file that cannot be imported: `where` is "line 4, column Cost", "[1].data[0].spend" or "file". */
export class AdImportError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** An account id without its decorations: `act_`, dashes, a LinkedIn URN. */
const accountKey = (id: string) =>
  id
    .trim()
    .replace(/^act_|^urn:li:sponsoredAccount:/, '')
    .replace(/-/g, '');

/** The accounts a saved API answer names: Meta's `account_id`, Google's `customers/{id}`. */
function accountsInAnswer(json: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => visit(x, depth + 1));
    const o = v as Record<string, unknown>;
    if (typeof o.account_id === 'string') found.add(o.account_id);
    const customer = o.customer as { resourceName?: unknown } | undefined;
    const m =
      typeof customer?.resourceName === 'string' &&
      /^customers\/(\d+)$/.exec(customer.resourceName);
    if (m) found.add(m[1]!);
    for (const k of ['data', 'results']) if (k in o) visit(o[k], depth + 1);
  };
  visit(json, 0);
  return [...found];
}

export interface AdFileOptions {
  /** The account the file is imported as: refused when the file names only others. */
  account?: string;
  /** The account's currency, for files that do not carry it. */
  currency?: string;
  /** The period the file covers, when it does not say (an API answer) or to state it. */
  from?: string;
  to?: string;
}

export interface AdFile {
  format: 'api-json' | 'csv';
  rows: AdCostRecord[];
  from: string;
  to: string;
}

/** The file's text: unzipped (the first entry), BOM dropped, UTF-16 decoded. */
function textOf(bytes: Buffer): string {
  if (isZip(bytes)) {
    let entries;
    try {
      entries = unzip(bytes);
    } catch (e) {
      throw new AdImportError('file', (e as Error).message);
    }
    const first = entries.find((e) => !e.name.endsWith('/'));
    if (!first) throw new AdImportError('file', 'the zip holds no file');
    return decodeExport(first.data);
  }
  return decodeExport(bytes);
}

function readJson(platform: AdFilePlatform, json: unknown, o: AdFileOptions): AdCostRecord[] {
  switch (platform) {
    case 'google':
      return costRecordsOfStream(json);
    case 'meta':
      return costRecordsOfInsightsFile(json, o.currency ? { currency: o.currency } : {});
    case 'linkedin':
      if (!o.currency)
        throw new AdImportError(
          'currency',
          "adAnalytics answers have no currency: give the account's",
        );
      return costRecordsOfAnalyticsFile(json, { currency: o.currency });
    case 'microsoft':
      throw new AdImportError(
        'file',
        'Microsoft Advertising files are CSV (the report or UI export), not JSON',
      );
  }
}

function readCsv(platform: AdFilePlatform, text: string, o: AdFileOptions) {
  const opts = o.currency ? { currency: o.currency } : {};
  switch (platform) {
    case 'google':
      return readGoogleAdsCsv(text, opts);
    case 'meta':
      return readMetaAdsCsv(text, opts);
    case 'microsoft':
      return readMicrosoftAdsCsv(text, opts);
    case 'linkedin':
      return readLinkedInCsv(text, opts);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The rows and period of a platform's file; all or nothing. */
export function readAdFile(platform: AdFilePlatform, bytes: Buffer, o: AdFileOptions = {}): AdFile {
  for (const k of ['from', 'to'] as const)
    if (o[k] !== undefined && !DAY.test(o[k]!))
      throw new AdImportError(k, 'not a day as YYYY-MM-DD');
  const text = textOf(bytes);
  if (text.trim() === '') throw new AdImportError('file', 'is empty');
  const json = /^\s*[[{]/.test(text);
  let parsed: unknown;
  let read: { rows: AdCostRecord[]; from?: string; to?: string; accounts?: string[] };
  try {
    if (json) {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new AdImportError('file', `not JSON: ${(e as Error).message}`);
      }
      read = { rows: readJson(platform, parsed, o) };
    } else read = readCsv(platform, text, o);
  } catch (e) {
    if (e instanceof AdFileError)
      throw new AdImportError(
        e.line > 0 ? `line ${e.line}, column ${e.column}` : e.column,
        e.reason,
      );
    if (
      e instanceof GoogleAdsRowError ||
      e instanceof MetaRowError ||
      e instanceof LinkedInRowError
    )
      throw new AdImportError(e.where, e.reason);
    throw e;
  }
  const named = json ? accountsInAnswer(parsed) : (read.accounts ?? []);
  const account = accountKey(o.account ?? '');
  if (o.account !== undefined && named.length > 0 && !named.map(accountKey).includes(account))
    throw new AdImportError(
      'account',
      `the file is of account ${named.join(', ')}, not ${o.account}: importing it would replace that account's days`,
    );
  const days = read.rows.map((r) => r.date).sort();
  const from = o.from ?? read.from ?? days[0];
  const to = o.to ?? read.to ?? days.at(-1);
  if (from === undefined || to === undefined)
    throw new AdImportError('file', 'no rows and no period: give --from and --to');
  if (from > to) throw new AdImportError('from', `${from} is after ${to}`);
  const outside = read.rows.find((r) => r.date < from || r.date > to);
  if (outside)
    throw new AdImportError('to', `the file has ${outside.date}, outside ${from}..${to}`);
  return { format: json ? 'api-json' : 'csv', rows: read.rows, from, to };
}
