// The embedded engine: chdb runs ClickHouse inside this process. It allows one data directory per
// process, so connections to the same path share one session (counted), and a second path is refused
// with a clear error instead of chdb's.
import { resolve } from 'node:path';
import {
  PINNED_SETTINGS,
  parseClickHouseError,
  parseJsonEachRow,
  toJsonEachRow,
  type ClickHouseConnection,
  type InsertRows,
  type QueryParams,
} from './connection.js';

type ChdbModule = typeof import('chdb');
type ChdbSession = InstanceType<ChdbModule['Session']>;

let shared: { path: string; session: ChdbSession; users: number } | undefined;

/** Loads chdb, an optional dependency: only the embedded ClickHouse mode and its tests need it. */
async function loadChdb(): Promise<ChdbModule> {
  try {
    return await import('chdb');
  } catch {
    throw new Error(
      'the embedded ClickHouse engine needs the optional package chdb: npm install chdb (Linux glibc or macOS)',
    );
  }
}

/** Opens (or joins) the process's chdb session on a data directory. */
export async function openChdbConnection(path: string): Promise<ClickHouseConnection> {
  const dir = resolve(path);
  if (shared && shared.path !== dir)
    throw new Error(
      `chdb holds one data directory per process: ${shared.path} is open, ${dir} cannot be`,
    );
  if (!shared) {
    const { Session } = await loadChdb();
    const connectionArgs = Object.entries(PINNED_SETTINGS).map(([k, v]) => `--${k}=${v}`);
    shared = { path: dir, session: new Session(dir, { connectionArgs }), users: 0 };
  }
  shared.users++;
  const session = shared.session;
  let closed = false;

  const run = async (sql: string, params?: QueryParams, format = 'JSONEachRow') => {
    if (closed) throw new Error('the chdb connection is closed');
    try {
      const result =
        params && Object.keys(params).length > 0
          ? await session.queryBindAsync(sql, params, { format })
          : await session.queryAsync(sql, { format });
      return result.text();
    } catch (e) {
      throw parseClickHouseError(e instanceof Error ? e.message : String(e));
    }
  };

  return {
    kind: 'chdb',
    async query<T>(sql: string, params?: QueryParams): Promise<T[]> {
      return parseJsonEachRow<T>(await run(sql, params));
    },
    async command(sql: string, params?: QueryParams): Promise<void> {
      await run(sql, params);
    },
    async insert(table: string, rows: InsertRows, columns?: readonly string[]): Promise<void> {
      if (closed) throw new Error('the chdb connection is closed');
      const values = toJsonEachRow(rows);
      if (values.length === 0) return;
      try {
        await session.insert({
          table,
          values,
          format: 'JSONEachRow',
          ...(columns ? { columns } : {}),
        });
      } catch (e) {
        throw parseClickHouseError(e instanceof Error ? e.message : String(e));
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (shared && --shared.users === 0) {
        shared.session.close();
        shared = undefined;
      }
    },
  };
}
