// A large ad-cost file is stored in batches as it is read, yet all or nothing (issue 16, "nothing from a
// failed file is imported"), on the engine under test: a keyword report of 30,000 rows (six batches)
// whose last row is bad is refused naming that line and column; while it was being read no read saw its
// rows, and afterwards the store holds exactly what it held before, in its tables too (no staged row
// left behind). The same period then imported whole replaces the earlier import's days it overlaps,
// never doubling them (checked by total).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdImportError } from '../../sources/ads/read-file.js';
import { fn, sql } from '../../store/engines/neutral/sql.js';
import type { Store } from '../../store/store.js';
import { withDatabase } from '../../test-helpers/database-scan.js';
import { googleKeywordCsv, piecesOf } from '../../test-helpers/google-ads-csv.js';
import { openTestStore } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { AD_IMPORT_BATCH, importAdFile } from './ad-costs.js';

const WS = 'ws_staged';
const YEAR = { from: '2026-01-01', to: '2026-12-31' };
const query = (file: string) =>
  ({ platform: 'google', account: '123-456-7890', file }) as Parameters<typeof importAdFile>[2];

async function visible(store: Store) {
  const rows = await store.adCosts(WS, YEAR);
  const imports = await store.adCostImports(WS);
  return { rows, imports };
}

test(
  'a large file failing on its last line leaves nothing; the period imported whole replaces, never doubles',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const early = googleKeywordCsv({ from: '2026-01-01', days: 10, perDay: 20 });
    const big = { from: '2026-01-05', days: 30, perDay: 1000 };
    const bad = googleKeywordCsv({ ...big, badCostOnLastRow: true });
    assert.ok(bad.rows > 2 * AD_IMPORT_BATCH, 'the failing file spans several batches');
    let stored: number | undefined;
    try {
      const store = await openTestStore(dir);
      try {
        const first = await importAdFile(
          store,
          WS,
          query('early.csv'),
          Buffer.from(early.text),
          'early.csv',
        );
        assert.equal(first.rows, early.rows);
        const before = await visible(store);
        assert.equal(before.rows.length, early.rows);

        // the reads while the bad file is being read, once more than two batches of it are past
        let during: Awaited<ReturnType<typeof visible>> | undefined;
        const half = Buffer.byteLength(bad.text) * 0.75;
        const source = async function* () {
          let sent = 0;
          for await (const piece of piecesOf(bad.text)) {
            if (during === undefined && sent > half) during = await visible(store);
            sent += piece.length;
            yield piece;
          }
        };
        await assert.rejects(
          importAdFile(store, WS, query('bad.csv'), source(), 'bad.csv'),
          (e: unknown) =>
            e instanceof AdImportError &&
            e.where === `line ${bad.lastRowLine}, column Cost` &&
            /not an amount: "12\.3\.4"/.test(e.reason),
        );
        assert.deepEqual(during, before, 'the staged rows were seen while the file was read');
        assert.deepEqual(await visible(store), before, 'the failed file changed what is in effect');

        const good = googleKeywordCsv(big);
        const r = await importAdFile(store, WS, query('good.csv'), piecesOf(good.text), 'good.csv');
        assert.equal(r.rows, good.rows);
        const after = await visible(store);
        assert.equal(after.imports.length, 2);
        // the early import's days before the new period stay; the days both cover are the new file's
        let expected = 0;
        for (const [day, micros] of early.microsByDay) if (day < big.from) expected += micros;
        for (const micros of good.microsByDay.values()) expected += micros;
        const total = after.rows.reduce((s, x) => s + x.costMicros, 0);
        assert.equal(total, expected);
        stored = early.rows + good.rows;
      } finally {
        await store.close();
      }
      // past the store: the table holds the two imports' rows and not one of the failed file's
      const left = await withDatabase(dir, (q) =>
        q(sql`SELECT count(*) AS n FROM ${fn.table('ad_costs')}`),
      );
      assert.equal(Number(left[0]!.n), stored);
    } finally {
      cleanup();
    }
  },
);
