import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ControlStore } from './control.js';
import { joinStore } from './join.js';
import type { Store } from './store.js';
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
}

/** True for a URL the control plane can live at (PostgreSQL). */
export function isControlUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens (creating if needed) the store: the data plane in the DuckDB file under the data directory, the
 * control plane in PostgreSQL when `control` names it (else in the same file), each migrated. Throws
 * StoreUnavailable (naming the URL without its password) when PostgreSQL is down or refuses.
 */
export async function openStore(dataDir: string, opts: StoreOptions = {}): Promise<Store> {
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
  try {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    const memoryLimit = opts.memoryLimit ?? defaultMemoryLimit();
    const tempDirectory = join(dir, SPILL_DIR);
    mkdirSync(tempDirectory, { recursive: true });
    const duck = await openDuckDbStore(join(dir, DB_FILE), {
      memoryLimit,
      threads: threadsFor(memoryLimit),
      tempDirectory,
    });
    return joinStore(control ?? duck.control, duck.data);
  } catch (err) {
    await control?.close();
    throw err;
  }
}
