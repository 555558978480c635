// The store a CLI or server that a test runs as a child process opens, on the engine the suite runs on.
// On duckdb the child opens the DuckDB file under its data directory, as the test does. On clickhouse
// the test's data lives in the test process's chdb, which no other process can open (one process per
// chdb directory), so the child reaches the same database (testDatabaseName, as openTestStore names it)
// through one ClickHouse HTTP endpoint per test process: the real client in the child, chdb in the test.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/config.js';
import type { ClickHouseHttpEndpoint } from './clickhouse-http-endpoint.js';
import { childTestDatabase, testEngine } from './store.js';

let shared: Promise<ClickHouseHttpEndpoint> | undefined;

/** The process's endpoint, started on first use; it does not keep the process alive and goes with it. */
function sharedEndpoint(): Promise<ClickHouseHttpEndpoint> {
  shared ??= (async () => {
    // loaded only on this engine (chdb is an optional package)
    const { startClickHouseHttpEndpoint } = await import('./clickhouse-http-endpoint.js');
    const endpoint = await startClickHouseHttpEndpoint({
      user: 'child',
      password: randomBytes(12).toString('hex'),
      unref: true,
    });
    process.on('exit', () => void endpoint.close());
    return endpoint;
  })();
  return shared;
}

/**
 * The environment a child process needs to open the store openTestStore(dataDir) opens: nothing on
 * duckdb; on clickhouse, CLOSEDLOOP_STORE naming `dataDir`'s database at the process's endpoint.
 */
export async function testStoreEnv(dataDir: string): Promise<Record<string, string>> {
  if (testEngine() === 'duckdb') return {};
  const database = await childTestDatabase(dataDir);
  const endpoint = await sharedEndpoint();
  const { host } = new URL(endpoint.url);
  return {
    CLOSEDLOOP_STORE: `clickhouse://${endpoint.user}:${endpoint.password}@${host}/${database}`,
  };
}

/**
 * testStoreEnv for a run of the CLI with these arguments, environment (over the process's) and working
 * directory: its data directory found as the CLI finds it (`--data-dir`, else CLOSEDLOOP_DATA_DIR, else
 * closedloop.config.json, else the default, relative to the working directory). Nothing when the test
 * names the store itself (CLOSEDLOOP_STORE or the config file's `store`), or when the configuration is
 * bad (the CLI then says so, as the test expects).
 */
export async function cliStoreEnv(
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<Record<string, string>> {
  if (testEngine() === 'duckdb') return {};
  const at = cwd ?? process.cwd();
  const dataDir = dataDirArg(args);
  let config;
  try {
    config = loadConfig({
      env: { ...process.env, ...env },
      cwd: at,
      overrides: dataDir === undefined ? {} : { dataDir },
    });
  } catch (err) {
    if (err instanceof ConfigError) return {};
    throw err;
  }
  if (config.store !== undefined) return {};
  return testStoreEnv(resolve(at, config.dataDir));
}

/** The value of `--data-dir X` or `--data-dir=X` among the arguments (the last one, as commander). */
function dataDirArg(args: readonly string[]): string | undefined {
  let found: string | undefined;
  args.forEach((a, i) => {
    if (a === '--data-dir' && i + 1 < args.length) found = args[i + 1];
    else if (a.startsWith('--data-dir=')) found = a.slice('--data-dir='.length);
  });
  return found;
}
