import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from './store.js';
import { openDuckDbStore } from './engines/duckdb/duckdb-store.js';
import { defaultMemoryLimit, threadsFor } from '../util/memory-limit.js';

export const DB_FILE = 'closedloop.duckdb';
/** Where the engine spills what does not fit in its memory limit (emptied by the engine itself). */
export const SPILL_DIR = 'spill';

export interface StoreLimits {
  /** The engine's memory cap in bytes (default: half of the machine, as the config's default). */
  memoryLimit?: number;
}

/** Opens (creating if needed) the embedded store under a data directory and applies migrations. */
export async function openStore(dataDir: string, limits: StoreLimits = {}): Promise<Store> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const memoryLimit = limits.memoryLimit ?? defaultMemoryLimit();
  const tempDirectory = join(dir, SPILL_DIR);
  mkdirSync(tempDirectory, { recursive: true });
  return openDuckDbStore(join(dir, DB_FILE), {
    memoryLimit,
    threads: threadsFor(memoryLimit),
    tempDirectory,
  });
}
