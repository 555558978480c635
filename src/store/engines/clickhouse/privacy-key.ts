// The install's privacy key on ClickHouse: the secret erased identifiers' tombstones are keyed with
// (erased.ts). DuckDB keeps it in privacy.key beside its file (one process owns that file). Several API
// processes share one ClickHouse, and every one of them must check loads against the same tombstones, so
// the key lives where they all read it: a one-row table of the store's database, made on the first open
// (not at the first erasure: a process that opened before another made the key would load an erased
// person's events unchecked). The price: a copy of the ClickHouse database carries the key with the
// tombstones, so a guessed identifier can be tested against them; guard such backups as the personal
// data they are (docs/scale-out.md).
import { randomBytes } from 'node:crypto';
import type { ChStore } from './events.js';
import { createTableSql } from './schema.js';

export const PRIVACY_KEY_TABLE = 'privacy_key';

const KEY = /^[0-9a-f]{64}$/;

/**
 * The store's privacy key, made if it has none. Two processes opening an empty database at once may both
 * write one: every process takes the earliest written (by the server's clock), so they agree. A database
 * with tombstones but no key is refused: its erased persons could no longer be recognised.
 */
export async function loadPrivacyKey(s: ChStore): Promise<string> {
  await s.conn.command(
    createTableSql(
      {
        name: PRIVACY_KEY_TABLE,
        note: 'the install secret the tombstones are keyed with (one row)',
        columns: ['key String', "created_at DateTime64(6, 'UTC') DEFAULT now64(6)"],
        engine: 'MergeTree',
        orderBy: ['created_at', 'key'],
      },
      { database: s.database },
    ),
  );
  const stored = await earliest(s);
  if (stored !== undefined) return stored;
  const [tombstones] = await s.conn.query<{ n: number }>(
    `SELECT count() AS n FROM (SELECT 1 FROM ${s.database}.erased_identifiers LIMIT 1)`,
  );
  if (Number(tombstones?.n ?? 0) > 0)
    throw new Error(
      `${s.database}.${PRIVACY_KEY_TABLE} is empty, but the store holds tombstones of erased persons keyed with it: restore it from a backup of the database`,
    );
  await s.conn.insert(`${s.database}.${PRIVACY_KEY_TABLE}`, [
    { key: randomBytes(32).toString('hex') },
  ]);
  const made = await earliest(s);
  if (made === undefined) throw new Error(`the privacy key written to ${s.database} is not there`);
  return made;
}

async function earliest(s: ChStore): Promise<string | undefined> {
  const rows = await s.conn.query<{ key: string }>(
    `SELECT key FROM ${s.database}.${PRIVACY_KEY_TABLE} ORDER BY created_at, key LIMIT 1`,
  );
  const key = rows[0]?.key;
  if (key !== undefined && !KEY.test(key))
    throw new Error(
      `${s.database}.${PRIVACY_KEY_TABLE} does not hold a privacy key (64 hex digits)`,
    );
  return key;
}
