// What the ad platforms' CSV exports have in common, read once: the records with their line numbers,
// the separator sniffed (`,`, `;` in localised exports, tabs in "Excel" downloads), and numbers as a
// marketer's locale writes them ("1,234.50", "1.234,50", "1 234,50", "--"). A file is read record by
// record (csvLinesOf streams it through csv-parse, csvLines reads a whole text) into a platform's
// AdCsvReader, so an import holds a bounded window of the file, never all of it.
import { CsvError, parse as parseStream, type Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { AdFileError, decimalToMicros, type AdCostRecord } from './records.js';

export interface CsvLine {
  record: string[];
  /** 1-based line of the file where the record ends. */
  line: number;
}

/** The separator of most of the first lines: `,`, `;` or a tab. */
export function sniffDelimiter(text: string): ',' | ';' | '\t' {
  const head = text
    .split('\n')
    .slice(0, 30)
    .join('\n')
    .replace(/"[^"]*"/g, '');
  const count = (c: string) => head.split(c).length - 1;
  const tabs = count('\t');
  const semis = count(';');
  const commas = count(',');
  if (tabs > commas && tabs > semis) return '\t';
  return semis > commas ? ';' : ',';
}

const csvOptions = (delimiter: string): Options => ({
  delimiter,
  relax_column_count: true,
  relax_quotes: false,
  skip_empty_lines: true,
  trim: true,
  info: true,
});

// csv-parse stops at what is not CSV (an unclosed quote): a bad file, never a failure of ours
const notCsv = (e: unknown) =>
  new AdFileError(
    (e as { lines?: number }).lines ?? 0,
    'file',
    `not readable as CSV: ${(e as Error).message}`,
  );

type Parsed = { record: string[]; info: { lines: number } };
const lineOf = ({ record, info }: Parsed): CsvLine => ({ record, line: info.lines });
const hasCells = ({ record }: CsvLine) => record.some((c) => c !== '');

/** The file's records (empty lines skipped, cells trimmed); not CSV at all is an AdFileError. */
export function csvLines(text: string, delimiter = sniffDelimiter(text)): CsvLine[] {
  try {
    const out = parse(text.replace(/^\uFEFF/, ''), csvOptions(delimiter)) as unknown as Parsed[];
    return out.map(lineOf).filter(hasCells);
  } catch (e) {
    throw notCsv(e);
  }
}

/** The records of a text arriving in pieces, as csvLines reads them, streamed through csv-parse. */
export async function* csvLinesOf(
  text: AsyncIterable<string>,
  delimiter: string,
): AsyncGenerator<CsvLine> {
  const parser = parseStream({ ...csvOptions(delimiter), bom: true });
  // fed as the records are taken: csv-parse's buffer is the only look-ahead, so memory stays bounded
  const feed = (async () => {
    for await (const chunk of text) {
      if (parser.destroyed) return;
      if (!parser.write(chunk))
        await new Promise<void>((resolve) => {
          const go = () => {
            parser.off('drain', go).off('close', go);
            resolve();
          };
          parser.on('drain', go).on('close', go);
        });
    }
    parser.end();
  })();
  // a failure of the source ends the parse with it (and is thrown where the records are taken)
  feed.catch((e: unknown) => parser.destroy(e as Error));
  try {
    for await (const p of parser as AsyncIterable<Parsed>) {
      const l = lineOf(p);
      if (hasCells(l)) yield l;
    }
    await feed;
  } catch (e) {
    throw e instanceof CsvError ? notCsv(e) : e;
  } finally {
    parser.destroy();
  }
}

/**
 * A platform's export read record by record: what precedes the header (a title, a date range, notes) is
 * kept until the header comes, then every record is a cost row or a line it skips (total rows, a
 * copyright footer), told apart by the record itself, so nothing after the header is held back.
 */
export interface AdCsvReader {
  /** The field separator the reader expects (sniffed from the file's head). */
  delimiter: ',' | ';' | '\t';
  /** Takes the file's next record: a cost row, or undefined for a line that is not one. */
  take(l: CsvLine): AdCostRecord | undefined;
  /** After the last record: the period the file states, the accounts it names; throws what a file lacks. */
  end(): { from?: string; to?: string; accounts?: string[] };
}

/** How much of a file's beginning (characters) its format and separator are sniffed from. */
export const HEAD = 64 * 1024;

/** Records a file may have before its header; a file with more has no header we know. */
export const PREAMBLE_LIMIT = 100;

/**
 * The header phase every reader shares: records until `isHeader` takes one are its preamble, then
 * `start` (given the header and the preamble) returns what reads each record after it.
 */
export function headerThenRows(
  isHeader: (record: readonly string[]) => boolean,
  noHeader: string,
  start: (
    header: CsvLine,
    preamble: readonly CsvLine[],
  ) => (l: CsvLine) => AdCostRecord | undefined,
): { take(l: CsvLine): AdCostRecord | undefined; header(): CsvLine } {
  let preamble: CsvLine[] = [];
  let header: CsvLine | undefined;
  let rows: ((l: CsvLine) => AdCostRecord | undefined) | undefined;
  return {
    take(l) {
      if (rows) return rows(l);
      if (isHeader(l.record)) {
        header = l;
        rows = start(l, preamble);
        preamble = [];
        return undefined;
      }
      preamble.push(l);
      if (preamble.length > PREAMBLE_LIMIT) throw new AdFileError(1, 'header', noHeader);
      return undefined;
    },
    header() {
      if (!header) throw new AdFileError(1, 'header', noHeader);
      return header;
    },
  };
}

/** A reader over a whole text: the rows, and the period the file states, else its rows' first and last day. */
export function readWhole(
  reader: AdCsvReader,
  text: string,
): { rows: AdCostRecord[]; from: string; to: string; accounts: string[] } {
  const rows: AdCostRecord[] = [];
  for (const l of csvLines(text, reader.delimiter)) {
    const r = reader.take(l);
    if (r) rows.push(r);
  }
  const stated = reader.end();
  const span =
    stated.from !== undefined && stated.to !== undefined
      ? { from: stated.from, to: stated.to }
      : spanOf(rows.map((r) => r.date));
  // end() refuses a file with neither rows nor a period, so there is a span here
  return { rows, ...span!, accounts: stated.accounts ?? [] };
}

/** A cell that says "nothing": empty, `--`, `-`. */
export const isNone = (v: string | undefined): boolean =>
  v === undefined || /^(|-|--|—|n\/a)$/i.test(v.trim());

/**
 * A number as exported, to plain decimal text ("1234.5"), or undefined. With both `.` and `,` the
 * later one is the decimal mark; with `,` alone it is the decimal mark when `decimalComma` (a `;` file)
 * or when it is not followed by exactly three digits; spaces are thousands separators.
 */
export function plainDecimal(text: string, decimalComma: boolean): string | undefined {
  const t = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  const dot = t.lastIndexOf('.');
  const comma = t.lastIndexOf(',');
  let decimal: '.' | ',' | null;
  if (dot >= 0 && comma >= 0) decimal = dot > comma ? '.' : ',';
  else if (comma >= 0)
    decimal = t.indexOf(',') === comma && (decimalComma || !/,\d{3}$/.test(t)) ? ',' : null;
  else if (dot >= 0) decimal = decimalComma && /^\d{1,3}(\.\d{3})+$/.test(t) ? null : '.';
  else decimal = null;
  const cut = decimal === null ? -1 : t.lastIndexOf(decimal);
  const whole = cut < 0 ? t : t.slice(0, cut);
  const fraction = cut < 0 ? '' : t.slice(cut + 1);
  const sep = decimal === '.' ? ',' : decimal === ',' ? '.' : comma >= 0 ? ',' : '.';
  // thousands separators only between groups of three ("97,31,0" is not a number)
  const grouped = new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`);
  if (!/^\d+$/.test(whole) && !grouped.test(whole)) return undefined;
  if (cut >= 0 && !/^\d+$/.test(fraction)) return undefined;
  const digits = whole.split(sep).join('');
  return fraction ? `${digits}.${fraction}` : digits;
}

/** Readers of one record's cells by field, each error naming the line and the column as written. */
export function cellReader(
  header: readonly string[],
  fields: readonly (string | undefined)[],
  { record, line }: CsvLine,
  decimalComma: boolean,
) {
  const idx = (f: string) => fields.indexOf(f);
  const raw = (f: string): string | undefined => (idx(f) < 0 ? undefined : (record[idx(f)] ?? ''));
  const bad = (f: string, why: string) => new AdFileError(line, header[idx(f)] ?? f, why);
  return {
    has: (f: string) => idx(f) >= 0,
    text: (f: string): string | null => (isNone(raw(f)) ? null : raw(f)!.trim()),
    count(f: string): number {
      const v = raw(f);
      if (isNone(v)) return 0;
      const d = plainDecimal(v!, decimalComma);
      if (d === undefined || d.includes('.')) throw bad(f, `not a whole number: "${v}"`);
      return Number(d);
    },
    decimal(f: string): number {
      const v = raw(f);
      if (isNone(v)) return 0;
      const d = plainDecimal(v!, decimalComma);
      if (d === undefined) throw bad(f, `not a number: "${v}"`);
      return Number(d);
    },
    micros(f: string): number {
      const v = raw(f);
      if (isNone(v)) return 0;
      // a currency sign or code beside the amount ("$1,184.50", "1.234,56 €", "12.50 USD") is allowed
      const bare = v!.trim().replace(/^(?:[A-Z]{3}|[$€£¥₹])\s*|\s*(?:[A-Z]{3}|[$€£¥₹])$/g, '');
      const d = plainDecimal(bare, decimalComma);
      const m = d === undefined ? undefined : decimalToMicros(d);
      if (m === undefined) throw bad(f, `not an amount: "${v}"`);
      return m;
    },
    bad,
  };
}

/** First and last day of the rows, or undefined when there are none. */
export function spanOf(days: readonly string[]): { from: string; to: string } | undefined {
  if (days.length === 0) return undefined;
  const sorted = [...days].sort();
  return { from: sorted[0]!, to: sorted.at(-1)! };
}

const pad = (n: string) => n.padStart(2, '0');
/** A day as US exports write it: 2026-09-01 or 9/1/2026 (month first); undefined if no such day. */
export function usOrIsoDay(text: string): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const m: readonly string[] | null = iso ?? (us && ['', us[3]!, us[1]!, us[2]!]);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCMonth() === mo - 1 && at.getUTCDate() === d
    ? `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`
    : undefined;
}
