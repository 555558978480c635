import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  ForeignRows,
  migrateToClickHouse,
  TargetUnavailable,
  type MigrateOptions,
  type MigrationProgress,
  type MigrationResult,
} from '../../store/migrate-data.js';
import { DB_FILE, openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { parseStoreUrl, StoreUrlError } from '../../store/store-url.js';
import { StoreUnavailable } from '../../store/types.js';
import { cliConfig, printRows } from '../context.js';
import { UsageError } from '../errors.js';
import { findServer } from '../server-client.js';

export interface MigrateCommandOptions {
  to: string;
  workspace?: string;
  dataDir?: string;
  memoryLimit?: string;
  chunkRows?: string;
  replace?: boolean;
  json?: boolean;
}

const TARGETS = 'clickhouse://user:password@host:8123/database, clickhouses://... or chdb:///path';

/**
 * `closedloop migrate`: the DuckDB file of the data directory into a ClickHouse store. Exported so tests
 * run it in their own process (chdb holds one data directory per process); `hooks` stop a run midway.
 */
export async function runMigrate(
  o: MigrateCommandOptions,
  hooks: Pick<MigrateOptions, 'afterChunkStored'> = {},
): Promise<MigrationResult> {
  const target = targetOf(o.to);
  const chunkRows = o.chunkRows === undefined ? undefined : positive(o.chunkRows, '--chunk-rows');
  const config = cliConfig({
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.memoryLimit === undefined ? {} : { memoryLimit: o.memoryLimit }),
  });
  // local only: the copy reads the DuckDB file, which a running server holds
  const server = await findServer(config.dataDir);
  if (server)
    throw new UsageError(
      `the server at ${server.url} holds the data directory ${config.dataDir}: stop it first (migrate reads the DuckDB file itself)`,
      '--data-dir',
    );
  if (!existsSync(join(config.dataDir, DB_FILE)))
    throw new UsageError(`no DuckDB data file in ${config.dataDir}`, '--data-dir');
  const store = await openSource(config.dataDir, config.memoryLimit, config.control);
  const bar = !o.json && process.stderr.isTTY ? progressBar() : undefined;
  try {
    if (o.workspace !== undefined && !(await store.getWorkspace(o.workspace)))
      throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
    return await migrateToClickHouse(store, target, {
      ...(o.workspace === undefined ? {} : { workspaceId: o.workspace }),
      ...(chunkRows === undefined ? {} : { chunkRows }),
      replace: Boolean(o.replace),
      ...(bar ? { onProgress: bar.update } : {}),
      ...hooks,
    });
  } catch (err) {
    if (err instanceof TargetUnavailable || err instanceof ForeignRows)
      throw new UsageError(err.message, '--to');
    throw err;
  } finally {
    bar?.stop();
    await store.close();
  }
}

function targetOf(url: string) {
  try {
    const target = parseStoreUrl(url);
    if (target.engine === 'duckdb')
      throw new UsageError(`the target is a ClickHouse store: ${TARGETS}`, '--to');
    return target;
  } catch (err) {
    if (err instanceof StoreUrlError) throw new UsageError(err.message, '--to');
    throw err;
  }
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`"${text}" is not a positive whole number`, flag);
  return n;
}

/**
 * The data directory's DuckDB file, whatever CLOSEDLOOP_STORE names (that is where the data goes, not
 * where it is), with the control plane the configuration names.
 */
async function openSource(
  dataDir: string,
  memoryLimit: number | undefined,
  control: string | undefined,
): Promise<Store> {
  try {
    return await openStore(dataDir, {
      ...(memoryLimit === undefined ? {} : { memoryLimit }),
      ...(control === undefined ? {} : { control }),
    });
  } catch (err) {
    if (err instanceof StoreUnavailable) throw new UsageError(err.message, 'CLOSEDLOOP_CONTROL');
    if (/lock/i.test((err as Error).message))
      throw new UsageError(
        `the data directory ${dataDir} is in use by another process (a running server?); stop it first`,
        '--data-dir',
      );
    throw err;
  }
}

/** A bar on stderr: rows copied, then rows read back on both sides while verifying. */
function progressBar(): { update: (p: MigrationProgress) => void; stop: () => void } {
  const bar = new SingleBar(
    { format: ' {phase} {bar} {value}/{total} rows | {table}', hideCursor: true },
    Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update: (p) => {
      const payload = { phase: p.phase === 'copy' ? 'copying  ' : 'verifying', table: p.table };
      if (phase !== p.phase) {
        if (phase !== undefined) bar.stop();
        bar.start(Math.max(p.total, 1), p.done, payload);
        phase = p.phase;
      } else bar.update(p.done, payload);
    },
    stop: () => bar.stop(),
  };
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'Move the data of the DuckDB file (every workspace, or one) into a ClickHouse store, then verify each table',
    )
    .requiredOption('--to <url>', `the target store: ${TARGETS}`)
    .option('--workspace <id>', 'only this workspace')
    .option('--data-dir <dir>', 'data directory')
    .option(
      '--memory-limit <size>',
      "cap on DuckDB's memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)",
    )
    .option('--chunk-rows <n>', 'rows per chunk copied (default 20000)')
    .option(
      '--replace',
      'copy again what the target holds of these workspaces (rows it holds that this migration did not write are otherwise refused, and finished tables skipped)',
    )
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
What moves: every data table (events, dead letters, identity links, erasures and their tombstones,
the redaction log, and the derived tables as they are, so every report answers the same); the privacy
key goes with the tombstones. What stays: workspaces, their keys and settings, and leases (the control
plane) stay where the control plane is (the DuckDB file, or CLOSEDLOOP_CONTROL's PostgreSQL).

The server must be stopped: migrate reads the DuckDB file itself. A run that stops midway (a crash, a
lost connection) is continued by running the same command again: nothing is copied twice. Each table
is then verified: rows and a checksum of every row, read again from both sides; a difference fails
the command (exit 3) naming the table and both figures.`,
    )
    .action(async (o: MigrateCommandOptions) => {
      const r = await runMigrate(o);
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        process.stdout.write(`${r.workspaces} workspace(s) to ${r.target}\n`);
        printRows(
          r.tables.map((t) => ({
            table: t.table,
            copied: t.copied,
            duckdb: t.source.rows,
            clickhouse: t.target.rows,
            checksum: t.target.checksum,
            verified: t.ok ? 'yes' : 'NO',
          })),
          false,
        );
      }
      for (const m of r.mismatches) process.stderr.write(`error: ${m}\n`);
      if (r.mismatches.length > 0) process.exitCode = 3;
    });
}
