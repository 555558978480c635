import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from './store.js';
import { DuckDbStore } from './engines/duckdb/duckdb-store.js';

export const DB_FILE = 'closedloop.duckdb';

/** Opens (creating if needed) the embedded store under a data directory and applies migrations. */
export async function openStore(dataDir: string): Promise<Store> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  return DuckDbStore.open(join(dir, DB_FILE));
}
