// Writes rows in the import's column set as CSV (RFC 4180: comma-separated, CRLF line ends, a field
// quoted when it holds a comma, a quote, a line break or edge spaces, quotes doubled). What this writes,
// the reader reads back to the same records: the simulator's CRM CSV writer and the tests use it.

import { closeSync, openSync, writeSync } from 'node:fs';
import { COLUMNS, type Column } from './columns.js';
import type { CsvRow } from './row-reader.js';

function field(value: string | undefined): string {
  const v = value ?? '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV line (with its CRLF) of `row` in `columns`. */
export function crmCsvLine(row: CsvRow, columns: readonly Column[]): string {
  return `${columns.map((c) => field(row[c])).join(',')}\r\n`;
}

/**
 * CSV text with a header of `columns` (default: every column any row uses, in the column set's
 * order) and one line per row.
 */
export function writeCrmCsv(rows: readonly CsvRow[], columns?: readonly Column[]): string {
  const used = columns ?? COLUMNS.filter((c) => rows.some((r) => r[c] !== undefined));
  return `${used.join(',')}\r\n${rows.map((r) => crmCsvLine(r, used)).join('')}`;
}

const BUFFER_CHARS = 1 << 20;

/** A CSV file written row by row through a bounded buffer, with a fixed header: for big files. */
export class CrmCsvFile {
  private readonly fd: number;
  private buf: string[] = [];
  private chars = 0;
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly Column[],
  ) {
    this.fd = openSync(path, 'w');
    this.buf.push(`${columns.join(',')}\r\n`);
  }

  write(row: CsvRow): void {
    const line = crmCsvLine(row, this.columns);
    this.buf.push(line);
    this.rows++;
    this.chars += line.length;
    if (this.chars >= BUFFER_CHARS) this.flush();
  }

  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.chars = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
