// ClickHouse connections for tests. chdb holds one data directory per process, so every test file shares
// one embedded engine under a temporary directory, and each test gets a database of its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChdbConnection } from '../store/engines/clickhouse/chdb-connection.js';
import type { ClickHouseConnection } from '../store/engines/clickhouse/connection.js';
import type { ChStore } from '../store/engines/clickhouse/events.js';
import { migrateClickHouse } from '../store/engines/clickhouse/migrate.js';
import type { Db } from '../store/engines/duckdb/connection.js';
import { duckDbOf } from '../store/engines/duckdb/duckdb-store.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { tempDir } from './tmp.js';

let dataDir: string | undefined;

/** The process's chdb data directory (removed when the process exits). */
export function chdbTestDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'closedloop-chdb-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  return dataDir;
}

/** A fresh database name (ClickHouse identifiers: letters, digits, underscores). */
export function freshDatabase(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A chdb connection and a database of the test's own, dropped again by `close`. */
export async function openTestChdb(): Promise<{
  conn: ClickHouseConnection;
  database: string;
  close(): Promise<void>;
}> {
  const conn = await openChdbConnection(chdbTestDir());
  const database = freshDatabase();
  await conn.command(`CREATE DATABASE ${database}`);
  return {
    conn,
    database,
    async close() {
      await conn.command(`DROP DATABASE IF EXISTS ${database}`);
      await conn.close();
    },
  };
}

/** What a cross-engine test gets: a DuckDB Store and a migrated ClickHouse database, side by side. */
export interface BothEngines {
  duck: Store;
  /** The DuckDB engine's database under `duck` (for rows a test writes directly). */
  duckDb: Db;
  ch: ChStore;
  dir: string;
}

/**
 * Runs `fn` with a DuckDB store (its workspace `workspaceId` created when given) and a ClickHouse
 * database with the schema applied; both are closed and removed after.
 */
export async function withBothEngines(
  fn: (e: BothEngines) => Promise<void>,
  opts: { workspaceId?: string } = {},
): Promise<void> {
  const { dir, cleanup } = tempDir();
  // DuckDB whatever the suite's engine (CLOSEDLOOP_TEST_ENGINE): the side ClickHouse is compared with
  const duck = await openStore(join(dir, 'duck'));
  const ch = await openTestChdb();
  try {
    if (opts.workspaceId)
      await duck.createWorkspace({
        id: opts.workspaceId,
        name: opts.workspaceId,
        currency: 'USD',
        timezone: 'UTC',
        writeKey: `wk_${opts.workspaceId}`,
        secretKeyHash: `h_${opts.workspaceId}`,
      });
    await migrateClickHouse(ch.conn, { database: ch.database });
    await fn({ duck, duckDb: duckDbOf(duck)!, ch: { conn: ch.conn, database: ch.database }, dir });
  } finally {
    await duck.close();
    await ch.close();
    cleanup();
  }
}
