// `closedloop migrate`: the DuckDB file's data moved into a ClickHouse store and verified. The work is
// the engines' (engines/migration/, which reads one engine and writes the other); this is its entrance.
export {
  ForeignRows,
  migrateToClickHouse,
  TargetUnavailable,
  type MigrateOptions,
  type MigrationProgress,
  type MigrationResult,
  type TableCheck,
} from './engines/migration/migration-store.js';
