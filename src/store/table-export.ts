// Tables written as files (a report's CSV and Parquet: reports/output.ts) by the embedded DuckDB's
// writers, whichever engine holds the data (engines/duckdb/table-export.ts says why).
export {
  exportTable,
  type ExportColumn,
  type ExportColumnType,
  type ExportFormat,
} from './engines/duckdb/duckdb-store.js';
