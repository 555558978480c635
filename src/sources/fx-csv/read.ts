// Reads an exchange-rate file (CSV; `,` `;` or tab between fields, as its header has them) in one of two shapes:
//   - long: a header with `date`, `base`, `quote` and `rate` (also `from`/`to`), one rate per line:
//     1 base = rate quote from that date on;
//   - wide, as the ECB publishes its reference rates (eurofxref-hist.csv): `Date` then one column per
//     currency, each cell 1 base = cell currency; the base is given by the caller (the ECB's is EUR).
//     An empty or `N/A` cell is no rate that day (a holiday), not an error.
// Each bad value is reported by line and column with the reason, and its line is left out; the rest load.
import { parse } from 'csv-parse/sync';

export interface FxFileRate {
  date: string;
  base: string;
  quote: string;
  rate: number;
}

export interface FxFileProblem {
  /** 1-based line of the file. */
  line: number;
  field: string;
  reason: string;
}

export interface FxFile {
  shape: 'long' | 'wide';
  rates: FxFileRate[];
  rejected: FxFileProblem[];
  /** Data lines read (the header left out). */
  lines: number;
}

export class FxFileError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const CODE = /^[A-Z]{3}$/;
const LONG: Record<string, 'date' | 'base' | 'quote' | 'rate'> = {
  date: 'date',
  base: 'base',
  from: 'base',
  quote: 'quote',
  to: 'quote',
  rate: 'rate',
};

/** A calendar day as YYYY-MM-DD, or undefined (2026-02-30 is not one). */
export function isoDay(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
    ? m[0]
    : undefined;
}

/** A positive finite rate: `1.0842`, or `1,0842` (a decimal comma, in files split by `;` or tabs). */
function rateOf(text: string, decimalComma: boolean): number | undefined {
  const t = text.trim();
  const plain = decimalComma && /^\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return undefined;
  const n = Number(plain);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Reads the file's text; `base` is the base of a wide file (refused for a long one, which names its own). */
export function readFxFile(text: string, opts: { base?: string } = {}): FxFile {
  const body = text.replace(/^\uFEFF/, '');
  // the separator is the header's: a tab, else `;` (whose files write decimal commas), else `,`
  const first = body.split('\n', 1)[0] ?? '';
  const delimiter = first.includes('\t') ? '\t' : first.includes(';') ? ';' : ',';
  const decimalComma = delimiter !== ',';
  // csv-parse stops at what is not CSV (an unclosed quote): a bad file, never a failure of ours
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(body, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    throw new FxFileError('file', `not readable as CSV at line ${line}: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new FxFileError('file', 'is empty');
  const header = rows[0]!.record.map((h) => h.toLowerCase());
  const cols = new Map<string, number>();
  header.forEach((h, i) => {
    const name = LONG[h];
    if (name && !cols.has(name)) cols.set(name, i);
  });
  const data = rows.slice(1);
  const rates: FxFileRate[] = [];
  const rejected: FxFileProblem[] = [];
  const problem = (line: number, field: string, reason: string) =>
    rejected.push({ line, field, reason });

  if (cols.size === 4) {
    if (opts.base !== undefined)
      throw new FxFileError('base', 'this file names the base of each rate (a base column)');
    for (const { record, info } of data) {
      const line = info.lines;
      const cell = (k: string) => record[cols.get(k)!] ?? '';
      const date = isoDay(cell('date'));
      const base = cell('base').toUpperCase();
      const quote = cell('quote').toUpperCase();
      const rate = rateOf(cell('rate'), decimalComma);
      if (date === undefined) problem(line, 'date', `not a day as YYYY-MM-DD: "${cell('date')}"`);
      else if (!CODE.test(base)) problem(line, 'base', `not a currency code: "${cell('base')}"`);
      else if (!CODE.test(quote)) problem(line, 'quote', `not a currency code: "${cell('quote')}"`);
      else if (base === quote) problem(line, 'quote', 'is the same currency as base');
      else if (rate === undefined)
        problem(line, 'rate', `not a positive number: "${cell('rate')}"`);
      else rates.push({ date, base, quote, rate });
    }
    return { shape: 'long', rates, rejected, lines: data.length };
  }

  if (header[0] !== 'date')
    throw new FxFileError(
      'header',
      'needs the columns date, base, quote, rate (one rate a line) or date then one column per currency (ECB layout)',
    );
  const base = opts.base?.toUpperCase();
  if (base === undefined || !CODE.test(base))
    throw new FxFileError(
      'base',
      base === undefined
        ? "a file with a column per currency needs its base currency (e.g. EUR for the ECB's)"
        : `not a currency code: "${opts.base}"`,
    );
  const quotes = rows[0]!.record.map((h, i) => ({ code: h.toUpperCase(), i })).slice(1);
  for (const q of quotes)
    if (q.code !== '' && !CODE.test(q.code))
      throw new FxFileError('header', `column ${q.i + 1} is not a currency code: "${q.code}"`);
  for (const { record, info } of data) {
    const line = info.lines;
    const date = isoDay(record[0] ?? '');
    if (date === undefined) {
      problem(line, 'date', `not a day as YYYY-MM-DD: "${record[0] ?? ''}"`);
      continue;
    }
    for (const q of quotes) {
      const cell = record[q.i] ?? '';
      if (q.code === '' || q.code === base || cell === '' || cell.toUpperCase() === 'N/A') continue;
      const rate = rateOf(cell, decimalComma);
      if (rate === undefined) problem(line, q.code, `not a positive number: "${cell}"`);
      else rates.push({ date, base, quote: q.code, rate });
    }
  }
  return { shape: 'wide', rates, rejected, lines: data.length };
}
