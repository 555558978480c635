// Which data engines a bench measures, BENCH_ENGINES=duckdb,clickhouse (both by default), and where the
// embedded ClickHouse (chdb) keeps a bench store's data. chdb holds one data directory per process, so
// every ClickHouse measurement runs in a child process of its own.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseByteSize } from '../../src/util/memory-limit.js';

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

/**
 * DuckDB's memory cap for a bench's stores, BENCH_DERIVE_MEMORY_LIMIT (e.g. 4GB, read as
 * CLOSEDLOOP_MEMORY_LIMIT is): on a machine shared with other work, the product's default (half the
 * machine) may be more than is free. Undefined when unset: the product's default.
 */
export function benchMemoryLimit(
  value = process.env.BENCH_DERIVE_MEMORY_LIMIT,
): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new Error(`BENCH_DERIVE_MEMORY_LIMIT: not a size: ${value}`);
  return bytes;
}

export type DeriveSize = 'small' | 'large' | 'huge';

/**
 * The worlds BENCH_DERIVE_SIZES names (small, large, huge; all three by default, huge left out when
 * BENCH_DERIVE_HUGE_VISITORS is 0): `huge` alone lets one session afford the ~10M world.
 */
export function deriveSizes(value: string | undefined, hugeVisitors: number): Set<DeriveSize> {
  const known: readonly DeriveSize[] = ['small', 'large', 'huge'];
  const named = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const n of named)
    if (!(known as readonly string[]).includes(n))
      throw new Error(`BENCH_DERIVE_SIZES: unknown size "${n}" (small, large, huge)`);
  const sizes = new Set<DeriveSize>(named.length > 0 ? (named as DeriveSize[]) : known);
  if (hugeVisitors <= 0) sizes.delete('huge');
  if (sizes.size === 0) throw new Error('BENCH_DERIVE_SIZES: no world left to measure');
  return sizes;
}
