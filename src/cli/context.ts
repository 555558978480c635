import { ConfigError, loadConfig, type Config, type ConfigOverrides } from '../config/config.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { StoreUrlError } from '../store/store-url.js';
import { StoreUnavailable } from '../store/types.js';
import { UsageError } from './errors.js';
import { asCliError, findServer, type ServerClient } from './server-client.js';
import { holdLeasesAs } from '../store/lease.js';

/** Config for a CLI command: bad config is a usage error (exit 2), every problem on its own line. */
export function cliConfig(overrides: ConfigOverrides = {}): Config {
  try {
    return loadConfig({ overrides });
  } catch (err) {
    if (err instanceof ConfigError)
      throw new UsageError(`invalid configuration:\n  ${err.problems.join('\n  ')}`);
    throw err;
  }
}

/**
 * The server holding the data directory named by --data-dir (or config), announced on stderr, or undefined
 * when none runs (then the command opens the store itself).
 */
export async function runningServer(
  dataDir: string | undefined,
): Promise<ServerClient | undefined> {
  const server = await findServer(cliConfig({ dataDir }).dataDir);
  if (server) process.stderr.write(`via the running server at ${server.url}\n`);
  return server;
}

/**
 * Runs a command through the running server (`remote`) or, with none, on the store it opens (`local`).
 * Error replies from the server become CLI errors; `flags` maps the field the server names to the flag.
 */
export async function withData<T>(
  dataDir: string | undefined,
  how: {
    local: (store: Store) => Promise<T>;
    remote: (server: ServerClient) => Promise<T>;
    flags?: Record<string, string>;
    memoryLimit?: string;
  },
): Promise<T> {
  const server = await runningServer(dataDir);
  if (!server) return withStore(dataDir, how.local, how.memoryLimit);
  try {
    return await how.remote(server);
  } catch (err) {
    throw asCliError(err, how.flags);
  }
}

/**
 * Opens the store named by --data-dir (or config), runs fn, always closes it. `memoryLimit` is the
 * command's --memory-limit flag, when it has one. Every command that reads or changes data asks first
 * whether a server holds the data directory (withData, runningServer); one found here started since, and
 * the command exits 2 rather than wait for the database.
 */
export async function withStore<T>(
  dataDir: string | undefined,
  fn: (store: Store) => Promise<T>,
  memoryLimit?: string,
): Promise<T> {
  const config = cliConfig({ dataDir, memoryLimit });
  const server = await findServer(config.dataDir);
  if (server) {
    throw new UsageError(
      `the server at ${server.url} started on the data directory ${config.dataDir} meanwhile: run the command again to act through it`,
      '--data-dir',
    );
  }
  holdLeasesAs(config.dataDir);
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Opens the store the configuration names (data directory, data and control planes, memory cap). What
 * stops it from opening becomes a usage error (exit 2) saying what to fix: another process holding the
 * data directory, or a control database or ClickHouse that is down or refuses (named without its
 * password).
 */
export async function openConfiguredStore(config: Config): Promise<Store> {
  try {
    return await openStore(config.dataDir, {
      memoryLimit: config.memoryLimit,
      control: config.control,
      store: config.store,
    });
  } catch (err) {
    if (err instanceof StoreUnavailable)
      throw new UsageError(
        err.message,
        /^the control database /.test(err.target) ? 'CLOSEDLOOP_CONTROL' : 'CLOSEDLOOP_STORE',
      );
    if (err instanceof StoreUrlError) throw new UsageError(err.message, 'CLOSEDLOOP_STORE');
    // DuckDB allows one process per database file
    if (/lock/i.test((err as Error).message)) {
      throw new UsageError(
        `the data directory ${config.dataDir} is in use by another process (a running server?); stop it first`,
        '--data-dir',
      );
    }
    throw err;
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
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `${line(cols)}\n${rows.map((r) => line(cols.map((c) => cell(r[c])))).join('\n')}\n`,
  );
}
