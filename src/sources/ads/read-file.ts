// One ad-cost file of any platform, as `closedloop import ads` and POST /api/ad-costs take it, its
// format sniffed: a saved API answer (JSON: Google Ads searchStream, Meta Insights pages, LinkedIn
// adAnalytics) or the platform's CSV export (Google Ads UI, Meta Ads Manager, LinkedIn Campaign
// Manager, Microsoft Advertising report or UI export, zipped or not; UTF-8 or the UTF-16 of "Excel"
// downloads). Every problem is an AdImportError naming where (line and column, or the JSON path) and
// why. streamAdFile reads a file as it arrives, in memory bounded whatever its size (the format sniffed
// from its head): a CSV record by record, an API answer row by row (./json-answer.ts); readAdFile
// reads a file held whole (an answer with JSON.parse), through the same row readers. docs/costs.md.
import type { AdCostRecord } from './records.js';
import { AdFileError } from './records.js';
import { csvLines, csvLinesOf, HEAD, type AdCsvReader } from './csv.js';
import { decodeExport, googleAdsCsvReader } from '../google-ads/ui-csv.js';
import { costRecordsOfStream, GoogleAdsRowError } from '../google-ads/stream.js';
import { metaAdsCsvReader } from '../meta-ads/ads-manager-csv.js';
import { costRecordsOfInsightsFile, MetaRowError } from '../meta-ads/insights.js';
import { costRecordsOfAnalyticsFile, LinkedInRowError } from '../linkedin-ads/analytics.js';
import { linkedInCsvReader } from '../linkedin-ads/campaign-manager-csv.js';
import { microsoftAdsCsvReader } from '../microsoft-ads/report-csv.js';
import { isZip, unzip, unzipFirst } from '../microsoft-ads/zip.js';
import { adAccountKey } from './account-key.js';
import { analyticsShape, insightsShape, searchStreamShape } from './answers.js';
import { AnswerReader, visitAccounts, type AnswerShape } from './json-answer.js';

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

