// The conformance suite's one switch: store and report tests open their store here, and
// CLOSEDLOOP_TEST_ENGINE chooses the engine (duckdb, the default, is the only one so far; clickhouse
// comes with issue 14). Engine internals keep their own tests in their engine folder.
import { openStore, type StoreLimits } from '../store/open.js';
import type { Store } from '../store/store.js';

export const TEST_ENGINES = ['duckdb'] as const;

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

/** A store for a test, on the engine the suite runs on, under `dir`. */
export function openTestStore(dir: string, limits?: StoreLimits): Promise<Store> {
  testEngine();
  return openStore(dir, limits);
}
