// The privacy key on ClickHouse: made once and read back the same by every opener, including openers
// racing on an empty database; a database with tombstones and no key is refused, not given a new key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import type { ChStore } from './events.js';
import { migrateClickHouse } from './migrate.js';
import { loadPrivacyKey, PRIVACY_KEY_TABLE } from './privacy-key.js';

test(
  'the privacy key is made once; racing openers agree on it; tombstones without a key are refused',
  { timeout: 60_000 },
  async () => {
    const ch = await openTestChdb();
    try {
      const s: ChStore = { conn: ch.conn, database: ch.database };
      await migrateClickHouse(s.conn, { database: s.database });
      const racing = await Promise.all([loadPrivacyKey(s), loadPrivacyKey(s), loadPrivacyKey(s)]);
      assert.match(racing[0], /^[0-9a-f]{64}$/);
      assert.deepEqual(new Set(racing).size, 1, 'every opener takes the same key');
      assert.equal(await loadPrivacyKey(s), racing[0], 'read back, not made again');

      await s.conn.command(`TRUNCATE TABLE ${s.database}.${PRIVACY_KEY_TABLE}`);
      await s.conn.insert(`${s.database}.erased_identifiers`, [
        {
          workspace_id: 'w',
          kind: 'email',
          key_hash: 'ab'.repeat(32),
          erased_at: '2026-01-01T00:00:00.000Z',
          erasure_id: 'e1',
        },
      ]);
      await assert.rejects(loadPrivacyKey(s), /holds tombstones of erased persons keyed with it/);
      const [row] = await s.conn.query<{ n: number }>(
        `SELECT count() AS n FROM ${s.database}.${PRIVACY_KEY_TABLE}`,
      );
      assert.equal(row?.n, 0, 'no new key was made');
    } finally {
      await ch.close();
    }
  },
);
