import { availableParallelism, totalmem } from 'node:os';

/** The smallest engine memory limit accepted: below it an import fails whatever its size (the JSON reader and the insert need about 120 MB of their own). */
export const MIN_MEMORY_LIMIT = 256 * 1000 ** 2;

// DuckDB's own convention: KB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024.
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** A size such as `2GB`, `1.5GiB`, `512MB` (or a whole number of bytes) in bytes; undefined when it is not one. */
export function parseByteSize(input: string | number): number | undefined {
  if (typeof input === 'number')
    return Number.isSafeInteger(input) && input > 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  if (!m) return undefined;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The memory this process may use: the machine's, or the container's (cgroup) limit when lower. */
export function machineMemory(): number {
  const total = totalmem();
  // process.constrainedMemory() (Node 19.6+) is the cgroup limit, 0 or a huge number when there is none
  const constrained =
    typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * Half of the machine: the engine's share when nothing is set. The other half is left to the JavaScript
 * heap (identity resolution, credits), the page cache that reads the database file, and everything
 * else on the host.
 */
export function defaultMemoryLimit(): number {
  return Math.max(MIN_MEMORY_LIMIT, Math.floor(machineMemory() / 2 / 1000 ** 2) * 1000 ** 2);
}

/**
 * Engine threads for a memory limit: DuckDB gives each thread its own hash tables and sort runs, and
 * below about 1 GB per thread large joins and window sorts spill more than they gain from the extra
 * core. At least one; at most the cores this process may use.
 */
export function threadsFor(memoryLimit: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(memoryLimit / 1000 ** 3)));
}

/** A size for people: `1.5 GB`, `512 MB`. */
export function formatByteSize(bytes: number): string {
  return bytes >= 1000 ** 3
    ? `${Number((bytes / 1000 ** 3).toFixed(2))} GB`
    : `${Math.round(bytes / 1000 ** 2)} MB`;
}
