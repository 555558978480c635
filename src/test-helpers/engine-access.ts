// What a test reads or writes past the Store interface, on whichever engine the store runs (the
// conformance suite's CLOSEDLOOP_TEST_ENGINE): a query written once (neutral sql) run by the store's own
// connection, and dead letters written as an earlier version might have left them.
import { chStoreOf } from '../store/engines/clickhouse/clickhouse-store.js';
import { queryNeutral as chQueryNeutral } from '../store/engines/clickhouse/dialect.js';
import {
  insertDeadLetters as chInsertDeadLetters,
  type RefusedLine,
} from '../store/engines/clickhouse/events.js';
import { insertDeadLetters as duckInsertDeadLetters } from '../store/engines/duckdb/dead-letters-repo.js';
import { queryNeutral as duckQueryNeutral } from '../store/engines/duckdb/dialect.js';
import type { Sql } from '../store/engines/neutral/sql.js';
import type { Store } from '../store/store.js';
import { dbOf } from './scan-db.js';

/** The rows of a query written once, run on the store's data engine (tests only). */
export async function queryData(store: Store, q: Sql): Promise<Record<string, unknown>[]> {
  const ch = chStoreOf(store);
  if (ch) return chQueryNeutral(ch.conn, ch.database, q);
  return duckQueryNeutral(dbOf(store), q);
}

/** Stores lines of journal segment `source` as dead letters, as the engine's journal load does. */
export async function addDeadLetters(
  store: Store,
  source: string,
  letters: readonly RefusedLine[],
): Promise<void> {
  const ch = chStoreOf(store);
  if (ch) return chInsertDeadLetters(ch, source, letters);
  await dbOf(store).transaction((c) => duckInsertDeadLetters(c, source, letters));
}
