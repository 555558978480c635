// What the ad platforms' CSV exports have in common, read once: the records with their line numbers,
// the separator sniffed (`,`, `;` in localised exports, tabs in "Excel" downloads), and numbers as a
// marketer's locale writes them ("1,234.50", "1.234,50", "1 234,50", "--").
import { parse } from 'csv-parse/sync';
import { AdFileError, decimalToMicros } from './records.js';

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

/** The file's records (empty lines skipped, cells trimmed); not CSV at all is an AdFileError. */
export function csvLines(text: string, delimiter = sniffDelimiter(text)): CsvLine[] {
  try {
    const out = parse(text.replace(/^\uFEFF/, ''), {
      delimiter,
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return out
      .map(({ record, info }) => ({ record, line: info.lines }))
      .filter(({ record }) => record.some((c) => c !== ''));
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    throw new AdFileError(line, 'file', `not readable as CSV: ${(e as Error).message}`);
  }
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
