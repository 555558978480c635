// The install's privacy key goes with the tombstones of erased identifiers: they are keyed hashes, and a
// target checking loads with another key would not recognise them, so an erased person's re-sent events
// would load again. DuckDB keeps the key in privacy.key beside its file (loaded into a variable of its
// connections); the ClickHouse engine keeps it in a one-row table of its database, the earliest row
// winning (clickhouse/privacy-key.ts, whose table this writes: the same name and columns).
import type { ChStore } from '../clickhouse/events.js';
import { createTableSql } from '../clickhouse/schema.js';
import type { Db } from '../duckdb/connection.js';

const TABLE = 'privacy_key';
const KEY = /^[0-9a-f]{64}$/;

/**
 * Makes the target's key the DuckDB file's, when the file has one. A target with another key already is
 * refused when tombstones are to move (they could not be checked there); without tombstones to move,
 * the target keeps its own.
 */
export async function carryPrivacyKey(db: Db, ch: ChStore, tombstones: number): Promise<void> {
  const [row] = await db.query(`SELECT getvariable('closedloop_privacy_key') AS k`);
  const key = row?.k;
  if (typeof key !== 'string' || !KEY.test(key)) return;
  const table = `${ch.database}.${TABLE}`;
  await ch.conn.command(
    createTableSql(
      {
        name: TABLE,
        note: 'the install secret the tombstones are keyed with (one row)',
        columns: ['key String', "created_at DateTime64(6, 'UTC') DEFAULT now64(6)"],
        engine: 'MergeTree',
        orderBy: ['created_at', 'key'],
      },
      { database: ch.database },
    ),
  );
  const earliest = async () =>
    (
      await ch.conn.query<{ key: string }>(
        `SELECT key FROM ${table} ORDER BY created_at, key LIMIT 1`,
      )
    )[0]?.key;
  let stored = await earliest();
  if (stored === undefined) {
    await ch.conn.insert(table, [{ key }]);
    // a process that opened the target meanwhile may have made one first: the earliest wins
    stored = await earliest();
  }
  if (stored !== key && tombstones > 0)
    throw new Error(
      `the target's privacy key (${table}) is not this install's: the ${tombstones} tombstones of erased identifiers to move would not be recognised there (migrate into a database that has no key yet)`,
    );
}
