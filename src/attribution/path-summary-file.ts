/**
 * Reads a path-summary file (CSV, TSV or `;`-separated) into rows. Recognises ChannelAttribution
 * headers (path;total_conversions;total_conversion_value;total_null) and Fractribution headers
 * (transformed_path,conversions,non_conversions,revenue) without configuration; `columns` maps any
 * other names. Bad input throws PathSummaryFileError naming the line, the column and the reason.
 */
import { readFileSync } from 'node:fs';
import type { PathSummaryRow } from './types.js';

/** Bad input in a path-summary file, naming where (the file, or the option that reads it) and why. */
export class PathSummaryFileError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'PathSummaryFileError';
  }
}

export type Delimiter = ',' | ';' | '\t';
export type PathColumn = 'path' | 'conversions' | 'value' | 'nulls';

export interface PathSummaryFileOptions {
  /** Column delimiter; auto-detected from the header when absent. */
  delimiter?: Delimiter | 'auto';
  /** Separator between channels inside a path (default ">"); channel names are trimmed. */
  channelSeparator?: string;
  /** Header names of the columns, overriding detection. */
  columns?: Partial<Record<PathColumn, string>>;
}

const KNOWN: Record<PathColumn, readonly string[]> = {
  path: ['path', 'transformed_path', 'paths'],
  conversions: ['total_conversions', 'conversions', 'conversion', 'total_conversion'],
  value: ['total_conversion_value', 'revenue', 'value', 'conversion_value', 'total_value'],
  nulls: ['total_null', 'total_nulls', 'nulls', 'null', 'non_conversions', 'non_conversion'],
};

export function readPathSummaryFile(
  file: string,
  options: PathSummaryFileOptions = {},
): PathSummaryRow[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new PathSummaryFileError(`cannot read ${file}: ${(err as Error).message}`, 'FILE');
  }
  return parsePathSummary(text, options);
}

export function parsePathSummary(
  text: string,
  options: PathSummaryFileOptions = {},
): PathSummaryRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h]!.trim() === '') h++;
  if (h === lines.length)
    throw new PathSummaryFileError('the file is empty (a header line is required)', 'FILE');
  const headerLine = lines[h]!;
  const delimiter =
    options.delimiter === undefined || options.delimiter === 'auto'
      ? detectDelimiter(headerLine)
      : options.delimiter;
  const header = splitLine(headerLine, delimiter, h + 1).map((x) => x.trim());
  const index = resolveColumns(header, options.columns ?? {});
  const sep = options.channelSeparator ?? '>';
  if (sep === '')
    throw new PathSummaryFileError('the channel separator must not be empty', '--sep');

  const rows: PathSummaryRow[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const cells = splitLine(line, delimiter, lineNo);
    if (cells.length !== header.length) {
      throw new PathSummaryFileError(
        `line ${lineNo}: expected ${header.length} fields, found ${cells.length}`,
        'FILE',
      );
    }
    const cell = (c: PathColumn): string | undefined =>
      index[c] === undefined ? undefined : cells[index[c]!]!.trim();
    const rawPath = cell('path')!;
    const path = rawPath === '' ? [] : rawPath.split(sep).map((x) => x.trim());
    const blank = path.findIndex((x) => x === '');
    if (blank >= 0) {
      throw new PathSummaryFileError(
        `line ${lineNo}, column ${header[index.path!]}: empty channel name at step ${blank + 1} of "${rawPath}"`,
        'FILE',
      );
    }
    const row: PathSummaryRow = {
      path,
      conversions: number(cell('conversions'), lineNo, header[index.conversions!]!, true),
      value: number(
        cell('value'),
        lineNo,
        index.value === undefined ? 'value' : header[index.value]!,
        false,
      ),
      nulls: number(
        cell('nulls'),
        lineNo,
        index.nulls === undefined ? 'nulls' : header[index.nulls]!,
        true,
      ),
    };
    if (row.conversions === 0 && row.value !== 0) {
      throw new PathSummaryFileError(
        `line ${lineNo}, column ${header[index.value!]}: value ${row.value} on a path with no conversions`,
        'FILE',
      );
    }
    rows.push(row);
  }
  return rows;
}

function number(text: string | undefined, line: number, column: string, count: boolean): number {
  if (text === undefined || text === '') return 0; // absent column or empty cell (Fractribution leaves revenue empty)
  const x = Number(text);
  if (!Number.isFinite(x))
    throw new PathSummaryFileError(
      `line ${line}, column ${column}: "${text}" is not a number`,
      'FILE',
    );
  if (count && x < 0)
    throw new PathSummaryFileError(`line ${line}, column ${column}: ${x} is negative`, 'FILE');
  return x;
}

function detectDelimiter(header: string): Delimiter {
  const count = (d: string): number => splitLine(header, d as Delimiter, 1).length;
  const candidates: Delimiter[] = ['\t', ';', ','];
  let best: Delimiter = ',';
  let most = 1;
  for (const d of candidates) {
    const n = count(d);
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

function resolveColumns(
  header: readonly string[],
  given: Partial<Record<PathColumn, string>>,
): Partial<Record<PathColumn, number>> {
  const lower = header.map((x) => x.toLowerCase());
  const index: Partial<Record<PathColumn, number>> = {};
  for (const col of ['path', 'conversions', 'value', 'nulls'] as const) {
    const name = given[col];
    if (name !== undefined) {
      const i = lower.indexOf(name.toLowerCase());
      if (i < 0)
        throw new PathSummaryFileError(
          `column "${name}" (for ${col}) is not in the header: ${header.join(', ')}`,
          '--columns',
        );
      index[col] = i;
      continue;
    }
    const i = lower.findIndex((x) => KNOWN[col].includes(x));
    if (i >= 0) index[col] = i;
  }
  for (const col of ['path', 'conversions'] as const) {
    if (index[col] === undefined) {
      throw new PathSummaryFileError(
        `no ${col} column in the header (${header.join(', ')}); name it with --columns ${col}=COLUMN`,
        '--columns',
      );
    }
  }
  return index;
}

/** One line of delimited text; double quotes may wrap a field ("" is a literal quote). */
function splitLine(line: string, delimiter: Delimiter, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0)
          throw new PathSummaryFileError(
            `line ${lineNo}, field ${out.length + 1}: unclosed quote`,
            'FILE',
          );
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < line.length && line[i] !== delimiter) {
        throw new PathSummaryFileError(
          `line ${lineNo}, field ${out.length + 1}: text after a closing quote`,
          'FILE',
        );
      }
      out.push(field);
    } else {
      const d = line.indexOf(delimiter, i);
      out.push(d < 0 ? line.slice(i) : line.slice(i, d));
      i = d < 0 ? line.length : d;
    }
    if (i >= line.length) return out;
    i++; // skip the delimiter
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}
