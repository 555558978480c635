// Writes rows in the import's column set as CSV (RFC 4180: comma-separated, CRLF line ends, a field
// quoted when it holds a comma, a quote, a line break or edge spaces, quotes doubled). What this writes,
// the reader reads back to the same records: the simulator's CRM CSV writer and the tests use it.

import { COLUMNS, type Column } from './columns.js';
import type { CsvRow } from './row-reader.js';

function field(value: string | undefined): string {
  const v = value ?? '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * CSV text with a header of `columns` (default: every column any row uses, in the column set's
 * order) and one line per row.
 */
export function writeCrmCsv(rows: readonly CsvRow[], columns?: readonly Column[]): string {
  const used = columns ?? COLUMNS.filter((c) => rows.some((r) => r[c] !== undefined));
  const lines = [used.join(','), ...rows.map((r) => used.map((c) => field(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
