import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ControlStore } from './control.js';
import type { DataStore } from './data.js';
import { joinStore } from './join.js';
import type { Store } from './store.js';
import { parseStoreUrl } from './store-url.js';
import { openDuckDbStore } from './engines/duckdb/duckdb-store.js';
import { defaultMemoryLimit, threadsFor } from '../util/memory-limit.js';
import { withoutPassword } from '../util/url-password.js';

export const DB_FILE = 'closedloop.duckdb';
/** Where the engine spills what does not fit in its memory limit (emptied by the engine itself). */
export const SPILL_DIR = 'spill';

export interface StoreLimits {
  /** The engine's memory cap in bytes (default: half of the machine, as the config's default). */
  memoryLimit?: number;
}

export interface StoreOptions extends StoreLimits {
  /**
   * Where the control plane lives: a postgres:// URL (CLOSEDLOOP_CONTROL), or undefined for the DuckDB
   * file under the data directory.
   */
  control?: string;
  /**
   * Where the data plane lives (CLOSEDLOOP_STORE, read by store-url.ts): `duckdb` or undefined for the
   * DuckDB file under the data directory, `clickhouse://` or `clickhouses://` for a ClickHouse server,
   * `chdb:///path` for ClickHouse embedded in this process.
   */
  store?: string;
}

/** True for a URL the control plane can live at (PostgreSQL). */
export function isControlUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens (creating if needed) the store: the data plane where `store` names it (the DuckDB file under the
 * data directory by default, or ClickHouse, its database created if missing), the control plane in
 * PostgreSQL when `control` names it (else in the DuckDB file, for one process), each migrated. Throws
 * StoreUrlError for a store URL it cannot read, and StoreUnavailable (naming the URL without its
 * password) when PostgreSQL or ClickHouse is down or refuses.
 */
export async function openStore(dataDir: string, opts: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(opts.store);
  let control: ControlStore | undefined;
  if (opts.control !== undefined) {
    if (!isControlUrl(opts.control))
      throw new Error(
        `control: ${withoutPassword(opts.control)} is not a postgres:// or postgresql:// URL`,
      );
    // loaded only when used (the client costs every CLI start ~0.1 s); opened first, so a control
    // plane that is down stops the start before the data file is touched
    const { openPostgresControl } = await import('./engines/postgres/postgres-store.js');
    control = await openPostgresControl(opts.control);
  }
  let data: DataStore | undefined;
  try {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    if (location.engine !== 'duckdb') {
      // loaded only when used, as PostgreSQL's client (chdb, an optional package, only for chdb://)
      const { openClickHouseData } = await import('./engines/clickhouse/clickhouse-store.js');
      data = await openClickHouseData(location);
      if (control) return joinStore(control, data);
    }
    const duck = await openDuckDbStore(join(dir, DB_FILE), duckDbLimits(dir, opts));
    if (!data) return joinStore(control ?? duck.control, duck.data);
    // ClickHouse's data, the control plane in the local file: the file's data part owns the database
    return joinStore(localControl(duck.control, duck.data), data);
  } catch (err) {
    await data?.close();
    await control?.close();
    throw err;
  }
}

/** DuckDB's limits: the memory cap, threads to match, spilling under the data directory. */
function duckDbLimits(dir: string, opts: StoreLimits): Parameters<typeof openDuckDbStore>[1] {
  const memoryLimit = opts.memoryLimit ?? defaultMemoryLimit();
  const tempDirectory = join(dir, SPILL_DIR);
  mkdirSync(tempDirectory, { recursive: true });
  return { memoryLimit, threads: threadsFor(memoryLimit), tempDirectory };
}

/** The DuckDB file's control part on its own: closing it closes the file (whose data part goes unused). */
function localControl(control: ControlStore, file: DataStore): ControlStore {
  return { ...control, ready: () => file.ready(), close: () => file.close() };
}
