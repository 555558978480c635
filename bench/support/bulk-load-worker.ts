// One load in a fresh process, so its peak memory is its own. The engine is the one CLOSEDLOOP_STORE names
// (DuckDB, or ClickHouse embedded through chdb:///path: one chdb data directory per process). Modes:
//   native FILE DIR      the engine's own JSON reader into a table of its choosing (the baseline): DuckDB's
//                        read_ndjson, or ClickHouse's file(..., JSONEachRow) into a MergeTree table at the
//                        chdb path
//   store FILE DIR       the store's import alone (validation, normalisation, de-duplication), no derive
//   cli FILE DIR         `closedloop import events FILE --workspace W` end to end: import, then the derive
//   rebuild DIR          `closedloop rebuild` over what `cli` left in DIR
// DuckDB's memory limit is CLOSEDLOOP_MEMORY_LIMIT (or the default) in every mode, the native one
// included; ClickHouse's store does not take that limit, so neither does its native load. Prints {"seconds", "events", "peakRssMiB"}.
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { runCli } from '../../src/cli/main.js';
import { openChdbConnection } from '../../src/store/engines/clickhouse/chdb-connection.js';
import { openStore } from '../../src/store/open.js';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { threadsFor } from '../../src/util/memory-limit.js';

const [mode, a, b] = process.argv.slice(2) as [string, string, string | undefined];
const { memoryLimit, store: storeUrl } = loadConfig({ env: process.env, overrides: {} });
const location = parseStoreUrl(storeUrl);
const storeOptions = { memoryLimit, store: storeUrl };
const WS = {
  id: 'ws_bench',
  name: 'bench',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk_bench',
  secretKeyHash: 'h',
};

async function countIn(dir: string): Promise<number> {
  const store = await openStore(dir, storeOptions);
  try {
    return await store.countEvents(WS.id);
  } finally {
    await store.close();
  }
}

async function cli(args: string[]): Promise<void> {
  const code = await runCli(args);
  if (code !== 0) throw new Error(`closedloop ${args.join(' ')}: exit ${code}`);
}

/** ClickHouse's own reader: the file's schema inferred, every row into a MergeTree table. */
async function nativeClickHouse(
  file: string,
  path: string,
): Promise<{ seconds: number; events: number }> {
  const t0 = performance.now();
  const conn = await openChdbConnection(path);
  try {
    // a ClickHouse string literal: backslashes and quotes escaped
    const literal = `'${file.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    await conn.command(
      `CREATE TABLE events ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file(${literal}, JSONEachRow)`,
    );
    const seconds = (performance.now() - t0) / 1000;
    const [row] = await conn.query<{ n: number }>('SELECT count() AS n FROM events');
    return { seconds, events: Number(row?.n) };
  } finally {
    await conn.close();
  }
}

let seconds: number;
let events: number;
if (mode === 'native' && location.engine === 'chdb') {
  ({ seconds, events } = await nativeClickHouse(a, location.path));
} else if (mode === 'native' && location.engine !== 'duckdb') {
  throw new Error('native: a ClickHouse server has no bench baseline here (chdb:///path only)');
} else if (mode === 'native') {
  const [file, dir] = [a, b!];
  const t0 = performance.now();
  const db = await DuckDBInstance.create(join(dir, 'native.duckdb'), {
    memory_limit: `${Math.floor(memoryLimit / 1024)}KiB`,
    threads: String(threadsFor(memoryLimit)),
    temp_directory: join(dir, 'spill'),
  });
  const c = await db.connect();
  await c.run(`CREATE TABLE events AS SELECT * FROM read_ndjson('${file.replaceAll("'", "''")}')`);
  await c.run('CHECKPOINT');
  seconds = (performance.now() - t0) / 1000;
  events = Number(
    (await c.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjectsJson()[0]?.n,
  );
  c.closeSync();
} else if (mode === 'store') {
  const [file, dir] = [a, b!];
  const t0 = performance.now();
  const store = await openStore(dir, storeOptions);
  await store.createWorkspace(WS);
  events = (await store.importEventsFile(WS.id, file)).inserted;
  await store.close(); // includes the checkpoint
  seconds = (performance.now() - t0) / 1000;
} else if (mode === 'cli') {
  const [file, dir] = [a, b!];
  const store = await openStore(dir, storeOptions);
  await store.createWorkspace(WS);
  await store.close();
  const t0 = performance.now();
  await cli(['import', 'events', file, '--workspace', WS.id, '--data-dir', dir, '--json']);
  seconds = (performance.now() - t0) / 1000;
  events = await countIn(dir);
} else if (mode === 'rebuild') {
  const dir = a;
  const t0 = performance.now();
  await cli(['rebuild', '--data-dir', dir, '--json']);
  seconds = (performance.now() - t0) / 1000;
  events = await countIn(dir);
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(
  `\n${JSON.stringify({ seconds, events, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
