import { ConfigError, loadConfig, type Config, type ConfigOverrides } from '../config/config.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from './errors.js';

/** Config for a CLI command: bad config is a usage error (exit 2), every problem on its own line. */
export function cliConfig(overrides: ConfigOverrides = {}): Config {
  try {
    return loadConfig({ overrides });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration:\n  ${err.problems.join('\n  ')}`);
    throw err;
  }
}

/**
 * Opens the store named by --data-dir (or config), runs fn, always closes it. `memoryLimit` is the
 * command's --memory-limit flag, when it has one.
 */
export async function withStore<T>(dataDir: string | undefined, fn: (store: Store) => Promise<T>, memoryLimit?: string): Promise<T> {
  const config = cliConfig({ dataDir, memoryLimit });
  let store: Store;
  try {
    store = await openStore(config.dataDir, { memoryLimit: config.memoryLimit });
  } catch (err) {
    // DuckDB allows one process per database file
    if (/lock/i.test((err as Error).message)) {
      throw new UsageError(`the data directory ${config.dataDir} is in use by another process (a running server?); stop it first`, '--data-dir');
    }
    throw err;
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Prints a value as JSON (for scripts) or as aligned text columns (for people). */
export function printRows(rows: Record<string, unknown>[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(cols)}\n${rows.map((r) => line(cols.map((c) => cell(r[c])))).join('\n')}\n`);
}
