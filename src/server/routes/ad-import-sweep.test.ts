// Rows a file import staged and never recorded (its process died mid-read) are swept by the next import
// of the workspace once they are older than any import can take (issue 16, "nothing from a failed file is
// imported", and it does not stay behind either), on the engine under test: the dead import's rows go,
// a younger unrecorded import (a file still being read elsewhere) and every recorded import stay, and
// another workspace's staged rows are not touched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newAdCostImportId, type AdCostRow } from '../../store/areas/ad-costs.js';
import { fn, p, sql } from '../../store/engines/neutral/sql.js';
import { withDatabase } from '../../test-helpers/database-scan.js';
import { googleKeywordCsv } from '../../test-helpers/google-ads-csv.js';
import { openTestStore } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { importAdFile, STALE_STAGING_MS, sweepStaleAdImports } from './ad-costs.js';

const WS = 'ws_sweep';
const OTHER = 'ws_sweep_other';
const HOUR = 3_600_000;

const row = (day: string, campaign: string): AdCostRow => ({
  date: day,
  currency: 'USD',
  campaignId: campaign,
  campaignName: `Campaign ${campaign}`,
  adGroupId: null,
  adGroupName: null,
  adId: null,
  adName: null,
  keyword: null,
  matchType: null,
  impressions: 100,
  clicks: 10,
  costMicros: 5_000_000,
  conversions: 0,
  conversionValue: 0,
});

const staged = (importId: string) => ({
  importId,
  platform: 'google' as const,
  accountId: '1234567890',
});

test(
  'a dead import’s staged rows are swept by the next import; a young one and recorded ones stay',
  { timeout: 90_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const now = Date.now();
    const dead = newAdCostImportId(now - STALE_STAGING_MS - HOUR);
    const deadElsewhere = newAdCostImportId(now - STALE_STAGING_MS - HOUR);
    const young = newAdCostImportId(now - HOUR);
    const file = googleKeywordCsv({ from: '2026-01-01', days: 3, perDay: 4 });
    let importId: string | undefined;
    try {
      const store = await openTestStore(dir);
      try {
        await store.stageAdCosts(WS, staged(dead), [
          row('2026-02-01', 'a'),
          row('2026-02-02', 'a'),
        ]);
        await store.stageAdCosts(OTHER, staged(deadElsewhere), [row('2026-02-01', 'b')]);
        await store.stageAdCosts(WS, staged(young), [row('2026-02-03', 'c')]);
        const imported = await importAdFile(
          store,
          WS,
          { platform: 'google', account: '123-456-7890', file: 'f.csv' } as Parameters<
            typeof importAdFile
          >[2],
          Buffer.from(file.text),
          'f.csv',
        );
        assert.equal(imported.rows, file.rows);
        importId = imported.importId;
        // nothing more to sweep here; in the other workspace, nothing begun before the cut-off asked for
        assert.deepEqual(await sweepStaleAdImports(store, WS), []);
        assert.deepEqual(await sweepStaleAdImports(store, OTHER, now - 2 * STALE_STAGING_MS), []);
        assert.equal((await store.adCostImports(WS)).length, 1);
      } finally {
        await store.close();
      }
      const left = await withDatabase(dir, (q) =>
        q(sql`SELECT workspace_id, import_id, count(*) AS n FROM ${fn.table('ad_costs')}
          WHERE workspace_id IN (${p.text(WS)}, ${p.text(OTHER)})
          GROUP BY workspace_id, import_id ORDER BY workspace_id, import_id`),
      );
      const byImport = new Map(left.map((r) => [String(r.import_id), Number(r.n)]));
      assert.equal(byImport.get(dead), undefined, 'the dead import’s rows were swept');
      assert.equal(byImport.get(young), 1, 'a young unrecorded import is left to finish');
      assert.equal(byImport.get(deadElsewhere), 1, 'another workspace’s rows are not touched');
      assert.equal(byImport.get(importId!), file.rows);
      assert.equal(left.length, 3);
    } finally {
      cleanup();
    }
  },
);
