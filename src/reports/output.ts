// A report's result in the format asked for: JSON (the result as run), or its table form (report.table)
// as CSV or Parquet, written by DuckDB (store/engines/duckdb/table-export.ts). The HTTP route and the CLI
// share this, so `?format=csv` and `--format csv` give the same bytes.
import { z } from 'zod';
import { exportTable, type ExportColumn, type ExportColumnType } from '../store/table-export.js';
import type { Report } from './report.js';

export const REPORT_FORMATS = ['json', 'csv', 'parquet'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const Format = z
  .enum(REPORT_FORMATS)
  .default('json')
  .describe(
    'json (the whole result), csv or parquet (the report as a table, as the CLI prints it)',
  );

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/** The table's columns in first-seen order, each typed by its values (mixed or text: VARCHAR). */
export function columnsOf(rows: readonly Record<string, unknown>[]): ExportColumn[] {
  const seen = new Map<string, Set<string>>();
  for (const r of rows)
    for (const [k, v] of Object.entries(r)) {
      const kinds = seen.get(k) ?? new Set<string>();
      if (v !== null && v !== undefined)
        kinds.add(typeof v === 'number' ? (Number.isSafeInteger(v) ? 'int' : 'float') : typeof v);
      seen.set(k, kinds);
    }
  return [...seen].map(([name, kinds]): ExportColumn => {
    const only = (...ks: string[]) => [...kinds].every((k) => ks.includes(k));
    const type: ExportColumnType =
      kinds.size === 0
        ? 'VARCHAR'
        : only('int')
          ? 'BIGINT'
          : only('int', 'float')
            ? 'DOUBLE'
            : only('boolean')
              ? 'BOOLEAN'
              : 'VARCHAR';
    return { name, type };
  });
}

/** A value as its column wants it: numbers and booleans as they are in their own columns, else text. */
const cell = (v: unknown, type: ExportColumnType): unknown =>
  v === null || v === undefined
    ? null
    : type !== 'VARCHAR'
      ? v
      : typeof v === 'string'
        ? v
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v as number | boolean | bigint);

/** The body, its Content-Type, and the file name it would be saved as. */
export async function renderReport(
  report: Report,
  result: unknown,
  params: Parameters<Report['table']>[1],
  format: ReportFormat,
): Promise<{ body: Buffer | string; contentType: string; filename: string }> {
  const filename = `${report.name}.${format}`;
  const contentType = CONTENT_TYPES[format];
  if (format === 'json') return { body: JSON.stringify(result), contentType, filename };
  const { rows } = report.table(result, params);
  const columns = columnsOf(rows);
  if (columns.length === 0 && format === 'csv') return { body: '', contentType, filename };
  // Parquet needs a column: a report with no rows has a placeholder one, and no rows
  const cols = columns.length ? columns : [{ name: 'no_rows', type: 'BOOLEAN' as const }];
  const typed = rows.map((r) =>
    Object.fromEntries(cols.map((c) => [c.name, cell(r[c.name], c.type)])),
  );
  return { body: await exportTable(cols, typed, format), contentType, filename };
}
