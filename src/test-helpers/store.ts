// The conformance suite's one switch: store and report tests open their store here, and
// CLOSEDLOOP_TEST_ENGINE chooses the data engine: duckdb (the default) or clickhouse (the process's chdb,
// a database of the test directory's own, with the control plane in the DuckDB file under that directory,
// as `CLOSEDLOOP_STORE=chdb://...` without CLOSEDLOOP_CONTROL runs). Engine internals keep their own tests in
// their engine folder.
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE, openStore, type StoreLimits } from '../store/open.js';
import type { Store } from '../store/store.js';
import { tempDir } from './tmp.js';

export const TEST_ENGINES = ['duckdb', 'clickhouse'] as const;

/** The engine the suite runs on (CLOSEDLOOP_TEST_ENGINE), refused by name when this build has no such engine. */
export function testEngine(env: NodeJS.ProcessEnv = process.env): (typeof TEST_ENGINES)[number] {
  const name = env.CLOSEDLOOP_TEST_ENGINE ?? 'duckdb';
  const known = TEST_ENGINES.find((e) => e === name);
  if (!known)
    throw new Error(
      `CLOSEDLOOP_TEST_ENGINE=${name}: not an engine of this build (${TEST_ENGINES.join(', ')})`,
    );
  return known;
}

/**
 * How many runs a property test that loads and derives a workspace per run makes: such a run costs several
 * times more on the embedded ClickHouse (a database round trip per statement) than on DuckDB, so
 * ClickHouse makes an eighth of them (the same seed, so the same first cases): the runner gives a whole
 * file two minutes, which the full count overran on a loaded machine. PROPERTY_TIMEOUT_MS is for a file
 * run with a longer --test-timeout.
 */
export function storeRuns(duckdbRuns: number): number {
  return testEngine() === 'clickhouse' ? Math.max(5, Math.ceil(duckdbRuns / 8)) : duckdbRuns;
}
export const PROPERTY_TIMEOUT_MS = 600_000;

// Directories whose database a CLI or server run as a child was given (child-store.ts): a child with its
// control plane in PostgreSQL leaves no DuckDB file behind, so the file's absence no longer means new.
const givenToChildren = new Set<string>();

/**
 * The database of `dir` (testDatabaseName) for a child process, on the process's chdb: dropped first when
 * `dir` is new (no DuckDB file there, no child given it before), as openTestStore drops it.
 */
export async function childTestDatabase(dir: string): Promise<string> {
  const where = resolve(dir);
  const database = testDatabaseName(where);
  if (!existsSync(join(where, DB_FILE)) && !givenToChildren.has(where)) {
    const { chdbTestDir } = await import('./clickhouse.js');
    const { openChdbConnection } = await import('../store/engines/clickhouse/chdb-connection.js');
    const conn = await openChdbConnection(chdbTestDir());
    try {
      await conn.command(`DROP DATABASE IF EXISTS ${database}`);
    } finally {
      await conn.close();
    }
  }
  givenToChildren.add(where);
  return database;
}

/**
 * A store for a test, on the engine the suite runs on, under `dir`. On clickhouse its database is named
 * after `dir`, so a test that closes and reopens its store finds its data, as in DuckDB's file; a
 * database of the same name that an earlier test left (a directory of the same path) is dropped when
 * `dir` is new (or, without a DuckDB file there, given to a child: childTestDatabase). The databases go with
 * the process's chdb directory when the process exits.
 */
export async function openTestStore(dir: string, limits?: StoreLimits): Promise<Store> {
  if (testEngine() === 'duckdb') return openStore(dir, limits);
  // loaded only on this engine (chdb is an optional package)
  const { chdbTestDir } = await import('./clickhouse.js');
  const { openChdbConnection } = await import('../store/engines/clickhouse/chdb-connection.js');
  const chdbDir = chdbTestDir();
  const database = testDatabaseName(dir);
  if (!existsSync(join(resolve(dir), DB_FILE))) {
    const conn = await openChdbConnection(chdbDir);
    try {
      if (!givenToChildren.has(resolve(dir)))
        await conn.command(`DROP DATABASE IF EXISTS ${database}`);
    } finally {
      await conn.close();
    }
  }
  return openStore(dir, { ...limits, store: `chdb://${chdbDir}?database=${database}` });
}

/** The ClickHouse database (in the process's chdb) that openTestStore gives the store under `dir`. */
export function testDatabaseName(dir: string): string {
  return `store_${createHash('sha1').update(resolve(dir)).digest('hex').slice(0, 16)}`;
}

/** What a property test's run gets: its own workspace, and the bulk path to load events into it. */
export interface PropertyRun {
  store: Store;
  workspaceId: string;
  /** Writes the events as NDJSON and imports them (the production bulk path); returns how many loaded. */
  load(events: readonly unknown[]): Promise<number>;
}

/**
 * One store for a whole property test (opening one per run would dominate it), and a fresh workspace
 * for each run, so runs never see each other's rows.
 */
export async function withPropertyStore(
  fn: (nextRun: () => Promise<PropertyRun>) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  let run = 0;
  try {
    await fn(async () => {
      const workspaceId = `w${run++}`;
      await store.createWorkspace({
        id: workspaceId,
        name: workspaceId,
        currency: 'USD',
        timezone: 'UTC',
        writeKey: `k${workspaceId}`,
        secretKeyHash: `h${workspaceId}`,
      });
      return {
        store,
        workspaceId,
        async load(events) {
          const file = join(dir, `${workspaceId}.ndjson`);
          writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
          return (await store.importEventsFile(workspaceId, file)).inserted;
        },
      };
    });
  } finally {
    await store.close();
    cleanup();
  }
}
