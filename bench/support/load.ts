// Runs bulk-load-worker.ts in a child process (so peak RSS is the load's own) and reads its result.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface LoadRun {
  seconds: number;
  events: number;
  peakRssMiB: number;
}

/**
 * `mode` as bulk-load-worker.ts; `memoryLimit` (e.g. '2GB') sets CLOSEDLOOP_MEMORY_LIMIT for the child,
 * `store` its CLOSEDLOOP_STORE (DuckDB when not given, whatever this process's environment says).
 */
export function loadInChild(
  mode: 'native' | 'store' | 'cli' | 'rebuild',
  args: string[],
  memoryLimit?: string,
  store?: string,
): LoadRun {
  if (mode !== 'rebuild') mkdirSync(args[1]!, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, CLOSEDLOOP_STORE: store ?? 'duckdb' };
  if (memoryLimit !== undefined) env.CLOSEDLOOP_MEMORY_LIMIT = memoryLimit;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'bulk-load-worker.ts'), mode, ...args],
    {
      encoding: 'utf8',
      env,
      maxBuffer: 64 * 2 ** 20,
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(
      `${mode} load${store ? ` on ${store}` : ''} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`,
    );
  return JSON.parse(line) as LoadRun;
}
