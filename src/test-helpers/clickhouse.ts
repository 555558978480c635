// ClickHouse connections for tests. chdb holds one data directory per process, so every test file shares
// one embedded engine under a temporary directory, and each test gets a database of its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChdbConnection } from '../store/engines/clickhouse/chdb-connection.js';
import type { ClickHouseConnection } from '../store/engines/clickhouse/connection.js';

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