/** The accounts a saved API answer names: Meta's `account_id`, Google's `customers/{id}`. */
function accountsInAnswer(json: unknown): string[] {
  const found = new Set<string>();
  visitAccounts(json, 0, found);
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

/** The platform's answer as the streamed read takes it (the same row readers as readJson's). */
function answerShape(platform: AdFilePlatform, o: AdFileOptions): AnswerShape {
  switch (platform) {
    case 'google':
      return searchStreamShape();
    case 'meta':
      return insightsShape(o.currency ? { currency: o.currency } : {});
    case 'linkedin':
      if (!o.currency)
        throw new AdImportError(
          'currency',
          "adAnalytics answers have no currency: give the account's",
        );
      return analyticsShape({ currency: o.currency });
    case 'microsoft':
      throw new AdImportError(
        'file',
        'Microsoft Advertising files are CSV (the report or UI export), not JSON',
      );
  }
}

function csvReader(platform: AdFilePlatform, head: string, o: AdFileOptions): AdCsvReader {
  const opts = o.currency ? { currency: o.currency } : {};
  switch (platform) {
    case 'google':
      return googleAdsCsvReader(head, opts);
    case 'meta':
      return metaAdsCsvReader(head, opts);
    case 'microsoft':
      return microsoftAdsCsvReader(head, opts);
    case 'linkedin':
      return linkedInCsvReader(head, opts);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A reader's or a JSON reader's error as the import's: where and why. */
function asImportError(e: unknown): unknown {
  if (e instanceof AdFileError)
    return new AdImportError(
      e.line > 0 ? `line ${e.line}, column ${e.column}` : e.column,
      e.reason,
    );
  if (e instanceof GoogleAdsRowError || e instanceof MetaRowError || e instanceof LinkedInRowError)
    return new AdImportError(e.where, e.reason);
  return e;
}

/**
 * What is checked of a file's rows one by one (the days the options bound) and, once all are read, of
 * the whole (the account it names, its period): the same for a file read whole or streamed.
 */
function fileChecks(o: AdFileOptions) {
  for (const k of ['from', 'to'] as const)
    if (o[k] !== undefined && !DAY.test(o[k]!))
      throw new AdImportError(k, 'not a day as YYYY-MM-DD');
  let first: string | undefined;
  let last: string | undefined;
  return {
    row(r: AdCostRecord): void {
      if ((o.from !== undefined && r.date < o.from) || (o.to !== undefined && r.date > o.to))
        throw new AdImportError(
          'to',
          `the file has ${r.date}, outside ${o.from ?? 'its first day'}..${o.to ?? 'its last day'}`,
        );
      if (first === undefined || r.date < first) first = r.date;
      if (last === undefined || r.date > last) last = r.date;
    },
    end(stated: { from?: string; to?: string }, named: readonly string[]) {
      const account = adAccountKey(o.account ?? '');
      if (o.account !== undefined && named.length > 0 && !named.map(adAccountKey).includes(account))
        throw new AdImportError(
          'account',
          `the file is of account ${named.join(', ')}, not ${o.account}: importing it would replace that account's days`,
        );
      const from = o.from ?? stated.from ?? first;
      const to = o.to ?? stated.to ?? last;
      if (from === undefined || to === undefined)
        throw new AdImportError('file', 'no rows and no period: give --from and --to');
      if (from > to) throw new AdImportError('from', `${from} is after ${to}`);
      // a stated period the rows fall outside of is the reader's error; this is the options' period
      const outside = [first, last].find((d) => d !== undefined && (d < from || d > to));
      if (outside) throw new AdImportError('to', `the file has ${outside}, outside ${from}..${to}`);
      return { from, to };
    },
  };
}

function readJsonText(platform: AdFilePlatform, text: string, o: AdFileOptions) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AdImportError('file', `not JSON: ${(e as Error).message}`);
  }
  let rows: AdCostRecord[];
  try {
    rows = readJson(platform, parsed, o);
  } catch (e) {
    throw asImportError(e);
  }
  const checks = fileChecks(o);
  rows.forEach(checks.row);
  return { rows, ...checks.end({}, accountsInAnswer(parsed)) };
}

const isJson = (head: string) => /^\s*[[{]/.test(head);

/** The rows and period of a platform's file, read whole; all or nothing. */
export function readAdFile(platform: AdFilePlatform, bytes: Buffer, o: AdFileOptions = {}): AdFile {
  const checks = fileChecks(o);
  const text = textOf(bytes);
  if (text.trim() === '') throw new AdImportError('file', 'is empty');
  if (isJson(text)) return { format: 'api-json', ...readJsonText(platform, text, o) };
  const rows: AdCostRecord[] = [];
  try {
    const reader = csvReader(platform, text.slice(0, HEAD), o);
    for (const l of csvLines(text, reader.delimiter)) {
      const r = reader.take(l);
      if (r) rows.push(r);
      if (r) checks.row(r);
    }
    const stated = reader.end();
    return { format: 'csv', rows, ...checks.end(stated, stated.accounts ?? []) };
  } catch (e) {
    throw asImportError(e);
  }
}

/** A file being read: its rows as they come, then (only once they all came) its period. */
export interface AdFileStream {
  format: 'api-json' | 'csv';
  /** The rows, once; the first problem is thrown as an AdImportError where it is met. */
  rows: AsyncIterable<AdCostRecord>;
  /** The period the rows are imported as: only after every row was taken. */
  period(): { from: string; to: string };
}

/** The text of a file arriving in pieces: the first entry of a zip, UTF-16 or UTF-8, BOM dropped. */
async function* textPieces(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const it = bytes[Symbol.asyncIterator]();
  // enough of the beginning to tell a zip (4 bytes) and a UTF-16 byte-order mark
  let start = Buffer.alloc(0);
  let done = false;
  while (start.length < 4 && !done) {
    const n = await it.next();
    if (n.done) done = true;
    else start = Buffer.concat([start, n.value]);
  }
  const all = (async function* () {
    if (start.length > 0) yield start;
    if (!done) yield* { [Symbol.asyncIterator]: () => it };
  })();
  let content: AsyncIterable<Uint8Array> = all;
  if (isZip(start)) {
    const unzipped = unzipFirst(all);
    content = (async function* () {
      try {
        yield* unzipped;
      } catch (e) {
        throw new AdImportError('file', (e as Error).message);
      }
    })();
  }
  let decoder: TextDecoder | undefined;
  for await (const piece of content) {
    // TextDecoder drops the byte-order mark of either, and keeps a character split between pieces whole
    decoder ??= new TextDecoder(piece[0] === 0xff && piece[1] === 0xfe ? 'utf-16le' : 'utf-8');
    const text = decoder.decode(piece, { stream: true });
    if (text) yield text;
  }
  const rest = decoder?.decode() ?? '';
  if (rest) yield rest;
}

/**
 * A platform's file as it arrives (a file read in chunks, a request body): its format sniffed from its
 * head, a CSV read record by record, an API answer (JSON) row by row (bounded memory). Nothing is kept of
 * the rows: the caller stores them as they come, and makes them count only once period() answers.
 */
export async function streamAdFile(
  platform: AdFilePlatform,
  bytes: AsyncIterable<Uint8Array>,
  o: AdFileOptions = {},
): Promise<AdFileStream> {
  const checks = fileChecks(o);
  const text = textPieces(bytes);
  let head = '';
  let ended = false;
  while (head.length < HEAD && !ended) {
    const n = await text.next();
    if (n.done) ended = true;
    else head += n.value;
  }
  if (ended && head.trim() === '') throw new AdImportError('file', 'is empty');
  const whole = (async function* () {
    yield head;
    if (!ended) yield* text;
  })();
  let period: { from: string; to: string } | undefined;
  const json = isJson(head);
  // an answer's shape is known before a row is read (a Microsoft answer, a LinkedIn one without currency)
  const shape = json ? answerShape(platform, o) : undefined;
  const rows = async function* () {
    try {
      if (shape) {
        const answer = new AnswerReader(shape);
        for await (const t of whole)
          for (const r of answer.write(t)) {
            checks.row(r);
            yield r;
          }
        answer.end();
        period = checks.end({}, answer.accounts());
        return;
      }
      const reader = csvReader(platform, head, o);
      for await (const l of csvLinesOf(whole, reader.delimiter)) {
        const r = reader.take(l);
        if (!r) continue;
        checks.row(r);
        yield r;
      }
      const stated = reader.end();
      period = checks.end(stated, stated.accounts ?? []);
    } catch (e) {
      throw asImportError(e);
    }
  };
  return {
    format: json ? 'api-json' : 'csv',
    rows: rows(),
    period: () => {
      if (!period) throw new Error('the period of a file is known once all its rows are read');
      return period;
    },
  };
}
