// Which data engines a bench measures, BENCH_ENGINES=duckdb,clickhouse (both by default), and where the
// embedded ClickHouse (chdb) keeps a bench store's data. chdb holds one data directory per process, so
// every ClickHouse measurement runs in a child process of its own.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type BenchEngine = 'duckdb' | 'clickhouse';

const KNOWN: readonly BenchEngine[] = ['duckdb', 'clickhouse'];

/** The engines BENCH_ENGINES names, in DuckDB-then-ClickHouse order; both when unset. */
export function benchEngines(value = process.env.BENCH_ENGINES): BenchEngine[] {
  const named = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (named.length === 0) return [...KNOWN];
  for (const n of named)
    if (!(KNOWN as readonly string[]).includes(n))
      throw new Error(`BENCH_ENGINES: unknown engine "${n}" (duckdb, clickhouse)`);
  return KNOWN.filter((k) => named.includes(k));
}

/**
 * The store URL of ClickHouse embedded (chdb) for a bench data directory: its data in `clickhouse/`
 * under it, beside the DuckDB file that keeps the control plane.
 */
export function chdbStoreUrl(dataDir: string): string {
  // the path %-escaped as a file URL's, so any directory name reads back intact (store-url.ts decodes it)
  return `chdb://${pathToFileURL(join(resolve(dataDir), 'clickhouse')).pathname}`;
}

/** "1.37x" for a ratio in notes. */
export const times = (ratio: number): string => `${ratio.toFixed(2)}x`;
